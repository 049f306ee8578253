"""The OpenAPI description of the ``/api/v1`` routes (people's API: workshops, lists,
reports, reminders, courses, the bridge); merged into ``/openapi.json`` by
``lrs_bridge.http.openapi``, whose test fails when a route and its description differ."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
P = "/api/v1"

ERROR: Schema = {"$ref": "#/components/schemas/Error"}
OBJECT: Schema = {"type": "object"}
TEXT: Schema = {"type": "string", "minLength": 1, "maxLength": 200}
WORKSHOP_ID: Schema = {"name": "workshop_id", "in": "path", "required": True, "schema": TEXT}
PARTICIPANT_ID: Schema = {"name": "participant_id", "in": "path", "required": True, "schema": TEXT}
COURSE_ID: Schema = {"name": "course_id", "in": "path", "required": True, "schema": TEXT}
COUNTY_PATH: Schema = {
    "name": "county",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{2}$"},
}
NAME: Schema = {"name": "name", "in": "path", "required": True, "schema": TEXT}
COUNTY_QUERY: Schema = {
    "name": "county",
    "in": "query",
    "description": "two-digit SCB county code",
    "schema": {"type": "string"},
}
FORMAT: Schema = {
    "name": "format",
    "in": "query",
    "description": "json (default), csv (UTF-8 with BOM, ';', for Swedish Excel) or xlsx",
    "schema": {"type": "string", "enum": ["json", "csv", "xlsx"]},
}
DRY_RUN: Schema = {
    "name": "dry_run",
    "in": "query",
    "description": "true: only say what the import would change",
    "schema": {"type": "boolean"},
}
LIMIT: Schema = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}

WORKSHOP_BODY: Schema = {
    "type": "object",
    "required": ["county", "title", "date"],
    "properties": {
        "county": {"type": "string", "description": "two-digit SCB county code, e.g. 21"},
        "title": TEXT,
        "date": {"type": "string", "format": "date"},
        "deadline": {
            "type": "string",
            "description": "default: 23:59 Europe/Stockholm the day before the workshop",
        },
        "courses": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": False,
}
PARTICIPANT_BODY: Schema = {
    "type": "object",
    "required": ["name", "email", "municipality"],
    "properties": {
        "name": TEXT,
        "email": {"type": "string"},
        "municipality": {"type": "string", "description": "name or four-digit SCB code"},
        "role": {"type": "string"},
        "account_home_page": {"type": "string"},
        "account_name": {"type": "string"},
    },
    "additionalProperties": False,
}
CONTACT_BODY: Schema = {
    "type": "object",
    "required": ["name", "email"],
    "properties": {
        "name": TEXT,
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "phone": {"type": "string", "maxLength": 30},
        "organisation": TEXT,
    },
    "additionalProperties": False,
}
COURSE_BODY: Schema = {
    "type": "object",
    "required": ["name", "activities"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "name": TEXT,
        "rule": {"type": "string", "enum": ["any_of", "all_of"]},
        "activities": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "url": {"type": "string"},
        "description": {"type": "string"},
    },
    "additionalProperties": False,
}
REMOTE_BODY: Schema = {
    "type": "object",
    "required": ["name", "endpoint"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "endpoint": {"type": "string", "description": "the other LRS's xAPI endpoint"},
        "key": {"type": "string"},
        "secret": {"type": "string"},
    },
}


def _json(schema: Schema) -> Schema:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> Schema:
    return {"description": description, "content": {JSON: {"schema": ERROR}}}


def _op(
    summary: str,
    ok: str = "200",
    *,
    params: list[Schema] | None = None,
    body: Schema | None = None,
    found: bool = False,
    files: bool = False,
) -> Schema:
    answer: Schema = {"description": "done", "content": {JSON: {"schema": OBJECT}}}
    if files:
        answer["content"].update(
            {"text/csv": {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string"}}}
        )
    responses: Schema = {
        ok: answer,
        "400": _error("bad request: details name the field and rule"),
        "401": _error("no, wrong or revoked Bearer token"),
        "403": _error("the person's role may not do this"),
    }
    if found:
        responses["404"] = _error("no such object, or outside the person's county")
    operation: Schema = {"summary": summary, "security": [{"bearer": []}], "responses": responses}
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = body
    return operation


LIST_BODY: Schema = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        XLSX: {"schema": {"type": "string", "format": "binary"}},
    },
}

API_OPERATIONS: dict[str, dict[str, Schema]] = {
    P + "/workshops": {
        "GET": _op("workshops in the person's scope", params=[COUNTY_QUERY]),
        "POST": _op("create a workshop", "201", body=_json(WORKSHOP_BODY)),
    },
    P + "/workshops/{workshop_id}": {
        "GET": _op("one workshop", params=[WORKSHOP_ID], found=True),
        "PATCH": _op(
            "change a workshop's title, date, deadline or courses",
            params=[WORKSHOP_ID],
            body=_json(OBJECT),
            found=True,
        ),
        "DELETE": _op("delete a workshop and its list", params=[WORKSHOP_ID], found=True),
    },
    P + "/workshops/{workshop_id}/participants": {
        "GET": _op("the participant list", params=[WORKSHOP_ID], found=True),
        "PUT": _op(
            "replace the list with a CSV or XLSX file (all or nothing; every bad row listed)",
            params=[WORKSHOP_ID, DRY_RUN],
            body=LIST_BODY,
            found=True,
        ),
        "POST": _op(
            "add one participant",
            "201",
            params=[WORKSHOP_ID],
            body=_json(PARTICIPANT_BODY),
            found=True,
        ),
    },
    P + "/workshops/{workshop_id}/participants/{participant_id}": {
        "GET": _op("one participant", params=[WORKSHOP_ID, PARTICIPANT_ID], found=True),
        "PATCH": _op(
            "change a participant",
            params=[WORKSHOP_ID, PARTICIPANT_ID],
            body=_json(OBJECT),
            found=True,
        ),
        "DELETE": _op("remove a participant", params=[WORKSHOP_ID, PARTICIPANT_ID], found=True),
    },
    P + "/workshops/{workshop_id}/readiness": {
        "GET": _op(
            "who is ready: status per participant, totals per status and municipality",
            params=[WORKSHOP_ID, FORMAT],
            found=True,
            files=True,
        ),
    },
    P + "/workshops/{workshop_id}/reminders": {
        "GET": _op(
            "who would be reminded (and who not, why), an example e-mail, the log",
            params=[WORKSHOP_ID],
            found=True,
        ),
        "POST": _op("send the reminders: one e-mail per person", params=[WORKSHOP_ID], found=True),
    },
    P + "/readiness": {
        "GET": _op("the nation (national admins) or one's own county", params=[FORMAT], files=True),
    },
    P + "/readiness/{county}": {
        "GET": _op(
            "one county's workshops and municipalities",
            params=[COUNTY_PATH, FORMAT],
            found=True,
            files=True,
        ),
    },
    P + "/counties/{county}/contact": {
        "GET": _op("the county's contact person (null: none)", params=[COUNTY_PATH], found=True),
        "PUT": _op(
            "set the county's contact person, named in its reminder e-mails",
            params=[COUNTY_PATH],
            body=_json(CONTACT_BODY),
            found=True,
        ),
        "DELETE": _op("remove the county's contact person", params=[COUNTY_PATH], found=True),
    },
    P + "/courses": {
        "GET": _op("courses and their completion rules"),
        "POST": _op("add a course", "201", body=_json(COURSE_BODY)),
    },
    P + "/courses/{course_id}": {
        "GET": _op("one course", params=[COURSE_ID], found=True),
        "PUT": _op("change a course", params=[COURSE_ID], body=_json(COURSE_BODY), found=True),
    },
    P + "/learners/unmatched": {
        "GET": _op(
            "learners on no participant list, beside the nearest registered address",
            params=[COUNTY_QUERY, LIMIT],
        ),
    },
    P + "/audit": {
        "GET": _op(
            "who did what, newest first",
            params=[
                COUNTY_QUERY,
                LIMIT,
                {"name": "before", "in": "query", "schema": {"type": "integer"}},
            ],
        ),
    },
    P + "/bridge/sources": {
        "GET": _op("LRSs statements are pulled from"),
        "POST": _op("add a source LRS", "201", body=_json(REMOTE_BODY)),
    },
    P + "/bridge/sources/{name}": {
        "GET": _op("one source", params=[NAME], found=True),
        "DELETE": _op("remove a source", params=[NAME], found=True),
    },
    P + "/bridge/sources/{name}/pull": {
        "POST": _op("pull from a source now (in the background)", "202", params=[NAME], found=True),
    },
    P + "/bridge/targets": {
        "GET": _op("LRSs statements are forwarded to"),
        "POST": _op("add a target LRS", "201", body=_json(REMOTE_BODY)),
    },
    P + "/bridge/targets/{name}": {
        "GET": _op("one target", params=[NAME], found=True),
        "DELETE": _op("remove a target", params=[NAME], found=True),
    },
    P + "/bridge/outbox": {
        "GET": _op("what each target has been sent and what waits", params=[LIMIT]),
    },
    P + "/personal-data/extract": {
        "POST": _op(
            "register extract of one person: {email, format: json|xlsx} (national admins)",
            body=_json(OBJECT),
            found=True,
            files=True,
        ),
    },
    P + "/personal-data/erase": {
        "POST": _op(
            "erase one person: {email, dry_run (default true)} (national admins)",
            body=_json(OBJECT),
            found=True,
        ),
    },
}

BEARER: Schema = {
    "type": "http",
    "scheme": "bearer",
    "description": "a person's API token (lrs-bridge users create … --token); their role "
    "and county decide what they may do and see",
}
