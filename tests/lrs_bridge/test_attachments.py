"""Statements with attachments (Data 2.4.11, Communication 1.5.2): multipart/mixed in both
directions, parts matched by their SHA-2, fileUrl-only attachments, signed statements over
HTTP, and the size limits that protect the service (413)."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from lrs_bridge.config import load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from statements.models import SIGNATURE_USAGE
from tests.conftest import XapiClient
from tests.statements.test_signature import OTHER_KEY, sign

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
INTRO = "https://valmyndigheten.se/xapi/intro"
CERTIFICATE_USAGE = "http://id.tincanapi.com/attachment/certificate"
BOUNDARY = "lrs-bridge-test-boundary"
# Attachment bytes that look like multipart syntax: they must come back unchanged.
PDF = b"%PDF-1.4\r\n--not-a-boundary\r\n\r\n\x00\xff binary \r\n" * 20
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def attachment(data: bytes, usage: str = CERTIFICATE_USAGE, **extra: Any) -> dict[str, Any]:
    return {
        "usageType": usage,
        "display": {"sv-SE": "Intyg"},
        "contentType": "application/pdf",
        "length": len(data),
        "sha2": hashlib.sha256(data).hexdigest(),
        **extra,
    }


def statement(*attachments: dict[str, Any], email_: str = "anna@kommun.se") -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email_}"},
        "verb": {"id": COMPLETED},
        "object": {"id": INTRO},
    }
    if attachments:
        body["attachments"] = list(attachments)
    return body


def multipart(
    statements: Any,
    parts: list[tuple[str, bytes]],
    *,
    hashes: list[str] | None = None,
    first_type: str = "application/json",
) -> tuple[bytes, dict[str, str]]:
    """A multipart/mixed request body as Communication 1.5.2 describes it."""
    chunks = [
        f"--{BOUNDARY}\r\nContent-Type: {first_type}\r\n\r\n".encode(),
        json.dumps(statements).encode(),
        b"\r\n",
    ]
    for index, (content_type, data) in enumerate(parts):
        sha2 = hashes[index] if hashes else hashlib.sha256(data).hexdigest()
        chunks += [
            f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
            data,
            b"\r\n",
        ]
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks), {"Content-Type": f'multipart/mixed; boundary="{BOUNDARY}"'}


def parse_response(response: httpx.Response) -> list[tuple[dict[str, str], bytes]]:
    """Split a multipart/mixed response with the standard library's MIME parser."""
    head = f"Content-Type: {response.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + response.content)
    assert message.is_multipart()
    parts = []
    for part in message.iter_parts():
        headers = {name.lower(): str(value) for name, value in part.items()}
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts.append((headers, payload))
    return parts


async def stored_count(xapi: XapiClient) -> int:
    return len((await xapi.http.get("/xapi/statements")).json()["statements"])


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    detail: dict[str, Any] = response.json()["details"][0]
    return detail


# --- multipart in both directions ----------------------------------------------------------


async def test_batch_with_shared_attachment_round_trips(xapi: XapiClient) -> None:
    pdf, png = attachment(PDF), attachment(PNG, contentType="image/png")
    batch = [statement(pdf, png), statement(pdf, email_="bo@kommun.se"), statement()]
    body, headers = multipart(batch, [("application/pdf", PDF), ("image/png", PNG)])
    posted = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    assert posted.status_code == 200, posted.text
    assert posted.json() == [s["id"] for s in batch]

    got = await xapi.http.get("/xapi/statements", params={"attachments": "true"})
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("multipart/mixed")
    parts = parse_response(got)
    first_headers, first = parts[0]
    assert first_headers["content-type"] == "application/json"
    result = json.loads(first)
    assert sorted(s["id"] for s in result["statements"]) == sorted(s["id"] for s in batch)
    # Each attachment once, byte for byte, with its hash and type.
    by_hash = {h["x-experience-api-hash"]: (h, data) for h, data in parts[1:]}
    assert len(parts) == 3 and set(by_hash) == {pdf["sha2"], png["sha2"]}
    assert by_hash[pdf["sha2"]][1] == PDF
    assert by_hash[png["sha2"]][1] == PNG
    assert by_hash[png["sha2"]][0]["content-type"] == "image/png"
    assert by_hash[pdf["sha2"]][0]["content-transfer-encoding"] == "binary"

    plain = await xapi.http.get("/xapi/statements", params={"attachments": "false"})
    assert plain.headers["content-type"] == "application/json"
    described = {s["id"]: s.get("attachments") for s in plain.json()["statements"]}
    assert described[batch[0]["id"]] == [pdf, png]


