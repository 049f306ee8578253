"""``/metrics`` in the Prometheus text format: the bridge's queues, errors and counters.

No credentials are asked (scrapers rarely have any) and nothing personal is shown: names
of sources and targets, counts and times only. Counters are kept in the database, so they
count what every process did (a CLI pull included) and survive restarts.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

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

    def per_target(values: list[str]) -> list[tuple[str, str]]:
        return [(f'target="{_label(t.name)}"', v) for t, v in zip(targets, values, strict=True)]

    def per_source(values: list[str]) -> list[tuple[str, str]]:
        return [(f'source="{_label(s.name)}"', v) for s, v in zip(sources, values, strict=True)]

    text.metric(
        "lrs_bridge_outbox_queue_length",
        "gauge",
        "Statements waiting in the outbox to be forwarded to the target.",
        per_target([str(t.queue) for t in targets]),
    )
    text.metric(
        "lrs_bridge_forwarded_statements_total",
        "counter",
        "Statements the target has acknowledged.",
        per_target([str(t.sent_total) for t in targets]),
    )
    text.metric(
        "lrs_bridge_forward_rejected_statements_total",
        "counter",
        "Statements the target refused for good (recorded, not sent again).",
        per_target([str(t.rejected_total) for t in targets]),
    )
    text.metric(
        "lrs_bridge_forward_last_success_timestamp_seconds",
        "gauge",
        "When the target last acknowledged statements (0: never).",
        per_target([_seconds(t.last_sent_at) for t in targets]),
    )
    text.metric(
        "lrs_bridge_forward_last_error_timestamp_seconds",
        "gauge",
        "When forwarding to the target last failed (0: never).",
        per_target([_seconds(t.last_error_at) for t in targets]),
    )
    text.metric(
        "lrs_bridge_pulled_statements_total",
        "counter",
        "Statements pulled from the source that were new here.",
        per_source([str(s.pulled_total) for s in sources]),
    )
    text.metric(
        "lrs_bridge_pull_bad_statements_total",
        "counter",
        "Statements from the source that were stored nowhere (invalid or conflicting).",
        per_source([str(s.bad_total) for s in sources]),
    )
    text.metric(
        "lrs_bridge_pull_checkpoint_timestamp_seconds",
        "gauge",
        "The source's stored time through which its statements are stored here (0: none).",
        per_source([_seconds(s.checkpoint) for s in sources]),
    )
    text.metric(
        "lrs_bridge_pull_last_success_timestamp_seconds",
        "gauge",
        "When a pull from the source last completed (0: never).",
        per_source([_seconds(s.last_success_at) for s in sources]),
    )
    text.metric(
        "lrs_bridge_pull_last_error_timestamp_seconds",
        "gauge",
        "When a pull from the source last stopped with an error (0: never).",
        per_source([_seconds(s.last_error_at) for s in sources]),
    )
    return Response("\n".join(text.lines) + "\n", media_type=CONTENT_TYPE)
