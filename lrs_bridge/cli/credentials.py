"""``lrs-bridge credentials create|list|revoke``: xAPI client credentials."""

from __future__ import annotations

import argparse
import json

from lrs_bridge.auth.scopes import XAPI_SCOPES
from lrs_bridge.cli.common import CliError, Commands, add_database, with_services
from lrs_bridge.services import Services


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

    return with_services(args, action)


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

    return with_services(args, action)


def cmd_credentials_revoke(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        if not await services.credentials.revoke(args.key):
            raise CliError(f"no active credential with key {args.key}")
        print(f"revoked {args.key}")
        return 0

    return with_services(args, action)


def add_commands(commands: Commands) -> None:
    credentials = commands.add_parser("credentials", help="xAPI client credentials")
    cred_commands = credentials.add_subparsers(dest="credentials_command", required=True)
    create = cred_commands.add_parser("create", help="create a key and secret")
    add_database(create)
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
    add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_credentials_list)
    revoke = cred_commands.add_parser("revoke", help="revoke a credential at once")
    add_database(revoke)
    revoke.add_argument("key")
    revoke.set_defaults(func=cmd_credentials_revoke)
