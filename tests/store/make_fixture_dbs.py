"""Write one small SQLite database per released schema revision to tests/store/fixtures/.

Each file is a workspace as that release left it: migrated to exactly that revision, one representative
row in every table (see representative_rows.py). tests/store/test_migrations.py upgrades copies of them to
head and checks every row survives. Run after releasing a new schema revision (add it to RELEASED):

    .venv/bin/python -m tests.store.make_fixture_dbs
"""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa

from tests.store.representative_rows import insert_representative_rows
from workbench.store.migrate import upgrade

FIXTURES = Path(__file__).with_name("fixtures")
#: Schema revisions that shipped in a release (a workspace may exist at any of them).
RELEASED = ("0001_baseline", "0002_scenarios", "0003_evidence")


def fixture_path(revision: str) -> Path:
    return FIXTURES / f"workspace-{revision}.sqlite3"  # not *.db: .gitignore skips those


def make(revision: str) -> Path:
    path = fixture_path(revision)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    # a plain engine (rollback journal, not WAL): the fixture is one self-contained file
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        upgrade(engine, revision)
        with engine.begin() as conn:
            insert_representative_rows(conn)
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
    finally:
        engine.dispose()
    return path


def main() -> int:
    for revision in RELEASED:
        path = make(revision)
        print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}: "
              f"{path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
