"""Signed statements (Data 2.6): a JWS (compact serialization) attached with usageType
``http://adlnet.gov/expapi/attachments/signature``.

The LRS checks that the JWS is well formed, uses RS256, RS384 or RS512, that its payload is
the statement as it was before the signature was added (compared as the spec compares
statements), and, when the header carries an X.509 chain (``x5c``), that the signature
verifies against the first certificate. Anything else is a 400.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from statements.compare import same_statement
from statements.errors import BadRequest
from statements.log import AttachmentPart
from statements.models import SIGNATURE_USAGE

_HASHES: dict[str, hashes.HashAlgorithm] = {
    "RS256": hashes.SHA256(),
    "RS384": hashes.SHA384(),
    "RS512": hashes.SHA512(),
}


def _bad(message: str) -> BadRequest:
    return BadRequest(
        f"invalid statement signature: {message}",
        [{"path": "attachments", "rule": "signature", "message": message}],
    )


def _b64url(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise _bad("a JWS part is not base64url") from None


def _unsigned(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement as it was before its signature attachment was added."""
    copy = dict(statement)
    attachments = [
        a for a in copy.get("attachments") or () if a.get("usageType") != SIGNATURE_USAGE
    ]
    if attachments:
        copy["attachments"] = attachments
    else:
        copy.pop("attachments", None)
    return copy


def check_signature(statement: dict[str, Any], part: AttachmentPart) -> None:
    """Raise BadRequest unless ``part`` is a well-formed signature of ``statement``."""
    _check_declared(statement, part)
    header_b64, payload_b64, signature_b64 = _jws_pieces(part.data)
    header, payload = _jws_objects(header_b64, payload_b64)
    algorithm = header.get("alg")
    if algorithm not in _HASHES:
        raise _bad("the JWS algorithm must be RS256, RS384 or RS512")
    if "crit" in header:  # RFC 7515, 4.1.11: extensions the LRS does not know must fail
        raise _bad("the JWS header names critical extensions ('crit') the LRS does not support")
    signed_id, own_id = payload.get("id"), statement.get("id")
    if signed_id is not None and own_id is not None and str(signed_id).lower() != own_id.lower():
        raise _bad("the signed payload is a statement with another id")
    if not same_statement(_unsigned(payload), _unsigned(statement)):
        raise _bad("the signed payload differs from the statement")
    chain = header.get("x5c")
    if chain is not None:
        _verify(chain, f"{header_b64}.{payload_b64}", signature_b64, _HASHES[algorithm])


def _check_declared(statement: dict[str, Any], part: AttachmentPart) -> None:
    """The part and the attachments declaring it are application/octet-stream."""
    if part.content_type.split(";")[0].strip().lower() != "application/octet-stream":
        raise _bad("a signature must be sent as application/octet-stream")
    declared = [
        a
        for a in statement.get("attachments") or ()
        if a.get("usageType") == SIGNATURE_USAGE and str(a.get("sha2")).lower() == part.sha2.lower()
    ]
    if any(a.get("contentType") != "application/octet-stream" for a in declared):
        raise _bad("a signature attachment's contentType must be application/octet-stream")


def _jws_pieces(data: bytes) -> list[str]:
    """The three base64url pieces of a JWS compact serialization."""
    try:
        token = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _bad("the signature is not a JWS compact serialization") from None
    pieces = token.split(".")
    if len(pieces) != 3:
        raise _bad("the signature is not a JWS compact serialization")
    return pieces


def _jws_objects(header_b64: str, payload_b64: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JWS header and payload, each a JSON object."""
    try:
        header = orjson.loads(_b64url(header_b64))
        payload = orjson.loads(_b64url(payload_b64))
    except orjson.JSONDecodeError:
        raise _bad("the JWS header or payload is not JSON") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise _bad("the JWS header and payload must be JSON objects")
    return header, payload


def _verify(chain: Any, signed: str, signature_b64: str, algorithm: hashes.HashAlgorithm) -> None:
    """The signature verifies with the RSA key of the first x5c certificate."""
    try:
        der = base64.b64decode(chain[0], validate=True)
        key = x509.load_der_x509_certificate(der).public_key()
    except (binascii.Error, ValueError, TypeError, IndexError, KeyError):
        raise _bad("the x5c certificate cannot be read") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise _bad("the x5c certificate does not hold an RSA key")
    try:
        key.verify(_b64url(signature_b64), signed.encode("ascii"), padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        raise _bad("the signature does not verify against the x5c certificate") from None
