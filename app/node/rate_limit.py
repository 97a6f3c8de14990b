"""Per-device rate limits: a token bucket per key id, refilled continuously."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_TRACKED = 100_000


class RateLimiter:
    """Allow each key `rate` requests per second on average, in bursts of at most `burst`."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[bytes, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: bytes, cost: float = 1.0) -> bool:
        """Take `cost` tokens from `key`'s bucket; return False (taking nothing) if it has too few."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            if len(self._buckets) >= MAX_TRACKED and key not in self._buckets:
                self._buckets.clear()  # bounded memory: forgetting buckets only ever lets clients through
            self._buckets[key] = (tokens, now)
            return allowed
