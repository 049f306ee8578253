"""The one layer in front of /xapi (``lrs_bridge.http.xapi.front``): the answers the
router and the middleware it replaced gave at its edges, and that the other routes keep
CORS without any of the xAPI handling."""

from __future__ import annotations

import httpx
import pytest

from lrs_bridge.config import Settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.conftest import XapiClient

VERSION = "X-Experience-API-Version"
ORIGIN = {"Origin": "https://kurs.kommun.se"}


def error_detail(response: httpx.Response) -> dict[str, str]:
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "details"}
    detail: dict[str, str] = body["details"][0]
    return detail


async def test_unknown_xapi_path_is_a_json_404_with_the_version(xapi: XapiClient) -> None:
    for path in ("/xapi/nothing", "/xapi/", "/xapix"):
        response = await xapi.http.get(path, headers=ORIGIN)
        assert response.status_code == 404, path
        assert error_detail(response) == {"path": path, "rule": "http", "message": "Not Found"}
        assert response.headers[VERSION] == "1.0.3"
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["vary"] == "Origin"


async def test_unknown_xapi_path_still_needs_the_version_header(xapi: XapiClient) -> None:
    del xapi.http.headers[VERSION]
    response = await xapi.http.get("/xapi/nothing")
    assert response.status_code == 400
    assert error_detail(response)["rule"] == "version_missing"


async def test_trailing_slash_redirects_to_the_route(xapi: XapiClient) -> None:
    response = await xapi.http.get("/xapi/statements/?since=2026-01-01T00:00:00Z")
    assert response.status_code == 307
    assert response.headers["location"] == (
        "http://lrs.test/xapi/statements?since=2026-01-01T00:00:00Z"
    )
    assert response.headers[VERSION] == "1.0.3"
    about = await xapi.http.get("/xapi/about/", headers={VERSION: ""})
    assert about.status_code == 307  # About needs no version, with or without the slash
    assert about.headers["location"] == "http://lrs.test/xapi/about"


async def test_method_a_route_lacks_is_405_with_allow(xapi: XapiClient) -> None:
    response = await xapi.http.delete("/xapi/statements", headers=ORIGIN)
    assert response.status_code == 405
    assert error_detail(response)["rule"] == "http"
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "PUT", "POST"}
    assert response.headers["access-control-allow-origin"] == "*"
    plain_options = await xapi.http.options("/xapi/statements")  # not a CORS preflight
    assert plain_options.status_code == 405


async def test_other_routes_keep_cors_without_the_xapi_headers(xapi: XapiClient) -> None:
    for path in ("/healthz", "/api/v1/workshops", "/nothing"):
        response = await xapi.http.get(path, headers=ORIGIN)
        assert response.headers["access-control-allow-origin"] == "*", path
        assert VERSION in response.headers["access-control-expose-headers"]
        assert response.headers["vary"] == "Origin"
        assert VERSION not in response.headers, path
    del xapi.http.headers[VERSION]
    assert (await xapi.http.get("/healthz")).status_code == 200
    preflight = await xapi.http.options(
        "/api/v1/workshops", headers={**ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200
    assert VERSION not in preflight.headers
    # ?method= means nothing outside /xapi
    assert (await xapi.http.get("/healthz?method=PUT")).status_code == 200


async def test_an_unexpected_error_is_a_json_500_and_goes_on_to_the_server(
    services: Services, settings: Settings, xapi: XapiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(services.statements, "store_statements", broken)
    statement = {
        "actor": {"mbox": "mailto:deltagare@kommun.se"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://kurs.example/a"},
    }
    with pytest.raises(RuntimeError):
        await xapi.http.post("/xapi/statements", json=statement)
    transport = httpx.ASGITransport(app=create_app(settings, services), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        response = await http.post(
            "/xapi/statements",
            json=statement,
            headers={**xapi.auth(), VERSION: "1.0.3", **ORIGIN},
        )
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal error; the request was not completed",
        "details": [],
    }
