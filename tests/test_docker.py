"""The Docker files, checked without a Docker engine: they parse, the image runs as a
non-root user from the project's own files, and the command the container runs starts the
service, with the container's environment, outside Docker."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
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
