"""State, Activity Profile and Agent Profile resources, and the Activities and Agents
resources (Communication 2.3–2.7)."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import formatdate

import orjson
from starlette.requests import Request
from starlette.responses import Response

from lrs_bridge.auth.credentials import Client
from lrs_bridge.auth.scopes import (
    changes_every_clients_documents,
    may_read_all_statements,
    reads_every_clients_documents,
)
from lrs_bridge.gate import read_body, services
from lrs_bridge.http.responses import JSONResponse
from statements.documents import (
    Document,
    DocumentKind,
    DocumentScope,
    DocumentService,
    Preconditions,
)
from statements.errors import BadRequest
from statements.query import parse_agent, parse_iri, parse_time, parse_uuid


def _bad(path: str, rule: str, message: str) -> BadRequest:
    return BadRequest(message, [{"path": path, "rule": rule, "message": message}])


def _check_params(params: Mapping[str, str], allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise _bad(unknown[0], "parameter", "is not a parameter of this resource")


def _required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise _bad(name, "required", f"the '{name}' parameter is required")
    return value


def _required_iri(params: Mapping[str, str], name: str) -> str:
    _required(params, name)
    value = parse_iri(params, name)
    assert value is not None
    return value


def _required_agent(params: Mapping[str, str]) -> str:
    _required(params, "agent")
    value = parse_agent(params)
    assert value is not None
    return value


class _Resource:
    """One document resource: which parameters make its scope and name its documents."""

    def __init__(self, kind: DocumentKind, id_param: str, scope_params: tuple[str, ...]):
        self.kind = kind
        self.id_param = id_param
        self.scope_params = scope_params
        self.allowed = {*scope_params, id_param, "since"}

    def scope(self, params: Mapping[str, str], client: Client, *, write: bool) -> DocumentScope:
        """The documents a request names, as far as ``client`` reaches: its own, or every
        client's (``DocumentScope``) for ``all`` (and ``all/read`` when reading)."""
        _check_params(params, self.allowed)
        activity_id = (
            _required_iri(params, "activityId") if "activityId" in self.scope_params else ""
        )
        agent = _required_agent(params) if "agent" in self.scope_params else ""
        registration = ""
        if "registration" in self.scope_params:
            registration = parse_uuid(params, "registration") or ""
        every = (
            changes_every_clients_documents(client.scopes)
            if write
            else reads_every_clients_documents(client.scopes)
        )
        return DocumentScope(
            self.kind, activity_id, agent, registration, client.document_owner, every
        )


STATE = _Resource(DocumentKind.STATE, "stateId", ("activityId", "agent", "registration"))
ACTIVITY_PROFILE = _Resource(DocumentKind.ACTIVITY_PROFILE, "profileId", ("activityId",))
AGENT_PROFILE = _Resource(DocumentKind.AGENT_PROFILE, "profileId", ("agent",))


def _documents(request: Request) -> DocumentService:
    return DocumentService(services(request).store)


def _preconditions(request: Request) -> Preconditions:
    return Preconditions(
        if_match=request.headers.get("if-match"),
        if_none_match=request.headers.get("if-none-match"),
    )


def _version(request: Request) -> str:
    return str(request.scope["state"]["xapi_version"])


def _http_date(micros: int) -> str:
    return formatdate(micros / 1_000_000, usegmt=True)


def _document_response(document: Document) -> Response:
    # Content-Type goes in as a header: as media_type, Starlette would add "; charset=utf-8"
    # to text/* types, and the document's type must come back exactly as it was stored.
    return Response(
        document.content,
        headers={
            "Content-Type": document.content_type,
            "ETag": document.etag,
            "Last-Modified": _http_date(document.updated),
        },
    )


def _written(document: Document | None) -> Response:
    headers = {"ETag": document.etag} if document is not None else {}
    return Response(status_code=204, headers=headers)


async def _content(request: Request) -> tuple[bytes, str]:
    body = await read_body(request, services(request).settings.max_body_bytes)
    content_type = request.headers.get("content-type") or "application/octet-stream"
    return body, content_type


async def _get(request: Request, resource: _Resource, client: Client) -> Response:
    params = request.query_params
    scope = resource.scope(params, client, write=False)
    doc_id = params.get(resource.id_param)
    if doc_id is not None:
        if "since" in params:
            raise _bad("since", "parameter", f"'since' goes only without '{resource.id_param}'")
        return _document_response(await _documents(request).get(scope, doc_id))
    found = await _documents(request).ids(scope, parse_time(params, "since"))
    headers: dict[str, str] = {}
    if found.last_modified is not None:  # the newest of them (Communication 2.2)
        headers["Last-Modified"] = _http_date(found.last_modified)
    return JSONResponse(found.ids, headers=headers)


