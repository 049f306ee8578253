"""The statement browser's API: search the statement log by learner, course or activity,
verb and time (a page of statements as stored, newest first, with a ``more`` link), and
export the selection streamed as JSON Lines or CSV. The selection and its reading are
``reports.statement_browser``'s, shared with the pages.

Two kinds of caller, each through its own check in ``lrs_bridge.http.guard``
(``people_or_client_guarded``):

* a person with a Bearer token: national admins only (``Action.STATEMENTS_READ``), every
  statement; each read and export is audited, as the statements hold personal data;
* an xAPI credential's owner with its key and secret (HTTP Basic, a scope that reads
  statements): only the statements stored with that very credential, whatever its scope.
  Like ``GET /xapi/statements`` with ``statements/read/mine``, reading back what one's
  own credential stored is not audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from lrs_bridge.auth.access import Principal
from lrs_bridge.auth.credentials import Client
from lrs_bridge.gate import content_disposition, services
from lrs_bridge.http.api.common import audit, bad, count, reports
from reports import statement_browser as browser

PARAMS = frozenset(browser.FIELDS) | {"before", "limit", "format"}
SEARCH_PATH = "/api/v1/statements"


def _check_params(request: Request, allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise bad(unknown[0], "parameter", f"{unknown[0]} is not a parameter here")


async def _selection(request: Request, credential: str | None) -> browser.Selection:
    courses = await reports(request).list_courses()
    return browser.select(request.query_params, courses, credential)


async def _search(
    request: Request, principal: Principal | None, credential: str | None
) -> Response:
    _check_params(request, PARAMS - {"format"})
    selection = await _selection(request, credential)
    limit = count(request, "limit", browser.PAGE_SIZE, browser.MAX_PAGE_SIZE)
    before = request.query_params.get("before")
    position = count(request, "before", 1, 1 << 62) if before is not None else None
    found = await browser.page(services(request).store, selection, position, limit)
    if principal is not None:
        await audit(
            request,
            principal,
            "statements.read",
            "statements",
            None,
            None,
            statements=len(found.statements),
            **browser.audit_details(request.query_params),
        )
    more = b"null"
    if found.before is not None:
        kept = {k: v for k, v in request.query_params.items() if k != "before"}
        more = (
            b'"' + (SEARCH_PATH + "?" + urlencode({**kept, "before": found.before})).encode() + b'"'
        )
    parts = b",".join(statement.body for statement in found.statements)
    body = b'{"statements":[' + parts + b'],"more":' + more + b"}"
    return Response(body, media_type="application/json")


async def _export(
    request: Request, principal: Principal | None, credential: str | None
) -> Response:
    _check_params(request, PARAMS - {"before", "limit"})
    fmt = request.query_params.get("format", "jsonl").lower()
    if fmt not in browser.EXPORT_FORMATS:
        raise bad("format", "format", "format must be jsonl or csv")
    selection = await _selection(request, credential)
    if principal is not None:
        await audit(
            request,
            principal,
            "statements.export",
            "statements",
            None,
            None,
            format=fmt,
            **browser.audit_details(request.query_params),
        )
    from lrs_bridge.http.app import reader_language  # the app imports this module

    return StreamingResponse(
        browser.export(services(request).store, selection, fmt, reader_language(request)),
        media_type=browser.JSONL_TYPE if fmt == "jsonl" else browser.CSV_TYPE,
        headers={
            "Content-Disposition": content_disposition(
                browser.export_filename(fmt, datetime.now(UTC))
            )
        },
    )


async def search_statements(request: Request, principal: Principal) -> Response:
    """``before`` (a position from a ``more`` link) pages back; ``limit`` up to 500."""
    return await _search(request, principal, None)


async def search_own_statements(request: Request, client: Client) -> Response:
    return await _search(request, None, client.key)


async def export_statements(request: Request, principal: Principal) -> Response:
    """The whole selection in log order, streamed: ``format`` jsonl (default) or csv."""
    return await _export(request, principal, None)


async def export_own_statements(request: Request, client: Client) -> Response:
    return await _export(request, None, client.key)
