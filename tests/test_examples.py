"""Every example runs on a fresh database, and again on the same one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs_twice(script: Path, tmp_path: Path) -> None:
    env = {**os.environ, "BOTERNITY_STORE_URL": f"sqlite:///{tmp_path / 'ex.db'}"}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, str(script)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()


def test_there_are_examples() -> None:
    assert any(p.name == "quickstart.py" for p in EXAMPLES)
