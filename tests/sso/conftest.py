"""Single sign-on tests: real identity providers as processes on loopback ports (the
OpenID provider of ``oidc_provider.py``, the SAML IdP of ``saml_idp.py``), the service
in-process (on the test engine) or as a real server process driven by Chromium."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, free_port

CLIENT_ID = "lrs-bridge-test"
CLIENT_SECRET = "test-client-secret-" + "y" * 20
CONTACT = "Valmyndighetens support, support@val.example"


@dataclass
class Process:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_process(args: list[str], url: str, probe: str, log: Path) -> Process:
    handle = log.open("ab")
    process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{args[-1]} exited: {log.read_text()}")
        try:
            if httpx.get(url + probe, timeout=1).status_code == 200:
                return Process(process, url, log)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{args[-1]} did not start: {log.read_text()}")


@dataclass
class OidcProvider(Process):
    def mode(self, mode: str) -> None:
        httpx.post(self.url + "/test/mode", json={"mode": mode}, timeout=5).raise_for_status()

    def seen(self) -> list[Any]:
        found: list[Any] = httpx.get(self.url + "/test/log", timeout=5).json()
        return found


@pytest.fixture
def oidc_idp(tmp_path: Path) -> Iterator[OidcProvider]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = start_process(
        [sys.executable, "-m", "tests.sso.oidc_provider", str(port), CLIENT_ID, CLIENT_SECRET],
        url,
        "/.well-known/openid-configuration",
        tmp_path / "oidc-provider.log",
    )
    provider = OidcProvider(started.process, started.url, started.log)
    try:
        yield provider
    finally:
        provider.stop()


RULES = """
[[provider.rule]]
attribute = "organisation"
value = "Länsstyrelsen Gävleborg"
role = "county-admin"
county = "21"

[[provider.rule]]
attribute = "organisation"
value = "Gävle kommun"
role = "coordinator"
municipality = "2180"
"""


def oidc_toml(issuer: str, create: bool = True) -> str:
    return f"""
contact = "{CONTACT}"

[[provider]]
name = "test-oidc"
label = "Test-OIDC"
kind = "oidc"
issuer = "{issuer}"
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
create_accounts = {str(create).lower()}
{RULES.replace("[[provider.rule]]", "[[provider.rule]]")}
"""


def make_key_pair(folder: Path, name: str) -> tuple[str, str]:
    """A 2048-bit RSA key and a self-signed certificate for it (PEM files): what an
    operator makes with openssl for the service, and what a test IdP signs with."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def need_xmlsec() -> None:
    import shutil

    if shutil.which("xmlsec1") is None:
        pytest.skip(
            "SAML tests skipped: xmlsec1 is not installed (Debian package xmlsec1; "
            "`.ci/run` installs it)"
        )


@dataclass
class SamlIdp(Process):
    def mode(self, mode: str) -> None:
        httpx.post(self.url + "/test/mode", json={"mode": mode}, timeout=5).raise_for_status()

    def last(self) -> str:
        found: str = httpx.get(self.url + "/test/last", timeout=5).json()["SAMLResponse"]
        return found

    def seen(self) -> list[Any]:
        found: list[Any] = httpx.get(self.url + "/test/log", timeout=5).json()
        return found


def saml_toml(idp_metadata: str, sp_key: str, sp_cert: str, create: bool = True) -> str:
    return f"""
contact = "{CONTACT}"

[[provider]]
name = "test-saml"
label = "Test-SAML"
kind = "saml"
idp_metadata = "{idp_metadata}"
sp_key = "{sp_key}"
sp_cert = "{sp_cert}"
email_attribute = "mail"
create_accounts = {str(create).lower()}
{RULES.replace('attribute = "organisation"', 'attribute = "o"')}
"""


def start_saml_idp(folder: Path, port: int, sp_metadata_url: str) -> SamlIdp:
    need_xmlsec()
    key, cert = make_key_pair(folder, "test-idp")
    url = f"http://127.0.0.1:{port}"
    started = start_process(
        [sys.executable, "-m", "tests.sso.saml_idp", str(port), key, cert, sp_metadata_url],
        url,
        "/metadata",
        folder / "saml-idp.log",
    )
    return SamlIdp(started.process, started.url, started.log)
