"""``boternity-store projections run`` as a child process, with its stderr
read line by line (a reader thread; the test waits on lines, never sleeps)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from types import TracebackType


class RunnerProcess:
    def __init__(self, url: str, *names: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "boternity_store.infrastructure.cli"]
        self.proc = subprocess.Popen(
            [*command, "--url", url, "projections", "run", *names],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, prefix: str, timeout: float = 60) -> str:
        """The next line that starts with ``prefix`` (AssertionError if the
        process ends, or nothing comes within ``timeout`` seconds)."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {prefix!r} line; saw {self.seen}") from None
            if line is None:
                raise AssertionError(f"ended before {prefix!r}; saw {self.seen}")
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def signal(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout=timeout)

    def __enter__(self) -> RunnerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
