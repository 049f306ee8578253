"""The Docker files, checked without a Docker engine: they parse, the image runs as a
non-root user from the project's own files, and the command the container runs starts the
service, with the container's environment, outside Docker."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.conftest import ROOT, free_port

DOCKERFILE = ROOT / "docker" / "Dockerfile"
COMPOSE = ROOT / "docker" / "compose.yaml"


def _instructions() -> list[tuple[str, str]]:
    lines = DOCKERFILE.read_text("utf-8").replace("\\\n", " ").splitlines()
    parsed = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            parsed.append((keyword.upper(), rest.strip()))
    return parsed


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (k, _) in enumerate(instructions) if k == "FROM")
    return instructions[last_from:]


def _env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in stage:
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def test_dockerfile_is_non_root_and_copies_only_project_files() -> None:
    stage = _final_stage()
    users = [rest for keyword, rest in stage if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    copied = [rest.split()[0] for keyword, rest in _instructions() if keyword == "COPY"]
    for source in copied:
        if source.startswith("--from"):
            continue
        assert (ROOT / source).exists(), source
    assert any(k == "HEALTHCHECK" and "/readyz" in rest for k, rest in stage)


def test_compose_file_parses_and_uses_the_health_endpoint() -> None:
    compose = yaml.safe_load(COMPOSE.read_text("utf-8"))
    service = compose["services"]["lrs"]
    assert "single" in service["profiles"]
    assert service["build"]["dockerfile"] == "docker/Dockerfile"
    assert any("/readyz" in part for part in service["healthcheck"]["test"])
    assert service["volumes"] == ["lrs-data:/data"]
    assert service["environment"]["LRS_BRIDGE_DATABASE_URL"].startswith("sqlite:////data/")


@pytest.mark.slow
def test_the_container_command_serves_with_the_container_environment(tmp_path: Path) -> None:
    stage = _final_stage()
    command = json.loads(next(rest for keyword, rest in stage if keyword == "CMD"))
    env = _env(stage)
    port = free_port()
    env["LRS_BRIDGE_DATABASE_URL"] = f"sqlite:///{tmp_path}/lrs-bridge.sqlite3"  # /data here
    env["LRS_BRIDGE_HOST"] = "127.0.0.1"  # loopback only in tests
    env["LRS_BRIDGE_PORT"] = str(port)
    executable = Path(sys.executable).parent / command[0]
    process = subprocess.Popen(
        [str(executable), *command[1:]],
        env={**os.environ, **env},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None, "the container command exited"
                assert time.monotonic() < deadline, "the service did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json() == {"status": "ready"}
        assert (tmp_path / "lrs-bridge.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.slow
def test_the_wheel_the_image_installs_carries_every_data_file(tmp_path: Path) -> None:
    """The image installs a wheel, not the checkout: templates, stylesheets, migrations and
    reference data must be inside it."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    import zipfile

    (wheel,) = tmp_path.glob("lrs_bridge-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    wanted = [
        path.relative_to(ROOT).as_posix()
        for pattern in ("*.html", "*.css", "*.sql", "*.csv")
        for path in ROOT.glob(f"*/**/{pattern}")
        if path.parts[len(ROOT.parts)] in ("lrs_bridge", "statements", "reports")
    ]
    assert len(wanted) > 20
    assert [path for path in wanted if path not in inside] == []


# --- the cluster profile: two instances on PostgreSQL behind nginx -------------------------

NGINX = ROOT / "docker" / "nginx.conf"
UVICORN_ENV = {"FORWARDED_ALLOW_IPS"}
"""Variables the apps' containers set that are uvicorn's, not lrs-bridge's settings."""


def _cluster() -> dict[str, Any]:
    compose = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return {
        name: service
        for name, service in compose["services"].items()
        if "cluster" in service.get("profiles", [])
    }


