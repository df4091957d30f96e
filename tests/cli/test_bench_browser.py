"""`workbench bench --area browser`: registered beside the AppTest benchmark; medians and spread after warm-up."""

from __future__ import annotations

from workbench.benchmarks import browser
from workbench.cli.bench import AREAS


def test_browser_area_is_registered_beside_the_apptest_benchmark():
    assert "browser" in AREAS and "tradeoffs_page" in AREAS


def test_figure_reports_median_spread_and_warmup_separately():
    f = browser.figure("x", "slider_ranking", [900.0, 100.0, 250.0, 300.0, 200.0], warmup=1)
    assert f["median_ms"] == 225.0 and f["target_ms"] == 300.0 and f["passed"] is True
    assert f["spread_ms"] == [100.0, 300.0] and f["runs"] == 4 and f["warmup_ms"] == [900.0]
    assert f["iqr_ms"][0] <= f["median_ms"] <= f["iqr_ms"][1]
    assert browser.figure("x", "first_visit", [2500.0, 2100.0], warmup=0)["passed"] is False


def test_chromium_launch_arguments_are_the_debian_headless_set():
    assert browser.CHROMIUM_ARGS == ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                     "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_missing_chromium_is_a_one_line_error_with_exit_2(monkeypatch, capsys):
    from workbench.cli import main

    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    assert main(["bench", "--area", "browser"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "workbench bench: the browser benchmark needs Debian chromium at /nonexistent/chromium " \
                  "(apt-get install chromium)"
