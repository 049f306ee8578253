"""What every command shares: the one-line user error, ``--database``, the settings, and
running an action with the services open.

Domain errors are turned into the one-line ``CliError`` here, once (``with_services``): a
command's action raises ``XapiError`` or ``PeopleError`` as the services do and never
catches them itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.people.service import PeopleError
from lrs_bridge.services import Services
from reports.exports import to_json
from reports.reminding import Preview, person_json
from statements.errors import XapiError


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class Commands(Protocol):
    """argparse's sub-parser action (its type is private to argparse)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


Action = Callable[[Services], Awaitable[int]]


def add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", help="database URL or SQLite file (default: LRS_BRIDGE_DATABASE_URL)"
    )


def database_url(value: str) -> str:
    """``--database`` takes a URL or a plain SQLite file path."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value))


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings from the environment, with the command line's overrides."""
    overrides: dict[str, Any] = {}
    if getattr(args, "database", None):
        overrides["database_url"] = database_url(args.database)
    for name in ("host", "port"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    return load_settings(**overrides)


def user_error(error: XapiError) -> CliError:
    """A service error as one line (its message names the field or the object)."""
    more = f" (and {len(error.details) - 1} more)" if len(error.details) > 1 else ""
    return CliError(error.message + more)


def with_services(args: argparse.Namespace, action: Action) -> int:
    """Open the services on the command's database, run ``action``, close them; a domain
    error from the action becomes one line (``CliError``)."""
    settings = settings_of(args)
    services = Services.build(settings)

    async def run() -> int:
        try:
            await services.open()
        except (OSError, sqlite3.Error) as error:
            await services.close()
            raise CliError(
                f"LRS_BRIDGE_DATABASE_URL (--database) {settings.database_url}: "
                f"cannot open the database: {error}"
            ) from None
        try:
            return await action(services)
        except XapiError as error:
            raise user_error(error) from None
        except PeopleError as error:
            raise CliError(str(error)) from None
        finally:
            await services.close()

    return asyncio.run(run())


def print_preview(preview: Preview, as_json: bool, verb: str) -> None:
    """What a reminder or invitation run would send (``verb``: "remind" or "invite"), as
    JSON or as lines; nothing is sent."""
    plan = preview.plan
    if as_json:
        print(
            json.dumps(
                {
                    "send": [person_json(r) for r in plan.send],
                    "skipped": [
                        {**person_json(s.recipient), "reason": s.reason} for s in plan.skipped
                    ],
                    "example": to_json(preview.example),
                },
                ensure_ascii=False,
            )
        )
        return
    for recipient in plan.send:
        course = f"  ({recipient.course})" if verb == "remind" else ""
        print(f"would {verb}  {recipient.name} <{recipient.email}>{course}")
    for skipped in plan.skipped:
        who = skipped.recipient
        print(f"would skip    {who.name} <{who.email}>: {skipped.reason}")
    if preview.example is not None:
        print(f"\n--- the e-mail to {preview.example.to} ---")
        print(f"Subject: {preview.example.subject}\n")
        print(preview.example.body)
    print(
        f"{len(plan.send)} to {verb}, {len(plan.skipped)} skipped; "
        "nothing was sent (add --send to send)"
    )
