"""A small OpenID provider for the tests, run as a real process on a loopback port
(``python -m tests.sso.oidc_provider PORT CLIENT_ID CLIENT_SECRET``): discovery, a JWK set,
the authorization endpoint with a log-in form, the token endpoint (client secret, the
redirect URI and the PKCE S256 verifier checked), userinfo and RP-initiated log-out.

Its tokens are made with joserfc (RS256, a key made at start). ``POST /test/mode`` with a
JSON ``{"mode": …}`` makes the next ID tokens bad on purpose, so the service's refusals are
tested against a real provider: ``tampered`` (a claim changed after signing), ``expired``,
``wrong-audience``, ``wrong-nonce``, ``foreign-key`` (signed with a key not published),
``none`` (alg none), ``unverified`` (``email_verified`` false), or ``good``.
``GET /test/log`` tells what it saw (log-outs, PKCE).
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import sys
import time
from typing import Any
from urllib.parse import urlencode

import orjson
import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def build(issuer: str, client_id: str, client_secret: str) -> Starlette:
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
    other = RSAKey.generate_key(2048, parameters={"kid": "test-key", "alg": "RS256"})
    state: dict[str, Any] = {"mode": "good", "codes": {}, "log": []}

    async def discovery(request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": issuer + "/authorize",
                "token_endpoint": issuer + "/token",
                "jwks_uri": issuer + "/jwks",
                "userinfo_endpoint": issuer + "/userinfo",
                "end_session_endpoint": issuer + "/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def jwks(request: Request) -> Response:
        return JSONResponse(KeySet([key]).as_dict(private=False))

    async def authorize(request: Request) -> Response:
        params = (
            dict(request.query_params) if request.method == "GET" else dict(await request.form())
        )
        if params.get("client_id") != client_id or params.get("response_type") != "code":
            return HTMLResponse("bad request", 400)
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return HTMLResponse("PKCE required", 400)
        if request.method == "GET":
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in params.items()
            )
            return HTMLResponse(
                "<!doctype html><html lang='sv'><title>Test-IdP</title><h1>Test-IdP</h1>"
                f"<form method='post'>{hidden}"
                "<label>E-post <input name='email' id='email'></label>"
                "<label>Organisation <input name='organisation' id='organisation'></label>"
                "<button>Logga in hos test-IdP</button></form>"
            )
        code = secrets.token_urlsafe(24)
        state["codes"][code] = params
        target = params["redirect_uri"] + "?" + urlencode({"code": code, "state": params["state"]})
        return RedirectResponse(target, 303)

    def id_token(params: dict[str, Any]) -> str:
        now = int(time.time())
        mode = state["mode"]
        claims = {
            "iss": issuer,
            "sub": hashlib.sha256(params["email"].encode()).hexdigest()[:16],
            "aud": "someone-else" if mode == "wrong-audience" else client_id,
            "iat": now - (7200 if mode == "expired" else 0),
            "exp": now - (3600 if mode == "expired" else -300),
            "nonce": "another-nonce" if mode == "wrong-nonce" else params["nonce"],
            "email": params["email"],
            "email_verified": mode != "unverified",
            "organisation": params.get("organisation", ""),
            "jti": secrets.token_hex(8),
        }
        if mode == "none":
            header = _b64(orjson.dumps({"alg": "none", "typ": "JWT"}))
            return f"{header}.{_b64(orjson.dumps(claims))}."
        signing = other if mode == "foreign-key" else key
        token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, signing)
        if mode == "tampered":
            head, _, rest = token.partition(".")
            _, _, signature = rest.partition(".")
            claims["email"] = "nationell@val.example"
            token = f"{head}.{_b64(orjson.dumps(claims))}.{signature}"
        return token

    async def token(request: Request) -> Response:
        form = dict(await request.form())
        auth = request.headers.get("authorization", "")
        expected = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        if not secrets.compare_digest(auth, expected):
            return JSONResponse({"error": "invalid_client"}, 401)
        params = state["codes"].pop(form.get("code", ""), None)
        if params is None or form.get("redirect_uri") != params["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, 400)
        verifier = str(form.get("code_verifier", ""))
        if _b64(hashlib.sha256(verifier.encode()).digest()) != params["code_challenge"]:
            state["log"].append("pkce-mismatch")
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        state["log"].append("pkce-ok")
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token(params),
            }
        )

    async def userinfo(request: Request) -> Response:
        return JSONResponse({}, 401)

    async def logout(request: Request) -> Response:
        state["log"].append("logout:" + request.query_params.get("client_id", ""))
        target = request.query_params.get("post_logout_redirect_uri", "")
        return RedirectResponse(target or issuer, 303)

    async def set_mode(request: Request) -> Response:
        state["mode"] = (await request.json())["mode"]
        return JSONResponse({"mode": state["mode"]})

    async def read_log(request: Request) -> Response:
        return JSONResponse(state["log"])

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/authorize", authorize, methods=["GET", "POST"]),
            Route("/token", token, methods=["POST"]),
            Route("/userinfo", userinfo),
            Route("/logout", logout),
            Route("/test/mode", set_mode, methods=["POST"]),
            Route("/test/log", read_log),
        ]
    )


if __name__ == "__main__":
    port, client, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = build(f"http://127.0.0.1:{port}", client, secret)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
