from __future__ import annotations

from tests.conftest import XapiClient

STATEMENT = {
    "actor": {"mbox": "mailto:anna@kommun.se", "name": "Anna"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"sv-SE": "slutförde"}},
    "object": {"id": "https://valmyndigheten.se/xapi/intro"},
}


async def test_post_then_get_round_trips(xapi: XapiClient) -> None:
    posted = await xapi.http.post("/xapi/statements", json=STATEMENT)
    assert posted.status_code == 200
    (statement_id,) = posted.json()
    got = await xapi.http.get("/xapi/statements", params={"statementId": statement_id})
    assert got.status_code == 200
    body = got.json()
    assert body["actor"] == STATEMENT["actor"]
    assert body["id"] == statement_id
    assert body["authority"]["account"]["name"] == xapi.key
    assert got.headers["X-Experience-API-Version"] == "1.0.3"
    assert "X-Experience-API-Consistent-Through" in got.headers
