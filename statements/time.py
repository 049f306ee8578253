"""The LRS's clock, in microseconds since the epoch (UTC)."""

from __future__ import annotations

import time


def now_micros() -> int:
    return time.time_ns() // 1000
