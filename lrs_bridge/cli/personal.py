"""``lrs-bridge person …`` (register extract, erasure) and ``lrs-bridge retention …``
(the retention purge): personal data over its whole life (issue 16).

An extract is written to a file (``--output``), never to the terminal's scroll-back by
default; an erasure without ``--yes`` is a dry run that prints what would go.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lrs_bridge.cli.common import CliError, Commands, add_database, with_services
from lrs_bridge.privacy.service import extract_xlsx
from lrs_bridge.services import Services


def cmd_person_extract(args: argparse.Namespace) -> int:
    output = Path(args.output)
    form = args.format or ("xlsx" if output.suffix.lower() == ".xlsx" else "json")
    made: list[bytes] = []

    async def action(services: Services) -> int:
        data = await services.privacy.extract(None, args.email)
        if form == "xlsx":
            made.append(extract_xlsx(data))
        else:
            made.append(json.dumps(data, ensure_ascii=False, indent=2).encode())
        counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
        print(f"register extract written to {output} ({form}): " + json.dumps(counts))
        return 0

    status = with_services(args, action)
    output.write_bytes(made[0])
    return status


def cmd_person_erase(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        if args.yes and args.dry_run:
            raise CliError("--yes and --dry-run: choose one")
        done = await services.privacy.erase(None, args.email, dry_run=not args.yes)
        if args.json:
            print(json.dumps(done.as_json()))
            return 0
        what = "would be erased (dry run; add --yes to erase)" if done.dry_run else "erased"
        print(f"{what}, mode {done.mode}: {json.dumps(done.counts)}")
        if done.forwarded_to:
            print(
                "statements were already forwarded to: "
                + ", ".join(done.forwarded_to)
                + " (pass the request on to them)"
            )
        return 0

    return with_services(args, action)


def cmd_retention_purge(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        done = await services.retention.run(dry_run=args.dry_run)
        if args.json:
            print(json.dumps(done.as_json()))
            return 0
        what = "would be purged (dry run)" if done.dry_run else "purged"
        print(f"{what}: {json.dumps(done.as_json()['counts'])}")
        return 0

    return with_services(args, action)


def add_commands(commands: Commands) -> None:
    person = commands.add_parser(
        "person", help="personal data of one person: register extract, erasure"
    )
    person_commands = person.add_subparsers(dest="person_command", required=True)
    extract = person_commands.add_parser(
        "extract", help="everything held about a person (by e-mail address), to a file"
    )
    add_database(extract)
    extract.add_argument("email", metavar="EMAIL", help="the person's e-mail address")
    extract.add_argument("--output", required=True, help="file to write (.json or .xlsx)")
    extract.add_argument("--format", choices=("json", "xlsx"), help="default: by --output")
    extract.set_defaults(func=cmd_person_extract)
    erase = person_commands.add_parser("erase", help="erase a person (a dry run unless --yes)")
    add_database(erase)
    erase.add_argument("email", metavar="EMAIL", help="the person's e-mail address")
    erase.add_argument("--yes", action="store_true", help="erase (without it: a dry run)")
    erase.add_argument("--dry-run", action="store_true", help="count only (the default)")
    erase.add_argument("--json", action="store_true", help="print JSON")
    erase.set_defaults(func=cmd_person_erase)
    retention = commands.add_parser(
        "retention", help="the retention purge (gallring) the settings' rules decide"
    )
    retention_commands = retention.add_subparsers(dest="retention_command", required=True)
    purge = retention_commands.add_parser("purge", help="purge what the rules say has expired")
    add_database(purge)
    purge.add_argument("--dry-run", action="store_true", help="count per kind, change nothing")
    purge.add_argument("--json", action="store_true", help="print JSON")
    purge.set_defaults(func=cmd_retention_purge)
