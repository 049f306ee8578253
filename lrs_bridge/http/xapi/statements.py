"""The Statement resource (Communication 2.1): PUT, POST, GET and HEAD."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.credentials import Client
from lrs_bridge.auth.learners import check_statements
from lrs_bridge.auth.scopes import may_define, may_void_any_statement, only_own_statements
from lrs_bridge.gate import read_body, services
from lrs_bridge.http.body import check_depth
from lrs_bridge.http.responses import JSONResponse, error_response
from statements.errors import BadRequest, PayloadTooLarge, XapiError
from statements.formats import parse_accept_language
from statements.log import AttachmentPart, Writer
from statements.multipart import parse_multipart, sha2_hex
from statements.query import (
    SINGLE_PARAMS,
    StatementQuery,
    format_timestamp,
    parse_bool,
    parse_format,
    parse_query,
    parse_uuid,
)
from statements.storage.base import StoredStatement

MORE_PATH = "/xapi/statements"


def _bad(path: str, rule: str, message: str) -> BadRequest:
    return BadRequest(message, [{"path": path, "rule": rule, "message": message}])


def _version(request: Request) -> str:
    return str(request.scope["state"]["xapi_version"])


def with_consistent_through(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Every Statement resource response carries X-Experience-API-Consistent-Through,
    errors included (Communication 2.1.3)."""

    async def wrapped(request: Request) -> Response:
        try:
            response = await endpoint(request)
        except XapiError as error:
            retry = {"Retry-After": "1"} if error.status == 503 else None  # as app.py does
            response = error_response(error.status, error.message, error.details, headers=retry)
        through = await services(request).store.consistent_through()
        response.headers["X-Experience-API-Consistent-Through"] = format_timestamp(through)
        return response

    return wrapped


def _parse_json(data: bytes, path: str = "$") -> Any:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _bad(path, "json", f"the body is not valid JSON: {error}") from None
    check_depth(value, data)
    return value


async def _read_statements(request: Request) -> tuple[Any, list[AttachmentPart]]:
    """The statement(s) of a PUT/POST body, and the attachment parts of a multipart one."""
    settings = services(request).settings
    body = await read_body(request, settings.max_body_bytes)
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/mixed"):
        parts = parse_multipart(body, request.headers["content-type"])
        first = parts[0]
        if not first.content_type.lower().startswith("application/json"):
            raise _bad("$", "multipart", "the first part must be application/json statements")
        attachments = []
        for index, part in enumerate(parts[1:], start=1):
            declared = part.headers.get("x-experience-api-hash")
            if declared is None:
                raise _bad(f"part[{index}]", "multipart", "X-Experience-API-Hash is missing")
            encoding = part.headers.get("content-transfer-encoding")
            if encoding is not None and encoding.lower() != "binary":
                raise _bad(
                    f"part[{index}]", "multipart", "Content-Transfer-Encoding must be binary"
                )
            if len(part.data) > settings.max_attachment_bytes:
                raise PayloadTooLarge(
                    "an attachment is larger than the limit",
                    [
                        {
                            "path": f"part[{index}]",
                            "rule": "max_attachment_bytes",
                            "message": f"more than {settings.max_attachment_bytes} bytes",
                        }
                    ],
                )
            actual = sha2_hex(part.data, declared)
            if declared.lower() != actual:
                raise _bad(
                    f"part[{index}]",
                    "attachment_hash",
                    "the part's SHA-2 hash differs from X-Experience-API-Hash",
                )
            attachments.append(AttachmentPart(actual, part.content_type, part.data))
        return _parse_json(first.data), attachments
    if not content_type.startswith("application/json"):
        raise _bad(
            "Content-Type",
            "content_type",
            "statements must be sent as application/json or multipart/mixed",
        )
    return _parse_json(body), []


def _writer(client: Client) -> Writer:
    return Writer(
        authority=client.authority,
        credential=client.key,
        define=may_define(client.scopes),
        void_any=may_void_any_statement(client.scopes),
    )


async def put_statement(request: Request, client: Client) -> Response:
    params = request.query_params
    extra = sorted(set(params) - {"statementId"})
    if extra:  # Communication 3.2: unknown parameters are a 400
        raise _bad(extra[0], "parameter", "PUT to the Statement resource takes only statementId")
    statement_id = parse_uuid(params, "statementId")
    if statement_id is None:
        raise _bad("statementId", "required", "PUT needs the statementId parameter")
    data, parts = await _read_statements(request)
    if client.learner is not None:  # the per-learner rule: its own actor only
        check_statements(client.learner, data)
    await services(request).cmi5.check_open(data)  # no statements in an ended cmi5 session
    if not isinstance(data, dict):
        raise _bad("$", "type", "PUT takes one statement object")
    await services(request).statements.store_statements(
        [data],
        version=_version(request),
        writer=_writer(client),
        parts=parts,
        statement_id=params["statementId"],
    )
    return Response(status_code=204)


