"""SAML 2.0 Web Browser SSO with pysaml2: the AuthnRequest goes by HTTP-Redirect, the
response comes back by HTTP-POST, and pysaml2 checks it, with Debian's ``xmlsec1`` for the
XML signatures: the assertion must be signed by a key of the IdP's metadata, answer a request
of ours (no unsolicited responses), be for this service's entity ID (audience), be within its
validity (60 s of clock difference allowed) and be meant for our ACS URL. Single log-out is
an SP-initiated LogoutRequest, signed, by HTTP-Redirect, where the IdP's metadata offers it.

pysaml2 is synchronous (and runs xmlsec1 as a program): every call runs in a thread.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from defusedxml import ElementTree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.ident import code as code_name_id
from saml2.ident import decode as decode_name_id
from saml2.metadata import create_metadata_string
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import SIG_RSA_SHA256

from lrs_bridge.sso.config import Provider

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 256 * 1024
"""Largest SAML response taken (base64-decoded)."""
METADATA_REFRESH_SECONDS = 3600
"""The IdP metadata (file or URL) is read again after this long."""
TIMEOUT_SECONDS = 10.0


class SamlError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SamlIdentity:
    attributes: dict[str, list[str]]
    assertion_id: str
    expires: datetime
    logout: str
    """JSON: the NameID and session index, for single log-out."""


def xmlsec_binary() -> str:
    found = shutil.which("xmlsec1")
    if found is None:
        raise SamlError("xmlsec1 is not installed (Debian package xmlsec1)")
    return found


class SamlClient:
    def __init__(self, provider: Provider, base_url: str) -> None:
        self.provider = provider
        root = f"{base_url}/sso/{provider.name}"
        self.entity_id = provider.entity_id or f"{root}/metadata"
        self.acs = f"{root}/acs"
        self.slo = f"{root}/logged-out"
        self._client: Saml2Client | None = None
        self._loaded = 0.0
        self._lock = threading.Lock()

    # --- configuration ---------------------------------------------------------------------

    def _idp_metadata(self) -> str:
        source = self.provider.idp_metadata
        try:
            if source.startswith(("http://", "https://")):
                answer = httpx.get(source, timeout=TIMEOUT_SECONDS)
                answer.raise_for_status()
                return answer.text
            return Path(source).read_text(encoding="utf-8")
        except (OSError, httpx.HTTPError) as error:
            raise SamlError(f"cannot read the IdP metadata: {type(error).__name__}") from None

    def _config(self, metadata: str) -> SPConfig:
        config = SPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": xmlsec_binary(),
                "key_file": self.provider.sp_key,
                "cert_file": self.provider.sp_cert,
                "encryption_keypairs": [
                    {"key_file": self.provider.sp_key, "cert_file": self.provider.sp_cert}
                ],
                "metadata": {"inline": [metadata]},
                "allow_unknown_attributes": True,
                "accepted_time_diff": 60,
                "service": {
                    "sp": {
                        "name": "lrs-bridge",
                        "endpoints": {
                            "assertion_consumer_service": [(self.acs, BINDING_HTTP_POST)],
                            "single_logout_service": [(self.slo, BINDING_HTTP_REDIRECT)],
                        },
                        "allow_unsolicited": False,
                        "want_assertions_signed": True,
                        "want_response_signed": False,
                        "authn_requests_signed": False,
                        "logout_requests_signed": True,
                        # Named in the SP metadata, so that the IdP knows what to release.
                        "required_attributes": [self.provider.email],
                        "optional_attributes": sorted(
                            {rule.attribute for rule in self.provider.rules} - {self.provider.email}
                        ),
                    }
                },
            }
        )
        return config

    def client(self) -> Saml2Client:
        with self._lock:
            # Read again now and then: a rolled IdP key is taken up, and pysaml2's in-memory
            # cache of the people it has seen does not grow for ever.
            stale = time.monotonic() - self._loaded > METADATA_REFRESH_SECONDS
            if self._client is None or stale:
                try:
                    self._client = Saml2Client(config=self._config(self._idp_metadata()))
                except SamlError:
                    raise
                except Exception as error:  # pysaml2 raises many kinds on bad metadata
                    raise SamlError(f"the SAML set-up failed: {type(error).__name__}") from None
                self._loaded = time.monotonic()
            return self._client

    def _idp(self, client: Saml2Client) -> str:
        idps = list(client.metadata.identity_providers())
        if len(idps) != 1:
            raise SamlError("the IdP metadata must describe exactly one identity provider")
        return str(idps[0])

    # --- log-in ------------------------------------------------------------------------------

    async def authn_request(self, relay_state: str) -> tuple[str, str]:
        """The AuthnRequest's ID and the IdP URL that carries it."""

        def make() -> tuple[str, str]:
            client = self.client()
            request_id, info = client.prepare_for_authenticate(
                entityid=self._idp(client), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
            )
            location = dict(info["headers"])["Location"]
            return str(request_id), str(location)

        return await asyncio.to_thread(make)

    @staticmethod
    def _xml(response: str) -> bytes:
        try:
            xml = base64.b64decode(response, validate=False)
        except (binascii.Error, ValueError):
            raise SamlError("the SAMLResponse is not base64") from None
        if len(xml) > MAX_RESPONSE_BYTES:
            raise SamlError("the SAMLResponse is too large")
        return xml

    def in_response_to(self, response: str) -> str | None:
        """The request a response says it answers (read unchecked, only to find the log-in
        under way; ``check_response`` then checks it)."""
        try:
            root = ElementTree.fromstring(self._xml(response))
        except (SamlError, ElementTree.ParseError, ValueError, Exception):
            return None
        value = root.get("InResponseTo")
        return value if isinstance(value, str) and 0 < len(value) <= 200 else None

    async def check_response(self, response: str, request_id: str) -> SamlIdentity:
        def check() -> SamlIdentity:
            client = self.client()
            try:
                parsed = client.parse_authn_request_response(
                    response, BINDING_HTTP_POST, outstanding={request_id: "/"}
                )
            except Exception as error:  # pysaml2 raises many kinds, each a refusal
                raise SamlError(f"SAML response refused: {type(error).__name__}") from None
            if parsed is None or parsed.assertion is None:
                raise SamlError("SAML response refused: no assertion")
            info: dict[str, Any] = parsed.session_info()
            attributes = {
                str(name): [str(v) for v in values] for name, values in parsed.ava.items()
            }
            not_after = info.get("not_on_or_after") or 0
            expires = datetime.fromtimestamp(int(not_after), UTC) if not_after else None
            if expires is None or expires < datetime.now(UTC):
                expires = datetime.now(UTC) + timedelta(hours=1)
            logout = orjson.dumps(
                {
                    "name_id": code_name_id(info["name_id"]) if info.get("name_id") else "",
                    "session_index": info.get("session_index") or "",
                }
            ).decode()
            return SamlIdentity(attributes, str(parsed.assertion.id), expires, logout)

        return await asyncio.to_thread(check)

    # --- metadata and log-out ------------------------------------------------------------------

    async def metadata(self) -> bytes:
        def make() -> bytes:
            try:
                config = self.client().config
                found = create_metadata_string(None, config=config, valid=24 * 7)
            except SamlError:
                raise
            except Exception as error:
                raise SamlError(f"SP metadata failed: {type(error).__name__}") from None
            return found if isinstance(found, bytes) else str(found).encode()

        return await asyncio.to_thread(make)

    async def logout_url(self, data: str) -> str | None:
        """A signed LogoutRequest to the IdP (HTTP-Redirect), if its metadata offers one."""

        def make() -> str | None:
            try:
                found = orjson.loads(data) if data else {}
                if not found.get("name_id"):
                    return None
                client = self.client()
                idp = self._idp(client)
                services = client.metadata.single_logout_service(
                    idp, BINDING_HTTP_REDIRECT, "idpsso"
                )
                if not services:
                    return None
                destination = services[0]["location"]
                _, request = client.create_logout_request(
                    destination,
                    idp,
                    name_id=decode_name_id(found["name_id"]),
                    session_indexes=[found["session_index"]] if found["session_index"] else None,
                    sign=False,
                )
                info = client.apply_binding(
                    BINDING_HTTP_REDIRECT,
                    str(request),
                    destination,
                    relay_state="logout",
                    sign=True,
                    sigalg=SIG_RSA_SHA256,
                )
                return str(dict(info["headers"])["Location"])
            except Exception as error:  # log-out here is done already; the IdP's is a bonus
                log.warning("no single log-out at the IdP: %s", type(error).__name__)
                return None

        return await asyncio.to_thread(make)

    async def idp_logout(self, params: Mapping[str, str]) -> tuple[str, str]:
        """An IdP-initiated LogoutRequest (HTTP-Redirect, which must be signed by a key of
        the IdP's metadata): the NameID it names (as kept in the session) and where to send
        the browser with our signed LogoutResponse."""

        def handle() -> tuple[str, str]:
            request, sigalg = params.get("SAMLRequest"), params.get("SigAlg")
            signature = params.get("Signature")
            if not (request and sigalg and signature):
                raise SamlError("an unsigned LogoutRequest is refused")
            client = self.client()
            idp = self._idp(client)
            message = {"SAMLRequest": request, "SigAlg": sigalg, "Signature": signature}
            if "RelayState" in params:
                message["RelayState"] = params["RelayState"]
            try:
                certs = client.metadata.certs(idp, "idpsso", "signing")
                signed = any(
                    verify_redirect_signature(message, client.sec.sec_backend, cert)
                    for _, cert in certs
                )
                parsed = client.parse_logout_request(request, BINDING_HTTP_REDIRECT)
            except Exception as error:
                raise SamlError(f"LogoutRequest refused: {type(error).__name__}") from None
            if not signed or parsed is None or parsed.message.issuer.text != idp:
                raise SamlError("LogoutRequest refused: not signed by the IdP")
            name_id = code_name_id(parsed.message.name_id)
            try:
                answer = client.create_logout_response(parsed.message, [BINDING_HTTP_REDIRECT])
                services = client.metadata.single_logout_service(
                    idp, BINDING_HTTP_REDIRECT, "idpsso"
                )
                info = client.apply_binding(
                    BINDING_HTTP_REDIRECT,
                    str(answer),
                    services[0]["location"],
                    params.get("RelayState", ""),
                    response=True,
                    sign=True,
                    sigalg=SIG_RSA_SHA256,
                )
            except Exception as error:
                raise SamlError(f"LogoutResponse failed: {type(error).__name__}") from None
            return str(name_id), str(dict(info["headers"])["Location"])

        return await asyncio.to_thread(handle)
