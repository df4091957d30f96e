"""Benchmark: what a person waits for in a real browser (Playwright + headless Debian Chromium against
the app served by ``workbench run`` on 127.0.0.1), workspace of the shipped catalog + 500 synthetic
candidates with prices.

Figures (medians over repeated runs, with the spread min..max and the 25th/75th percentiles):

- first visit to Trade-offs in a fresh browser context until the winner is visible (target 2.0 s);
- a weight-slider move (keyboard, one step) until the ranking is re-rendered (300 ms) and until
  every element is fresh and every chart drawn (800 ms);
- a sidebar page switch until the page has settled (500 ms);
- an Economics section switch until it has settled (500 ms).

"Settled" = Streamlit's script state is ``notRunning`` (``[data-test-script-state]`` on stApp), no
element is stale (``[data-stale=true]``) and every Plotly chart has drawn its SVG. "Ranking
re-rendered" = the element naming the winner (``.st-key-decision-card`` or the ``1. name``
heading) is fresh after the rerun started. Times are measured inside the page (``performance.now()`` from
the pointerdown/keydown to the frame where the condition first holds, polled every animation frame),
so Playwright's own round trips are not in them; the first visit is timed from ``page.goto``. The first repetitions of each loop warm caches and
are reported but not in the median (``warmup``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # playwright is a test-extra dependency, imported when the benchmark runs
    from playwright.sync_api import ViewportSize

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT: ViewportSize = {"width": 1440, "height": 900}
PROFILE = "Bench"
TARGETS_MS = {"first_visit": 2000.0, "slider_ranking": 300.0, "slider_charts": 800.0, "page_switch": 500.0,
              "econ_section": 500.0}

_STATE = "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state')"
_SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector("[data-stale='true']")) return false;
  for (const c of document.querySelectorAll("[data-testid='stPlotlyChart']")) {
    if (!c.querySelector('.main-svg')) return false;
  }
  return !document.querySelector("[data-testid='stSkeleton']");
}"""
# the element naming the winner: the decision card (Trade-offs owner) or the "1. name" heading
_WINNER_FRESH = """(name) => {
  const card = document.querySelector('.st-key-decision-card');
  let anchor = null;
  if (card && card.innerText.includes(name)) anchor = card;
  if (!anchor) {
    for (const h of document.querySelectorAll("[data-testid='stHeading'], h1, h2, h3")) {
      if (h.innerText.trim().startsWith('1. ') && h.innerText.includes(name)) { anchor = h; break; }
    }
  }
  if (!anchor) return false;
  const box = anchor.closest("[data-testid='stElementContainer']") || anchor;
  if (box.getAttribute('data-stale') === 'true') return false;
  for (const s of anchor.querySelectorAll("[data-stale='true']")) return false;
  const r = anchor.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}"""
_RANKING_FRESH = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (app && app.getAttribute('data-test-script-state') === 'running') {
    const card = document.querySelector('.st-key-decision-card');
    let anchor = card;
    if (!anchor) {
      for (const h of document.querySelectorAll("h3")) {
        if (h.innerText.trim().startsWith('1. ')) { anchor = h; break; }
      }
    }
    if (!anchor) return false;
    const box = anchor.closest("[data-testid='stElementContainer']") || anchor;
    return box.getAttribute('data-stale') !== 'true' && !anchor.querySelector("[data-stale='true']");
  }
  return app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


# In-page timer: armed before an action; the first pointerdown/keydown starts it; a requestAnimationFrame loop
# records when the rerun was seen, when the ranking anchor is fresh again and when the page has settled.
# Times are performance.now() differences inside the page: no Playwright round trips in them.
_ARM = """(settledSrc) => {
  const settled = new Function('return (' + settledSrc + ')()');
  const state = () => document.querySelector("[data-testid='stApp']")?.getAttribute('data-test-script-state');
  const anchor = () => {
    const card = document.querySelector('.st-key-decision-card');
    if (card) return card;
    for (const h of document.querySelectorAll('h3')) if (h.innerText.trim().startsWith('1. ')) return h;
    return null;
  };
  const stale = (a) => {
    if (!a) return true;
    const box = a.closest("[data-testid='stElementContainer']") || a;
    return box.getAttribute('data-stale') === 'true' || a.querySelector("[data-stale='true']") !== null;
  };
  const b = window.__bench = {t0: null, seen: false, anchorStale: false, ranking: null, done: null};
  const start = () => { if (b.t0 === null) b.t0 = performance.now(); };
  document.addEventListener('pointerdown', start, {capture: true, once: true});
  document.addEventListener('keydown', start, {capture: true, once: true});
  const loop = () => {
    if (b.t0 !== null) {
      const s = state();
      const a = anchor();
      if (!b.seen && (s !== 'notRunning' || document.querySelector("[data-stale='true']")
                      || performance.now() - b.t0 > 3000)) b.seen = true;
      if (b.seen) {
        if (a && stale(a)) b.anchorStale = true;
        if (b.ranking === null && ((b.anchorStale && a && !stale(a)) || s === 'notRunning')) {
          b.ranking = performance.now() - b.t0;
        }
        if (s === 'notRunning' && settled()) { b.done = performance.now() - b.t0; return; }
      }
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}"""


