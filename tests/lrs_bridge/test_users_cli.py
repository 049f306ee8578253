"""``lrs-bridge users …``: people and their API tokens from the command line, acting at once
on a running server (another process)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, run_cli
from tests.mail import MailCatcher

pytestmark = pytest.mark.slow  # starts real processes


def users(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("users", args[0], "--database", database, *args[1:])


def test_create_list_token_revoke_disable(tmp_path: Path) -> None:
    database = str(tmp_path / "people.sqlite3")
    created = users(
        database, "create", "--email", "Karl@Lansstyrelsen.se", "--role", "county-admin",
        "--county", "21", "--token", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    karl = json.loads(created.stdout)
    assert {k: karl[k] for k in ("email", "role", "county", "municipality", "password")} == {
        "email": "Karl@Lansstyrelsen.se",
        "role": "county-admin",
        "county": "21",
        "municipality": None,
        "password": False,
    }
    assert karl["token"].startswith("lrsb_")
    first_id = karl["token"].split("_")[1]

    plain = users(
        database, "create", "--email", "olle@gavle.se", "--role", "coordinator",
        "--municipality", "2180", "--token",
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert lines[0] == "user 2 created: coordinator (2180)"
    assert lines[1].startswith("token:  lrsb_")
    assert "shown only now" in lines[2]

    token = users(database, "token", "KARL@lansstyrelsen.se", "--json")
    assert token.returncode == 0, token.stderr
    second = json.loads(token.stdout)
    assert second["user"] == karl["id"] and second["token"].startswith(f"lrsb_{second['id']}_")

    listed = users(database, "list", "--json")
    rows = {row["email"]: row for row in json.loads(listed.stdout)}
    assert rows["Karl@Lansstyrelsen.se"]["tokens"] == [first_id, second["id"]]
    assert rows["olle@gavle.se"]["county"] == "21"  # from the municipality's code
    assert rows["olle@gavle.se"]["municipality"] == "2180"
    assert "lrsb_" not in listed.stdout and "argon2" not in listed.stdout
    text = users(database, "list")
    assert text.stdout.splitlines()[0] == (
        f"1  Karl@Lansstyrelsen.se  county-admin  21  active  tokens: {first_id} {second['id']}"
    )

    # Only SHA-256 hashes of the tokens' 256-bit secrets are stored; no token appears
    # anywhere in the database.
    with sqlite3.connect(database) as conn:
        everything = "\n".join(conn.iterdump())
        hashes = [row[0] for row in conn.execute("SELECT secret_hash FROM user_tokens")]
    assert karl["token"] not in everything and second["token"] not in everything
    assert all(h.startswith("sha256$") for h in hashes) and len(hashes) == 3

    revoked = users(database, "revoke-token", first_id)
    assert (revoked.returncode, revoked.stdout.strip()) == (
        0,
        f"revoked token {first_id} of user 1",
    )
    again = users(database, "revoke-token", first_id)
    assert again.returncode == 2
    assert again.stderr.strip() == f"lrs-bridge: no active token '{first_id}'"

    disabled = users(database, "disable", "karl@lansstyrelsen.se")
    assert disabled.stdout.strip() == "disabled user 1; their tokens are revoked"
    row = next(r for r in json.loads(users(database, "list", "--json").stdout) if r["id"] == 1)
    assert row["disabled_at"] is not None and row["tokens"] == []
    assert users(database, "token", "1").stderr.strip() == "lrs-bridge: no active person '1'"


def test_bad_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    database = str(tmp_path / "people.sqlite3")
    cases = {
        (
            "--role",
            "county-admin",
            "--county",
            "99",
        ): "unknown county code '99' (two digits, e.g. 21)",
        ("--role", "coordinator", "--county", "21", "--municipality", "0180"): (
            "municipality 0180 does not lie in county 21"
        ),
        ("--role", "national-admin", "--county", "21"): (
            "a national admin has no county or municipality"
        ),
        ("--role", "county-admin"): "a county admin needs --county",
    }
    for args, message in cases.items():
        result = users(database, "create", "--email", "a@b.se", *args)
        assert (result.returncode, result.stderr) == (2, f"lrs-bridge: {message}\n"), args
        assert result.stdout == ""
    role = users(database, "create", "--email", "a@b.se", "--role", "king")
    assert role.returncode == 2
    assert role.stderr.startswith("lrs-bridge: argument --role: invalid choice: 'king'")
    assert json.loads(users(database, "list", "--json").stdout) == []

    assert (
        users(database, "create", "--email", "a@b.se", "--role", "national-admin").returncode == 0
    )
    duplicate = users(database, "create", "--email", "A@B.SE", "--role", "national-admin")
    assert duplicate.stderr == "lrs-bridge: a person with this e-mail address exists already\n"
    assert (
        users(database, "disable", "nobody@b.se").stderr == "lrs-bridge: no person 'nobody@b.se'\n"
    )


def test_a_password_is_read_from_standard_input_only(tmp_path: Path) -> None:
    database = str(tmp_path / "people.sqlite3")

    def create(stdin: str, email: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lrs_bridge.cli", "users", "create", "--database", database,
             "--email", email, "--role", "national-admin", "--password-stdin", "--json"],
            input=stdin, capture_output=True, text=True, env=dict(os.environ), timeout=60,
            check=False,
        )  # fmt: skip

    made = create("ett långt lösenord\n", "anna@val.se")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["password"] is True
    assert create("", "b@val.se").stderr == (
        "lrs-bridge: --password-stdin: standard input has no password\n"
    )
    assert create("kort\n", "c@val.se").stderr == (
        "lrs-bridge: a password has at least 12 characters\n"
    )
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT email, password_hash FROM users").fetchall()
        everything = "\n".join(conn.iterdump())
    assert [(email, h[:10]) for email, h in rows] == [("anna@val.se", "$argon2id$")]
    assert "ett långt lösenord" not in everything


def test_revoking_from_the_cli_stops_the_running_server_at_once(live_server: LiveServer) -> None:
    made = users(
        live_server.database, "create", "--email", "anna@val.se", "--role", "national-admin",
        "--token", "--json",
    )  # fmt: skip
    token = json.loads(made.stdout)["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        for _ in range(2):  # the second answer comes through the verified-secret cache
            answer = http.get("/api/v1/audit", headers=bearer)
            assert answer.status_code == 200, answer.text
            assert answer.json()["entries"][0]["action"] == "token.create"
        revoked = users(live_server.database, "revoke-token", token.split("_")[1])
        assert revoked.returncode == 0, revoked.stderr
        refused = http.get("/api/v1/audit", headers=bearer)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == 'Bearer realm="lrs-bridge"'
        assert refused.json()["details"][0]["rule"] == "authentication"


def test_change_enable_and_send_a_set_password_link(
    tmp_path: Path, smtp: tuple[MailCatcher, int]
) -> None:
    """Issue 15: the same PeopleService functions as the pages and the API, as the operator."""
    database = str(tmp_path / "people.sqlite3")
    env = {"LRS_BRIDGE_SMTP_HOST": "127.0.0.1", "LRS_BRIDGE_SMTP_PORT": str(smtp[1])}
    made = users(database, "create", "--email", "olle@gavle.se", "--role", "coordinator",
                 "--municipality", "2180")  # fmt: skip
    assert made.returncode == 0, made.stderr
    moved = run_cli("users", "change", "--database", database, "olle@gavle.se",
                    "--role", "county-admin", "--county", "21")  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == "user 1 is now county-admin (21)"
    wrong = run_cli("users", "change", "--database", database, "1", "--role", "coordinator")
    assert wrong.returncode != 0
    assert wrong.stderr.strip().endswith("a coordinator needs --county or --municipality")
    assert users(database, "disable", "1").returncode == 0
    enabled = users(database, "enable", "1")
    assert enabled.returncode == 0 and "enabled user 1" in enabled.stdout
    again = users(database, "enable", "1")
    assert again.returncode != 0 and "is not disabled" in again.stderr
    sent = run_cli("users", "send-link", "--database", database, "1", env=env)
    assert sent.returncode == 0, sent.stderr
    [(recipients, message)] = smtp[0].messages
    assert recipients == ["olle@gavle.se"] and "/password/" in message.get_content()
    with sqlite3.connect(database) as conn:
        actions = [row[0] for row in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == [
        "user.create",
        "user.change",
        "user.disable",
        "user.enable",
        "user.password_link",
    ]
