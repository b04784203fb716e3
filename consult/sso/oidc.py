"""The OpenID Connect relying party: discovery, the authorisation request (code flow with
PKCE S256, state and nonce), the code exchange, the ID token's checks and userinfo.

No database and no request here: the sign-in service (:mod:`consult.sso.signin`) decides
what an answer means for accounts. Every failure is a :class:`ProviderError` (the
institution could not be reached, or answered what is not OpenID Connect) or a
:class:`UntrustedAnswer` (the answer failed a check: signature, issuer, audience, nonce,
expiry); the precise reason is logged for the admin, never shown.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.common.security import is_secure_transport
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oidc.core import CodeIDToken
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from consult.errors import DomainError

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds for each call to a provider
MAX_DOCUMENT = 1_000_000  # bytes: a discovery document or key set larger than this is refused
SCOPE = "openid email profile"
LEEWAY = 60  # seconds of clock difference allowed on exp and iat
# Asymmetric signatures only: "none" and the HMAC family (keyed with the client secret,
# which a confused verifier might take from the public key set) are refused.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")


class ProviderError(DomainError):
    """The institution's service could not be reached or did not answer as OpenID Connect."""

    status = 502


class UntrustedAnswer(DomainError):
    """The answer that came back through the browser failed a check."""

    status = 400


@dataclass(frozen=True)
class ProviderMetadata:
    """What discovery says about a provider (only what the sign-in uses)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    token_auth_method: str
    algorithms: tuple[str, ...]


def usable_url(url: str) -> bool:
    """HTTPS, or plain HTTP on this machine's loopback only (as Authlib allows)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme in ("https", "http")
        and bool(parts.hostname)
        and not parts.username
        and not parts.password
        and is_secure_transport(url)
    )


def _unreachable(issuer: str, reason: str) -> ProviderError:
    log.warning("single sign-on: %s: %s", issuer, reason)
    return ProviderError(
        _(
            "The institution's sign-in service did not answer as expected. Try again later, "
            "or log in with your password."
        )
    )


def _get_json(url: str, issuer: str) -> dict:
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True, allow_redirects=False) as response:
            if response.status_code != 200:
                raise _unreachable(issuer, f"{url} answered {response.status_code}")
            body = response.raw.read(MAX_DOCUMENT + 1, decode_content=True)
    except requests.RequestException as error:
        raise _unreachable(issuer, f"{url}: {error}") from None
    if len(body) > MAX_DOCUMENT:
        raise _unreachable(issuer, f"{url} sent more than {MAX_DOCUMENT} bytes")
    try:
        document = json.loads(body)
    except ValueError:
        raise _unreachable(issuer, f"{url} sent no JSON") from None
    if not isinstance(document, dict):
        raise _unreachable(issuer, f"{url} sent no JSON object")
    return document


def discover(issuer: str) -> ProviderMetadata:
    """Read ``<issuer>/.well-known/openid-configuration`` and check it names ``issuer``."""
    if not usable_url(issuer):
        raise _unreachable(issuer, "the issuer is not an HTTPS address")
    document = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration", issuer)
    if document.get("issuer") != issuer:
        raise _unreachable(issuer, f"discovery names another issuer: {document.get('issuer')!r}")
    endpoints = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(name)
        if not isinstance(value, str) or not usable_url(value):
            raise _unreachable(issuer, f"discovery has no usable {name}")
        endpoints[name] = value
    userinfo = document.get("userinfo_endpoint")
    if userinfo is not None and not (isinstance(userinfo, str) and usable_url(userinfo)):
        raise _unreachable(issuer, "discovery has an unusable userinfo_endpoint")
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in SIGNING_ALGORITHMS if alg in offered)
    if not algorithms:
        raise _unreachable(issuer, f"no asymmetric signing algorithm among {offered!r}")
    return ProviderMetadata(
        issuer=issuer,
        userinfo_endpoint=userinfo,
        token_auth_method=method,
        algorithms=algorithms,
        **endpoints,
    )


