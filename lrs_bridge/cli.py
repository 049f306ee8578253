"""The ``lrs-bridge`` command: serve, manage credentials, people and reports, move data.

Errors print one line naming what is wrong and exit with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from lrs_bridge.auth.access import Role
from lrs_bridge.auth.scopes import XAPI_SCOPES
from lrs_bridge.config import Settings, SettingsError, load_settings
from lrs_bridge.people.model import TokenInfo, User
from lrs_bridge.people.service import NewToken, PeopleError
from lrs_bridge.services import Services
from reports.exports import FORMATS, to_json
from reports.reminding import outcome_json, person_json
from statements.errors import XapiError


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"lrs-bridge: {message} (see '{self.prog} --help')\n")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "database", None):
        overrides["database_url"] = _database_url(args.database)
    for name in ("host", "port"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    return load_settings(**overrides)


def _database_url(value: str) -> str:
    """``--database`` takes a URL or a plain SQLite file path."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value))


def _with_services(args: argparse.Namespace, action: Callable[[Services], Awaitable[int]]) -> int:
    settings = _settings(args)
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
        finally:
            await services.close()

    return asyncio.run(run())


# --- serve ---------------------------------------------------------------------------


DEMO_FILE = "demo-credential.json"


async def ensure_demo_credential(
    services: Services, saved: dict[str, str] | None
) -> dict[str, str]:
    """The demo credential for `make run`: the saved one while it is active, else a new one."""
    if saved is not None:
        credential = await services.store.get_credential(saved["key"])
        if credential is not None and credential.active:
            return saved
    created = await services.credentials.create("demo", ["all"])
    return {"key": created.credential.key, "secret": created.secret}


def _demo(args: argparse.Namespace, settings: Settings) -> None:
    path = Path(args.demo_folder) / DEMO_FILE
    saved = json.loads(path.read_text("utf-8")) if path.exists() else None

    async def action(svc: Services) -> int:
        from lrs_bridge.demo import seed_demo, trust_demo_credential

        credential = await ensure_demo_credential(svc, saved)
        await trust_demo_credential(svc, credential["key"])
        password = (saved or {}).get("password")
        logins = await seed_demo(svc, password, reset=password is None)
        password = logins[0].password
        record = {**credential, "password": password}
        if record != saved:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record), "utf-8")
            path.chmod(0o600)
        print(f"xAPI endpoint: {settings.base_url}/xapi/")
        print(
            f"demo credential (HTTP Basic): key {credential['key']}  secret {credential['secret']}"
        )
        print(f"web pages: {settings.base_url}/  (log in as one of these, password {password})")
        for login in logins:
            print(f"  {login.email}  ({login.role})")
        return 0

    _with_services(args, action)


async def _database_ready(services: Services) -> int:
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from lrs_bridge.http.app import create_app
    from lrs_bridge.logs import configure_logging

    settings = _settings(args)
    configure_logging(settings.log_level)
    _with_services(args, _database_ready)  # a database that cannot be opened stops here
    if args.demo and "LRS_BRIDGE_REMINDER_OFFSETS_DAYS" not in os.environ:
        # The demo's participants are made up: no automatic e-mails to them.
        settings = settings.model_copy(update={"reminder_offsets_days": ""})
    services = Services.build(settings)
    if args.demo:
        _demo(args, settings)
    else:
        print(f"xAPI endpoint: {settings.base_url}/xapi/")
    sys.stdout.flush()
    app = create_app(settings, services)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,  # request lines carry agents' e-mail addresses in query strings
        # The client address (which the log-in throttles count by) from X-Forwarded-For,
        # believed only from these proxies (README, "Behind a proxy").
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        log_config=None,  # uvicorn's loggers go through the scrubbed handler (lrs_bridge.logs)
        loop="auto",
        http="auto",
        timeout_graceful_shutdown=5,
    )
    return 0


# --- credentials -----------------------------------------------------------------------


