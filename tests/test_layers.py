"""The dependency rule: testing → infrastructure → projections → domain (the
testing kit is outermost: no layer imports it). The domain
imports no other layer, no database driver and no SQLAlchemy; projections do
not import infrastructure. Checked on the source folders, every import form
(relative, inside functions, under TYPE_CHECKING)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGE = "boternity_store"
FORBIDDEN = {
    "domain": (
        f"{PACKAGE}.projections",
        f"{PACKAGE}.infrastructure",
        f"{PACKAGE}.testing",
        "sqlalchemy",
        "psycopg",
        "sqlite3",
    ),
    "projections": (f"{PACKAGE}.infrastructure", f"{PACKAGE}.testing"),
    "infrastructure": (f"{PACKAGE}.testing",),
    "testing": (),
}


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in ``path``, relative ones resolved."""
    package = [PACKAGE, *path.relative_to(root).parent.parts]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            for line, module in imported_modules(path, root):
                if any(module == f or module.startswith(f + ".") for f in forbidden):
                    found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


def test_every_layer_imports_only_inward() -> None:
    assert violations() == []


def test_the_check_finds_an_outward_import(tmp_path: Path) -> None:
    (tmp_path / "domain" / "kv").mkdir(parents=True)
    (tmp_path / "projections").mkdir()
    (tmp_path / "infrastructure").mkdir()
    (tmp_path / "domain" / "kv" / "bad.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ...projections.kv import queries\n"
        "def f():\n"
        "    import sqlalchemy\n"
    )
    (tmp_path / "projections" / "bad.py").write_text(
        "from boternity_store.infrastructure.store import Store\n"
    )
    assert violations(tmp_path) == [
        "domain/kv/bad.py:3 imports boternity_store.projections.kv",
        "domain/kv/bad.py:5 imports sqlalchemy",
        "projections/bad.py:1 imports boternity_store.infrastructure.store",
    ]
