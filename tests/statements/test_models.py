"""The xAPI data model (Data 2.2–2.4, 4.x), rule by rule: tables of valid statements that
must be accepted and invalid ones that must be refused with the JSON path and rule named.

These run against ``validate_statement``, the one validation layer; the HTTP tests in
``test_validation.py`` check that the same details reach the client in a 400.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from statements.errors import BadRequest
from statements.models import VERSION_1, VERSION_2
from statements.validation import validate_statement, validate_statements

VERBS = "http://adlnet.gov/expapi/verbs/"
COMPLETED = VERBS + "completed"
VOIDED = VERBS + "voided"
COURSE = "https://valmyndigheten.se/xapi/courses/valsakerhet-intro"
UUID = "3f0c8f2e-1a7b-4c1e-9d3e-5b2a6c7d8e9f"
SHA1 = "5b1e7f3d7f3c9a1e2b4c6d8e0f1a3b5c7d9e1f2a"
SHA256 = "0f" * 32
BOTH = (VERSION_1, VERSION_2)
DELETE = object()


def statement(**changes: Any) -> dict[str, Any]:
    """A valid statement with top-level properties replaced (``DELETE`` removes one)."""
    body: dict[str, Any] = {
        "actor": {"objectType": "Agent", "name": "Anna", "mbox": "mailto:anna@kommun.se"},
        "verb": {"id": COMPLETED, "display": {"sv-SE": "slutförde"}},
        "object": {"objectType": "Activity", "id": COURSE},
    }
    for key, value in changes.items():
        if value is DELETE:
            body.pop(key, None)
        else:
            body[key] = copy.deepcopy(value)
    return body


def agent(ifi: str = "mbox", value: Any = None) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "mbox": "mailto:bo@kommun.se",
        "mbox_sha1sum": SHA1,
        "openid": "https://openid.kommun.se/bo",
        "account": {"homePage": "https://lms.kommun.se", "name": "bo-123"},
    }
    return {ifi: defaults[ifi] if value is None else value}


def anonymous_group(*members: dict[str, Any]) -> dict[str, Any]:
    return {"objectType": "Group", "member": list(members) or [agent(), agent("openid")]}


def substatement(**changes: Any) -> dict[str, Any]:
    body = statement(**changes)
    return {"objectType": "SubStatement", **body}


def interaction(kind: str, **lists: Any) -> dict[str, Any]:
    definition = {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": kind,
        "correctResponsesPattern": ["a"],
        **lists,
    }
    return {"objectType": "Activity", "id": COURSE + "/q1", "definition": definition}


def components(*ids: str) -> list[dict[str, Any]]:
    return [{"id": i, "description": {"sv-SE": f"Alternativ {i}"}} for i in ids]


# --- statements every version accepts ---------------------------------------------------------

VALID: dict[str, dict[str, Any]] = {
    "minimal, objectTypes left out": {
        "actor": {"mbox": "mailto:anna@kommun.se"},
        "verb": {"id": COMPLETED},
        "object": {"id": COURSE},
    },
    "actor by mbox_sha1sum": statement(actor=agent("mbox_sha1sum")),
    "actor by upper-case mbox_sha1sum": statement(actor=agent("mbox_sha1sum", SHA1.upper())),
    "actor by openid": statement(actor=agent("openid")),
    "actor by account": statement(actor=agent("account")),
    "account name need not be an IRI": statement(
        actor=agent("account", {"homePage": "https://lms.kommun.se", "name": "Anna Andersson"})
    ),
    "anonymous group": statement(actor=anonymous_group()),
    "identified group without members": statement(
        actor={"objectType": "Group", "name": "Valnämnden", **agent("account")}
    ),
    "identified group with members": statement(
        actor={"objectType": "Group", **agent("mbox"), "member": [agent("openid")]}
    ),
    "object is an Agent": statement(object={"objectType": "Agent", **agent("openid")}),
    "object is a Group": statement(object=anonymous_group()),
    "object is a StatementRef": statement(object={"objectType": "StatementRef", "id": UUID}),
    "object is a SubStatement": statement(
        object=substatement(
            object={"objectType": "StatementRef", "id": UUID},
            timestamp="2099-01-01T00:00:00Z",  # a SubStatement may be in the future
        )
    ),
    "SubStatement with context and result": statement(
        object=substatement(
            result={"score": {"scaled": 0.5}},
            context={"registration": UUID, "platform": "Storyline"},
        )
    ),
    "upper-case UUIDs": statement(id=UUID.upper(), context={"registration": UUID.upper()}),
    "IRIs with other schemes and non-ASCII": statement(
        verb={"id": "urn:x-valmyndigheten:verb:slutförde"},
        object={"id": "https://valmyndigheten.se/kurs/säkerhet?del=1#avsnitt"},
    ),
    "activity definition, every property": statement(
        object={
            "objectType": "Activity",
            "id": COURSE,
            "definition": {
                "name": {"sv-SE": "Introduktion", "en": "Introduction"},
                "description": {"sv": "Självstudier"},
                "type": "http://adlnet.gov/expapi/activities/course",
                "moreInfo": "https://valmyndigheten.se/kurser",
                "extensions": {"https://valmyndigheten.se/xapi/ext/steg": 3},
            },
        }
    ),
    "true-false interaction": statement(object=interaction("true-false")),
    "choice interaction": statement(object=interaction("choice", choices=components("a", "b"))),
    "sequencing interaction": statement(
        object=interaction("sequencing", choices=components("a", "b"))
    ),
    "likert interaction": statement(object=interaction("likert", scale=components("1", "2"))),
    "matching interaction": statement(
        object=interaction("matching", source=components("a"), target=components("1"))
    ),
    "performance interaction": statement(
        object=interaction("performance", steps=components("s1", "s2"))
    ),
    "fill-in, long-fill-in, numeric, other interactions": statement(
        object=interaction("numeric"),
        context={"contextActivities": {"other": [interaction("other"), interaction("fill-in")]}},
    ),
    "result, every property": statement(
        result={
            "score": {"scaled": -1, "raw": 0, "min": 0, "max": 100},
            "success": False,
            "completion": True,
            "response": "a[,]b",
            "duration": "PT1H30M5.25S",
            "extensions": {"https://x.se/ext": {"nested": [1, None, "a"]}},
        }
    ),
    "score at its bounds": statement(
        result={"score": {"scaled": 1.0, "raw": 100, "min": -5.5, "max": 100}}
    ),
    "context, every 1.0 property": statement(
        context={
            "registration": UUID,
            "instructor": agent("account"),
            "team": anonymous_group(),
            "contextActivities": {
                "parent": [{"id": COURSE + "/del1"}],
                "grouping": [{"id": COURSE}],
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
                "other": [{"objectType": "Activity", "id": "https://skr.se/xapi/valar"}],
            },
            "revision": "2026-rev3",
            "platform": "Articulate Storyline 360",
            "language": "sv-SE",
            "statement": {"objectType": "StatementRef", "id": UUID},
            "extensions": {"https://x.se/kommun": "0180"},
        }
    ),
    "instructor may be a Group": statement(context={"instructor": anonymous_group()}),
    "a single context activity (0.95 style)": statement(
        context={"contextActivities": {"parent": {"id": COURSE}}}
    ),
    # Storyline and other authoring tools send an empty contextActivities; Data 2.2 only
    # says SHOULD NOT, so it is accepted (README: "Tolerated quirks").
    "empty contextActivities": statement(context={"contextActivities": {}}),
    "null inside extensions": statement(
        context={"extensions": {"https://x.se/a": None}},
        result={"extensions": {"https://x.se/b": [None]}},
    ),
    "timestamp in UTC with Z": statement(timestamp="2026-11-22T12:00:00Z"),
    "timestamp with an offset": statement(timestamp="2026-11-22T13:00:00.123+01:00"),
    "timestamp with nanoseconds": statement(timestamp="2026-11-22T12:00:00.123456789Z"),
    "timestamp with +00:00": statement(timestamp="2026-11-22T12:00:00+00:00"),
    "stored is accepted and later overwritten": statement(stored="2026-11-22T12:00:00Z"),
    "version 1.0.0": statement(version="1.0.0"),
    "version 1.0.3": statement(version="1.0.3"),
    "authority Agent": statement(authority=agent("account")),
    "authority Group of two (3-legged OAuth)": statement(
        authority=anonymous_group(agent("account"), agent("mbox"))
    ),
    "voiding statement": statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": UUID},
    ),
    "attachment with fileUrl": statement(
        attachments=[
            {
                "usageType": "http://id.tincanapi.com/attachment/certificate",
                "display": {"sv-SE": "Intyg"},
                "description": {"sv-SE": "Kursintyg"},
                "contentType": "application/pdf",
                "length": 12345,
                "sha2": SHA256,
                "fileUrl": "https://valmyndigheten.se/intyg/1.pdf",
            }
        ]
    ),
    "language tags of many shapes": statement(
        verb={
            "id": COMPLETED,
            "display": {
                "sv": "a",
                "sv-SE": "b",
                "zh-Hant-TW": "c",
                "es-419": "d",
                "de-CH-1901": "e",
                "x-private": "f",
                "en-US-x-twain": "g",
                "und": "h",
            },
        }
    ),
}

DURATIONS = ["PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT0S", "P1D"]


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize("name", list(VALID))
def test_valid_statements_are_accepted(name: str, version: str) -> None:
    validate_statement(VALID[name], version)


@pytest.mark.parametrize("duration", DURATIONS)
def test_iso_8601_durations_are_accepted(duration: str) -> None:
    validate_statement(statement(result={"duration": duration}), VERSION_1)


def test_contextagents_and_contextgroups_are_valid_in_2_0_0() -> None:
    body = statement(
        context={
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": agent("mbox"),
                    "relevantTypes": ["https://valmyndigheten.se/roll/valsamordnare"],
                },
                {"objectType": "contextAgent", "agent": agent("account")},
            ],
            "contextGroups": [
                {
                    "objectType": "contextGroup",
                    "group": anonymous_group(),
                    "relevantTypes": ["https://valmyndigheten.se/roll/valnamnd"],
                }
            ],
        },
        version="2.0.0",
    )
    validate_statement(body, VERSION_2)


# --- statements that must be refused -----------------------------------------------------

# (statement, versions, JSON path, rule). The path is where the client must look.
Case = tuple[dict[str, Any], tuple[str, ...], str, str]

INVALID: dict[str, Case] = {
    # Data 2.2: required properties, unknown keys, key case, wrong JSON types, nulls
    "no actor": (statement(actor=DELETE), BOTH, "actor", "missing"),
    "no verb": (statement(verb=DELETE), BOTH, "verb", "missing"),
    "no object": (statement(object=DELETE), BOTH, "object", "missing"),
    "unknown top-level key": (statement(grade="A"), BOTH, "grade", "extra_forbidden"),
    "key in the wrong case": (
        {**statement(verb=DELETE), "Verb": {"id": COMPLETED}},
        BOTH,
        "Verb",
        "extra_forbidden",
    ),
    "unknown key in an Agent": (
        statement(actor={"mbox": "mailto:a@kommun.se", "email": "a@kommun.se"}),
        BOTH,
        "actor.email",
        "extra_forbidden",
    ),
    "unknown key in a result": (
        statement(result={"passed": True}),
        BOTH,
        "result.passed",
        "extra_forbidden",
    ),
    "actor is a string": (statement(actor="mailto:a@kommun.se"), BOTH, "actor", "model_type"),
    "verb is a list": (statement(verb=[{"id": COMPLETED}]), BOTH, "verb", "model_type"),
    "object is a number": (statement(object=5), BOTH, "object", "model_type"),
    "number as a string": (
        statement(result={"score": {"raw": "5"}}),
        BOTH,
        "result.score.raw",
        "float_type",
    ),
    "boolean as a string": (
        statement(result={"success": "true"}),
        BOTH,
        "result.success",
        "bool_type",
    ),
    "boolean as a number": (
        statement(result={"completion": 1}),
        BOTH,
        "result.completion",
        "bool_type",
    ),
    "string as a number": (
        statement(result={"response": 42}),
        BOTH,
        "result.response",
        "string_type",
    ),
    "timestamp as a number": (statement(timestamp=1732270000), BOTH, "timestamp", "string_type"),
    "language map value not a string": (
        statement(verb={"id": COMPLETED, "display": {"sv-SE": 1}}),
        BOTH,
        "verb.display.sv-SE",
        "string_type",
    ),
    "language map is a string": (
        statement(verb={"id": COMPLETED, "display": "slutförde"}),
        BOTH,
        "verb.display",
        "dict_type",
    ),
    "attachments is an object": (
        statement(attachments={"usageType": COMPLETED}),
        BOTH,
        "attachments",
        "list_type",
    ),
    "null top-level property": (statement(result=None), BOTH, "result", "xapi_null"),
    "null Agent name": (
        statement(actor={"mbox": "mailto:a@kommun.se", "name": None}),
        BOTH,
        "actor.name",
        "xapi_null",
    ),
    "null verb display": (
        statement(verb={"id": COMPLETED, "display": None}),
        BOTH,
        "verb.display",
        "xapi_null",
    ),
    "null in a SubStatement": (
        statement(object=substatement(result={"success": None})),
        BOTH,
        "object.result.success",
        "xapi_null",
    ),
    # Data 2.4.1 id, 4.4 UUIDs
    "id not a UUID": (statement(id="statement-1"), BOTH, "id", "xapi_uuid"),
    "id without hyphens": (statement(id=UUID.replace("-", "")), BOTH, "id", "xapi_uuid"),
    "id empty": (statement(id=""), BOTH, "id", "xapi_uuid"),
    # Data 2.4.2 Actor: exactly one IFI, formats of each IFI
    "Agent without an IFI": (statement(actor={"name": "Anna"}), BOTH, "actor", "xapi_ifi"),
    "Agent with two IFIs": (
        statement(actor={**agent("mbox"), **agent("openid")}),
        BOTH,
        "actor",
        "xapi_ifi",
    ),
    "mbox without mailto:": (
        statement(actor={"mbox": "anna@kommun.se"}),
        BOTH,
        "actor.mbox",
        "xapi_mailto",
    ),
    "mbox without an address": (
        statement(actor={"mbox": "mailto:"}),
        BOTH,
        "actor.mbox",
        "xapi_mailto",
    ),
    "mbox_sha1sum too short": (
        statement(actor={"mbox_sha1sum": SHA1[:-1]}),
        BOTH,
        "actor.mbox_sha1sum",
        "xapi_sha1",
    ),
    "mbox_sha1sum not hex": (
        statement(actor={"mbox_sha1sum": "z" * 40}),
        BOTH,
        "actor.mbox_sha1sum",
        "xapi_sha1",
    ),
    "openid without a scheme": (
        statement(actor={"openid": "openid.kommun.se/anna"}),
        BOTH,
        "actor.openid",
        "xapi_iri",
    ),
    "account without name": (
        statement(actor={"account": {"homePage": "https://lms.kommun.se"}}),
        BOTH,
        "actor.account.name",
        "missing",
    ),
    "account homePage not an IRL": (
        statement(actor={"account": {"homePage": "lms.kommun.se", "name": "a"}}),
        BOTH,
        "actor.account.homePage",
        "xapi_iri",
    ),
    "Agent objectType in the wrong case": (
        statement(actor={"objectType": "agent", **agent()}),
        BOTH,
        "actor.objectType",
        "literal_error",
    ),
    "anonymous Group without members": (
        statement(actor={"objectType": "Group", "name": "Valnämnden"}),
        BOTH,
        "actor",
        "xapi_group",
    ),
    "anonymous Group with an empty member list": (
        statement(actor={"objectType": "Group", "member": []}),
        BOTH,
        "actor",
        "xapi_group",
    ),
    "identified Group with two IFIs": (
        statement(actor={"objectType": "Group", **agent("mbox"), **agent("account")}),
        BOTH,
        "actor",
        "xapi_ifi",
    ),
    "Group inside a Group": (
        statement(actor=anonymous_group({"objectType": "Group", **agent("openid")})),
        BOTH,
        "actor.member[0].objectType",
        "literal_error",
    ),
    "Group member without an IFI": (
        statement(actor=anonymous_group(agent(), {"name": "Bo"})),
        BOTH,
        "actor.member[1]",
        "xapi_ifi",
    ),
    "Group object without objectType": (
        statement(object={"member": [agent()]}),
        BOTH,
        "object.member",
        "extra_forbidden",
    ),
    "Agent object without objectType is read as an Activity": (
        statement(object=agent("mbox")),
        BOTH,
        "object.mbox",
        "extra_forbidden",
    ),
    # Data 2.4.3 Verb, 4.2 language maps
    "verb without id": (statement(verb={"display": {"sv": "x"}}), BOTH, "verb.id", "missing"),
    "verb id without a scheme": (
        statement(verb={"id": "completed"}),
        BOTH,
        "verb.id",
        "xapi_iri",
    ),
    "verb id empty": (statement(verb={"id": ""}), BOTH, "verb.id", "xapi_iri"),
    "verb id with a space": (
        statement(verb={"id": "http://x.se/slutförde kurs"}),
        BOTH,
        "verb.id",
        "xapi_iri",
    ),
    "language tag with an underscore": (
        statement(verb={"id": COMPLETED, "display": {"sv_SE": "slutförde"}}),
        BOTH,
        "verb.display.sv_SE",
        "xapi_language_tag",
    ),
    "language tag too long": (
        statement(object={"id": COURSE, "definition": {"name": {"svenskaspr": "x"}}}),
        BOTH,
        "object.definition.name.svenskaspr",
        "xapi_language_tag",
    ),
    "empty language tag": (
        statement(verb={"id": COMPLETED, "display": {"": "x"}}),
        BOTH,
        "verb.display.",
        "xapi_language_tag",
    ),
    # Data 2.4.4 Object
    "objectType in the wrong case": (
        statement(object={"objectType": "activity", "id": COURSE}),
        BOTH,
        "object",
        "xapi_object_type",
    ),
    "unknown objectType": (
        statement(object={"objectType": "Course", "id": COURSE}),
        BOTH,
        "object",
        "xapi_object_type",
    ),
    "objectType not a string": (
        statement(object={"objectType": 1, "id": COURSE}),
        BOTH,
        "object",
        "xapi_object_type",
    ),
    "activity without id": (
        statement(object={"objectType": "Activity"}),
        BOTH,
        "object.id",
        "missing",
    ),
    "activity id relative": (
        statement(object={"id": "kurser/intro"}),
        BOTH,
        "object.id",
        "xapi_iri",
    ),
    "definition type not an IRI": (
        statement(object={"id": COURSE, "definition": {"type": "course"}}),
        BOTH,
        "object.definition.type",
        "xapi_iri",
    ),
    "definition moreInfo not an IRL": (
        statement(object={"id": COURSE, "definition": {"moreInfo": "www.valmyndigheten.se"}}),
        BOTH,
        "object.definition.moreInfo",
        "xapi_iri",
    ),
    "extension key not an IRI": (
        statement(object={"id": COURSE, "definition": {"extensions": {"steg": 1}}}),
        BOTH,
        "object.definition.extensions",
        "xapi_iri",
    ),
    "interactionType in the wrong case": (
        statement(object=interaction("Choice")),
        BOTH,
        "object.definition.interactionType",
        "literal_error",
    ),
    "interaction lists without interactionType": (
        statement(object={"id": COURSE, "definition": {"choices": components("a")}}),
        BOTH,
        "object.definition",
        "xapi_interaction",
    ),
    "component list the interactionType does not allow": (
        statement(object=interaction("true-false", choices=components("a"))),
        BOTH,
        "object.definition",
        "xapi_interaction",
    ),
    "interaction component ids not distinct": (
        statement(object=interaction("choice", choices=components("a", "a"))),
        BOTH,
        "object.definition",
        "xapi_interaction",
    ),
    "correctResponsesPattern not a list": (
        statement(object=interaction("choice", correctResponsesPattern="a")),
        BOTH,
        "object.definition.correctResponsesPattern",
        "list_type",
    ),
    "StatementRef id not a UUID": (
        statement(object={"objectType": "StatementRef", "id": COURSE}),
        BOTH,
        "object.id",
        "xapi_uuid",
    ),
    "StatementRef without id": (
        statement(object={"objectType": "StatementRef"}),
        BOTH,
        "object.id",
        "missing",
    ),
    "StatementRef with a definition": (
        statement(object={"objectType": "StatementRef", "id": UUID, "definition": {}}),
        BOTH,
        "object.definition",
        "extra_forbidden",
    ),
    # Data 2.4.4.3 SubStatements
    "SubStatement with an id": (
        statement(object=substatement(id=UUID)),
        BOTH,
        "object.id",
        "extra_forbidden",
    ),
    "SubStatement with stored": (
        statement(object=substatement(stored="2026-11-22T12:00:00Z")),
        BOTH,
        "object.stored",
        "extra_forbidden",
    ),
    "SubStatement with version": (
        statement(object=substatement(version="1.0.0")),
        BOTH,
        "object.version",
        "extra_forbidden",
    ),
    "SubStatement with authority": (
        statement(object=substatement(authority=agent("account"))),
        BOTH,
        "object.authority",
        "extra_forbidden",
    ),
    "nested SubStatement": (
        statement(object=substatement(object=substatement())),
        BOTH,
        "object.object",
        "xapi_object_type",
    ),
    "SubStatement with a bad actor": (
        statement(object=substatement(actor={"name": "Bo"})),
        BOTH,
        "object.actor",
        "xapi_ifi",
    ),
    "SubStatement revision with an Agent object": (
        statement(
            object=substatement(
                object={"objectType": "Agent", **agent()}, context={"revision": "2"}
            )
        ),
        BOTH,
        "object.context.revision",
        "xapi_context",
    ),
    # Data 2.4.5 Result and Score
    "scaled above 1": (
        statement(result={"score": {"scaled": 1.01}}),
        BOTH,
        "result.score",
        "xapi_score",
    ),
    "scaled below -1": (
        statement(result={"score": {"scaled": -1.5}}),
        BOTH,
        "result.score",
        "xapi_score",
    ),
    "raw below min": (
        statement(result={"score": {"raw": -1, "min": 0, "max": 10}}),
        BOTH,
        "result.score",
        "xapi_score",
    ),
    "raw above max": (
        statement(result={"score": {"raw": 11, "min": 0, "max": 10}}),
        BOTH,
        "result.score",
        "xapi_score",
    ),
    "min equal to max": (
        statement(result={"score": {"min": 10, "max": 10}}),
        BOTH,
        "result.score",
        "xapi_score",
    ),
    "min above max": (
        statement(result={"score": {"min": 10, "max": 5}}),
        BOTH,
        "result.score",
        "xapi_score",
    ),
    "duration in words": (
        statement(result={"duration": "1 hour"}),
        BOTH,
        "result.duration",
        "xapi_duration",
    ),
    "duration P alone": (
        statement(result={"duration": "P"}),
        BOTH,
        "result.duration",
        "xapi_duration",
    ),
    "duration T without time": (
        statement(result={"duration": "P1DT"}),
        BOTH,
        "result.duration",
        "xapi_duration",
    ),
    "weeks combined with days": (
        statement(result={"duration": "P4W1D"}),
        BOTH,
        "result.duration",
        "xapi_duration",
    ),
    "alternative (time-point) duration format": (
        statement(result={"duration": "PT01:30:00"}),
        BOTH,
        "result.duration",
        "xapi_duration",
    ),
    # Data 2.4.6 Context
    "registration not a UUID": (
        statement(context={"registration": "reg-1"}),
        BOTH,
        "context.registration",
        "xapi_uuid",
    ),
    "revision with an Agent object": (
        statement(object={"objectType": "Agent", **agent()}, context={"revision": "1"}),
        BOTH,
        "context.revision",
        "xapi_context",
    ),
    "platform with a StatementRef object": (
        statement(
            object={"objectType": "StatementRef", "id": UUID}, context={"platform": "Storyline"}
        ),
        BOTH,
        "context.platform",
        "xapi_context",
    ),
    "platform with a SubStatement object": (
        statement(object=substatement(), context={"platform": "Storyline"}),
        BOTH,
        "context.platform",
        "xapi_context",
    ),
    "context language not a tag": (
        statement(context={"language": "svenska språket"}),
        BOTH,
        "context.language",
        "xapi_language_tag",
    ),
    "unknown contextActivities key": (
        statement(context={"contextActivities": {"parents": [{"id": COURSE}]}}),
        BOTH,
        "context.contextActivities.parents",
        "extra_forbidden",
    ),
    "context activity without id": (
        statement(context={"contextActivities": {"parent": [{"objectType": "Activity"}]}}),
        BOTH,
        "context.contextActivities.parent[0].id",
        "missing",
    ),
    "team is an Agent": (
        statement(context={"team": agent()}),
        BOTH,
        "context.team.objectType",
        "missing",
    ),
    "instructor without an IFI": (
        statement(context={"instructor": {"name": "Lärare"}}),
        BOTH,
        "context.instructor",
        "xapi_ifi",
    ),
    "context statement not a StatementRef": (
        statement(context={"statement": {"id": UUID}}),
        BOTH,
        "context.statement.objectType",
        "missing",
    ),
    "contextAgents in 1.0.3": (
        statement(context={"contextAgents": [{"objectType": "contextAgent", "agent": agent()}]}),
        (VERSION_1,),
        "context.contextAgents",
        "xapi_version_2_only",
    ),
    "contextGroups in 1.0.3": (
        statement(
            context={"contextGroups": [{"objectType": "contextGroup", "group": anonymous_group()}]}
        ),
        (VERSION_1,),
        "context.contextGroups",
        "xapi_version_2_only",
    ),
    "contextAgent with a Group": (
        statement(
            context={"contextAgents": [{"objectType": "contextAgent", "agent": anonymous_group()}]}
        ),
        (VERSION_2,),
        "context.contextAgents[0].agent.objectType",
        "literal_error",
    ),
    "contextAgent without objectType": (
        statement(context={"contextAgents": [{"agent": agent()}]}),
        (VERSION_2,),
        "context.contextAgents[0].objectType",
        "missing",
    ),
    "contextGroup relevantTypes empty": (
        statement(
            context={
                "contextGroups": [
                    {"objectType": "contextGroup", "group": anonymous_group(), "relevantTypes": []}
                ]
            }
        ),
        (VERSION_2,),
        "context.contextGroups[0].relevantTypes",
        "value_error",
    ),
    "contextGroup relevantTypes not IRIs": (
        statement(
            context={
                "contextGroups": [
                    {
                        "objectType": "contextGroup",
                        "group": anonymous_group(),
                        "relevantTypes": ["valnamnd"],
                    }
                ]
            }
        ),
        (VERSION_2,),
        "context.contextGroups[0].relevantTypes[0]",
        "xapi_iri",
    ),
    # Data 2.4.7 / 4.5 timestamps
    "timestamp with -00:00": (
        statement(timestamp="2026-11-22T12:00:00-00:00"),
        BOTH,
        "timestamp",
        "xapi_timestamp",
    ),
    "timestamp with -0000": (
        statement(timestamp="2026-11-22T12:00:00-0000"),
        BOTH,
        "timestamp",
        "xapi_timestamp",
    ),
    "timestamp with -00": (
        statement(timestamp="2026-11-22T12:00:00-00"),
        BOTH,
        "timestamp",
        "xapi_timestamp",
    ),
    "timestamp month 13": (
        statement(timestamp="2026-13-01T12:00:00Z"),
        BOTH,
        "timestamp",
        "xapi_timestamp",
    ),
    "timestamp date only": (statement(timestamp="2026-11-22"), BOTH, "timestamp", "xapi_timestamp"),
    "timestamp in words": (statement(timestamp="yesterday"), BOTH, "timestamp", "xapi_timestamp"),
    "stored not a timestamp": (statement(stored="now"), BOTH, "stored", "xapi_timestamp"),
    # Data 2.4.9 authority, 2.4.10 version
    "authority Group of three": (
        statement(authority=anonymous_group(agent("account"), agent("mbox"), agent("openid"))),
        BOTH,
        "authority",
        "xapi_authority",
    ),
    "authority identified Group": (
        statement(authority={"objectType": "Group", **agent("account"), "member": [agent()]}),
        BOTH,
        "authority",
        "xapi_authority",
    ),
    "version 0.95": (statement(version="0.95"), BOTH, "version", "xapi_version"),
    "version 1.1.0": (statement(version="1.1.0"), BOTH, "version", "xapi_version"),
    "version 2.0.0 under 1.0.3": (
        statement(version="2.0.0"),
        (VERSION_1,),
        "version",
        "xapi_version",
    ),
    # Data 2.3.2 voiding
    "voiding an Activity": (
        statement(verb={"id": VOIDED}),
        BOTH,
        "object",
        "xapi_voiding",
    ),
    "voiding a SubStatement": (
        statement(verb={"id": VOIDED}, object=substatement()),
        BOTH,
        "object",
        "xapi_voiding",
    ),
    # Data 2.4.11 attachments
    "attachment without display": (
        statement(
            attachments=[
                {
                    "usageType": "http://id.tincanapi.com/attachment/certificate",
                    "contentType": "application/pdf",
                    "length": 1,
                    "sha2": SHA256,
                    "fileUrl": "https://x.se/1.pdf",
                }
            ]
        ),
        BOTH,
        "attachments[0].display",
        "missing",
    ),
    "attachment contentType not a media type": (
        statement(
            attachments=[
                {
                    "usageType": "http://id.tincanapi.com/attachment/certificate",
                    "display": {"sv": "Intyg"},
                    "contentType": "pdf",
                    "length": 1,
                    "sha2": SHA256,
                    "fileUrl": "https://x.se/1.pdf",
                }
            ]
        ),
        BOTH,
        "attachments[0].contentType",
        "xapi_content_type",
    ),
    "attachment length as a string": (
        statement(
            attachments=[
                {
                    "usageType": "http://id.tincanapi.com/attachment/certificate",
                    "display": {"sv": "Intyg"},
                    "contentType": "application/pdf",
                    "length": "1",
                    "sha2": SHA256,
                    "fileUrl": "https://x.se/1.pdf",
                }
            ]
        ),
        BOTH,
        "attachments[0].length",
        "int_type",
    ),
    "attachment sha2 not a SHA-2": (
        statement(
            attachments=[
                {
                    "usageType": "http://id.tincanapi.com/attachment/certificate",
                    "display": {"sv": "Intyg"},
                    "contentType": "application/pdf",
                    "length": 1,
                    "sha2": SHA1,
                    "fileUrl": "https://x.se/1.pdf",
                }
            ]
        ),
        BOTH,
        "attachments[0].sha2",
        "xapi_sha2",
    ),
}


def _cases() -> list[Any]:
    return [
        pytest.param(body, version, path, rule, id=f"{name} [{version}]")
        for name, (body, versions, path, rule) in INVALID.items()
        for version in versions
    ]


@pytest.mark.parametrize(("body", "version", "path", "rule"), _cases())
def test_invalid_statements_are_refused_naming_path_and_rule(
    body: dict[str, Any], version: str, path: str, rule: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        validate_statement(body, version)
    found = [(d["path"], d["rule"]) for d in raised.value.details]
    assert (path, rule) in found
    detail = next(d for d in raised.value.details if (d["path"], d["rule"]) == (path, rule))
    assert detail["message"] and isinstance(detail["message"], str)
    # The one-line error message leads with the first detail's path.
    assert raised.value.message.startswith(f"invalid statement: {raised.value.details[0]['path']}")


def test_a_statement_that_is_not_an_object_is_refused() -> None:
    for value in ([], "statement", 1, None):
        with pytest.raises(BadRequest) as raised:
            validate_statement(value, VERSION_1)
        assert raised.value.details == [
            {"path": "$", "rule": "type", "message": "must be a JSON object"}
        ]


def test_a_batch_reports_every_bad_statement_by_index() -> None:
    good = statement()
    with pytest.raises(BadRequest) as raised:
        validate_statements(
            [good, statement(actor={"mbox": "x"}), good, statement(verb={"id": "v"})], VERSION_1
        )
    assert [(d["path"], d["rule"]) for d in raised.value.details] == [
        ("[1].actor.mbox", "xapi_mailto"),
        ("[3].verb.id", "xapi_iri"),
    ]


def test_one_statement_sent_alone_has_paths_without_an_index() -> None:
    with pytest.raises(BadRequest) as raised:
        validate_statements([statement(actor={"mbox": "x"})], VERSION_1, batch=False)
    assert raised.value.details[0]["path"] == "actor.mbox"
