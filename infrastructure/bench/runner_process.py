"""``boternity-store projections run`` as a child process, as an operator
runs it: the bench's background runner, and the tests' runners.

Its stderr is read line by line by a thread, and callers wait on lines
(:meth:`RunnerChild.expect`), never on time: ``running ... from position N``
once it follows the log, ``standing by: ...`` while another runner holds its
locks, ``stopped at position N`` after SIGTERM."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from types import TracebackType

from boternity_store.domain.errors import StoreError

# Failure detection only: a runner starts and stops within seconds.
RUNNER_STUCK_S = 120.0
POSITION = re.compile(r"position (\d+)$")


class RunnerChild:
    """Started at once (``url`` and the command's arguments: names,
    ``--batch-size``); leaving the ``with`` block kills it if it still runs."""

    def __init__(self, url: str, *args: str) -> None:
        command = [sys.executable, "-m", "boternity_store.infrastructure.cli"]
        self.proc = subprocess.Popen(
            [*command, "--url", url, "projections", "run", *args],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def expect(self, prefix: str, timeout: float = RUNNER_STUCK_S) -> str:
        """The next line that starts with ``prefix``; ``StoreError`` if the
        process ends first, or nothing comes within ``timeout`` seconds."""
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise StoreError(
                    f"the runner said no {prefix!r} in {timeout:.0f} s: {self._tail()}"
                ) from None
            if line is None:
                raise StoreError(f"the runner ended before {prefix!r}: {self._tail()}")
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def running(self, timeout: float = RUNNER_STUCK_S) -> int:
        """Wait until it follows the log; the position it started from."""
        return _position(self.expect("running ", timeout))

    def signal(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = RUNNER_STUCK_S) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self) -> int:
        """SIGTERM; the position it stopped at, once it has exited with 0."""
        self.signal(signal.SIGTERM)
        position = _position(self.expect("stopped at position "))
        code = self.wait()
        if code != 0:
            raise StoreError(f"the runner exited with {code}: {self._tail()}")
        return position

    def _tail(self) -> str:
        return " | ".join(self.seen[-5:]) or "(no output)"

    def __enter__(self) -> RunnerChild:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=RUNNER_STUCK_S)


def _position(line: str) -> int:
    found = POSITION.search(line)
    if found is None:
        raise StoreError(f"no position in the runner's line {line!r}")
    return int(found.group(1))
