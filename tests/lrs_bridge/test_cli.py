"""The lrs-bridge command line: credentials and start-up errors."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.slow  # starts real processes


def test_credentials_create_list_revoke(tmp_path: Path) -> None:
    database = str(tmp_path / "cli.sqlite3")
    created = run_cli(
        "credentials",
        "create",
        "--database",
        database,
        "--label",
        "Storyline-kurs",
        "--scope",
        "statements/write",
        "state",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    record = json.loads(created.stdout)
    assert record["label"] == "Storyline-kurs"
    assert record["scopes"] == ["statements/write", "state"]
    assert len(record["secret"]) >= 24

    # The secret (192 random bits) is stored only as its SHA-256.
    with sqlite3.connect(database) as conn:
        (secret_hash,) = conn.execute(
            "SELECT secret_hash FROM credentials WHERE key = ?", (record["key"],)
        ).fetchone()
        dump = "\n".join(conn.iterdump())
    assert secret_hash == "sha256$" + hashlib.sha256(record["secret"].encode()).hexdigest()
    assert record["secret"] not in dump

    listed = run_cli("credentials", "list", "--database", database, "--json")
    rows = json.loads(listed.stdout)
    assert [(r["key"], r["revoked_at"]) for r in rows] == [(record["key"], None)]
    assert "secret" not in listed.stdout

    revoked = run_cli("credentials", "revoke", "--database", database, record["key"])
    assert revoked.returncode == 0
    again = run_cli("credentials", "revoke", "--database", database, record["key"])
    assert again.returncode == 2
    assert again.stderr.strip() == f"lrs-bridge: no active credential with key {record['key']}"
    rows = json.loads(run_cli("credentials", "list", "--database", database, "--json").stdout)
    assert rows[0]["revoked_at"] is not None


def test_unknown_scope_is_refused_in_one_line(tmp_path: Path) -> None:
    result = run_cli(
        "credentials",
        "create",
        "--database",
        str(tmp_path / "x.sqlite3"),
        "--label",
        "x",
        "--scope",
        "statements/everything",
    )
    assert result.returncode == 2
    assert "invalid choice: 'statements/everything'" in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_bad_setting_stops_start_up_naming_it(tmp_path: Path) -> None:
    env = {**os.environ, "LRS_BRIDGE_PORT": "abc", "LRS_BRIDGE_DATABASE_URL": "sqlite:///x"}
    result = subprocess.run(
        [sys.executable, "-m", "lrs_bridge.cli", "serve"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("lrs-bridge: LRS_BRIDGE_PORT:")
    env = {**os.environ, "LRS_BRIDGE_DATABASE_URL": "mysql://x"}
    result = subprocess.run(
        [sys.executable, "-m", "lrs_bridge.cli", "serve"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "LRS_BRIDGE_DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (
            ["credentials", "create", "--label", "x", "--scope", "nope"],
            {},
            "invalid choice: 'nope'",
        ),
        (["credentials", "create", "--label", "x"], {}, "--scope"),
        (["credentials", "create", "--label", " ", "--scope", "all"], {}, "label"),
        (["credentials", "revoke", "nokey"], {}, "no active credential with key nokey"),
        (["credentials", "revoke"], {}, "key"),
        ([], {}, "COMMAND"),
        (["serve", "--port", "abc"], {}, "--port"),
        (["serve"], {"LRS_BRIDGE_PORT": "abc"}, "LRS_BRIDGE_PORT"),
        (["serve"], {"LRS_BRIDGE_PORT": "70000"}, "LRS_BRIDGE_PORT"),
        (["serve"], {"LRS_BRIDGE_LOG_LEVEL": "loud"}, "LRS_BRIDGE_LOG_LEVEL"),
        (["serve"], {"LRS_BRIDGE_DEFAULT_XAPI_VERSION": "1.1"}, "LRS_BRIDGE_DEFAULT_XAPI_VERSION"),
        (
            ["serve"],
            {"LRS_BRIDGE_MAX_STATEMENTS_PER_PAGE": "0"},
            "LRS_BRIDGE_MAX_STATEMENTS_PER_PAGE",
        ),
        (["serve", "--database", "{dir}"], {}, "LRS_BRIDGE_DATABASE_URL"),
        (
            ["credentials", "list"],
            {"LRS_BRIDGE_DATABASE_URL": "mysql://x"},
            "LRS_BRIDGE_DATABASE_URL",
        ),
    ],
)
def test_user_errors_are_one_line_naming_the_problem(
    tmp_path: Path, argv: list[str], env: dict[str, str], named: str
) -> None:
    database = tmp_path / "cli.sqlite3"
    argv = [arg.replace("{dir}", str(tmp_path)) for arg in argv]
    if argv[:1] == ["credentials"] and "LRS_BRIDGE_DATABASE_URL" not in env:
        argv = [*argv[:2], "--database", str(database), *argv[2:]]
    result = run_cli(*argv, env={"LRS_BRIDGE_DATABASE_URL": f"sqlite:///{database}", **env})
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lrs-bridge: ")
    assert named in lines[0]


def test_secret_is_printed_once_and_never_listed(tmp_path: Path) -> None:
    database = str(tmp_path / "cli.sqlite3")
    created = run_cli(
        "credentials", "create", "--database", database, "--label", "SKR kurs", "--scope", "all"
    )
    assert created.returncode == 0, created.stderr
    fields = dict(line.split(":", 1) for line in created.stdout.splitlines())
    key, secret = fields["key"].strip(), fields["secret"].split()[0]
    assert fields["label"].strip() == "SKR kurs" and fields["scopes"].strip() == "all"
    listed = run_cli("credentials", "list", "--database", database)
    assert listed.returncode == 0
    assert listed.stdout.strip() == f"{key}  SKR kurs  [all]  active"
    assert secret not in listed.stdout + listed.stderr
    assert run_cli("credentials", "revoke", "--database", database, key).returncode == 0
    relisted = run_cli("credentials", "list", "--database", database).stdout
    assert relisted.startswith(f"{key}  SKR kurs  [all]  revoked ")
