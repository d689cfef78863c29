"""Every code block in README.md and docs/ runs as written, and the site builds.

Fenced blocks are collected from README.md and docs/**/*.md:

- ```python: run with ``sys.executable -c`` in a fresh temporary directory;
- ```bash: run with ``bash`` under ``set -euo pipefail`` in a fresh temporary
  directory, with this interpreter's bin directory first on PATH (so
  ``boternity-store`` resolves) and ``BOTERNITY_STORE_URL`` unset;
- ```text: output or synopsis shown to the reader, never run.

Each block stands alone (a CLI block that needs a bot registers it itself). A
block that must not run is marked on the line before its fence with
``<!-- not run: REASON -->``; one that documents behaviour not implemented yet
with ``<!-- pending: REASON -->``: it runs and is expected to fail (strictly: once
it passes, the marker must go). Any other language, a fence without a language,
or a marker without a reason fails the suite, so nothing escapes silently.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]
RUN = {"python", "bash"}
SHOWN = {"text", "ini", "dockerfile", "yaml"}  # output, and config files to copy
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<info>[^`]*)$")
MARK = re.compile(r"^\s*<!--\s*(?P<kind>not run|pending):\s*(?P<reason>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    mark: str | None  # "not run" / "pending" / None
    reason: str

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}:{self.lang or 'none'}"


def blocks_of(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, lang = opening["indent"], opening["info"].strip()
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(
                lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i]
            )
            i += 1
        if i == len(lines):
            raise AssertionError(f"{path}:{start + 1}: fence never closed")
        i += 1
        before = next(
            (lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), ""
        )
        mark = MARK.match(before)
        found.append(
            Block(
                path=path,
                line=start + 1,
                lang=lang,
                code=textwrap.dedent("\n".join(body)) + "\n",
                mark=mark["kind"] if mark else None,
                reason=mark["reason"] if mark else "",
            )
        )
    return found


BLOCKS = [block for page in PAGES for block in blocks_of(page)]
RUNNABLE = [b for b in BLOCKS if b.lang in RUN and b.mark != "not run"]


def run_block(block: Block, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BOTERNITY_STORE_URL"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if block.lang == "python":
        command = [sys.executable, "-c", block.code]
    else:
        command = ["bash", "-c", "set -euo pipefail\n" + block.code]
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.id for b in RUNNABLE])
def test_block_runs(block: Block, tmp_path: Path) -> None:
    done = run_block(block, tmp_path)
    if block.mark == "pending":
        if done.returncode == 0:
            pytest.fail(
                f"{block.id} is marked pending ({block.reason}) but now runs: "
                "remove the marker"
            )
        pytest.xfail(f"pending: {block.reason}")
    assert done.returncode == 0, (
        f"{block.id} failed (exit {done.returncode})\n--- stdout\n{done.stdout}"
        f"\n--- stderr\n{done.stderr}"
    )


def test_every_block_is_known() -> None:
    """Each block is run, or shown, or explicitly marked with a reason."""
    problems = [
        f"{b.id}: language {b.lang!r} is neither run ({sorted(RUN)}) nor shown "
        f"({sorted(SHOWN)})"
        for b in BLOCKS
        if b.lang not in RUN | SHOWN
    ]
    problems += [
        f"{b.id}: marker without a reason" for b in BLOCKS if b.mark and not b.reason
    ]
    problems += [
        f"{b.id}: a {b.lang} block is never run; drop the marker"
        for b in BLOCKS
        if b.lang in SHOWN and b.mark
    ]
    assert not problems, "\n".join(problems)


def test_there_are_blocks_of_each_kind() -> None:
    langs = [b.lang for b in RUNNABLE]
    assert langs.count("python") >= 10
    assert langs.count("bash") >= 4
    readme = [b for b in RUNNABLE if b.path == README]
    assert {"python", "bash"} <= {b.lang for b in readme}


def fresh_machine_blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    first = len(text.split("## On a fresh machine", 1)[0].splitlines())
    last = first + len(section.splitlines())
    return [b for b in BLOCKS if b.path == README and first < b.line <= last]


def test_fresh_machine_commands_match_ci() -> None:
    """README's two install blocks are not run; the test command is exactly
    what .ci/run runs, and the quickstart names a script that exists."""
    quickstart, tests = fresh_machine_blocks()
    for block in (quickstart, tests):
        assert block.lang == "bash" and block.mark == "not run", block.id
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert tests.code.strip().startswith(venv)
    readme_command = tests.code.strip().removeprefix(venv)
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ci_command = next(line for line in ci_lines if line.startswith("pip install"))
    assert readme_command == ci_command.replace(" -q", "", 1)
    assert readme_command.endswith("&& python -m pytest")
    assert quickstart.code.strip().startswith(venv)
    scripts = re.findall(r"python (\S+\.py)", quickstart.code)
    assert scripts and all((ROOT / script).is_file() for script in scripts)


def test_readme_is_a_front_door() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 300
    for link in re.findall(r"\]\((docs/[^)#]+)", "\n".join(lines)):
        assert (ROOT / link).is_file(), link


def test_site_builds_strict(tmp_path: Path) -> None:
    config = ROOT / "mkdocs.yml"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    done = subprocess.run(
        [*command, "--config-file", str(config), "--site-dir", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "index.html").is_file()
    assert not (ROOT / "site").exists()


def test_troubleshooting_covers_every_error_class() -> None:
    """Each StoreError a user can meet has its entry on the troubleshooting page."""
    import boternity_store.infrastructure as api
    from boternity_store.domain.errors import StoreError

    page = (ROOT / "docs" / "how-to" / "troubleshooting.md").read_text("utf-8")
    classes = [
        name
        for name in api.__all__
        if isinstance(getattr(api, name), type)
        and issubclass(getattr(api, name), StoreError)
        and name not in ("StoreError", "NotFound")
    ]
    assert len(classes) >= 15
    missing = [name for name in classes if f"`{name}`" not in page]
    assert not missing, missing