async def test_put_with_multipart_and_single_statement_get(xapi: XapiClient) -> None:
    body_statement = statement(attachment(PDF))
    sid = body_statement.pop("id")
    body, headers = multipart(body_statement, [("application/pdf", PDF)])
    put = await xapi.http.put(
        "/xapi/statements", params={"statementId": sid}, content=body, headers=headers
    )
    assert put.status_code == 204, put.text
    got = await xapi.http.get(
        "/xapi/statements", params={"statementId": sid, "attachments": "true"}
    )
    (_, json_part), (pdf_headers, pdf_data) = parse_response(got)
    assert json.loads(json_part)["id"] == sid
    assert pdf_data == PDF and pdf_headers["content-type"] == "application/pdf"


@pytest.mark.parametrize("algorithm", ["sha256", "sha384", "sha512"])
async def test_any_sha2_variant_and_either_case_matches(xapi: XapiClient, algorithm: str) -> None:
    digest = hashlib.new(algorithm, PNG).hexdigest()
    declared = attachment(PNG, sha2=digest.upper(), contentType="image/png")
    body, headers = multipart(statement(declared), [("image/png", PNG)], hashes=[digest])
    posted = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    assert posted.status_code == 200, posted.text
    (sid,) = posted.json()
    got = await xapi.http.get(
        "/xapi/statements", params={"statementId": sid, "attachments": "true"}
    )
    parts = parse_response(got)
    assert [data for _, data in parts[1:]] == [PNG]


# --- fileUrl-only attachments ------------------------------------------------------------------


async def test_file_url_attachments_need_no_part(xapi: XapiClient) -> None:
    remote = attachment(b"elsewhere", fileUrl="https://valmyndigheten.se/intyg/1.pdf")
    as_json = await xapi.http.post("/xapi/statements", json=statement(remote))
    assert as_json.status_code == 200, as_json.text
    body, headers = multipart([statement(remote)], [])
    as_multipart = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    assert as_multipart.status_code == 200, as_multipart.text
    got = await xapi.http.get(
        "/xapi/statements", params={"statementId": as_json.json()[0], "attachments": "true"}
    )
    parts = parse_response(got)
    assert len(parts) == 1  # only the statements: there are no bytes to send
    assert json.loads(parts[0][1])["attachments"] == [remote]


async def test_a_part_also_satisfies_a_file_url_attachment(xapi: XapiClient) -> None:
    both = attachment(PDF, fileUrl="https://valmyndigheten.se/intyg/2.pdf")
    body, headers = multipart(statement(both), [("application/pdf", PDF)])
    posted = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    assert posted.status_code == 200, posted.text
    got = await xapi.http.get(
        "/xapi/statements", params={"statementId": posted.json()[0], "attachments": "true"}
    )
    assert [data for _, data in parse_response(got)[1:]] == [PDF]


# --- what is refused (400), and nothing is stored ------------------------------------------------


def _missing_part() -> tuple[bytes, dict[str, str]]:
    return multipart([statement(attachment(PDF)), statement(attachment(PNG))], [("x/y", PDF)])


def _extra_part() -> tuple[bytes, dict[str, str]]:
    return multipart([statement(attachment(PDF))], [("x/y", PDF), ("x/y", PNG)])


def _wrong_hash() -> tuple[bytes, dict[str, str]]:
    return multipart(statement(attachment(PDF)), [("x/y", PDF)], hashes=["ab" * 32])


