"""Running the CLI in-process, as the CLI tests do."""

from __future__ import annotations

import pytest

from boternity_store.infrastructure.cli import main


def run(
    capsys: pytest.CaptureFixture[str], url: str, *args: str
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``boternity-store --url URL ARGS...``."""
    code = main(["--url", url, *args])
    out, err = capsys.readouterr()
    return code, out, err
