"""Every source folder is installed: a package left out of pyproject.toml would
work in a checkout and fail once installed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
FOLDERS = {"domain", "projections", "infrastructure", "testing"}


def test_every_source_package_is_declared_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        "boternity_store." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert found == set(config["packages"])
    assert all((ROOT / folder / "py.typed").exists() for folder in FOLDERS)
