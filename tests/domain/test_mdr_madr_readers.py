"""The MDR Markdown read by real MADR tooling: @log4brains/core 1.1.0 (npm, pinned in tests/madr/package.json,
installed by ``make madr-readers``, which ``make test`` runs) reads status, title, deciders and date."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

from tests.domain.test_mdr import DAY, _draft
from workbench.domain.mdr import MDR, render_markdown, supersede, transition

READERS = Path(__file__).resolve().parents[1] / "madr"


def _log4brains(tmp_path: Path, records: dict[str, MDR]) -> dict[str, dict[str, object]]:
    node = shutil.which("node")
    assert node, "node is needed for the MADR reader test (Debian: apt-get install nodejs npm)"
    assert (READERS / "node_modules" / "@log4brains" / "core").is_dir(), "run `make madr-readers` first"
    (tmp_path / "adr").mkdir()
    (tmp_path / ".log4brains.yml").write_text("project:\n  name: workbench\n  tz: UTC\n  adrFolder: ./adr\n")
    for slug, record in records.items():
        (tmp_path / "adr" / f"{slug}.md").write_text(render_markdown(record), encoding="utf-8")
    done = subprocess.run([node, str(READERS / "read_with_log4brains.js"), str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=False, cwd=READERS)
    assert done.returncode == 0, done.stderr
    return {a["slug"]: a for a in json.loads(done.stdout)}


def test_log4brains_reads_status_title_deciders_and_date_of_each_lifecycle_state(tmp_path: Path) -> None:
    draft = _draft(decision_makers=["Ana Lima", "Bo Chen"])
    proposed = transition(draft, "proposed", on=DAY)
    accepted = transition(proposed, "accepted", on=date(2026, 6, 9))
    rejected = transition(_draft(record_id="MDR-0008"), "proposed", on=DAY)
    rejected = transition(rejected, "rejected", on=DAY)
    newer = transition(transition(_draft(record_id="MDR-0009"), "proposed", on=DAY), "accepted", on=DAY)
    superseded, newer = supersede(accepted, newer, on=date(2026, 7, 1))
    seen = _log4brains(tmp_path, {"0001-draft": draft, "0002-accepted": accepted, "0003-rejected": rejected,
                                  "0004-superseded": superseded, "0005-newer": newer,
                                  "0006-nobody": _draft(record_id="MDR-0010", decision_makers=[])})
    assert seen["0001-draft"]["status"] == "proposed"  # MADR has no draft; before this fix it read "accepted"
    assert seen["0001-draft"]["deciders"] == ["Ana Lima", "Bo Chen"]
    assert seen["0001-draft"]["title"] == "7. Use llama-4-scout for Invoice field extraction"
    assert seen["0006-nobody"]["deciders"] == []  # a draft without decision-makers names nobody
    assert seen["0002-accepted"]["status"] == "accepted"
    assert seen["0002-accepted"]["publicationDate"].startswith("2026-06-09")
    assert seen["0003-rejected"]["status"] == "rejected"
    assert seen["0004-superseded"]["status"] == "superseded"
    assert seen["0005-newer"]["status"] == "accepted"

