"""Reports as JSON, CSV (for Swedish Excel) and XLSX."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any


def to_json(value: Any) -> Any:
    """Any value of ``reports.model`` (or a list of them) as JSON-able data: dataclasses
    become objects (with ``total`` added to status totals), datetimes ISO 8601 with their
    offset, dates ``YYYY-MM-DD``, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        total = getattr(value, "total", None)
        if isinstance(total, int) and "total" not in data:
            data["total"] = total
        return data
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value
