"""The ``lrs-bridge`` command: serve, manage credentials, people and reports, move data,
and run the bridge.

One module per command group (``serve``, ``credentials``, ``users``, ``readiness``,
``migrate``, ``bridge``), each adding its sub-commands to the parser; ``common`` holds
what they share. Errors print one line naming what is wrong and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from lrs_bridge.cli import (
    bridge,
    cmi5,
    credentials,
    invitations,
    migrate,
    personal,
    readiness,
    serve,
    users,
)
from lrs_bridge.cli.common import CliError
from lrs_bridge.config import SettingsError


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"lrs-bridge: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lrs-bridge", description="xAPI LRS and election-security readiness reports"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (
        serve,
        credentials,
        readiness,
        invitations,
        users,
        migrate,
        bridge,
        cmi5,
        personal,
    ):
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.func is not serve.cmd_serve:  # serve configures logging from its settings
        from lrs_bridge.logs import configure_logging

        configure_logging("warning")
    try:
        result: int = args.func(args)
        return result
    except (CliError, SettingsError) as error:
        print(f"lrs-bridge: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