def _no_hash_header() -> tuple[bytes, dict[str, str]]:
    body, headers = multipart(statement(attachment(PDF)), [("x/y", PDF)])
    sha2 = hashlib.sha256(PDF).hexdigest()
    return body.replace(f"X-Experience-API-Hash: {sha2}\r\n".encode(), b""), headers


def _base64_part() -> tuple[bytes, dict[str, str]]:
    body, headers = multipart(statement(attachment(PDF)), [("x/y", PDF)])
    return body.replace(b"binary", b"base64"), headers


def _first_part_not_json() -> tuple[bytes, dict[str, str]]:
    return multipart(statement(attachment(PDF)), [("x/y", PDF)], first_type="text/plain")


def _no_closing_delimiter() -> tuple[bytes, dict[str, str]]:
    body, headers = multipart(statement(attachment(PDF)), [("x/y", PDF)])
    return body.replace(f"--{BOUNDARY}--".encode(), b""), headers


def _no_boundary() -> tuple[bytes, dict[str, str]]:
    body, _ = multipart(statement(attachment(PDF)), [("x/y", PDF)])
    return body, {"Content-Type": "multipart/mixed"}


def _attachment_without_part_as_json() -> tuple[bytes, dict[str, str]]:
    return json.dumps(statement(attachment(PDF))).encode(), {"Content-Type": "application/json"}


