"""The OpenAPI 3.1 description of the service's HTTP API, served at ``/openapi.json``.

Paths and methods come from the app's route table (every ``/xapi/`` route, the
``/api/v1`` routes described in ``lrs_bridge.http.api.description``, and ``/healthz``), so
a route cannot be served without being listed; what each operation takes and answers is
described in ``OPERATIONS``. ``tests/lrs_bridge/test_openapi.py`` fails when a route has
no description or a description has no route, and runs schemathesis against a live server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lrs_bridge import __version__
from lrs_bridge.http.api.description import API_OPERATIONS, BEARER

JSON = "application/json"
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


IRI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$"  # statements.models.base
IRI: Schema = {"type": "string", "pattern": IRI_PATTERN}
UUID: Schema = {"type": "string", "format": "uuid"}
LANGUAGE_MAP: Schema = {
    "type": "object",
    "description": "RFC 5646 language tag → text",
    "propertyNames": {"pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
    "additionalProperties": {"type": "string"},
}
EXTENSIONS: Schema = {
    "type": "object",
    "description": "IRI → any JSON value",
    "propertyNames": {"pattern": IRI_PATTERN},
}


def agent_with(ifi: str, schema: Schema) -> Schema:
    return {
        "type": "object",
        "required": [ifi],
        "properties": {
            "objectType": {"type": "string", "enum": ["Agent"]},
            "name": {"type": "string"},
            ifi: schema,
        },
        "additionalProperties": False,
    }


SCHEMAS: dict[str, Schema] = {
    "Error": {
        "type": "object",
        "required": ["error", "details"],
        "properties": {
            "error": {"type": "string"},
            "details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["path", "rule", "message"],
                    "properties": {
                        "path": {"type": "string", "description": "field, header or path"},
                        "rule": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    },
    "Account": {
        "type": "object",
        "required": ["homePage", "name"],
        "properties": {"homePage": IRI, "name": {"type": "string"}},
        "additionalProperties": False,
    },
    "Agent": {
        "description": "An Agent with exactly one inverse functional identifier (identified "
        "Groups are accepted too).",
        "oneOf": [
            agent_with("mbox", {"type": "string", "pattern": r"^mailto:[^@\s:/]+@[^@\s/]+$"}),
            agent_with("mbox_sha1sum", {"type": "string", "pattern": "^[0-9a-f]{40}$"}),
            agent_with("openid", IRI),
            agent_with("account", ref("Account")),
        ],
    },
    "Verb": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": IRI, "display": LANGUAGE_MAP},
        "additionalProperties": False,
    },
    "Activity": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "objectType": {"type": "string", "enum": ["Activity"]},
            "id": IRI,
            "definition": {
                "type": "object",
                "properties": {
                    "name": LANGUAGE_MAP,
                    "description": LANGUAGE_MAP,
                    "type": IRI,
                    "moreInfo": IRI,
                    "extensions": EXTENSIONS,
                },
            },
        },
        "additionalProperties": False,
    },
    "StatementRef": {
        "type": "object",
        "required": ["objectType", "id"],
        "properties": {"objectType": {"type": "string", "enum": ["StatementRef"]}, "id": UUID},
        "additionalProperties": False,
    },
    "Result": {
        "type": "object",
        "properties": {
            "score": {
                "type": "object",
                "properties": {
                    "scaled": {"type": "number", "minimum": -1, "maximum": 1},
                    "raw": {"type": "number"},
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                },
            },
            "success": {"type": "boolean"},
            "completion": {"type": "boolean"},
            "response": {"type": "string"},
            "duration": {
                "type": "string",
                "description": "ISO 8601 duration",
                "pattern": r"^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$",
            },
            "extensions": EXTENSIONS,
        },
        "additionalProperties": False,
    },
    "Context": {
        "type": "object",
        "properties": {
            "registration": UUID,
            "instructor": ref("Agent"),
            "contextActivities": {
                "type": "object",
                "properties": {
                    key: {"type": "array", "items": ref("Activity")}
                    for key in ("parent", "grouping", "category", "other")
                },
                "additionalProperties": False,
            },
            "revision": {"type": "string"},
            "platform": {"type": "string"},
            "language": {"type": "string"},
            "statement": ref("StatementRef"),
            "extensions": EXTENSIONS,
        },
        "additionalProperties": False,
    },
    "Statement": {
        "type": "object",
        "description": "An xAPI Statement (Data 2.4); the LRS checks every rule of the "
        "specification, this schema only the shape.",
        "required": ["actor", "verb", "object"],
        "properties": {
            "id": UUID,
            "actor": ref("Agent"),
            "verb": ref("Verb"),
            "object": {"oneOf": [ref("Activity"), ref("Agent"), ref("StatementRef")]},
            "result": ref("Result"),
            "context": ref("Context"),
            "timestamp": {"type": "string", "format": "date-time"},
            "stored": {"type": "string", "format": "date-time"},
            "authority": ref("Agent"),
            "version": {"type": "string", "pattern": r"^[12]\.0(\.[0-9]+)?$"},
            "attachments": {"type": "array", "items": {"type": "object"}},
        },
        "additionalProperties": False,
    },
    "StatementResult": {
        "type": "object",
        "required": ["statements", "more"],
        "properties": {
            "statements": {"type": "array", "items": ref("Statement")},
            "more": {"type": "string", "description": "path of the next page, or empty"},
        },
    },
    "Person": {
        "type": "object",
        "required": ["objectType"],
        "properties": {
            "objectType": {"type": "string", "enum": ["Person"]},
            "name": {"type": "array", "items": {"type": "string"}},
            "mbox": {"type": "array", "items": {"type": "string"}},
            "mbox_sha1sum": {"type": "array", "items": {"type": "string"}},
            "openid": {"type": "array", "items": {"type": "string"}},
            "account": {"type": "array", "items": ref("Account")},
        },
    },
    "About": {
        "type": "object",
        "required": ["version"],
        "properties": {
            "version": {"type": "array", "items": {"type": "string"}},
            "extensions": EXTENSIONS,
        },
    },
}


# --- parameters -----------------------------------------------------------------------------


def query(name: str, schema: Schema, description: str, required: bool = False) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def agent_param(required: bool) -> Schema:
    return {
        "name": "agent",
        "in": "query",
        "required": required,
        "description": "an Agent or identified Group, as JSON",
        "content": {JSON: {"schema": ref("Agent")}},
    }


def header(name: str, description: str, schema: Schema | None = None) -> Schema:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


VERSION_HEADER: Schema = {
    "name": "X-Experience-API-Version",
    "in": "header",
    "required": True,
    "description": "the xAPI version of the request: 1.0, 1.0.x, 2.0 or 2.0.x",
    "schema": {"type": "string", "pattern": r"^[12]\.0(\.[0-9]{1,3})?$"},
}
SINCE = query("since", {"type": "string", "format": "date-time"}, "only those stored after")
ACTIVITY_ID = query("activityId", IRI, "the Activity's IRI", required=True)
IF_MATCH = header("If-Match", "write only if the document's ETag is one of these")
IF_NONE_MATCH = header("If-None-Match", "'*': write only if no such document exists")
BOOLEAN: Schema = {"type": "boolean"}

STATEMENT_QUERY = [
    query("statementId", UUID, "one statement by id"),
    query("voidedStatementId", UUID, "one voided statement by id"),
    agent_param(False),
    query("verb", IRI, "only statements with this verb"),
    query("activity", IRI, "only statements about this Activity"),
    query("registration", UUID, "only statements of this registration"),
    query("related_activities", BOOLEAN, "match the activity in context and sub-statements"),
    query("related_agents", BOOLEAN, "match the agent in any role"),
    query("since", {"type": "string", "format": "date-time"}, "stored after this moment"),
    query("until", {"type": "string", "format": "date-time"}, "stored at or before this"),
    query("limit", {"type": "integer", "minimum": 0}, "most statements (0: server maximum)"),
    query("format", {"type": "string", "enum": ["ids", "exact", "canonical"]}, "output form"),
    query("attachments", BOOLEAN, "answer multipart/mixed with the attachments"),
    query("ascending", BOOLEAN, "oldest first"),
    query(
        "cursor",
        {"type": "string"},
        "the signed position a 'more' link carries (alone); a changed one is a 400",
    ),
    header("Accept-Language", "preferred languages for the canonical format"),
]


def document_params(kind: str, method: str) -> list[Schema]:
    """Parameters of the State, Activity Profile and Agent Profile resources."""
    id_name = "stateId" if kind == "state" else "profileId"
    by_id = method in ("PUT", "POST") or (method == "DELETE" and kind != "state")
    params: list[Schema] = []
    if kind in ("state", "activity_profile"):
        params.append(ACTIVITY_ID)
    if kind in ("state", "agent_profile"):
        params.append(agent_param(True))
    if kind == "state":
        params.append(query("registration", UUID, "the registration the state belongs to"))
    params.append(query(id_name, {"type": "string"}, "the document's id", required=by_id))
    if method == "GET":
        params.append(SINCE)
    if method in ("PUT", "POST", "DELETE"):
        params += [IF_MATCH, IF_NONE_MATCH]
    return params


# --- responses ------------------------------------------------------------------------------


def error(description: str) -> Schema:
    return {"description": description, "content": {JSON: {"schema": ref("Error")}}}


ERRORS: dict[str, Schema] = {
    "400": error("bad request: the details name the field, header or parameter and rule"),
    "401": error("no or wrong credentials (HTTP Basic)"),
    "403": error("the credential's scopes do not allow this"),
}
WRITE_ERRORS: dict[str, Schema] = {
    "409": error("conflict with what is stored"),
    "412": error("a precondition (If-Match, If-None-Match) failed"),
    "413": error("the body is larger than the limit"),
    "503": error("at capacity, or the database is busy or full: retry after Retry-After"),
}
NO_CONTENT = {"204": {"description": "done"}}
DOCUMENT = {
    "200": {
        "description": "the document as stored (any content type), or a JSON array of ids",
        "content": {"*/*": {"schema": {}}},
    },
    "404": error("no such document"),
}
DOCUMENT_BODY = {
    "required": True,
    "content": {
        JSON: {"schema": {"type": "object"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "text/plain": {"schema": {"type": "string"}},
    },
}


def op(
    summary: str,
    *,
    params: list[Schema] | None = None,
    body: Schema | None = None,
    responses: dict[str, Schema],
    xapi: bool = True,
    write: bool = False,
) -> Schema:
    operation: Schema = {"summary": summary}
    parameters = [VERSION_HEADER] if xapi else []
    parameters += params or []
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = body
    answers = dict(responses)
    if xapi:
        answers.update(ERRORS)
        if write:
            answers.update(WRITE_ERRORS)
    else:
        operation["security"] = []
    operation["responses"] = answers
    return operation


def _documents(kind: str, title: str) -> dict[str, Schema]:
    return {
        "GET": op(
            f"one {title} document, or the ids of them",
            params=document_params(kind, "GET"),
            responses=DOCUMENT,
        ),
        "PUT": op(
            f"store a {title} document",
            params=document_params(kind, "PUT"),
            body=DOCUMENT_BODY,
            responses=NO_CONTENT,
            write=True,
        ),
        "POST": op(
            f"merge JSON into a {title} document (or store it)",
            params=document_params(kind, "POST"),
            body=DOCUMENT_BODY,
            responses=NO_CONTENT,
            write=True,
        ),
        "DELETE": op(
            f"delete {title} document(s)",
            params=document_params(kind, "DELETE"),
            responses=NO_CONTENT,
            write=True,
        ),
    }


STATEMENT = ref("Statement")
STATEMENTS_BODY = {
    "required": True,
    "content": {
        JSON: {
            "schema": {"oneOf": [ref("Statement"), {"type": "array", "items": ref("Statement")}]}
        },
        "multipart/mixed": {
            "schema": {"type": "string", "format": "binary"},
            "description": "statements (first part) and their attachments",
        },
    },
}
STATEMENT_RESULT = {
    "200": {
        "description": "a StatementResult, or one Statement when asked by id",
        "content": {JSON: {"schema": {"oneOf": [ref("StatementResult"), ref("Statement")]}}},
    },
    "404": error("no such statement"),
}

OPERATIONS: dict[str, dict[str, Schema]] = {
    "/healthz": {
        "GET": op("is the service up", xapi=False, responses={"200": {"description": "up"}}),
    },
    "/readyz": {
        "GET": op(
            "is the service up and its database answering",
            xapi=False,
            responses={
                "200": {"description": "ready"},
                "503": error("the database does not answer"),
            },
        ),
    },
    "/openapi.json": {
        "GET": op(
            "this description",
            xapi=False,
            responses={"200": {"description": "OpenAPI 3.1", "content": {JSON: {"schema": {}}}}},
        ),
    },
    "/xapi/about": {
        "GET": op(
            "xAPI versions this LRS speaks (no authentication)",
            xapi=False,
            responses={
                "200": {"description": "about", "content": {JSON: {"schema": ref("About")}}}
            },
        ),
    },
    "/xapi/statements": {
        "GET": op(
            "statements: one by id, or a page of those matching",
            params=STATEMENT_QUERY,
            responses=STATEMENT_RESULT,
        ),
        "PUT": op(
            "store one statement under the given id",
            params=[query("statementId", UUID, "the statement's id", required=True)],
            body={**STATEMENTS_BODY, "content": {JSON: {"schema": ref("Statement")}}},
            responses=NO_CONTENT,
            write=True,
        ),
        "POST": op(
            "store statements (one or an array); answers their ids",
            body=STATEMENTS_BODY,
            write=True,
            responses={
                "200": {
                    "description": "the ids, in order",
                    "content": {JSON: {"schema": {"type": "array", "items": UUID}}},
                }
            },
        ),
    },
    "/xapi/activities/state": _documents("state", "state"),
    "/xapi/activities/profile": _documents("activity_profile", "activity profile"),
    "/xapi/agents/profile": _documents("agent_profile", "agent profile"),
    "/xapi/activities": {
        "GET": op(
            "the canonical definition of an Activity",
            params=[ACTIVITY_ID],
            responses={
                "200": {
                    "description": "the Activity",
                    "content": {JSON: {"schema": ref("Activity")}},
                }
            },
        ),
    },
    "/xapi/agents": {
        "GET": op(
            "the Person the LRS knows for an agent",
            params=[agent_param(True)],
            responses={
                "200": {"description": "the Person", "content": {JSON: {"schema": ref("Person")}}}
            },
        ),
    },
}


OPERATIONS.update(API_OPERATIONS)


def published(path: str) -> bool:
    """The xAPI routes, and any other route described here."""
    return path.startswith("/xapi/") or path in OPERATIONS


def route_operations(routes: Sequence[BaseRoute]) -> set[tuple[str, str]]:
    """(path, method) of every published operation the routes serve; HEAD goes with GET."""
    return {
        (route.path, method)
        for route in routes
        if isinstance(route, Route) and published(route.path)
        for method in route.methods or ()
        if method != "HEAD"
    }


def build(routes: Sequence[BaseRoute]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, method in sorted(route_operations(routes)):
        described = OPERATIONS.get(path, {}).get(method)
        operation = described or {
            "summary": f"{method} {path}",
            "responses": {"default": {"description": "not described yet"}},
        }
        paths.setdefault(path, {})[method.lower()] = operation
        if method == "GET":
            head = {k: v for k, v in operation.items() if k != "summary"}
            head["summary"] = "the same as GET, without the body"
            head["responses"] = {
                status: {"description": answer["description"]}
                for status, answer in operation["responses"].items()
            }
            paths[path]["head"] = head
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lrs-bridge",
            "version": __version__,
            "description": "An xAPI 1.0.3 and 2.0.0 Learning Record Store (HTTP Basic with "
            "an xAPI credential), and the readiness API for people under /api/v1 (Bearer "
            "token). Every error is "
            '{"error": "...", "details": [{"path", "rule", "message"}]}. The xAPI '
            "alternate request syntax (POST ?method=…, 1.0.x only) is also accepted.",
        },
        "servers": [{"url": "/"}],
        "security": [{"basic": []}],
        "components": {
            "securitySchemes": {
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "an xAPI credential's key and secret; its scopes "
                    "(statements/write, statements/read, state, profile, all, …) decide "
                    "what it may do: state and profile reach only the documents the "
                    "credential wrote, and only all voids statements others stored",
                },
                "bearer": BEARER,
            },
            "schemas": SCHEMAS,
        },
        "paths": paths,
    }


async def openapi_json(request: Request) -> Response:
    """The description of the app's own route table (built once per app)."""
    state = request.app.state
    if getattr(state, "openapi", None) is None:
        state.openapi = orjson.dumps(build(request.app.routes))
    return Response(state.openapi, media_type=JSON)


__all__ = ["OPERATIONS", "build", "openapi_json", "route_operations"]