@dataclass(frozen=True)
class Flow:
    """What a sign-in keeps between leaving for the provider and coming back."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def fresh(cls) -> Flow:
        # 43 to 128 characters for the verifier (RFC 7636); 64 random bytes' worth here.
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64))


def _session(metadata: ProviderMetadata, client_id: str, client_secret: str | None, redirect_uri):
    return OAuth2Session(
        client_id=client_id,
        client_secret=client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=metadata.token_auth_method,
        default_timeout=TIMEOUT,
    )


def authorization_url(metadata: ProviderMetadata, client_id: str, redirect_uri: str, flow: Flow):
    """Where to send the browser: the provider's authorisation endpoint with the code flow,
    PKCE (S256), ``state`` and ``nonce``."""
    with _session(metadata, client_id, None, redirect_uri) as session:
        url, _state = session.create_authorization_url(
            metadata.authorization_endpoint,
            state=flow.state,
            code_verifier=flow.code_verifier,
            nonce=flow.nonce,
        )
    return url


def exchange_code(
    metadata: ProviderMetadata, client_id: str, client_secret: str, redirect_uri: str,
    code: str, flow: Flow,
) -> dict:  # fmt: skip
    """The provider's tokens for ``code`` (sent with the PKCE verifier)."""
    with _session(metadata, client_id, client_secret, redirect_uri) as session:
        try:
            token = session.fetch_token(
                metadata.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=flow.code_verifier,
            )
        except (OAuthError, OAuth2Error) as error:  # refused: a used, expired or forged code
            log.warning("single sign-on: %s refused the code: %s", metadata.issuer, error)
            raise UntrustedAnswer(
                _("The institution did not accept this sign-in. Start again from the login page.")
            ) from None
        except (requests.RequestException, ValueError) as error:
            raise _unreachable(metadata.issuer, f"token endpoint: {error}") from None
    if not isinstance(token.get("id_token"), str) or not isinstance(token.get("access_token"), str):
        raise _unreachable(metadata.issuer, "the token answer holds no ID token")
    return dict(token)


def _untrusted(metadata: ProviderMetadata, reason: str) -> UntrustedAnswer:
    log.warning("single sign-on: ID token from %s refused: %s", metadata.issuer, reason)
    return UntrustedAnswer(
        _(
            "We could not confirm this sign-in with the institution, so nothing was changed. "
            "Start again from the login page."
        )
    )


def verify_id_token(metadata: ProviderMetadata, client_id: str, token: dict, flow: Flow) -> dict:
    """The ID token's claims, once its signature (by a key from the provider's key set),
    issuer, audience, nonce, expiry and access-token hash are checked."""
    keys = KeySet.import_key_set(_get_json(metadata.jwks_uri, metadata.issuer))
    try:
        try:
            decoded = jwt.decode(token["id_token"], keys, algorithms=list(metadata.algorithms))
        except InvalidKeyIdError:  # the provider may have rotated its keys since
            keys = KeySet.import_key_set(_get_json(metadata.jwks_uri, metadata.issuer))
            decoded = jwt.decode(token["id_token"], keys, algorithms=list(metadata.algorithms))
        options = {
            "iss": {"essential": True, "value": metadata.issuer},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True},
            "nonce": {"essential": True, "value": flow.nonce},
        }
        params = {
            "nonce": flow.nonce,
            "client_id": client_id,
            "access_token": token["access_token"],
        }
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)
        claims.validate(leeway=LEEWAY)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _untrusted(metadata, f"{type(error).__name__}: {error}") from None
    if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
        raise _untrusted(metadata, "the subject is not a string of 1 to 255 characters")
    return dict(claims)


def userinfo(metadata: ProviderMetadata, token: dict, subject: str) -> dict:
    """The provider's userinfo for the token's person; its ``sub`` must be the ID token's."""
    if metadata.userinfo_endpoint is None:
        return {}
    try:
        response = requests.get(
            metadata.userinfo_endpoint,
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        info = response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError) as error:
        raise _unreachable(metadata.issuer, f"userinfo: {error}") from None
    if not isinstance(info, dict):
        raise _unreachable(metadata.issuer, f"userinfo answered {response.status_code}")
    if info.get("sub") != subject:
        raise _untrusted(metadata, "userinfo is about another subject")
    return info