def _arm(page: Any) -> None:
    page.evaluate(_ARM, _SETTLED)


def _measured(page: Any, timeout: float = 120_000) -> tuple[float, float]:
    """(ms until the ranking anchor was fresh, ms until settled) of the armed action."""
    page.wait_for_function("() => window.__bench && window.__bench.done !== null", polling=100, timeout=timeout)
    got = page.evaluate("() => [window.__bench.ranking, window.__bench.done]")
    return float(got[0] if got[0] is not None else got[1]), float(got[1])


# --------------------------------------------------------------------------- workspace and server


def _workspace(n: int) -> tuple[str, str]:
    """A temporary SQLite workspace: the shipped catalog + ``n`` synthetic priced candidates, one profile.
    Returns (database URL, the profile's winner)."""
    import numpy as np

    from workbench.benchmarks.scoring import synthetic_candidates
    from workbench.domain.models import Pricing
    from workbench.services.decide import decide
    from workbench.store import open_store, write_session
    from workbench.store.repository import candidates
    from workbench.store.workspace import create_profile, new_profile_model

    url = f"sqlite:///{tempfile.mkdtemp(prefix='wb-browser-bench-')}/bench.db"
    engine = open_store(url, seed=True)
    rng = np.random.default_rng(7)
    with write_session(engine) as session:
        for c in synthetic_candidates(n, seed=1):
            price_in = float(10 ** rng.uniform(-1.5, 1.2))
            priced = c.model_copy(update={"pricing": Pricing(input_per_mtok=round(price_in, 4),
                                                             output_per_mtok=round(price_in * 4, 4))})
            candidates.create(session, priced, "bench", origin="import")
    create_profile(engine, new_profile_model(PROFILE, "high_precision_extraction"), "bench")
    winner = decide(engine, PROFILE).ranking.winner or ""
    engine.dispose()
    return url, winner


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(database_url: str) -> Iterator[str]:
    """``workbench run`` on a free 127.0.0.1 port with this workspace; yields the base URL."""
    port = _free_port()
    home = tempfile.mkdtemp(prefix="wb-browser-home-")
    env = {**os.environ, "WORKBENCH_DATABASE_URL": database_url, "WORKBENCH_HOME": home, "WORKBENCH_USER": "bench"}
    log = open(Path(home) / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "run", "--port", str(port), "--address", "127.0.0.1"],
                            cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                    break
            if proc.poll() is not None:
                raise RuntimeError(f"workbench run exited: {(Path(home) / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
        else:
            raise RuntimeError("workbench run did not become healthy within 90 s")
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


# --------------------------------------------------------------------------- measuring


def _wait(page: Any, script: str, arg: Any = None, timeout: float = 120_000) -> None:
    page.wait_for_function(script, arg=arg, polling="raf", timeout=timeout)


def figure(name: str, key: str, times: list[float], warmup: int) -> dict[str, Any]:
    """Median and spread of ``times`` after ``warmup`` repetitions."""
    kept = times[warmup:] or times
    q = statistics.quantiles(kept, n=4) if len(kept) >= 2 else [kept[0]] * 3
    median = statistics.median(kept)
    return {"name": name, "median_ms": round(median, 1), "target_ms": TARGETS_MS[key], "passed": median <= TARGETS_MS[key],
            "spread_ms": [round(min(kept), 1), round(max(kept), 1)], "iqr_ms": [round(q[0], 1), round(q[2], 1)],
            "runs": len(kept), "warmup_ms": [round(t, 1) for t in times[:warmup]]}


def _first_visits(browser: Any, base: str, winner: str, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(f"{base}/tradeoffs?profile={PROFILE}", wait_until="commit")
        _wait(page, _WINNER_FRESH, winner)
        times.append((time.perf_counter() - start) * 1000.0)
        context.close()
    return times


def _slider_moves(page: Any, repeats: int) -> tuple[list[float], list[float]]:
    slider = page.locator("[class*='-w-'] input[type='range']").first
    ranking, charts = [], []
    for i in range(repeats):
        _wait(page, _SETTLED)
        slider.focus()
        _arm(page)
        slider.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        r, c = _measured(page)
        ranking.append(r)
        charts.append(c)
    return ranking, charts


SWITCH_PAGES = ("Overview", "Candidates", "Economics", "Trade-offs")


def _page_switches(page: Any, repeats: int, by_page: dict[str, list[float]]) -> list[float]:
    times = []
    for i in range(repeats):
        title = SWITCH_PAGES[i % len(SWITCH_PAGES)]
        link = page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first
        _wait(page, _SETTLED)

        _arm(page)
        link.click()
        times.append(_measured(page)[1])
        by_page.setdefault(title, []).append(round(times[-1], 1))
    return times


def _economics_sections(page: Any, base: str, repeats: int) -> list[float]:
    page.goto(f"{base}/economics?econ_profile={PROFILE}")
    _wait(page, _SETTLED)
    times = []
    for i in range(repeats):
        label = ("Cascade", "Routing", "Cost per success")[i % 3]
        button = page.locator("[class*='st-key-econ_section'] button").filter(has_text=label).first

        _wait(page, _SETTLED)
        _arm(page)
        button.click()
        times.append(_measured(page)[1])
    return times


def _page_weight(page: Any) -> dict[str, Any]:
    """Where time may go: element and widget counts, chart points, DOM size on the current page."""
    return page.evaluate("""() => ({
      elements: document.querySelectorAll("[data-testid='stElementContainer']").length,
      widgets: document.querySelectorAll("[data-testid^='stSlider'],[data-testid='stNumberInput'],"
        + "[data-testid='stSelectbox'],[data-testid='stMultiSelect'],[data-testid='stCheckbox']").length,
      sliders: document.querySelectorAll("[data-testid='stSlider']").length,
      charts: document.querySelectorAll("[data-testid='stPlotlyChart']").length,
      chart_points: [...document.querySelectorAll('.js-plotly-plot')].reduce((n, p) =>
        n + (p.data || []).reduce((m, t) => m + ((t.x && t.x.length) || (t.z && t.z.length) || 0), 0), 0),
      dataframes: document.querySelectorAll("[data-testid='stDataFrame']").length,
      dom_nodes: document.getElementsByTagName('*').length,
    })""")


def run(quick: bool = False, n_candidates: int = 500) -> list[dict[str, Any]]:
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"the browser benchmark needs Debian chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError as exc:  # the test extra installs it
        raise RuntimeError("the browser benchmark needs Playwright: pip install -e '.[test]'") from exc
    visits, moves, switches = (3, 6, 4) if quick else (6, 15, 10)
    url, winner = _workspace(n_candidates)
    load = os.getloadavg()  # the machine's load: on a shared machine every figure scales with it
    received: list[int] = []
    with serve(url) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            first = _first_visits(browser, base, winner, visits + 1)
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(
                len(f) if isinstance(f, (bytes, str)) else 0)))
            page.goto(f"{base}/tradeoffs?profile={PROFILE}")
            _wait(page, _SETTLED)
            weight_tradeoffs = _page_weight(page)
            sent_before = sum(received)
            ranking, charts = _slider_moves(page, moves + 2)
            per_move_kb = (sum(received) - sent_before) / 1024 / (moves + 2)
            by_page: dict[str, list[float]] = {}
            switch = _page_switches(page, switches + 2, by_page)
            sections = _economics_sections(page, base, switches + 3)
            weight_econ = _page_weight(page)
            context.close()
        finally:
            browser.close()
    where = {"load_average_1m_before_after": [round(load[0], 2), round(os.getloadavg()[0], 2)],
             "cpus": os.cpu_count(), "tradeoffs_page": weight_tradeoffs, "economics_page": weight_econ,
             "websocket_kb_per_slider_move": round(per_move_kb, 1), "page_switch_ms_by_page": by_page}
    n = n_candidates
    return [
        figure(f"Browser: first visit to Trade-offs, fresh context, until the winner is visible ({n} candidates)",
               "first_visit", first, 1) | {"where_time_goes": where},
        figure(f"Browser: weight slider move until the ranking updates ({n} candidates)", "slider_ranking",
               ranking, 2),
        figure(f"Browser: weight slider move until every chart has settled ({n} candidates)", "slider_charts",
               charts, 2),
        figure(f"Browser: sidebar page switch ({', '.join(SWITCH_PAGES)}) until settled", "page_switch", switch, 2),
        figure("Browser: Economics section switch (Cascade, Routing, Cost) until settled", "econ_section",
               sections, 3),
    ]


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run(quick=True), indent=2))
