"""Guard calls to an LLM provider with the store's persisted circuit breaker.

A fake local provider fails three times: the circuit opens and the next call is
rejected without touching the provider. After the (0.2 s) cooldown the circuit
half-opens, two successful trial calls close it, and the provider's event
stream shows why each transition happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from boternity_store.infrastructure import Store, open_store

NAME = "example-llm"


class ProviderDown(Exception):
    pass


class FakeLlm:
    """Answers prompts, unless it is down."""

    def __init__(self) -> None:
        self.down = True
        self.calls = 0

    def complete(self, prompt: str) -> str:
        self.calls += 1
        if self.down:
            raise ProviderDown("HTTP 503 from fake-llm")
        return prompt.upper()


def guarded_call(store: Store, llm: FakeLlm, prompt: str) -> str | None:
    if not store.providers.allow_request(NAME):
        print(f"  {prompt!r}: rejected, circuit is open (provider not called)")
        return None
    started = time.perf_counter()
    try:
        answer = llm.complete(prompt)
    except ProviderDown as error:
        status = store.providers.record_failure(
            NAME, error=str(error), error_kind="unavailable"
        )
        print(f"  {prompt!r}: failed ({error}) -> {status.circuit_state}")
        return None
    latency_ms = (time.perf_counter() - started) * 1000
    status = store.providers.record_success(NAME, latency_ms=latency_ms)
    print(f"  {prompt!r}: {answer!r} -> {status.circuit_state}")
    return answer


def main(
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], object] = time.sleep,
) -> None:
    """Run the story; a test passes a fake ``clock`` and a ``sleep`` that
    advances it, so nothing waits for real."""
    with open_store(clock=clock) as store:
        start = store.history.head()
        store.providers.configure(
            NAME, failure_threshold=3, cooldown_seconds=0.2, half_open_successes=2
        )
        store.providers.reset(NAME, actor="example", reason="start the demo fresh")
        llm = FakeLlm()

        print("The provider is down:")
        for prompt in ["hello", "are you there", "anyone", "one more"]:
            guarded_call(store, llm, prompt)
        print(f"  (the fake provider was called {llm.calls} times)")

        print("It recovers; after the cooldown the circuit half-opens:")
        llm.down = False
        sleep(0.25)
        for prompt in ["trial one", "trial two", "back to normal"]:
            guarded_call(store, llm, prompt)

        status = store.providers.status(NAME)
        if status is not None:
            print(
                f"Status: {status.circuit_state} ({status.state_reason}), "
                f"{status.total_failures}/{status.total_calls} calls failed"
            )
        print("The provider's events in this run:")
        for event in store.history.events(after=start, limit=100):
            if event.data.get("name") != NAME:
                continue
            why = event.data.get("reason") or event.data.get("error") or ""
            print(f"  {event.position:>5} {event.type:<26} {why}")


if __name__ == "__main__":
    main()
