"""A SAML 2.0 identity provider for the tests, built on pysaml2's own IdP (``saml2.server``)
and run as a real process on a loopback port
(``python -m tests.sso.saml_idp PORT KEY CERT SP_METADATA_URL``).

It takes an AuthnRequest by HTTP-Redirect, shows a log-in form, and answers by HTTP-POST
with an assertion signed by its key (xmlsec1), through a page that posts the response to
the service's ACS URL. ``POST /test/mode`` with JSON ``{"mode": …}`` makes the next responses
bad on purpose: ``tampered`` (an attribute changed after signing), ``expired`` (validity
over 10 minutes ago), ``wrong-audience`` (for another service's entity ID), ``unsigned``;
``good`` again. ``GET /test/last`` gives the last response (for replaying it) and
``GET /test/log`` what it saw (log-outs). The SP's metadata is read from the service when
the first request comes.
"""

from __future__ import annotations

import base64
import html
import shutil
import sys
from typing import Any

import httpx
import uvicorn
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import SIG_RSA_SHA256
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route


def idp_config(base: str, key: str, cert: str, sp_metadata: str | None, minutes: int) -> IdPConfig:
    conf: dict[str, Any] = {
        "entityid": base + "/metadata",
        "xmlsec_binary": shutil.which("xmlsec1"),
        "key_file": key,
        "cert_file": cert,
        "service": {
            "idp": {
                "name": "Test-IdP",
                "endpoints": {
                    "single_sign_on_service": [(base + "/sso", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(base + "/slo", BINDING_HTTP_REDIRECT)],
                },
                "policy": {
                    "default": {"lifetime": {"minutes": minutes}, "name_form": NAME_FORMAT_URI}
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": False,
            }
        },
    }
    if sp_metadata is not None:
        conf["metadata"] = {"inline": [sp_metadata]}
    config = IdPConfig()
    config.load(conf)
    return config


def build(base: str, key: str, cert: str, sp_metadata_url: str) -> Starlette:
    state: dict[str, Any] = {"mode": "good", "last": "", "log": [], "sp": None}

    def server(minutes: int = 15) -> Server:
        if state["sp"] is None:
            if sp_metadata_url.startswith("http"):
                state["sp"] = httpx.get(sp_metadata_url, timeout=10).text
            else:  # a file the test wrote (the service under test runs in-process)
                with open(sp_metadata_url, encoding="utf-8") as file:
                    state["sp"] = file.read()
        return Server(config=idp_config(base, key, cert, state["sp"], minutes))

    async def metadata(request: Request) -> Response:
        config = idp_config(base, key, cert, None, 15)
        return Response(create_metadata_string(None, config=config), media_type="text/xml")

    async def sso(request: Request) -> Response:
        parsed = server().parse_authn_request(
            request.query_params["SAMLRequest"], BINDING_HTTP_REDIRECT
        )
        message = parsed.message
        state["sp_entity"] = message.issuer.text
        fields = {
            "request_id": message.id,
            "acs": message.assertion_consumer_service_url,
            "sp": message.issuer.text,
            "relay_state": request.query_params.get("RelayState", ""),
        }
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items()
        )
        return HTMLResponse(
            "<!doctype html><html lang='sv'><title>Test-IdP</title><h1>Test-IdP (SAML)</h1>"
            f"<form method='post' action='/login'>{hidden}"
            "<label>E-post <input name='email' id='email'></label>"
            "<label>Organisation <input name='organisation' id='organisation'></label>"
            "<button>Logga in hos test-IdP</button></form>"
        )

    async def login(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        mode = state["mode"]
        idp = server(minutes=-10 if mode == "expired" else 15)
        identity = {
            "mail": [form["email"]],
            "o": [form["organisation"]] if form["organisation"] else [],
        }
        identity = {k: v for k, v in identity.items() if v}
        audience = "http://another.example/sp" if mode == "wrong-audience" else form["sp"]
        response = idp.create_authn_response(
            identity,
            form["request_id"],
            form["acs"],
            audience,
            name_id=NameID(
                format=NAMEID_FORMAT_PERSISTENT, text="id-" + form["email"].split("@")[0]
            ),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=mode != "unsigned",
            sign_response=False,
        )
        xml = str(response)
        if mode == "tampered":
            xml = xml.replace(form["email"], "nationell@val.example")
        encoded = base64.b64encode(xml.encode()).decode()
        state["last"] = encoded
        return HTMLResponse(
            "<!doctype html><html lang='sv'><title>Test-IdP</title><body>"
            f"<form method='post' action='{html.escape(form['acs'])}'>"
            f"<input type='hidden' name='SAMLResponse' value='{encoded}'>"
            f"<input type='hidden' name='RelayState' value='{html.escape(form['relay_state'])}'>"
            "<button>Fortsätt</button></form>"
            "<script>document.forms[0].submit()</script></body></html>"
        )

    async def logout_everywhere(request: Request) -> Response:
        """IdP-initiated single log-out: a signed LogoutRequest to the service."""
        idp = server()
        sp = state["sp_entity"]
        destination = idp.metadata.single_logout_service(sp, BINDING_HTTP_REDIRECT, "spsso")[0][
            "location"
        ]
        name_id = NameID(
            format=NAMEID_FORMAT_PERSISTENT,
            text=request.query_params["name_id"],
            sp_name_qualifier=None,
        )
        _, logout = idp.create_logout_request(destination, sp, name_id=name_id)
        info = idp.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(logout),
            destination,
            "idp-initiated",
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return RedirectResponse(dict(info["headers"])["Location"], 303)

    async def slo(request: Request) -> Response:
        idp = server()
        query = request.query_params
        if "SAMLResponse" in query:  # the service's answer to an IdP-initiated log-out
            state["log"].append("logout-response:signed=" + str("Signature" in query))
            return HTMLResponse(
                "<!doctype html><html lang='sv'><title>Utloggad</title><h1>Utloggad överallt</h1>"
            )
        parsed = idp.parse_logout_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        signed = bool(query.get("Signature"))  # checked by parse_logout_request when given
        state["log"].append(f"logout:{parsed.message.name_id.text}:signed={signed}")
        answer = idp.create_logout_response(parsed.message, [BINDING_HTTP_REDIRECT])
        destination = idp.metadata.single_logout_service(
            parsed.message.issuer.text, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        info = idp.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(answer),
            destination,
            query.get("RelayState", ""),
            response=True,
        )
        return RedirectResponse(dict(info["headers"])["Location"], 303)

    async def set_mode(request: Request) -> Response:
        state["mode"] = (await request.json())["mode"]
        return JSONResponse({"mode": state["mode"]})

    async def last(request: Request) -> Response:
        return JSONResponse({"SAMLResponse": state["last"]})

    async def read_log(request: Request) -> Response:
        return JSONResponse(state["log"])

    return Starlette(
        routes=[
            Route("/metadata", metadata),
            Route("/sso", sso),
            Route("/login", login, methods=["POST"]),
            Route("/slo", slo),
            Route("/test/logout-everywhere", logout_everywhere),
            Route("/test/mode", set_mode, methods=["POST"]),
            Route("/test/last", last),
            Route("/test/log", read_log),
        ]
    )


if __name__ == "__main__":
    port = int(sys.argv[1])
    app = build(f"http://127.0.0.1:{port}", sys.argv[2], sys.argv[3], sys.argv[4])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
