"""Wheel layout: the repository keeps `data/`, `pages/`, `assets/` and `.streamlit/` at its top (the layout the
project is known by); a built wheel carries them inside the package as `workbench/data`, `workbench/pages`,
`workbench/assets` and `workbench/.streamlit`, where `workbench.io.resources` finds them. An editable install reads
the repository's folders directly."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"data": "data", "pages": "pages", "assets": "assets", ".streamlit": ".streamlit"}
SKIP = {"__pycache__", "tools"}  # data/tools holds the catalog's build script, not runtime data


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for source, target in BUNDLED.items():
            for path in sorted((ROOT / source).rglob("*")):
                if path.is_dir() or SKIP & set(path.relative_to(ROOT).parts) or path.suffix == ".pyc":
                    continue
                dest = Path(self.build_lib) / "workbench" / target / path.relative_to(ROOT / source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                self.copy_file(str(path), str(dest))


setup(cmdclass={"build_py": BuildWithResources})
