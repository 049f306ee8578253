"""``/metrics`` in the Prometheus text format: the bridge's queues, errors and counters.

No credentials are asked (scrapers rarely have any) and nothing personal is shown: names
of sources and targets, counts and times only. Counters are kept in the database, so they
count what every process did (a CLI pull included) and survive restarts.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.bridge.model import Source, Target
from lrs_bridge.gate import services

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _seconds(micros: int | None) -> str:
    return f"{micros / 1_000_000:.6f}" if micros is not None else "0"


class _Text:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def metric(self, name: str, kind: str, help_text: str, values: list[tuple[str, str]]) -> None:
        """``values``: (label set such as 'target="x"' or '', value)."""
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in values:
            self.lines.append(f"{name}{{{labels}}} {value}" if labels else f"{name} {value}")


_TARGET_METRICS: tuple[tuple[str, str, str, Callable[[Target], str]], ...] = (
    (
        "lrs_bridge_outbox_queue_length",
        "gauge",
        "Statements waiting in the outbox to be forwarded to the target.",
        lambda t: str(t.queue),
    ),
    (
        "lrs_bridge_forwarded_statements_total",
        "counter",
        "Statements the target has acknowledged.",
        lambda t: str(t.sent_total),
    ),
    (
        "lrs_bridge_forward_rejected_statements_total",
        "counter",
        "Statements the target refused for good (recorded, not sent again).",
        lambda t: str(t.rejected_total),
    ),
    (
        "lrs_bridge_forward_last_success_timestamp_seconds",
        "gauge",
        "When the target last acknowledged statements (0: never).",
        lambda t: _seconds(t.last_sent_at),
    ),
    (
        "lrs_bridge_forward_last_error_timestamp_seconds",
        "gauge",
        "When forwarding to the target last failed (0: never).",
        lambda t: _seconds(t.last_error_at),
    ),
)
"""Per forwarding target: (name, type, help, value)."""

_SOURCE_METRICS: tuple[tuple[str, str, str, Callable[[Source], str]], ...] = (
    (
        "lrs_bridge_pulled_statements_total",
        "counter",
        "Statements pulled from the source that were new here.",
        lambda s: str(s.pulled_total),
    ),
    (
        "lrs_bridge_pull_bad_statements_total",
        "counter",
        "Statements from the source that were stored nowhere (invalid or conflicting).",
        lambda s: str(s.bad_total),
    ),
    (
        "lrs_bridge_pull_checkpoint_timestamp_seconds",
        "gauge",
        "The source's stored time through which its statements are stored here (0: none).",
        lambda s: _seconds(s.checkpoint),
    ),
    (
        "lrs_bridge_pull_last_success_timestamp_seconds",
        "gauge",
        "When a pull from the source last completed (0: never).",
        lambda s: _seconds(s.last_success_at),
    ),
    (
        "lrs_bridge_pull_last_error_timestamp_seconds",
        "gauge",
        "When a pull from the source last stopped with an error (0: never).",
        lambda s: _seconds(s.last_error_at),
    ),
)
"""Per bridge source: (name, type, help, value)."""


async def metrics(request: Request) -> Response:
    bridge = services(request).bridge
    targets = await bridge.list_targets()
    sources = await bridge.list_sources()
    text = _Text()
    text.metric(
        "lrs_bridge_statements_log_position",
        "gauge",
        "Sequence number of the newest statement stored (statements stored so far).",
        [("", str(await bridge.storage.log_position()))],
    )
    for name, kind, help_text, target_value in _TARGET_METRICS:
        values = [(f'target="{_label(t.name)}"', target_value(t)) for t in targets]
        text.metric(name, kind, help_text, values)
    for name, kind, help_text, source_value in _SOURCE_METRICS:
        values = [(f'source="{_label(s.name)}"', source_value(s)) for s in sources]
        text.metric(name, kind, help_text, values)
    return Response("\n".join(text.lines) + "\n", media_type=CONTENT_TYPE)
