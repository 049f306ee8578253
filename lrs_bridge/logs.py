"""Logging set-up. Personal data (names, e-mail addresses) is never logged, at any level:
the code logs identifiers (statement ids, credential keys, workshop and participant ids)
instead, and this module keeps what the code does not write itself out of the log too.

Exception messages are where personal data slips in: openpyxl's ``IllegalCharacterError``
carries the cell's text (a participant's name), pydantic's errors the input, the
database drivers' errors the values of a row (``Key (mbox_key)=(mbox:anna@…)``), SMTP
errors the refused address. So every handler of the service's log
- writes tracebacks with their frames and the exception *types*, but without the
  exceptions' messages or notes (``ScrubbingFormatter``), and
- replaces an exception passed as a log argument (``log.debug("…: %s", error)``) by its
  type (``ExceptionArgumentFilter``);
and libraries that log the values they handle at debug level are kept at INFO.

uvicorn's own loggers go through the same handler (``cmd_serve`` gives uvicorn no log
configuration of its own), so its "Exception in ASGI application" is scrubbed as well.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType
from typing import Any

WITHHELD = "(message withheld: it may carry personal data)"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def withheld(error: BaseException) -> str:
    """An exception as a log may show it: its type only."""
    return f"{type(error).__name__} {WITHHELD}"


def _scrub(exception: traceback.TracebackException) -> None:
    seen: set[int] = set()
    pending = [exception]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current._str = WITHHELD  # type: ignore[attr-defined]  # noqa: SLF001 (the message line)
        current.__notes__ = None
        if current.exc_type is not None and issubclass(current.exc_type, SyntaxError):
            current.text = WITHHELD  # the offending source line may be input
            current.msg = WITHHELD
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
        pending.extend(getattr(current, "exceptions", None) or ())


def scrubbed_traceback(exc_info: ExcInfo) -> str:
    """The traceback of ``exc_info`` (chained exceptions included) without any message."""
    kind, error, trace = exc_info
    if kind is None or error is None:
        return ""
    exception = traceback.TracebackException(kind, error, trace, compact=True)
    _scrub(exception)
    return "".join(exception.format()).rstrip("\n")


class ScrubbingFormatter(logging.Formatter):
    """The service's log format; tracebacks without exception messages."""

    def formatException(self, ei: Any) -> str:
        return scrubbed_traceback(ei)


class ExceptionArgumentFilter(logging.Filter):
    """Replaces exceptions among a record's arguments (and an exception logged as the
    message itself) by their type."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, BaseException):
            record.msg = withheld(record.msg)
        if isinstance(record.args, tuple) and any(
            isinstance(arg, BaseException) for arg in record.args
        ):
            record.args = tuple(
                withheld(arg) if isinstance(arg, BaseException) else arg for arg in record.args
            )
        elif isinstance(record.args, dict) and any(
            isinstance(arg, BaseException) for arg in record.args.values()
        ):
            record.args = {
                key: withheld(arg) if isinstance(arg, BaseException) else arg
                for key, arg in record.args.items()
            }
        return True


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """One handler on the root logger (stderr), scrubbed as above, at ``level``."""
    handler = logging.StreamHandler()
    handler.setFormatter(ScrubbingFormatter(FORMAT))
    handler.addFilter(ExceptionArgumentFilter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    for chatty in QUIET_LIBRARIES:  # their debug lines carry SQL parameters and addresses
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLogger().level))


QUIET_LIBRARIES = ("aiosqlite", "aiosmtplib", "asyncpg", "httpx", "httpcore")
"""Libraries whose debug logs show the values they handle (aiosqlite logs every SQL call
with its parameters): at most INFO, even when the service logs at debug."""
