"""The statement browser's pages (issue 15): search the statement log by learner, course
or activity, verb and time, newest first and paged by position (never OFFSET); see one
statement's JSON; download the selection as CSV or JSON Lines, streamed whatever its size.

National admins only (``Action.STATEMENTS_READ``), through the pages' one gate. The
statements hold personal data: every search, view and download is audited. The selection,
its validation and its reading are ``reports.statement_browser``'s, shared with the API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from lrs_bridge.auth.access import Action
from lrs_bridge.gate import content_disposition
from lrs_bridge.web.pages import Ctx, finish, not_found, page
from reports import statement_browser as browser
from reports.texts import text as report_text
from statements.errors import BadRequest

FIELD_IDS = {name: f"sel-{name}" for name in browser.FIELDS}


def _params(ctx: Ctx) -> dict[str, str]:
    """The selection's parameters the request gave (others ignored), trimmed."""
    query = ctx.request.query_params
    return {name: query[name].strip() for name in browser.FIELDS if query.get(name, "").strip()}


def _problems(ctx: Ctx, error: BadRequest) -> dict[str, str]:
    found: dict[str, str] = {}
    for detail in error.details:
        field = str(detail.get("path"))
        if field in FIELD_IDS and field not in found:
            key = detail.get("key")
            found[field] = (
                report_text(key, ctx.language) if isinstance(key, str) else str(detail["message"])
            )
    return found


def _position(ctx: Ctx) -> int | None:
    value = ctx.request.query_params.get("before", "")
    return int(value) if value.isdigit() and 0 < int(value) < 1 << 62 else None


async def search(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    params = _params(ctx)
    courses = await ctx.services.reports.list_courses()
    values: dict[str, Any] = dict(params)
    verbs = list(browser.VERBS)
    if params.get("verb") and params["verb"] not in verbs:
        verbs.append(params["verb"])
    shown: dict[str, Any] = {
        "values": values,
        "courses": courses,
        "verbs": verbs,
        "ids": FIELD_IDS,
        "query": urlencode(params),
    }
    try:
        selection = browser.select(params, courses)
    except BadRequest as error:
        errors = _problems(ctx, error)
        form_errors = [(FIELD_IDS[name], errors[name]) for name in browser.FIELDS if name in errors]
        return ctx.render(
            "statements.html", 400, errors=errors, form_errors=form_errors, rows=None, **shown
        )
    before = _position(ctx)
    found = await browser.page(ctx.services.store, selection, before)
    await ctx.services.audit.record(
        ctx.principal,
        "statements.read",
        "statements",
        None,
        None,
        statements=len(found.statements),
        **browser.audit_details(params),
    )
    rows = [browser.row_of(s, ctx.language) for s in found.statements]
    older = urlencode({**params, "before": found.before}) if found.before else None
    return ctx.render(
        "statements.html",
        errors={},
        form_errors=[],
        rows=rows,
        older=older,
        deeper=before is not None,
        **shown,
    )


async def statement(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    statement_id: str = ctx.request.path_params["statement_id"].lower()
    found = (
        await ctx.services.store.get_statement(statement_id)
        if len(statement_id) == 36 and statement_id.count("-") == 4
        else None
    )
    if found is None:
        return not_found(ctx)
    await ctx.services.audit.record(
        ctx.principal, "statements.read", "statement", found.id, None, statements=1
    )
    pretty = orjson.dumps(orjson.loads(found.body), option=orjson.OPT_INDENT_2).decode()
    back = urlencode(_params(ctx))
    return ctx.render(
        "statement.html",
        row=browser.row_of(found, ctx.language),
        voided=found.voided,
        pretty=pretty,
        back=back,
    )


async def download(ctx: Ctx) -> Response:
    assert ctx.principal is not None
    fmt: str = ctx.request.path_params["fmt"]
    if fmt not in browser.EXPORT_FORMATS:
        return not_found(ctx)
    params = _params(ctx)
    try:
        selection = browser.select(params, await ctx.services.reports.list_courses())
    except BadRequest:
        # The page's links carry a valid selection; a hand-made wrong one goes back to
        # the form, which names each problem.
        return ctx.redirect("/statements?" + urlencode(params))
    await ctx.services.audit.record(
        ctx.principal,
        "statements.export",
        "statements",
        None,
        None,
        format=fmt,
        **browser.audit_details(params),
    )
    response = StreamingResponse(
        browser.export(ctx.services.store, selection, fmt, ctx.language),
        media_type=browser.JSONL_TYPE if fmt == "jsonl" else browser.CSV_TYPE,
        headers={
            "Content-Disposition": content_disposition(
                browser.export_filename(fmt, datetime.now(UTC))
            )
        },
    )
    return finish(ctx.request, response, ctx.session)


def statement_routes() -> list[Route]:
    get = ["GET", "HEAD"]
    read = {"GET": Action.STATEMENTS_READ}
    return [
        Route("/statements", page(search, read), methods=get),
        Route("/statements/export.{fmt}", page(download, read), methods=get),
        Route("/statements/{statement_id}", page(statement, read), methods=get),
    ]