def cmd_credentials_create(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        try:
            created = await services.credentials.create(args.label, args.scope)
        except ValueError as error:
            raise CliError(str(error)) from None
        record = {
            "key": created.credential.key,
            "secret": created.secret,
            "label": created.credential.label,
            "scopes": list(created.credential.scopes),
        }
        if args.json:
            print(json.dumps(record))
        else:
            print(f"key:    {record['key']}")
            print(f"secret: {record['secret']}   (shown only now; store it safely)")
            print(f"label:  {record['label']}")
            print(f"scopes: {' '.join(created.credential.scopes)}")
        return 0

    return _with_services(args, action)


def cmd_credentials_list(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        credentials = await services.store.list_credentials()
        rows = [
            {
                "key": c.key,
                "label": c.label,
                "scopes": list(c.scopes),
                "created_at": c.created_at.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            }
            for c in credentials
        ]
        if args.json:
            print(json.dumps(rows))
        else:
            for c in credentials:
                state = f"revoked {c.revoked_at.isoformat()}" if c.revoked_at else "active"
                print(f"{c.key}  {c.label}  [{' '.join(c.scopes)}]  {state}")
        return 0

    return _with_services(args, action)


def cmd_credentials_revoke(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        if not await services.credentials.revoke(args.key):
            raise CliError(f"no active credential with key {args.key}")
        print(f"revoked {args.key}")
        return 0

    return _with_services(args, action)


# --- people ----------------------------------------------------------------------------


def _read_password() -> str:
    """The password on standard input's first line (so it is never in argv or history)."""
    line = sys.stdin.readline()
    if not line.strip():
        raise CliError("--password-stdin: standard input has no password")
    return line.rstrip("\r\n")


def _user_record(user: User, tokens: list[TokenInfo] | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "county": user.county,
        "municipality": user.municipality,
        "created_at": user.created_at.isoformat(),
        "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None,
        "password": user.has_password,
    }
    if tokens is not None:
        record["tokens"] = [t.id for t in tokens if t.active]
    return record


def _print_token(token: NewToken) -> None:
    print(f"token:  {token.token}")
    print("        (shown only now; store it safely. Send it as 'Authorization: Bearer TOKEN')")


def cmd_users_create(args: argparse.Namespace) -> int:
    password = _read_password() if args.password_stdin else None

    async def action(services: Services) -> int:
        try:
            user = await services.people.create_user(
                args.email, args.role, args.county, args.municipality, password
            )
            token = await services.people.issue_token(str(user.id)) if args.token else None
        except PeopleError as error:
            raise CliError(str(error)) from None
        if args.json:
            record = _user_record(user)
            record["token"] = token.token if token else None
            print(json.dumps(record))
            return 0
        place = user.municipality or user.county or "every county"
        print(f"user {user.id} created: {user.role.value} ({place})")
        if token:
            _print_token(token)
        return 0

    return _with_services(args, action)


def cmd_users_list(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        users = await services.people.list_users()
        records = [_user_record(u, await services.people.tokens_of(u.id)) for u in users]
        if args.json:
            print(json.dumps(records))
            return 0
        for record in records:
            place = record["municipality"] or record["county"] or "-"
            state = f"disabled {record['disabled_at']}" if record["disabled_at"] else "active"
            tokens = " ".join(record["tokens"]) or "no tokens"
            print(
                f"{record['id']}  {record['email']}  {record['role']}  {place}  {state}"
                f"  tokens: {tokens}"
            )
        return 0

    return _with_services(args, action)


def cmd_users_token(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        try:
            token = await services.people.issue_token(args.user)
        except PeopleError as error:
            raise CliError(str(error)) from None
        if args.json:
            print(
                json.dumps({"id": token.info.id, "user": token.info.user_id, "token": token.token})
            )
        else:
            print(f"token {token.info.id} for user {token.info.user_id}")
            _print_token(token)
        return 0

    return _with_services(args, action)


def cmd_users_revoke_token(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        try:
            revoked = await services.people.revoke_token(args.token_id)
        except PeopleError as error:
            raise CliError(str(error)) from None
        print(f"revoked token {revoked.id} of user {revoked.user_id}")
        return 0

    return _with_services(args, action)


def cmd_users_disable(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        try:
            user = await services.people.disable_user(args.user)
        except PeopleError as error:
            raise CliError(str(error)) from None
        print(f"disabled user {user.id}; their tokens are revoked")
        return 0

    return _with_services(args, action)


def cmd_users_password(args: argparse.Namespace) -> int:
    password = _read_password()

    async def action(services: Services) -> int:
        try:
            change = await services.people.set_password(
                args.user, password, revoke_tokens=args.revoke_tokens
            )
        except PeopleError as error:
            raise CliError(str(error)) from None
        print(f"password set for user {change.user.id}; every session of theirs has ended")
        if change.revoked:
            print(f"API tokens revoked: {' '.join(change.revoked)}")
        elif change.kept:
            print(
                f"API tokens kept (still valid): {' '.join(change.kept)};"
                " revoke them with --revoke-tokens"
            )
        else:
            print("no API tokens")
        return 0

    return _with_services(args, action)


# --- readiness: reports, progress, courses ------------------------------------------------


def _user_error(error: XapiError) -> CliError:
    """A service error as one line (its message names the field or the object)."""
    more = f" (and {len(error.details) - 1} more)" if len(error.details) > 1 else ""
    return CliError(error.message + more)


def cmd_report(args: argparse.Namespace) -> int:
    chosen = [bool(args.workshop), bool(args.county), bool(args.national)]
    if sum(chosen) != 1:
        raise CliError("name one WORKSHOP id, or --county CODE, or --national")

    async def action(services: Services) -> int:
        reports = services.reports
        try:
            if args.workshop:
                report: Any = await reports.workshop_readiness(
                    args.workshop, municipality=args.municipality
                )
            elif args.county:
                report = await reports.county_readiness(args.county, municipality=args.municipality)
            else:
                report = await reports.national_readiness()
            exported = reports.export(report, args.format)
        except XapiError as error:
            raise _user_error(error) from None
        if args.output:
            try:
                await asyncio.to_thread(Path(args.output).write_bytes, exported.content)
            except OSError as error:
                raise CliError(f"--output {args.output}: {error.strerror}") from None
            print(f"wrote {args.output} ({len(exported.content)} bytes)")
        else:
            sys.stdout.buffer.write(exported.content)
            if args.format == "json":
                sys.stdout.buffer.write(b"\n")
            sys.stdout.flush()
        return 0

    return _with_services(args, action)


def cmd_remind(args: argparse.Namespace) -> int:
    """Who would be reminded of a workshop, and the e-mail; with --send, send it."""

    async def action(services: Services) -> int:
        desk = services.reminders
        try:
            if args.send:
                outcome = await desk.send(args.workshop, municipality=args.municipality)
                workshop = await services.reports.get_workshop(args.workshop)
                await services.audit.record(
                    None,
                    "reminders.send",
                    "workshop",
                    workshop.id,
                    workshop.county,
                    sent=len(outcome.sent),
                    failed=len(outcome.failed),
                    skipped=len(outcome.skipped),
                )
            else:
                preview = await desk.preview(args.workshop, municipality=args.municipality)
        except XapiError as error:
            raise _user_error(error) from None
        if args.send:
            if args.json:
                print(json.dumps(outcome_json(outcome), ensure_ascii=False))
            else:
                for recipient in outcome.sent:
                    print(f"sent     {recipient.name} <{recipient.email}>")
                for recipient, failure in outcome.failed:
                    print(f"FAILED   {recipient.name} <{recipient.email}>: {failure}")
                for skipped in outcome.skipped:
                    who = skipped.recipient
                    print(f"skipped  {who.name} <{who.email}>: {skipped.reason}")
                print(
                    f"{len(outcome.sent)} sent, {len(outcome.failed)} failed, "
                    f"{len(outcome.skipped)} skipped"
                )
            return 1 if outcome.failed else 0
        plan = preview.plan
        if args.json:
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
            return 0
        for recipient in plan.send:
            print(f"would remind  {recipient.name} <{recipient.email}>  ({recipient.course})")
        for skipped in plan.skipped:
            who = skipped.recipient
            print(f"would skip    {who.name} <{who.email}>: {skipped.reason}")
        if preview.example is not None:
            print(f"\n--- the e-mail to {preview.example.to} ---")
            print(f"Subject: {preview.example.subject}\n")
            print(preview.example.body)
        print(
            f"{len(plan.send)} to remind, {len(plan.skipped)} skipped; "
            "nothing was sent (add --send to send)"
        )
        return 0

    return _with_services(args, action)


def cmd_progress_rebuild(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        result = await services.reports.rebuild_progress()
        if args.json:
            print(json.dumps(to_json(result)))
        else:
            print(
                f"progress rebuilt: {result.statements} statements read, "
                f"{result.rows} progress rows, log position {result.through_seq}"
            )
        return 0

    return _with_services(args, action)


def _course_line(course: Any) -> str:
    reporters = course.reporters
    trusted = (
        f", trusts {len(reporters.credentials)} credentials and {len(reporters.sources)}"
        " bridge sources"
        if reporters is not None
        else ""
    )
    return (
        f"{course.id}  {course.rule}  {course.name}  ({len(course.activities)} activities{trusted})"
    )


def cmd_courses_list(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        courses = await services.reports.list_courses()
        if args.json:
            print(json.dumps(to_json(courses)))
            return 0
        for course in courses:
            print(_course_line(course))
            for activity in course.activities:
                print(f"    {activity}")
            for key in course.reporters.credentials if course.reporters else ():
                print(f"    trusts credential {key}")
            for name in course.reporters.sources if course.reporters else ():
                print(f"    trusts bridge source {name}")
        return 0

    return _with_services(args, action)


def _course_data(args: argparse.Namespace, base: dict[str, Any]) -> dict[str, Any]:
    data = dict(base)
    for flag, name in (("name", "name"), ("rule", "rule"), ("url", "url")):
        if getattr(args, flag) is not None:
            data[name] = getattr(args, flag)
    if args.description is not None:
        data["description"] = args.description
    if args.activity:
        data["activities"] = list(args.activity)
    if args.trust_nothing or args.trust_credential or args.trust_source:
        reporters = dict(data.get("reporters") or {})
        if args.trust_nothing:
            reporters = {"credentials": [], "sources": []}
        if args.trust_credential:
            reporters["credentials"] = list(args.trust_credential)
        if args.trust_source:
            reporters["sources"] = list(args.trust_source)
        data["reporters"] = reporters
    return data


def cmd_courses_add(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        data = _course_data(args, {"id": args.id} if args.id else {})
        try:
            course = await services.reports.add_course(data)
        except XapiError as error:
            raise _user_error(error) from None
        print(json.dumps(to_json(course)) if args.json else f"added {_course_line(course)}")
        return 0

    return _with_services(args, action)


def cmd_courses_change(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        reports = services.reports
        try:
            current = to_json(await reports.get_course(args.course))
            del current["id"]
            course = await reports.change_course(args.course, _course_data(args, current))
        except XapiError as error:
            raise _user_error(error) from None
        print(json.dumps(to_json(course)) if args.json else f"changed {_course_line(course)}")
        return 0

    return _with_services(args, action)


# --- migrate-data ----------------------------------------------------------------------


def cmd_migrate_data(args: argparse.Namespace) -> int:
    from lrs_bridge.migrate_data import MigrateError, migrate

    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    source, target = _database_url(args.source), _database_url(args.target)
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


# --- the parser ------------------------------------------------------------------------


def _add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", help="database URL or SQLite file (default: LRS_BRIDGE_DATABASE_URL)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lrs-bridge", description="xAPI LRS and election-security readiness reports"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP service")
    _add_database(serve)
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default 8000)")
    serve.add_argument("--demo", action="store_true", help="create and print a demo credential")
    serve.add_argument("--demo-folder", default="data", help=argparse.SUPPRESS)
    serve.set_defaults(func=cmd_serve)

    credentials = commands.add_parser("credentials", help="xAPI client credentials")
    cred_commands = credentials.add_subparsers(dest="credentials_command", required=True)
    create = cred_commands.add_parser("create", help="create a key and secret")
    _add_database(create)
    create.add_argument("--label", required=True, help="who or what uses it")
    create.add_argument(
        "--scope",
        nargs="+",
        required=True,
        choices=XAPI_SCOPES,
        metavar="SCOPE",
        help=f"one or more of: {', '.join(XAPI_SCOPES)}",
    )
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(func=cmd_credentials_create)
    listing = cred_commands.add_parser("list", help="list credentials (never secrets)")
    _add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_credentials_list)
    revoke = cred_commands.add_parser("revoke", help="revoke a credential at once")
    _add_database(revoke)
    revoke.add_argument("key")
    revoke.set_defaults(func=cmd_credentials_revoke)
    _add_reports(commands)
    _add_users(commands)
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
    from lrs_bridge.bridge.commands import add_bridge_commands  # uses this module's helpers

    add_bridge_commands(commands)
    return parser


def _add_users(commands: Any) -> None:
    users = commands.add_parser("users", help="people: admins and coordinators, API tokens")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    create = user_commands.add_parser("create", help="create a person")
    _add_database(create)
    create.add_argument("--email", required=True, help="work e-mail address (unique)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--county", help="county code, e.g. 21 (county admins, coordinators)")
    create.add_argument(
        "--municipality", help="municipality code, e.g. 2180 (a coordinator for one)"
    )
    create.add_argument("--token", action="store_true", help="also create an API token")
    create.add_argument(
        "--password-stdin", action="store_true", help="read a password from standard input"
    )
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(func=cmd_users_create)
    listing = user_commands.add_parser("list", help="list people and their token ids")
    _add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_users_list)
    token = user_commands.add_parser("token", help="create a new API token for a person")
    _add_database(token)
    token.add_argument("user", metavar="USER", help="user id or e-mail address")
    token.add_argument("--json", action="store_true", help="print JSON")
    token.set_defaults(func=cmd_users_token)
    revoke = user_commands.add_parser("revoke-token", help="revoke an API token at once")
    _add_database(revoke)
    revoke.add_argument("token_id", metavar="TOKEN_ID", help="the token's id (or the token)")
    revoke.set_defaults(func=cmd_users_revoke_token)
    disable = user_commands.add_parser("disable", help="disable a person and their tokens")
    _add_database(disable)
    disable.add_argument("user", metavar="EMAIL", help="e-mail address (or user id)")
    disable.set_defaults(func=cmd_users_disable)
    password = user_commands.add_parser(
        "password", help="set a person's password (read from standard input)"
    )
    _add_database(password)
    password.add_argument("user", metavar="USER", help="user id or e-mail address")
    password.add_argument(
        "--revoke-tokens",
        action="store_true",
        help="also revoke the person's API tokens (do so when the password may be known)",
    )
    password.set_defaults(func=cmd_users_password)


def _course_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--activity",
        action="append",
        metavar="IRI",
        help="an activity IRI of the course; repeat for several (all_of: in step order)",
    )
    parser.add_argument(
        "--rule",
        choices=["any_of", "all_of"],
        help="any_of: a completion of any activity completes the course; "
        "all_of: every activity (step) must be completed",
    )
    parser.add_argument("--url", help="where learners start the course (for reminder e-mails)")
    parser.add_argument("--description", help="a line about the course")
    parser.add_argument(
        "--trust-credential",
        action="append",
        metavar="KEY",
        help="an xAPI credential whose statements count for the course (its own key, for a "
        "package that cannot be launched); repeat for several; replaces the list",
    )
    parser.add_argument(
        "--trust-source",
        action="append",
        metavar="NAME",
        help="a bridge source whose statements count for the course; repeat for several; "
        "replaces the list",
    )
    parser.add_argument(
        "--trust-nothing",
        action="store_true",
        help="count only statements the service writes itself (clears both lists first)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def _add_reports(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="readiness report of a workshop (or a county, or the nation)",
        description="Which participants have completed the required courses before the "
        "deadline. The progress ledger is caught up with the statement log first.",
    )
    _add_database(report)
    report.add_argument("workshop", nargs="?", metavar="WORKSHOP", help="the workshop's id")
    report.add_argument("--county", metavar="CODE", help="all workshops of a county, e.g. 21")
    report.add_argument("--national", action="store_true", help="every county side by side")
    report.add_argument(
        "--municipality", metavar="CODE", help="only participants of one municipality, e.g. 2180"
    )
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="json (default), csv (for Swedish Excel: UTF-8 BOM, ';', CRLF) or xlsx",
    )
    report.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    report.set_defaults(func=cmd_report)

    remind = commands.add_parser(
        "remind",
        help="remind a workshop's participants who have not finished",
        description="Show who would be reminded by e-mail (not completed, not reminded "
        "within LRS_BRIDGE_REMINDER_WINDOW_HOURS) and the e-mail itself; --send sends "
        "one e-mail per person over SMTP (LRS_BRIDGE_SMTP_*). Exits 1 if a delivery failed.",
    )
    _add_database(remind)
    remind.add_argument("workshop", metavar="WORKSHOP", help="the workshop's id")
    remind.add_argument(
        "--municipality", metavar="CODE", help="only participants of one municipality"
    )
    remind.add_argument("--send", action="store_true", help="send the e-mails")
    remind.add_argument("--json", action="store_true", help="print JSON")
    remind.set_defaults(func=cmd_remind)

    progress = commands.add_parser("progress", help="the progress ledger")
    progress_commands = progress.add_subparsers(dest="progress_command", required=True)
    rebuild = progress_commands.add_parser(
        "rebuild",
        help="rebuild the progress ledger from the statement log",
        description="Empty the progress ledger and project the whole statement log again, "
        "in order. Safe while the server runs: its projector continues from the rebuilt one.",
    )
    _add_database(rebuild)
    rebuild.add_argument("--json", action="store_true", help="print JSON")
    rebuild.set_defaults(func=cmd_progress_rebuild)

    courses = commands.add_parser("courses", help="courses and their completion rules")
    course_commands = courses.add_subparsers(dest="courses_command", required=True)
    listing = course_commands.add_parser("list", help="list courses and their activities")
    _add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_courses_list)
    add = course_commands.add_parser(
        "add",
        help="add a course",
        description="Add a course; its history in the statement log counts at once.",
    )
    _add_database(add)
    add.add_argument("--id", help="short id, a-z 0-9 and '-' (default: from the name)")
    add.add_argument("--name", required=True, help="the course's name")
    _course_flags(add)
    add.set_defaults(func=cmd_courses_add)
    change = course_commands.add_parser(
        "change",
        help="change a course",
        description="Change the flags given and keep the rest (--activity replaces the "
        "whole list). Progress for the course is recomputed from the statement log.",
    )
    _add_database(change)
    change.add_argument("course", metavar="COURSE", help="the course's id")
    change.add_argument("--name", help="a new name")
    _course_flags(change)
    change.set_defaults(func=cmd_courses_change)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.func is not cmd_serve:  # serve configures logging from its settings
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


if __name__ == "__main__":
    # Run the module as imported by its name, so that modules importing its helpers
    # (lrs_bridge.bridge.commands) raise the very CliError that main() catches.
    from lrs_bridge.cli import main as _main

    raise SystemExit(_main())
