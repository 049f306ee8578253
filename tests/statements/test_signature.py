"""Signed statements (Data 2.6): a valid JWS is accepted, a tampered one is a 400."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from statements.errors import BadRequest
from statements.log import AttachmentPart
from statements.models import SIGNATURE_USAGE
from statements.signature import check_signature

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Valmyndigheten test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign(
    statement: dict[str, Any],
    alg: str = "RS256",
    key: rsa.RSAPrivateKey = KEY,
    cert_key: rsa.RSAPrivateKey = KEY,
    extra_header: dict[str, Any] | None = None,
) -> bytes:
    fields = {"alg": alg, "x5c": [_certificate(cert_key)], **(extra_header or {})}
    header = _b64(json.dumps(fields).encode())
    payload = _b64(json.dumps(statement).encode())
    digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}
    signature = key.sign(
        f"{header}.{payload}".encode(), padding.PKCS1v15(), digest.get(alg, hashes.SHA256())
    )
    return f"{header}.{payload}.{_b64(signature)}".encode()


STATEMENT: dict[str, Any] = {
    "id": "7c6a7a3e-6f3b-4c41-9d7f-4a4f3c4bd1f0",
    "actor": {"mbox": "mailto:anna@kommun.se"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "https://valmyndigheten.se/xapi/intro"},
    "result": {"duration": "PT1H0.12567S"},
}


def received(jws: bytes) -> tuple[dict[str, Any], AttachmentPart]:
    sha2 = hashlib.sha256(jws).hexdigest()
    statement = {
        **STATEMENT,
        "attachments": [
            {
                "usageType": SIGNATURE_USAGE,
                "display": {"en-US": "signature"},
                "contentType": "application/octet-stream",
                "length": len(jws),
                "sha2": sha2,
            }
        ],
    }
    return statement, AttachmentPart(sha2, "application/octet-stream", jws)


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_valid_signatures_are_accepted(alg: str) -> None:
    check_signature(*received(sign(STATEMENT, alg)))


def test_duration_compares_to_hundredths() -> None:
    signed = {**STATEMENT, "result": {"duration": "PT1H0.12S"}}
    check_signature(*received(sign(signed)))


@pytest.mark.parametrize(
    ("jws", "message"),
    [
        (
            sign({**STATEMENT, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}),
            "payload differs",
        ),
        (sign(STATEMENT, key=OTHER_KEY), "does not verify"),
        (sign(STATEMENT, alg="HS256"), "RS256, RS384 or RS512"),
        (b"not-a-jws", "compact serialization"),
        (sign({**STATEMENT, "id": "0d3c1b8a-7f65-4d7e-9a3e-1c2b3a4d5e6f"}), "another id"),
        (sign(STATEMENT, extra_header={"crit": ["exp"], "exp": 1}), "critical extensions"),
        (b"e30.e30.e30", "RS256, RS384 or RS512"),  # {} as header: no algorithm at all
    ],
)
def test_bad_signatures_are_rejected(jws: bytes, message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        check_signature(*received(jws))
    assert message in raised.value.message
    assert raised.value.details[0]["rule"] == "signature"


def test_a_payload_without_id_or_x5c_is_accepted() -> None:
    """A statement signed before the LRS gave it an id, by a key without a certificate: the
    LRS can check the payload but not the signature (Data 2.6 makes x5c a SHOULD)."""
    header = _b64(json.dumps({"alg": "RS256"}).encode())
    unsigned = {k: v for k, v in STATEMENT.items() if k != "id"}
    payload = _b64(json.dumps(unsigned).encode())
    signature = KEY.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    check_signature(*received(f"{header}.{payload}.{_b64(signature)}".encode()))


def test_equivalent_payload_serialisations_are_accepted() -> None:
    """The payload is compared as the spec compares statements, not byte for byte."""
    signed = {
        **STATEMENT,
        "actor": {"objectType": "Agent", "mbox": "mailto:ANNA@kommun.se"},
        "verb": {"id": STATEMENT["verb"]["id"], "display": {"sv-SE": "slutförde"}},
    }
    check_signature(*received(sign(signed)))


def test_tampered_payload_bytes_fail_verification() -> None:
    header, payload, signature = sign(STATEMENT).decode().split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["result"] = {"duration": "PT2H"}
    statement, part = received(f"{header}.{_b64(json.dumps(forged).encode())}.{signature}".encode())
    statement["result"] = {"duration": "PT2H"}
    with pytest.raises(BadRequest, match="does not verify"):
        check_signature(statement, part)
