"""The lrs-bridge command line: credentials and start-up errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli


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

    # The secret is stored only as an Argon2 hash.
    with sqlite3.connect(database) as conn:
        (secret_hash,) = conn.execute(
            "SELECT secret_hash FROM credentials WHERE key = ?", (record["key"],)
        ).fetchone()
        dump = "\n".join(conn.iterdump())
    assert secret_hash.startswith("$argon2id$")
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
