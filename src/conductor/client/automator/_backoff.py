"""Capped exponential backoff with jitter, as a small immutable value."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

# 2.0 ** 64 is far beyond any cap; a bound keeps ``factor ** n`` from overflowing.
_MAX_EXPONENT = 64


@dataclass(frozen=True)
class Backoff:
    """How long to wait after ``failures`` consecutive failures.

    The delay is ``base_s * factor ** (failures - 1)``, capped at ``cap_s``, then reduced by a
    random fraction of at most ``jitter`` so that many clients do not retry in lockstep.
    Like urllib3's ``Retry`` the value is immutable: :meth:`increment` and :meth:`reset`
    return new values.

    Args:
        base_s: Delay after the first failure, in seconds.
        cap_s: Largest delay, in seconds.
        factor: Growth per further failure.
        jitter: Fraction of the delay (0..1) that is randomised away.
        failures: Consecutive failures so far.

    Raises:
        ValueError: A parameter is out of range.
    """

    base_s: float
    cap_s: float
    factor: float = 2.0
    jitter: float = 0.5
    failures: int = 0

    def __post_init__(self) -> None:
        if self.base_s < 0 or self.cap_s < self.base_s:
            raise ValueError(f"Backoff needs 0 <= base_s <= cap_s, got {self.base_s}, {self.cap_s}")
        if self.factor < 1 or not 0 <= self.jitter <= 1 or self.failures < 0:
            raise ValueError(
                f"Backoff needs factor >= 1, 0 <= jitter <= 1 and failures >= 0, got "
                f"{self.factor}, {self.jitter}, {self.failures}"
            )

    def increment(self) -> Backoff:
        """Return the backoff after one more failure."""
        return replace(self, failures=self.failures + 1)

    def reset(self) -> Backoff:
        """Return the backoff after a success."""
        return self if self.failures == 0 else replace(self, failures=0)

    def delay_s(self) -> float:
        """Return the delay before the next attempt: 0 while nothing has failed."""
        if self.failures == 0:
            return 0.0
        exponent = min(self.failures - 1, _MAX_EXPONENT)
        delay = min(self.cap_s, self.base_s * self.factor**exponent)
        return delay * (1.0 - self.jitter * random.random())
