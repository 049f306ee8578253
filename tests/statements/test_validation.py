"""The validation layer as properties, and its 400s as the client sees them.

- every generated valid statement is accepted and comes back from GET (``exact``) with the
  same bytes, apart from what the LRS adds (id, stored, authority, version, timestamp);
- a null anywhere outside extensions, an unknown key in any object, or a value of the
  wrong JSON type anywhere, is refused with the JSON path of that very place;
- over HTTP every refused statement is a 400 whose JSON body names path and rule, with the
  xAPI headers, and nothing is stored.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.errors import BadRequest
from statements.models import VERSION_1, VERSION_2
from statements.validation import validate_statement
from tests.conftest import XapiClient
from tests.statements import strategies
from tests.statements.test_models import INVALID, statement

LRS_KEYS = ("id", "stored", "authority", "version")
LANGUAGE_MAPS = ("display", "name", "description")
versions = st.sampled_from([VERSION_1, VERSION_2])


def valid_statements() -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    return versions.flatmap(lambda v: st.tuples(st.just(v), strategies.statements(v)))


# --- walking a statement ---------------------------------------------------------------------

Position = tuple[str, Any, Any, str]
"""(JSON path, container, key or index, kind of container: model | langmap | list)."""


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def positions(value: Any, path: str = "", kind: str = "model") -> Iterator[Position]:
    """Every place in a statement a value sits, extensions' contents excepted."""
    items: list[tuple[Any, Any]]
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return
    for key, child in items:
        child_path = _join(path, key)
        yield child_path, value, key, kind
        if key == "extensions" and kind == "model":
            continue  # extension values may be any JSON, null included (Data 4.1)
        if isinstance(child, dict):
            is_map = kind == "model" and key in LANGUAGE_MAPS
            yield from positions(child, child_path, "langmap" if is_map else "model")
        elif isinstance(child, list):
            yield from positions(child, child_path, "list")