async def _put(request: Request, resource: _Resource, client: Client) -> Response:
    params = request.query_params
    scope = resource.scope(params, client, write=True)
    doc_id = _required(params, resource.id_param)
    _no_since(params)
    content, content_type = await _content(request)
    stored = await _documents(request).put(
        scope, doc_id, content, content_type, _preconditions(request), _version(request)
    )
    return _written(stored)


async def _post(request: Request, resource: _Resource, client: Client) -> Response:
    params = request.query_params
    scope = resource.scope(params, client, write=True)
    doc_id = _required(params, resource.id_param)
    _no_since(params)
    content, content_type = await _content(request)
    stored = await _documents(request).post(
        scope, doc_id, content, content_type, _preconditions(request)
    )
    return _written(stored)


async def _delete(request: Request, resource: _Resource, client: Client) -> Response:
    params = request.query_params
    scope = resource.scope(params, client, write=True)
    _no_since(params)
    doc_id = params.get(resource.id_param)
    if doc_id is None and resource.kind != DocumentKind.STATE:
        raise _bad(
            resource.id_param, "required", f"the '{resource.id_param}' parameter is required"
        )
    await _documents(request).delete(scope, doc_id, _preconditions(request))
    return Response(status_code=204)


def _no_since(params: Mapping[str, str]) -> None:
    if "since" in params:
        raise _bad("since", "parameter", "'since' is only for listing documents")


# --- one handler per method and resource, for the route table -------------------------------


async def get_state(request: Request, client: Client) -> Response:
    return await _get(request, STATE, client)


async def put_state(request: Request, client: Client) -> Response:
    return await _put(request, STATE, client)


async def post_state(request: Request, client: Client) -> Response:
    return await _post(request, STATE, client)


async def delete_state(request: Request, client: Client) -> Response:
    return await _delete(request, STATE, client)


async def get_activity_profile(request: Request, client: Client) -> Response:
    return await _get(request, ACTIVITY_PROFILE, client)


async def put_activity_profile(request: Request, client: Client) -> Response:
    return await _put(request, ACTIVITY_PROFILE, client)


async def post_activity_profile(request: Request, client: Client) -> Response:
    return await _post(request, ACTIVITY_PROFILE, client)


async def delete_activity_profile(request: Request, client: Client) -> Response:
    return await _delete(request, ACTIVITY_PROFILE, client)


async def get_agent_profile(request: Request, client: Client) -> Response:
    return await _get(request, AGENT_PROFILE, client)


async def put_agent_profile(request: Request, client: Client) -> Response:
    return await _put(request, AGENT_PROFILE, client)


async def post_agent_profile(request: Request, client: Client) -> Response:
    return await _post(request, AGENT_PROFILE, client)


async def delete_agent_profile(request: Request, client: Client) -> Response:
    return await _delete(request, AGENT_PROFILE, client)


async def get_activity(request: Request, client: Client) -> Response:
    """The canonical Activity (Communication 2.5): what the LRS learned, or just its id."""
    params = request.query_params
    _check_params(params, {"activityId"})
    activity_id = _required_iri(params, "activityId")
    definitions = await services(request).store.activity_definitions([activity_id])
    activity: dict[str, object] = {"objectType": "Activity", "id": activity_id}
    if activity_id in definitions:
        activity["definition"] = definitions[activity_id]
    return JSONResponse(activity)


async def get_agents(request: Request, client: Client) -> Response:
    """The Person object for an agent (Communication 2.4): the agent's own identifier, and
    every name known for it: the one asked with and, for credentials that may read every
    statement, those that statements of 'define' credentials gave it. The LRS links no
    identifiers into persons, so the Person has one identifying property."""
    params = request.query_params
    _check_params(params, {"agent"})
    key = _required_agent(params)
    agent = orjson.loads(params["agent"])
    names: list[str] = [agent["name"]] if isinstance(agent.get("name"), str) else []
    if may_read_all_statements(client.scopes):
        known = await services(request).store.agent_names(key)
        names.extend(name for name in known if name not in names)
    person: dict[str, object] = {"objectType": "Person"}
    if names:
        person["name"] = names
    for prop in ("mbox", "mbox_sha1sum", "openid", "account"):
        if prop in agent:
            person[prop] = [agent[prop]]
    return JSONResponse(person)
