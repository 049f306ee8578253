"""``lrs-bridge sources|targets|pull|outbox``: the bridge from the command line.

Secrets are never taken from the command line (it shows in ``ps`` and shell history): they
are read from standard input (``--secret-stdin``) or from an environment variable
(``--secret-env NAME``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, TextIO

from lrs_bridge.bridge.model import (
    DEFAULT_BATCH,
    MAX_BATCH,
    MAX_INTERVAL,
    MIN_INTERVAL,
    VERSIONS,
    Source,
    Target,
)
from lrs_bridge.bridge.pull import PullFailed, PullResult
from lrs_bridge.bridge.secrets import new_key
from lrs_bridge.cli.common import CliError, Commands, add_database, with_services
from lrs_bridge.services import Services
from statements.query import format_timestamp
from statements.time import now_micros

BAR_WIDTH = 30


def _secret(args: argparse.Namespace) -> str:
    if bool(args.secret_stdin) == bool(args.secret_env):
        raise CliError("give the secret with --secret-stdin or --secret-env NAME (one of them)")
    if args.secret_env:
        value = os.environ.get(args.secret_env, "")
        if not value:
            raise CliError(f"--secret-env: the environment variable {args.secret_env} is empty")
        return value
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise CliError("--secret-stdin: standard input has no secret")
    return line


def _config(args: argparse.Namespace) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": args.name,
        "endpoint": args.endpoint,
        "key": args.key,
        "secret": _secret(args),
        "version": args.version,
        "activity": args.activity,
        "verb": args.verb,
        "related_activities": args.related_activities,
    }
    return data


def _when(micros: int | None) -> str:
    return format_timestamp(micros) if micros is not None else "never"


def _filters(item: Source | Target) -> str:
    parts = []
    if item.filters.activity:
        related = " (related)" if item.filters.related_activities else ""
        parts.append(f"activity {item.filters.activity}{related}")
    if item.filters.verb:
        parts.append(f"verb {item.filters.verb}")
    return ", ".join(parts) or "every statement"


# --- sources ---------------------------------------------------------------------------------


def cmd_sources_add(args: argparse.Namespace) -> int:
    data = _config(args)
    data["interval_seconds"] = args.interval

    async def action(services: Services) -> int:
        source = await services.bridge.add_source(data)
        if args.json:
            print(json.dumps(source.public()))
        else:
            schedule = (
                f"every {source.interval_seconds} s" if source.interval_seconds else "on demand"
            )
            added = f"source {source.name} added: {source.remote.endpoint}"
            print(f"{added}, {_filters(source)}, {schedule}")
        return 0

    return with_services(args, action)


def cmd_sources_list(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        sources = await services.bridge.list_sources()
        if args.json:
            print(json.dumps([s.public() for s in sources]))
            return 0
        for s in sources:
            schedule = f"every {s.interval_seconds} s" if s.interval_seconds else "on demand"
            print(
                f"{s.name}  {s.remote.endpoint}  xAPI {s.remote.version}  {_filters(s)}  {schedule}"
            )
            print(
                f"    checkpoint {_when(s.checkpoint)}  last success {_when(s.last_success_at)}"
                f"  pulled {s.pulled_total}  bad {s.bad_total}"
            )
            if s.last_error:
                print(f"    last error {_when(s.last_error_at)}: {s.last_error}")
        return 0

    return with_services(args, action)


def cmd_sources_remove(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        await services.bridge.remove_source(args.name)
        print(f"removed source {args.name}")
        return 0

    return with_services(args, action)


# --- pull --------------------------------------------------------------------------------------


class ProgressBar:
    """A one-line progress bar on a terminal: how far the pull has come from its first
    statement's stored time towards now, and the counts."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.until = now_micros()
        self.shown = False

    def __call__(self, result: PullResult) -> None:
        fraction = 0.0
        if result.first_stored is not None and result.checkpoint is not None:
            span = max(self.until - result.first_stored, 1)
            fraction = min(max((result.checkpoint - result.first_stored) / span, 0.0), 1.0)
        filled = int(BAR_WIDTH * fraction)
        self.stream.write(
            f"\r{result.source} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction:4.0%}"
            f"  {result.received} received, {result.stored} new, {len(result.problems)} bad,"
            f" {result.pages} pages"
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _pull_record(result: PullResult) -> dict[str, Any]:
    return {
        "source": result.source,
        "pages": result.pages,
        "received": result.received,
        "stored": result.stored,
        "already": result.already,
        "bad": [p.public() for p in result.problems],
        "checkpoint": format_timestamp(result.checkpoint) if result.checkpoint else None,
    }


def _report_problems(result: PullResult) -> None:
    for problem in result.problems:
        where = ", ".join(f"{d.get('path')} ({d.get('rule')})" for d in problem.details[:3])
        print(
            f"lrs-bridge: bad statement {problem.statement_id or '(no id)'} from "
            f"{result.source}, stored nowhere: {where or problem.message}",
            file=sys.stderr,
        )


def cmd_pull(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.json else None
        try:
            result = await services.bridge.pull(args.source, bar)
        except PullFailed as failure:
            if bar is not None:
                bar.close()
            _report_problems(failure.result)
            raise CliError(
                f"pull from {args.source} stopped after {failure.result.stored} new statements: "
                f"{failure.message} (what is stored stays; run the pull again to resume)"
            ) from None
        if bar is not None:
            bar.close()
        _report_problems(result)
        if args.json:
            print(json.dumps(_pull_record(result)))
        else:
            print(
                f"pulled {result.source}: {result.received} statements received in "
                f"{result.pages} pages, {result.stored} new, {result.already} stored before, "
                f"{len(result.problems)} bad; checkpoint {_when(result.checkpoint)}"
            )
        return 0

    return with_services(args, action)


# --- targets and the outbox --------------------------------------------------------------------


def cmd_targets_add(args: argparse.Namespace) -> int:
    data = _config(args)
    data["batch_size"] = args.batch_size
    data["peer_credential"] = args.peer_credential

    async def action(services: Services) -> int:
        target = await services.bridge.add_target(data)
        if args.json:
            print(json.dumps(target.public()))
        else:
            print(
                f"target {target.name} added: {target.remote.endpoint}, {_filters(target)},"
                f" batches of {target.batch_size}"
            )
        return 0

    return with_services(args, action)


def cmd_targets_list(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        targets = await services.bridge.list_targets()
        if args.json:
            print(json.dumps([t.public() for t in targets]))
            return 0
        for t in targets:
            peer = f"  not back to credential {t.peer_credential}" if t.peer_credential else ""
            print(
                f"{t.name}  {t.remote.endpoint}  xAPI {t.remote.version}  {_filters(t)}"
                f"  batches of {t.batch_size}{peer}"
            )
        return 0

    return with_services(args, action)


def cmd_targets_remove(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        await services.bridge.remove_target(args.name)
        print(f"removed target {args.name} and its outbox")
        return 0

    return with_services(args, action)


def cmd_secrets_new_key(args: argparse.Namespace) -> int:
    """A new key for LRS_BRIDGE_SECRETS_KEY (put it first in the list to rotate)."""
    print(new_key())
    return 0


def cmd_secrets_rotate(args: argparse.Namespace) -> int:
    """Seal every source's and target's secret with the first key of
    LRS_BRIDGE_SECRETS_KEY (plaintext ones and those sealed with an older key)."""

    async def action(services: Services) -> int:
        bridge = services.bridge
        if not bridge.storage.box.sealing:
            raise CliError(
                "LRS_BRIDGE_SECRETS_KEY is not set: there is no key to encrypt with "
                "(make one with 'lrs-bridge secrets new-key')"
            )
        changed = await bridge.storage.reseal_all()
        print(f"{changed} secret{'s' if changed != 1 else ''} sealed with the first key")
        return 0

    return with_services(args, action)


def cmd_outbox(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        targets = await services.bridge.list_targets()
        if args.json:
            print(json.dumps([t.public() for t in targets]))
            return 0
        if not targets:
            print("no forwarding targets")
        for t in targets:
            print(
                f"{t.name}  queue {t.queue}  sent {t.sent_total}  rejected {t.rejected_total}"
                f"  last sent {_when(t.last_sent_at)}"
            )
            if t.last_error:
                print(f"    last error {_when(t.last_error_at)}: {t.last_error}")
        return 0

    return with_services(args, action)


# --- the parser ------------------------------------------------------------------------------


def _remote_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="a short name: a-z 0-9 . _ -")
    parser.add_argument(
        "--endpoint", required=True, help="the xAPI endpoint, e.g. https://lrs.example.se/xapi/"
    )
    parser.add_argument("--key", required=True, help="the xAPI credential's key (HTTP Basic user)")
    parser.add_argument(
        "--secret-stdin", action="store_true", help="read the secret from standard input"
    )
    parser.add_argument(
        "--secret-env", metavar="VAR", help="read the secret from this environment variable"
    )
    parser.add_argument(
        "--version", choices=VERSIONS, default="1.0.3", help="xAPI version to speak (default 1.0.3)"
    )
    parser.add_argument("--activity", metavar="IRI", help="only statements about this activity")
    parser.add_argument(
        "--related-activities", action="store_true", help="with --activity: also in the context"
    )
    parser.add_argument("--verb", metavar="IRI", help="only statements with this verb")
    parser.add_argument("--json", action="store_true", help="print JSON")


def add_commands(commands: Commands) -> None:
    _add_sources(commands)
    _add_pull(commands)
    _add_targets(commands)
    _add_secrets(commands)
    _add_outbox(commands)


def _add_sources(commands: Commands) -> None:
    sources = commands.add_parser("sources", help="bridge: upstream LRSs to pull statements from")
    source_commands = sources.add_subparsers(dest="sources_command", required=True)
    add = source_commands.add_parser(
        "add",
        help="add an upstream LRS",
        description="Add an upstream LRS to pull from. A source and a forwarding target with "
        "the same name are the same LRS: what is pulled from it is never sent back to it.",
    )
    add_database(add)
    _remote_flags(add)
    add.add_argument(
        "--interval",
        type=int,
        metavar="SECONDS",
        help=f"pull in the service every SECONDS ({MIN_INTERVAL}-{MAX_INTERVAL}); "
        "default: only with 'lrs-bridge pull'",
    )
    add.set_defaults(func=cmd_sources_add)
    listing = source_commands.add_parser(
        "list", help="sources, checkpoints, last errors (never secrets)"
    )
    add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_sources_list)
    remove = source_commands.add_parser("remove", help="remove a source and its checkpoint")
    add_database(remove)
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=cmd_sources_remove)


def _add_pull(commands: Commands) -> None:
    pull = commands.add_parser(
        "pull",
        help="pull statements from an upstream LRS now",
        description="Fetch the statements the source has stored since its checkpoint, page by "
        "page, and store them as if received. Interrupted, it resumes where it stopped. Bad "
        "statements are reported on standard error and stored nowhere.",
    )
    add_database(pull)
    pull.add_argument("source", metavar="SOURCE", help="the source's name")
    pull.add_argument("--json", action="store_true", help="print the result as JSON")
    pull.set_defaults(func=cmd_pull)


def _add_targets(commands: Commands) -> None:
    targets = commands.add_parser("targets", help="bridge: LRSs to forward accepted statements to")
    target_commands = targets.add_subparsers(dest="targets_command", required=True)
    add = target_commands.add_parser(
        "add",
        help="add a forwarding target",
        description="Forward every statement accepted from now on (that passes the filters) "
        "to another LRS. The running service sends them.",
    )
    add_database(add)
    _remote_flags(add)
    add.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH,
        metavar="N",
        help=f"statements per request (1-{MAX_BATCH}, default {DEFAULT_BATCH})",
    )
    add.add_argument(
        "--peer-credential",
        metavar="KEY",
        help="key of the local credential this LRS sends statements here with: those are "
        "never forwarded back to it",
    )
    add.set_defaults(func=cmd_targets_add)
    listing = target_commands.add_parser("list", help="forwarding targets (never secrets)")
    add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_targets_list)
    remove = target_commands.add_parser("remove", help="remove a target and its outbox")
    add_database(remove)
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=cmd_targets_remove)


def _add_secrets(commands: Commands) -> None:
    secrets_parser = commands.add_parser(
        "secrets",
        help="bridge: the key encrypting sources' and targets' secrets at rest",
        description="Secrets of other LRSs are stored encrypted with LRS_BRIDGE_SECRETS_KEY "
        "(comma-separated keys: the first encrypts, all decrypt). To rotate: put a new key "
        "first, run 'secrets rotate', then drop the old key.",
    )
    secret_commands = secrets_parser.add_subparsers(dest="secrets_command", required=True)
    made = secret_commands.add_parser("new-key", help="print a new key")
    made.set_defaults(func=cmd_secrets_new_key)
    rotate = secret_commands.add_parser(
        "rotate", help="encrypt every stored secret with the first key (plaintext ones too)"
    )
    add_database(rotate)
    rotate.set_defaults(func=cmd_secrets_rotate)


def _add_outbox(commands: Commands) -> None:
    outbox = commands.add_parser(
        "outbox", help="statements waiting per forwarding target, and the last error"
    )
    add_database(outbox)
    outbox.add_argument("--json", action="store_true", help="print JSON")
    outbox.set_defaults(func=cmd_outbox)