def models(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object of a statement that is an xAPI object (not a map, not extensions)."""
    if isinstance(value, dict):
        yield path, value
    for child_path, container, key, kind in positions(value, path):
        child = container[key]
        is_map = kind == "model" and key in (*LANGUAGE_MAPS, "extensions")
        if kind != "langmap" and isinstance(child, dict) and not is_map:
            yield child_path, child


def _at(body: dict[str, Any], path: str) -> Any:
    """The container and key of ``path`` in a copy of ``body`` (found by walking again)."""
    for found, container, key, _ in positions(body):
        if found == path:
            return container, key
    raise KeyError(path)


def refusal(body: Any, version: str) -> list[tuple[str, str]]:
    with pytest.raises(BadRequest) as raised:
        validate_statement(body, version)
    return [(d["path"], d["rule"]) for d in raised.value.details]


def _parent(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path else "$"


# --- properties of the validation layer ------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(valid_statements())
def test_generated_statements_are_valid(case: tuple[str, dict[str, Any]]) -> None:
    version, body = case
    validate_statement(body, version)


@settings(max_examples=100, deadline=None)
@given(valid_statements(), st.data())
def test_a_null_anywhere_but_in_extensions_is_refused_at_its_path(
    case: tuple[str, dict[str, Any]], data: st.DataObject
) -> None:
    version, body = case
    places = list(positions(body))
    path, _, _, kind = data.draw(st.sampled_from(places))
    broken = copy.deepcopy(body)
    container, key = _at(broken, path)
    container[key] = None
    found = refusal(broken, version)
    if kind == "model" and key == "objectType":
        # The object's objectType picks its model; a null one is an unknown objectType.
        assert (path, "xapi_null") in found or (_parent(path), "xapi_object_type") in found
    elif kind == "model":
        assert (path, "xapi_null") in found
    else:
        assert path in [p for p, _ in found]


@settings(max_examples=100, deadline=None)
@given(valid_statements(), st.data())
def test_an_unknown_key_in_any_object_is_refused_at_its_path(
    case: tuple[str, dict[str, Any]], data: st.DataObject
) -> None:
    version, body = case
    path, _ = data.draw(st.sampled_from(list(models(body))))
    broken = copy.deepcopy(body)
    if path:
        container, key = _at(broken, path)
        container[key]["xyzzy"] = 1
    else:
        broken["xyzzy"] = 1
    assert (_join(path, "xyzzy"), "extra_forbidden") in refusal(broken, version)


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "true"  # a boolean sent as a string
    if isinstance(value, int | float):
        return str(value)  # a number sent as a string
    if isinstance(value, str):
        return 7  # a string sent as a number
    if isinstance(value, list):
        return {"0": value}  # an array sent as an object
    return [value]  # an object sent as an array


@settings(max_examples=100, deadline=None)
@given(valid_statements(), st.data())
def test_a_value_of_the_wrong_json_type_is_refused_at_its_path(
    case: tuple[str, dict[str, Any]], data: st.DataObject
) -> None:
    version, body = case
    places = list(positions(body))
    path, _, _, _ = data.draw(st.sampled_from(places))
    broken = copy.deepcopy(body)
    container, key = _at(broken, path)
    container[key] = _wrong_type(container[key])
    found = refusal(broken, version)
    paths = [p for p, _ in found]
    if key == "objectType":
        assert path in paths or _parent(path) in paths
    elif path.endswith("contextActivities.parent") or any(
        path.endswith(f"contextActivities.{k}") for k in ("grouping", "category", "other")
    ):
        # A single Activity object is allowed in place of an array (Data 2.4.6.2), so an
        # array wrapped in an object is read as one Activity and refused inside it.
        assert any(p.startswith(path) for p in paths)
    else:
        assert path in paths


# --- the round trip ---------------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=valid_statements())
async def test_valid_statements_round_trip_byte_identical_in_exact_format(
    xapi: XapiClient, case: tuple[str, dict[str, Any]]
) -> None:
    version, body = case
    sent = orjson.dumps(body)
    headers = {"X-Experience-API-Version": version, "Content-Type": "application/json"}
    posted = await xapi.http.post("/xapi/statements", content=sent, headers=headers)
    assert posted.status_code == 200, posted.text
    (statement_id,) = posted.json()
    got = await xapi.http.get(
        "/xapi/statements",
        params={"statementId": statement_id, "format": "exact"},
        headers={"X-Experience-API-Version": version},
    )
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/json"
    returned = orjson.loads(got.content)

    assert returned["id"] == statement_id
    assert returned["authority"]["account"]["name"] == xapi.key
    default_version = "2.0.0" if version == VERSION_2 else "1.0.0"
    assert returned["version"] == body.get("version", default_version)
    if "timestamp" not in body:
        assert returned["timestamp"] == returned["stored"]

    def strip(statement: dict[str, Any]) -> bytes:
        kept = {k: v for k, v in statement.items() if k not in LRS_KEYS}
        if "timestamp" not in body:
            kept.pop("timestamp", None)
        return orjson.dumps(kept)

    assert strip(returned) == strip(body)
    # The same bytes come back in a StatementResult.
    listed = await xapi.http.get(
        "/xapi/statements", params={"limit": 1}, headers={"X-Experience-API-Version": version}
    )
    assert listed.json()["statements"][0] == returned


# --- the 400 as the client sees it ------------------------------------------------------------


async def test_every_invalid_statement_is_a_400_naming_path_and_rule(xapi: XapiClient) -> None:
    for name, (body, versions_, path, rule) in INVALID.items():
        for version in versions_:
            response = await xapi.http.post(
                "/xapi/statements", json=body, headers={"X-Experience-API-Version": version}
            )
            assert response.status_code == 400, name
            assert response.headers["content-type"] == "application/json", name
            assert response.headers["X-Experience-API-Version"] == version
            assert "X-Experience-API-Consistent-Through" in response.headers
            error = response.json()
            assert set(error) == {"error", "details"}, name
            assert (path, rule) in [(d["path"], d["rule"]) for d in error["details"]], name
            for detail in error["details"]:
                assert set(detail) == {"path", "rule", "message"}
            first = error["details"][0]
            assert error["error"] == f"invalid statement: {first['path']} {first['message']}"
    listed = await xapi.http.get("/xapi/statements")
    assert listed.json() == {"statements": [], "more": ""}


async def test_put_of_an_invalid_statement_is_a_400_and_stores_nothing(xapi: XapiClient) -> None:
    sid = "9c6e1d8a-1f5e-4f8e-8d0e-1a2b3c4d5e6f"
    body = statement(id=sid, actor={"mbox": "anna@kommun.se"})
    response = await xapi.http.put("/xapi/statements", params={"statementId": sid}, json=body)
    assert response.status_code == 400
    assert response.json()["details"][0] == {
        "path": "actor.mbox",
        "rule": "xapi_mailto",
        "message": "must be a mailto IRI of the form 'mailto:name@example.org', got "
        "'anna@kommun.se'",
    }
    missing = await xapi.http.get("/xapi/statements", params={"statementId": sid})
    assert missing.status_code == 404


async def test_a_bad_statement_in_a_batch_names_its_index_and_stores_none(
    xapi: XapiClient,
) -> None:
    good = statement(id="0c3f2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b")
    batch = [good, statement(result={"score": {"scaled": 2}}), statement(verb={"id": "done"})]
    response = await xapi.http.post("/xapi/statements", json=batch)
    assert response.status_code == 400
    assert [(d["path"], d["rule"]) for d in response.json()["details"]] == [
        ("[1].result.score", "xapi_score"),
        ("[2].verb.id", "xapi_iri"),
    ]
    gone = await xapi.http.get("/xapi/statements", params={"statementId": good["id"]})
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("content", "content_type", "path", "rule"),
    [
        (b'{"actor": ', "application/json", "$", "json"),
        (b"[]", "application/json", "$", "empty"),
        (b'"statement"', "application/json", "$", "type"),
        (b"[1]", "application/json", "[0]", "type"),
        (orjson.dumps(statement()), "text/plain", "Content-Type", "content_type"),
    ],
)
async def test_bodies_that_are_not_statements_are_400(
    xapi: XapiClient, content: bytes, content_type: str, path: str, rule: str
) -> None:
    response = await xapi.http.post(
        "/xapi/statements", content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == path
    assert response.json()["details"][0]["rule"] == rule
