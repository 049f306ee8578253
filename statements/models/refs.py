"""Statement references (Data 2.4.4.3)."""

from __future__ import annotations

from typing import Literal

from statements.models.base import UUIDStr, XapiModel


class StatementRef(XapiModel):
    objectType: Literal["StatementRef"]
    id: UUIDStr