def _upstream_servers() -> list[str]:
    text = NGINX.read_text("utf-8")
    block = re.search(r"upstream\s+(\w+)\s*\{(.*?)\}", text, re.S)
    assert block is not None, "nginx.conf has no upstream block"
    assert f"proxy_pass http://{block.group(1)};" in text
    return re.findall(r"^\s*server\s+([\w.-]+:\d+)", block.group(2), re.M)


def test_the_cluster_profile_has_two_apps_a_proxy_postgres_and_a_mail_catcher() -> None:
    cluster = _cluster()
    assert set(cluster) == {"app1", "app2", "proxy", "postgres", "mailpit"}
    single = yaml.safe_load(COMPOSE.read_text("utf-8"))["services"]["lrs"]
    assert single["profiles"] == ["single"]  # the SQLite deployment is still there
    for name in ("app1", "app2"):
        app: Any = cluster[name]
        assert app["image"] == single["image"]
        assert app["build"] == single["build"]
        assert "ports" not in app, "the apps are reached through the proxy only"
        assert any("/readyz" in part for part in app["healthcheck"]["test"])
        assert app["environment"]["LRS_BRIDGE_DATABASE_URL"] == (
            "postgresql://lrs:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@postgres:5432/lrs"
        )
        assert app["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "mailpit": {"condition": "service_healthy"},
        }
    postgres: Any = cluster["postgres"]
    assert postgres["image"] == "postgres:16"
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_USER"] == "lrs"
    assert postgres["environment"]["POSTGRES_DB"] == "lrs"
    assert cluster["mailpit"]["image"].startswith("axllent/mailpit")
    proxy: Any = cluster["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert proxy["depends_on"] == {
        "app1": {"condition": "service_healthy"},
        "app2": {"condition": "service_healthy"},
    }
    assert proxy["ports"] == ["8080:80"]
    assert "listen 80;" in NGINX.read_text("utf-8")
    compose = yaml.safe_load(COMPOSE.read_text("utf-8"))
    assert "pg-data" in compose["volumes"]


def test_the_apps_environment_names_only_real_settings() -> None:
    from lrs_bridge.config import Settings

    fields = set(Settings.model_fields)
    for name in ("app1", "app2"):
        env: Any = _cluster()[name]["environment"]
        unknown = [
            variable
            for variable in env
            if variable not in UVICORN_ENV
            and variable.removeprefix("LRS_BRIDGE_").lower() not in fields
        ]
        assert unknown == [], f"{name} sets variables that no setting reads: {unknown}"
        assert env["LRS_BRIDGE_PORT"] == "8000"
        assert env["LRS_BRIDGE_HOST"] == "0.0.0.0"
        assert env["LRS_BRIDGE_SMTP_HOST"] == "mailpit"
        assert env["LRS_BRIDGE_SMTP_PORT"] == "1025"  # mailpit's SMTP port
        assert env["LRS_BRIDGE_SESSION_SECRET"].startswith("${")  # the same on both


def test_nginx_sends_to_both_apps_with_forwarded_headers_trusted_from_it_only() -> None:
    cluster = _cluster()
    servers = _upstream_servers()
    port = _cluster()["app1"]["environment"]["LRS_BRIDGE_PORT"]
    assert sorted(servers) == [f"app1:{port}", f"app2:{port}"]
    text = NGINX.read_text("utf-8")
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    proxy_address = cluster["proxy"]["networks"]["backend"]["ipv4_address"]
    for name in ("app1", "app2"):
        env: Any = cluster[name]["environment"]
        assert env["FORWARDED_ALLOW_IPS"] == proxy_address
    compose = yaml.safe_load(COMPOSE.read_text("utf-8"))
    subnet = compose["networks"]["backend"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    max_body = re.search(r"client_max_body_size\s+(\d+)m;", text)
    assert max_body is not None
    from lrs_bridge.config import Settings

    largest = Settings.model_fields["max_body_bytes"].default
    assert int(max_body.group(1)) * 1024 * 1024 >= largest