async def post_statements(request: Request, client: Client) -> Response:
    if request.query_params:
        name = next(iter(request.query_params))
        raise _bad(name, "parameter", "POST to the Statement resource takes no parameters")
    # Refused before the body is read and validated when the writer's backlog is full
    # (shedding costs nothing); counted in that backlog until answered.
    with services(request).store.entry():
        data, parts = await _read_statements(request)
        if client.learner is not None:  # the per-learner rule: its own actor only
            check_statements(client.learner, data)
        await services(request).cmi5.check_open(data)  # no statements in an ended cmi5 session
        items = data if isinstance(data, list) else [data]
        ids = await services(request).statements.store_statements(
            items,
            version=_version(request),
            writer=_writer(client),
            parts=parts,
            batch=isinstance(data, list),
        )
    return JSONResponse(ids)


def _multipart_response(
    json_body: bytes,
    statements: list[StoredStatement],
    attachments: dict[str, tuple[str, bytes]],
    headers: dict[str, str],
) -> Response:
    boundary = uuid.uuid4().hex
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json_body,
        b"\r\n",
    ]
    for sha2, (content_type, data) in attachments.items():
        chunks.append(
            f"--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        chunks.extend((data, b"\r\n"))
    chunks.append(f"--{boundary}--\r\n".encode())
    return Response(
        b"".join(chunks),
        media_type=f'multipart/mixed; boundary="{boundary}"',
        headers=headers,
    )


async def _with_attachments(
    request: Request, json_body: bytes, statements: list[StoredStatement], headers: dict[str, str]
) -> Response:
    store = services(request).store
    found: dict[str, tuple[str, bytes]] = {}
    for statement in statements:
        for sha2 in statement.attachment_hashes:
            if sha2 not in found:
                attachment = await store.attachment(sha2)
                if attachment is not None:
                    found[sha2] = attachment
    return _multipart_response(json_body, statements, found, headers)


async def get_statements(request: Request, client: Client) -> Response:
    svc = services(request)
    params = request.query_params
    own_credential = client.key if only_own_statements(client.scopes) else None
    languages = parse_accept_language(request.headers.get("accept-language"))
    headers: dict[str, str] = {}
    if "statementId" in params or "voidedStatementId" in params:
        if "statementId" in params and "voidedStatementId" in params:
            raise _bad(
                "statementId", "parameter", "give statementId or voidedStatementId, not both"
            )
        extra = sorted(set(params) - SINGLE_PARAMS)
        if extra:
            raise _bad(extra[0], "parameter", "only attachments and format go with a statement id")
        voided = "voidedStatementId" in params
        name = "voidedStatementId" if voided else "statementId"
        statement_id = parse_uuid(params, name)
        assert statement_id is not None
        fmt = parse_format(params)
        attachments = parse_bool(params, "attachments")
        found = await svc.statements.get(statement_id, voided=voided, credential=own_credential)
        (body,) = await svc.statements.render([found], fmt, languages)
        headers["Last-Modified"] = _http_date(found.stored)
        if attachments:
            return await _with_attachments(request, body, [found], headers)
        return Response(body, media_type="application/json", headers=headers)
    if "cursor" in params:
        if len(params) != 1:
            raise _bad("cursor", "parameter", "a 'more' link takes no other parameters")
        query = svc.statements.from_more_token(params["cursor"])
    else:
        query = parse_query(params, max_limit=svc.settings.max_statements_per_page)
    query = dataclasses.replace(query, credential=own_credential)
    page = await svc.statements.query(query)
    more = (
        f"{MORE_PATH}?cursor={svc.statements.more_token(page.more)}"
        if page.more is not None
        else ""
    )
    body = await svc.statements.render_result(page, query.format, languages, more)
    if page.statements:
        headers["Last-Modified"] = _http_date(max(s.stored for s in page.statements))
    if query.attachments:
        return await _with_attachments(request, body, page.statements, headers)
    return Response(body, media_type="application/json", headers=headers)


def _http_date(micros: int) -> str:
    return formatdate(micros / 1_000_000, usegmt=True)


__all__ = ["StatementQuery", "get_statements", "post_statements", "put_statement"]
