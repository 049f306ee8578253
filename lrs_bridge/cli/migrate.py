"""``lrs-bridge migrate-data``: copy everything to a new, empty database."""

from __future__ import annotations

import argparse
import asyncio
import sys

from lrs_bridge.cli.common import CliError, Commands, database_url


def cmd_migrate_data(args: argparse.Namespace) -> int:
    from lrs_bridge.migrate_data import MigrateError, migrate

    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    source, target = database_url(args.source), database_url(args.target)
    try:
        outcome = asyncio.run(migrate(source, target, batch=args.batch_size))
    except MigrateError as error:
        raise CliError(str(error)) from None
    width = max((len(count.table) for count in outcome.counts), default=5)
    print(f"{'table':<{width}}  {'source':>10}  {'target':>10}")
    for count in outcome.counts:
        mark = "" if count.ok else "  MISMATCH"
        print(f"{count.table:<{width}}  {count.source:>10}  {count.target:>10}{mark}")
    for name in outcome.skipped:
        print(f"{name}: empty and not kept by the target's engine, skipped")
    if not outcome.ok:
        print(
            "lrs-bridge: the row counts differ: nothing was committed to the target",
            file=sys.stderr,
        )
        return 1
    total = sum(count.target for count in outcome.counts)
    print(f"copied {total} rows in {len(outcome.counts)} tables; the counts match")
    return 0


def add_commands(commands: Commands) -> None:
    migrate = commands.add_parser(
        "migrate-data",
        help="copy everything to a new, empty database (SQLite <-> PostgreSQL)",
        description="Copy every table of the source database into the target, which must "
        "hold no data (it gets this version's schema first), in one transaction, with a "
        "progress bar on stderr; then compare the row counts table by table. Stop the "
        "service first. Exits 1 (and commits nothing) if a count differs.",
    )
    migrate.add_argument(
        "--from", dest="source", required=True, metavar="URL", help="database URL or SQLite file"
    )
    migrate.add_argument(
        "--to", dest="target", required=True, metavar="URL", help="database URL or SQLite file"
    )
    migrate.add_argument(
        "--batch-size", type=int, default=1000, metavar="ROWS", help="rows per batch (1000)"
    )
    migrate.set_defaults(func=cmd_migrate_data)
