"""OpenID Connect: the authorization code flow with PKCE (S256) against a provider found by
discovery (``ISSUER/.well-known/openid-configuration``). The ID token is checked with
joserfc: its signature against the provider's published keys (asymmetric algorithms only),
issuer, audience (and ``azp`` when there are several), expiry, issue time and the nonce of
this log-in."""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lrs_bridge.sso.config import Provider

ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
"""ID token signatures accepted: never 'none', never a shared-secret HMAC."""
LEEWAY_SECONDS = 60
"""Clock difference allowed between the provider and this service."""
CACHE_SECONDS = 3600
TIMEOUT_SECONDS = 10.0


class OidcError(Exception):
    """The provider's answer is not accepted; ``reason`` says why (for the logs, in English)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class OidcIdentity:
    claims: dict[str, Any]
    token_id: str
    """What makes this ID token unique (for refusing a replay)."""
    expires: int


def code_challenge(verifier: str) -> str:
    """PKCE S256 (RFC 7636, section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    def __init__(self, provider: Provider, base_url: str) -> None:
        self.provider = provider
        self.redirect_uri = f"{base_url}/sso/{provider.name}/callback"
        self.after_logout = f"{base_url}/sso/{provider.name}/logged-out"
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None

    async def _get(self, url: str, **kwargs: Any) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as http:
            try:
                answer = await http.get(url, **kwargs)
            except httpx.HTTPError as error:
                raise OidcError(f"cannot reach {url}: {type(error).__name__}") from None
        if answer.status_code != 200:
            raise OidcError(f"{url} answered {answer.status_code}")
        try:
            found = answer.json()
        except ValueError:
            raise OidcError(f"{url} did not answer JSON") from None
        if not isinstance(found, dict):
            raise OidcError(f"{url} did not answer a JSON object")
        return found

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._metadata_at > CACHE_SECONDS:
            found = await self._get(self.provider.issuer + "/.well-known/openid-configuration")
            if found.get("issuer", "").rstrip("/") != self.provider.issuer:
                raise OidcError("the discovery document names another issuer")
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(found.get(key), str):
                    raise OidcError(f"the discovery document has no {key}")
            self._metadata, self._metadata_at, self._keys = found, time.monotonic(), None
        return self._metadata

    async def keys(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            metadata = await self.metadata()
            try:
                self._keys = KeySet.import_key_set(await self._get(metadata["jwks_uri"]))  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError, KeyError):
                raise OidcError("the provider's keys cannot be read") from None
        return self._keys

    async def authorization_url(self, state: str, nonce: str, verifier: str) -> str:
        metadata = await self.metadata()
        params = {
            "response_type": "code",
            "client_id": self.provider.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.provider.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        endpoint: str = metadata["authorization_endpoint"]
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)

    async def finish(self, code: str, verifier: str, nonce: str) -> OidcIdentity:
        metadata = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
        }
        # client_secret_basic for a confidential client; a public one names itself.
        headers: dict[str, str] = {}
        if self.provider.client_secret:
            # client_secret_basic: both parts form-encoded first (RFC 6749, 2.3.1).
            pair = (
                f"{quote_plus(self.provider.client_id)}:{quote_plus(self.provider.client_secret)}"
            )
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form["client_id"] = self.provider.client_id
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as http:
            try:
                answer = await http.post(
                    metadata["token_endpoint"],
                    data=form,
                    headers=headers,
                )
            except httpx.HTTPError as error:
                raise OidcError(f"token endpoint unreachable: {type(error).__name__}") from None
        if answer.status_code != 200:
            raise OidcError(f"token endpoint answered {answer.status_code}")
        try:
            tokens = answer.json()
        except ValueError:
            raise OidcError("token endpoint did not answer JSON") from None
        id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
        if not isinstance(id_token, str):
            raise OidcError("no ID token in the token answer")
        claims = await self.check_id_token(id_token, nonce)
        userinfo_endpoint = metadata.get("userinfo_endpoint")
        if self.provider.email not in claims and isinstance(userinfo_endpoint, str):
            # Many providers put only the subject in the ID token (OIDC Core 5.4): the rest
            # comes from userinfo, which must be about the same subject (5.3.2).
            extra = await self._userinfo(userinfo_endpoint, tokens)
            if extra and extra.get("sub") != claims["sub"]:
                raise OidcError("userinfo is about another subject than the ID token")
            claims = {**extra, **claims}
        token_id = str(claims.get("jti") or hashlib.sha256(id_token.encode()).hexdigest())
        return OidcIdentity(claims, token_id, int(claims["exp"]))

    async def _userinfo(self, endpoint: str, tokens: dict[str, Any]) -> dict[str, Any]:
        access = tokens.get("access_token")
        if not isinstance(access, str):
            return {}
        return await self._get(endpoint, headers={"Authorization": f"Bearer {access}"})

    async def check_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [alg for alg in ALGORITHMS if alg in offered] or ["RS256"]
        try:
            try:
                token = jwt.decode(id_token, await self.keys(), algorithms=algorithms)
            except JoseError:
                # The provider may have rolled its keys: read them once more.
                token = jwt.decode(id_token, await self.keys(refresh=True), algorithms=algorithms)
            registry = jwt.JWTClaimsRegistry(
                leeway=LEEWAY_SECONDS,
                iss={"essential": True, "value": metadata["issuer"]},
                aud={"essential": True, "value": self.provider.client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            )
            registry.validate(token.claims)
        except (JoseError, ValueError) as error:
            raise OidcError(f"ID token refused: {type(error).__name__}: {error}") from None
        claims = dict(token.claims)
        audience = claims.get("aud")
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.provider.client_id:
            raise OidcError("ID token refused: several audiences and azp is not this client")
        return claims

    async def logout_url(self) -> str | None:
        """RP-initiated log-out at the provider, when it offers it."""
        try:
            endpoint = (await self.metadata()).get("end_session_endpoint")
        except OidcError:
            return None
        if not isinstance(endpoint, str):
            return None
        params = {
            "client_id": self.provider.client_id,
            "post_logout_redirect_uri": self.after_logout,
        }
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)
