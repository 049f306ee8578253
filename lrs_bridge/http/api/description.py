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
CONFIRM_REMOVAL: Schema = {
    "name": "confirm_removal",
    "in": "query",
    "description": "true: save a list that removes everyone, or more than half of the list"
    " (otherwise refused with 409, rule confirm_removal; a dry run says"
    " confirmation_needed)",
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
        "launch_kind": {
            "type": "string",
            "enum": ["xapi", "cmi5", "link"],
            "description": "how a personal link starts the course (default link)",
        },
    },
    "additionalProperties": False,
}
INVITATION_BODY: Schema = {
    "type": "object",
    "properties": {
        "participants": {
            "type": "array",
            "items": {"type": "string"},
            "description": "only these participants (default: everyone not finished)",
        },
        "again": {"type": "boolean", "description": "invite those already invited too"},
    },
    "additionalProperties": False,
}
REQUIREMENTS_BODY: Schema = {
    "type": "object",
    "required": ["requirements"],
    "properties": {
        "requirements": {
            "type": "object",
            "description": "course id → the roles it is required of",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": [
                        "valsamordnare",
                        "valnämnd",
                        "säkerhetssamordnare",
                        "kommunikatör",
                        "other",
                    ],
                },
            },
        }
    },
    "additionalProperties": False,
}
EXEMPTION_BODY: Schema = {
    "type": "object",
    "required": ["course", "reason"],
    "properties": {
        "course": {"type": "string", "description": "the id of one of the workshop's courses"},
        "reason": {"type": "string", "minLength": 1, "maxLength": 500},
    },
    "additionalProperties": False,
}
IDENTITY_BODY: Schema = {
    "type": "object",
    "description": "exactly one of identity and email",
    "properties": {
        "identity": {
            "type": "string",
            "description": "mbox:ADDRESS, mbox_sha1sum:SHA1 or account:HOMEPAGE NAME",
        },
        "email": {"type": "string"},
    },
    "additionalProperties": False,
}
USER_ID: Schema = {
    "name": "user_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}
TOKEN_ID: Schema = {"name": "token_id", "in": "path", "required": True, "schema": TEXT}
KEY: Schema = {"name": "key", "in": "path", "required": True, "schema": TEXT}
ROLE: Schema = {"type": "string", "enum": ["national-admin", "county-admin", "coordinator"]}
PERSON_BODY: Schema = {
    "type": "object",
    "required": ["email", "role"],
    "properties": {
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "role": ROLE,
        "county": {"type": "string", "description": "two-digit SCB county code"},
        "municipality": {"type": "string", "description": "four-digit SCB municipality code"},
        "send_link": {
            "type": "boolean",
            "description": "e-mail a single-use set-password link (default true)",
        },
    },
    "additionalProperties": False,
}
PERSON_CHANGE: Schema = {
    "type": "object",
    "properties": {
        "role": ROLE,
        "county": {"type": "string"},
        "municipality": {"type": "string"},
        "disabled": {"type": "boolean", "description": "true: disable (tokens revoked)"},
    },
    "additionalProperties": False,
}
PASSWORD_BODY: Schema = {
    "type": "object",
    "required": ["current", "password"],
    "properties": {
        "current": {"type": "string"},
        "password": {"type": "string", "minLength": 12},
    },
    "additionalProperties": False,
}
CREDENTIAL_BODY: Schema = {
    "type": "object",
    "required": ["label", "scopes"],
    "properties": {
        "label": TEXT,
        "scopes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
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

# --- statement browser (issue 15) ---------------------------------------------------------
_TEXT: Schema = {"type": "string", "maxLength": 2048}
SELECTION: list[Schema] = [
    {
        "name": "learner",
        "in": "query",
        "schema": _TEXT,
        "description": "an e-mail address, or an account as homePage, a space and the name",
    },
    {
        "name": "course",
        "in": "query",
        "schema": _TEXT,
        "description": "a course id: any of its activities",
    },
    {"name": "activity", "in": "query", "schema": _TEXT, "description": "an activity IRI"},
    {"name": "verb", "in": "query", "schema": _TEXT, "description": "a verb IRI"},
    {
        "name": "since",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "stored on or after this day (Europe/Stockholm)",
    },
    {
        "name": "until",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "stored on or before this day (Europe/Stockholm)",
    },
]
OWN_OR_ALL: list[Schema] = [{"bearer": []}, {"basic": []}]
"""A national admin's token (every statement), or an xAPI credential's key and secret (only
the statements that credential stored)."""
_STATEMENT_PAGE: Schema = {
    "type": "object",
    "required": ["statements", "more"],
    "properties": {
        "statements": {"type": "array", "items": OBJECT, "description": "as stored"},
        "more": {"type": ["string", "null"], "description": "the next, older page"},
    },
}


def _statement_search() -> Schema:
    operation = _op(
        "search the statement log, newest first: national admins every statement (audited),"
        " an xAPI credential (HTTP Basic) those it stored",
        params=[
            *SELECTION,
            {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": 500},
            },
            {
                "name": "before",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1},
                "description": "position from a 'more' link",
            },
        ],
    )
    operation["responses"]["200"]["content"][JSON]["schema"] = _STATEMENT_PAGE
    operation["security"] = OWN_OR_ALL
    return operation


def _statement_export() -> Schema:
    operation = _op(
        "export the selection in log order, streamed: JSON Lines (each statement as stored)"
        " or CSV for Excel: national admins every statement (audited), an xAPI credential"
        " (HTTP Basic) those it stored",
        params=[
            *SELECTION,
            {
                "name": "format",
                "in": "query",
                "schema": {"type": "string", "enum": ["jsonl", "csv"]},
            },
        ],
    )
    operation["responses"]["200"]["content"] = {
        "application/x-ndjson": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
    }
    operation["security"] = OWN_OR_ALL
    return operation


STATEMENT_OPERATIONS: dict[str, dict[str, Schema]] = {
    P + "/statements": {"GET": _statement_search()},
    P + "/statements/export": {"GET": _statement_export()},
}

CMI5_PACKAGE: Schema = {
    "required": True,
    "content": {
        "application/zip": {"schema": {"type": "string", "format": "binary"}},
        "application/xml": {"schema": {"type": "string"}},
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
            params=[WORKSHOP_ID, DRY_RUN, CONFIRM_REMOVAL],
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
    # Issue 15: requirements per role, exemptions and connected learner identities.
    P + "/workshops/{workshop_id}/requirements": {
        "GET": _op(
            "courses required only of some participant roles (the others: of everyone)",
            params=[WORKSHOP_ID],
            found=True,
        ),
        "PUT": _op(
            "replace the requirements per role; reports judge each participant by the"
            " courses of their role; at least one course stays required of everyone",
            params=[WORKSHOP_ID],
            body=_json(REQUIREMENTS_BODY),
            found=True,
        ),
    },
    P + "/workshops/{workshop_id}/participants/{participant_id}/exemptions": {
        "GET": _op(
            "the courses the participant is exempted from, with the reasons",
            params=[WORKSHOP_ID, PARTICIPANT_ID],
            found=True,
        ),
        "POST": _op(
            "exempt the participant from one of the workshop's courses (status 'exempt',"
            " Befriad, in every report); again: a new reason",
            "201",
            params=[WORKSHOP_ID, PARTICIPANT_ID],
            body=_json(EXEMPTION_BODY),
            found=True,
        ),
    },
    P + "/workshops/{workshop_id}/participants/{participant_id}/exemptions/{course_id}": {
        "DELETE": _op(
            "undo an exemption",
            params=[WORKSHOP_ID, PARTICIPANT_ID, COURSE_ID],
            found=True,
        ),
    },
    P + "/workshops/{workshop_id}/participants/{participant_id}/identities": {
        "GET": _op(
            "learner identities connected to the participant",
            params=[WORKSHOP_ID, PARTICIPANT_ID],
            found=True,
        ),
        "POST": _op(
            "connect a learner identity (an unmatched learner) to the participant: their"
            " status counts what it did at once; 409 when someone on the list has it; a"
            " county admin only learners of their county (403 naming the field)",
            "201",
            params=[WORKSHOP_ID, PARTICIPANT_ID],
            body=_json(IDENTITY_BODY),
            found=True,
        ),
        "DELETE": _op(
            "undo a connection",
            params=[
                WORKSHOP_ID,
                PARTICIPANT_ID,
                {"name": "identity", "in": "query", "required": True, "schema": TEXT},
            ],
            found=True,
        ),
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
    P + "/workshops/{workshop_id}/invitations": {
        "GET": _op(
            "who would be invited (and who not, why) and an example e-mail",
            params=[WORKSHOP_ID],
            found=True,
        ),
        "POST": _op(
            "send the invitations: one e-mail per person with their personal links",
            params=[WORKSHOP_ID],
            body=_json(INVITATION_BODY),
            found=True,
        ),
    },
    P + "/workshops/{workshop_id}/participants/{participant_id}/links": {
        "GET": _op(
            "a participant's personal launch links (without their tokens)",
            params=[WORKSHOP_ID, PARTICIPANT_ID],
            found=True,
        ),
        "DELETE": _op(
            "turn off every active link of a participant (their launches stop at once)",
            params=[WORKSHOP_ID, PARTICIPANT_ID],
            found=True,
        ),
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
    P + "/cmi5/courses": {
        "POST": _op(
            "import a cmi5 course structure (cmi5.xml) or a zip package with one as a course",
            "201",
            params=[
                {
                    "name": "id",
                    "in": "query",
                    "required": False,
                    "schema": TEXT,
                    "description": "the new course's id (default: from its title)",
                }
            ],
            body=CMI5_PACKAGE,
        ),
    },
    P + "/workshops/{workshop_id}/participants/{participant_id}/cmi5/{course_id}/waiver": {
        "POST": _op(
            "exempt a participant from a cmi5 course or one of its AUs (waived, then satisfied)",
            params=[WORKSHOP_ID, PARTICIPANT_ID, COURSE_ID],
            body=_json(
                {
                    "type": "object",
                    "properties": {
                        "au": {"type": "integer", "minimum": 0},
                        "reason": {
                            "type": "string",
                            "enum": [
                                "Tested Out",
                                "Equivalent AU",
                                "Equivalent Outside Activity",
                                "Administrative",
                            ],
                        },
                    },
                }
            ),
            found=True,
        ),
    },
    P + "/cmi5/courses/{course_id}": {
        "GET": _op("an imported cmi5 course: its blocks and AUs", params=[COURSE_ID], found=True),
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
    **STATEMENT_OPERATIONS,
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
    P + "/people": {
        "GET": _op("the people one manages (county admins: their county's coordinators)"),
        "POST": _op(
            "create a person and e-mail them a set-password link", "201", body=_json(PERSON_BODY)
        ),
    },
    P + "/people/{user_id}": {
        "GET": _op("one person", params=[USER_ID], found=True),
        "PATCH": _op(
            "change a person's role or place, or disable or enable them",
            params=[USER_ID],
            body=_json(PERSON_CHANGE),
            found=True,
        ),
    },
    P + "/people/{user_id}/password-link": {
        "POST": _op(
            "e-mail the person a new single-use set-password link (72 hours); 200 with "
            "sent false when the mail server did not take it",
            "202",
            params=[USER_ID],
            found=True,
        ),
    },
    P + "/me": {"GET": _op("the person the token belongs to")},
    P + "/me/password": {
        "PUT": _op("change one's own password", body=_json(PASSWORD_BODY)),
    },
    P + "/me/tokens": {
        "GET": _op("one's own active API tokens (never the secrets)"),
        "POST": _op("a new API token for oneself, in this answer only", "201"),
    },
    P + "/me/tokens/{token_id}": {
        "DELETE": _op("revoke one of one's own API tokens", params=[TOKEN_ID], found=True),
    },
    P + "/credentials": {
        "GET": _op("xAPI credentials with their last use and the courses they report for"),
        "POST": _op(
            "create an xAPI credential; the secret is in this answer only",
            "201",
            body=_json(CREDENTIAL_BODY),
        ),
    },
    P + "/credentials/{key}": {
        "GET": _op("one xAPI credential", params=[KEY], found=True),
        "DELETE": _op("revoke an xAPI credential at once", params=[KEY], found=True),
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

API_OPERATIONS[P + "/people/{user_id}/password-link"]["POST"]["responses"]["200"] = {
    "description": "not sent: the mail server did not take the e-mail (sent false, problem)",
    "content": {JSON: {"schema": OBJECT}},
}
API_OPERATIONS[P + "/me/password"]["PUT"]["responses"]["429"] = _error(
    "too many wrong passwords; Retry-After says when to try again"
)

BEARER: Schema = {
    "type": "http",
    "scheme": "bearer",
    "description": "a person's API token (lrs-bridge users create … --token); their role "
    "and county decide what they may do and see",
}