REFUSED: dict[str, tuple[Callable[[], tuple[bytes, dict[str, str]]], str, str]] = {
    "missing part": (_missing_part, "[1].attachments[0]", "attachment_missing"),
    "extra part": (_extra_part, "attachments", "attachment_extra"),
    "hash differs from data": (_wrong_hash, "part[1]", "attachment_hash"),
    "no hash header": (_no_hash_header, "part[1]", "multipart"),
    "not binary": (_base64_part, "part[1]", "multipart"),
    "first part not JSON": (_first_part_not_json, "$", "multipart"),
    "no closing delimiter": (_no_closing_delimiter, "$", "multipart"),
    "no boundary": (_no_boundary, "$", "multipart"),
    "JSON without the part": (
        _attachment_without_part_as_json,
        "attachments[0]",
        "attachment_missing",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_refused_attachment_requests(xapi: XapiClient, case: str) -> None:
    build, path, rule = REFUSED[case]
    body, headers = build()
    response = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    detail = error(response, 400)
    assert (detail["path"], detail["rule"]) == (path, rule)
    assert await stored_count(xapi) == 0


# --- signed statements over HTTP (Data 2.6) ---------------------------------------------------


def signed_request(
    unsigned: dict[str, Any], jws: bytes, part_type: str = "application/octet-stream"
) -> tuple[bytes, dict[str, str]]:
    signature = attachment(jws, usage=SIGNATURE_USAGE, contentType="application/octet-stream")
    return multipart({**unsigned, "attachments": [signature]}, [(part_type, jws)])


async def test_a_signed_statement_is_stored_with_its_signature(xapi: XapiClient) -> None:
    unsigned = statement()
    jws = sign(unsigned, "RS384")
    body, headers = signed_request(unsigned, jws)
    posted = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    assert posted.status_code == 200, posted.text
    got = await xapi.http.get(
        "/xapi/statements", params={"statementId": unsigned["id"], "attachments": "true"}
    )
    parts = parse_response(got)
    assert parts[1][1] == jws
    assert parts[1][0]["content-type"] == "application/octet-stream"


def _tampered(unsigned: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """Signed, then changed: the statement says someone else completed the course."""
    jws = sign(unsigned)
    return signed_request({**unsigned, "actor": {"mbox": "mailto:mallory@kommun.se"}}, jws)


def _forged(unsigned: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """Signed with a key other than the one of the certificate it carries."""
    return signed_request(unsigned, sign(unsigned, key=OTHER_KEY))


def _wrong_algorithm(unsigned: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    return signed_request(unsigned, sign(unsigned, alg="HS256"))


def _text_part(unsigned: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    return signed_request(unsigned, sign(unsigned), part_type="text/plain")


def _not_a_jws(unsigned: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    return signed_request(unsigned, b"just some bytes")


def _signature_only_by_url(unsigned: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    signature = attachment(
        sign(unsigned),
        usage=SIGNATURE_USAGE,
        contentType="application/octet-stream",
        fileUrl="https://valmyndigheten.se/sig.jws",
    )
    return multipart({**unsigned, "attachments": [signature]}, [])


BAD_SIGNATURES: dict[str, Callable[[dict[str, Any]], tuple[bytes, dict[str, str]]]] = {
    "tampered statement": _tampered,
    "signed by another key": _forged,
    "HS256": _wrong_algorithm,
    "part not octet-stream": _text_part,
    "not a JWS": _not_a_jws,
    "signature only by fileUrl": _signature_only_by_url,
}


@pytest.mark.parametrize("case", list(BAD_SIGNATURES))
async def test_a_bad_signature_is_a_400_and_stores_nothing(xapi: XapiClient, case: str) -> None:
    body, headers = BAD_SIGNATURES[case](statement())
    response = await xapi.http.post("/xapi/statements", content=body, headers=headers)
    detail = error(response, 400)
    assert detail["rule"] == "signature"
    assert detail["path"].startswith("attachments")
    assert await stored_count(xapi) == 0


# --- limits (413) ------------------------------------------------------------------------------


@pytest.fixture
async def limited(tmp_path: Path) -> AsyncIterator[XapiClient]:
    """The app with a 4 KiB body limit and a 1 KiB attachment limit."""
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'limited.sqlite3'}",
        public_url="http://lrs.test",
        max_body_bytes=4096,
        max_attachment_bytes=1024,
    )
    services = Services.build(settings)
    await services.open()
    created = await services.credentials.create("limited", ["all"])
    transport = httpx.ASGITransport(app=create_app(settings, services))
    try:
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://lrs.test",
            headers={"X-Experience-API-Version": "1.0.3"},
        ) as http:
            client = XapiClient(http, created.credential.key, created.secret, services)
            http.headers.update(client.auth())
            yield client
    finally:
        await services.close()


async def test_a_body_over_the_limit_is_413_and_stores_nothing(limited: XapiClient) -> None:
    big = bytes(5000)
    body, headers = multipart(statement(attachment(big)), [("application/pdf", big)])
    response = await limited.http.post("/xapi/statements", content=body, headers=headers)
    assert error(response, 413)["rule"] == "max_body_bytes"
    assert await stored_count(limited) == 0


async def test_a_streamed_body_is_refused_once_it_passes_the_limit(limited: XapiClient) -> None:
    """Without Content-Length (chunked) the body is counted as it arrives; the chunks after
    the limit are never read."""
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(100):
            sent.append(index)
            yield b" " * 1000

    response = await limited.http.post(
        "/xapi/statements", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert error(response, 413)["rule"] == "max_body_bytes"
    assert len(sent) < 100
    assert await stored_count(limited) == 0


async def test_an_attachment_over_the_limit_is_413(limited: XapiClient) -> None:
    small, large = b"s" * 1000, b"L" * 1500
    body, headers = multipart(
        statement(attachment(small), attachment(large)),
        [("text/plain", small), ("text/plain", large)],
    )
    assert len(body) < 4096  # within the body limit: it is the attachment that is too large
    response = await limited.http.post("/xapi/statements", content=body, headers=headers)
    detail = error(response, 413)
    assert (detail["path"], detail["rule"]) == ("part[2]", "max_attachment_bytes")
    assert await stored_count(limited) == 0
    # An attachment within the limit is fine.
    body, headers = multipart(statement(attachment(small)), [("text/plain", small)])
    assert (await limited.http.post("/xapi/statements", content=body, headers=headers)).is_success


async def test_a_document_over_the_body_limit_is_413(limited: XapiClient) -> None:
    response = await limited.http.put(
        "/xapi/activities/state",
        params={"activityId": INTRO, "agent": '{"mbox": "mailto:a@kommun.se"}', "stateId": "s"},
        content=b"x" * 5000,
        headers={"Content-Type": "text/plain"},
    )
    assert error(response, 413)["rule"] == "max_body_bytes"
