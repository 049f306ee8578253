"""``lrs-bridge serve``: the HTTP service (with ``--demo``, demo data and a credential)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from lrs_bridge.cli.common import Commands, add_database, settings_of, with_services
from lrs_bridge.config import Settings
from lrs_bridge.services import Services

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

    with_services(args, action)


async def _database_ready(services: Services) -> int:
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from lrs_bridge.http.app import create_app
    from lrs_bridge.logs import configure_logging

    settings = settings_of(args)
    configure_logging(settings.log_level)
    with_services(args, _database_ready)  # a database that cannot be opened stops here
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


def add_commands(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="run the HTTP service")
    add_database(serve)
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default 8000)")
    serve.add_argument("--demo", action="store_true", help="create and print a demo credential")
    serve.add_argument("--demo-folder", default="data", help=argparse.SUPPRESS)
    serve.set_defaults(func=cmd_serve)
