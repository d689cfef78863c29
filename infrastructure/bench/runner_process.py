"""The bench's background runner: ``boternity-store projections run`` as a
child process, as an operator runs it, following one round's database.

Its stderr is read line by line by a thread; the bench waits on its
``running ... from position N`` line (it is then listening on the events
channel) before the round's writes start, and on ``stopped at position N``
after SIGTERM at the round's end. A runner that ends otherwise, or stops
short of the round's last write, fails the round."""

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
RUNNING = re.compile(r"running .* from position (\d+)$")
STOPPED = re.compile(r"stopped at position (\d+)$")


class BenchRunner:
    """Started by ``with``; :meth:`stop` ends it cleanly, and leaving the
    block kills it if it still runs (a failed round)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._seen: list[str] = []
        self._proc: subprocess.Popen[str] | None = None
        self.started_at = 0  # the position it started from

    def __enter__(self) -> BenchRunner:
        command = [sys.executable, "-m", "boternity_store.infrastructure.cli"]
        self._proc = subprocess.Popen(
            [*command, "--url", self._url, "projections", "run"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.started_at = int(self._expect(RUNNING).group(1))
        except BaseException:
            self._kill()
            raise
        return self

    def stop(self) -> int:
        """SIGTERM; the position it stopped at, once it has exited with 0."""
        proc = self._running()
        proc.send_signal(signal.SIGTERM)
        position = int(self._expect(STOPPED).group(1))
        code = proc.wait(timeout=RUNNER_STUCK_S)
        if code != 0:
            raise StoreError(f"the bench's runner exited with {code}: {self._tail()}")
        return position

    def _running(self) -> subprocess.Popen[str]:
        if self._proc is None:
            raise StoreError("the bench's runner was not started")
        return self._proc

    def _read(self) -> None:
        stream = self._running().stderr
        assert stream is not None
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _expect(self, pattern: re.Pattern[str]) -> re.Match[str]:
        while True:
            try:
                line = self._lines.get(timeout=RUNNER_STUCK_S)
            except queue.Empty:
                raise StoreError(
                    f"the bench's runner said nothing in {RUNNER_STUCK_S:.0f} s: "
                    f"{self._tail()}"
                ) from None
            if line is None:
                raise StoreError(f"the bench's runner ended: {self._tail()}")
            self._seen.append(line)
            if found := pattern.match(line):
                return found

    def _tail(self) -> str:
        return " | ".join(self._seen[-5:]) or "(no output)"

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=RUNNER_STUCK_S)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._kill()
