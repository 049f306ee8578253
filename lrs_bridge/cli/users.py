"""``lrs-bridge users …``: people (administrators and coordinators) and their API tokens.

Passwords are read from standard input, never from the command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lrs_bridge.auth.access import Role
from lrs_bridge.cli.common import CliError, Commands, add_database, with_services
from lrs_bridge.people.model import TokenInfo, User
from lrs_bridge.people.service import NewToken
from lrs_bridge.services import Services


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
        user = await services.people.create_user(
            args.email, args.role, args.county, args.municipality, password
        )
        token = await services.people.issue_token(str(user.id)) if args.token else None
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

    return with_services(args, action)


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

    return with_services(args, action)


def cmd_users_token(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        token = await services.people.issue_token(args.user)
        if args.json:
            print(
                json.dumps({"id": token.info.id, "user": token.info.user_id, "token": token.token})
            )
        else:
            print(f"token {token.info.id} for user {token.info.user_id}")
            _print_token(token)
        return 0

    return with_services(args, action)


def cmd_users_revoke_token(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        revoked = await services.people.revoke_token(args.token_id)
        print(f"revoked token {revoked.id} of user {revoked.user_id}")
        return 0

    return with_services(args, action)


def cmd_users_disable(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        user = await services.people.disable_user(args.user)
        print(f"disabled user {user.id}; their tokens are revoked")
        return 0

    return with_services(args, action)


def cmd_users_change(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        user = await services.people.change_user(
            args.user, args.role, args.county, args.municipality
        )
        place = user.municipality or user.county or "every county"
        print(f"user {user.id} is now {user.role.value} ({place})")
        return 0

    return with_services(args, action)


def cmd_users_enable(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        user = await services.people.enable_user(args.user)
        print(f"enabled user {user.id}; their revoked tokens stay revoked")
        return 0

    return with_services(args, action)


def cmd_users_send_link(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        expires = await services.people.send_password_link(args.user)
        print(f"set-password link e-mailed; it works once, until {expires.isoformat()}")
        return 0

    return with_services(args, action)


def cmd_users_password(args: argparse.Namespace) -> int:
    password = _read_password()

    async def action(services: Services) -> int:
        change = await services.people.set_password(
            args.user, password, revoke_tokens=args.revoke_tokens
        )
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

    return with_services(args, action)


def add_commands(commands: Commands) -> None:
    users = commands.add_parser("users", help="people: admins and coordinators, API tokens")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    create = user_commands.add_parser("create", help="create a person")
    add_database(create)
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
    add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_users_list)
    token = user_commands.add_parser("token", help="create a new API token for a person")
    add_database(token)
    token.add_argument("user", metavar="USER", help="user id or e-mail address")
    token.add_argument("--json", action="store_true", help="print JSON")
    token.set_defaults(func=cmd_users_token)
    revoke = user_commands.add_parser("revoke-token", help="revoke an API token at once")
    add_database(revoke)
    revoke.add_argument("token_id", metavar="TOKEN_ID", help="the token's id (or the token)")
    revoke.set_defaults(func=cmd_users_revoke_token)
    disable = user_commands.add_parser("disable", help="disable a person and their tokens")
    add_database(disable)
    disable.add_argument("user", metavar="EMAIL", help="e-mail address (or user id)")
    disable.set_defaults(func=cmd_users_disable)
    change = user_commands.add_parser("change", help="give a person another role or place")
    add_database(change)
    change.add_argument("user", metavar="USER", help="user id or e-mail address")
    change.add_argument("--role", required=True, choices=[r.value for r in Role])
    change.add_argument("--county", help="county code, e.g. 21")
    change.add_argument("--municipality", help="municipality code, e.g. 2180")
    change.set_defaults(func=cmd_users_change)
    enable = user_commands.add_parser("enable", help="let a disabled person log in again")
    add_database(enable)
    enable.add_argument("user", metavar="USER", help="user id or e-mail address")
    enable.set_defaults(func=cmd_users_enable)
    send_link = user_commands.add_parser(
        "send-link", help="e-mail a person a single-use link to choose their password"
    )
    add_database(send_link)
    send_link.add_argument("user", metavar="USER", help="user id or e-mail address")
    send_link.set_defaults(func=cmd_users_send_link)
    password = user_commands.add_parser(
        "password", help="set a person's password (read from standard input)"
    )
    add_database(password)
    password.add_argument("user", metavar="USER", help="user id or e-mail address")
    password.add_argument(
        "--revoke-tokens",
        action="store_true",
        help="also revoke the person's API tokens (do so when the password may be known)",
    )
    password.set_defaults(func=cmd_users_password)
