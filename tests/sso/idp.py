"""A real OpenID Connect provider for the tests, on 127.0.0.1 (a free port).

Built from Authlib's server parts: its Flask ``AuthorizationServer`` with the
authorisation code grant, the OpenID Connect extension (ID tokens signed RS256 with a key
made for the run, published as a JWKS) and PKCE required with S256 only, and its userinfo
endpoint behind a bearer-token ``ResourceProtector``. Served by werkzeug's ``make_server``
in a thread: discovery, authorisation, token and userinfo all over HTTP.

Logging in at the provider: with ``approve_as`` set to a username, the authorisation
endpoint approves that person at once (the tests that drive the flow with the test client
and ``requests`` choose their person this way); without it, it shows a login form with a
username and a password (Playwright fills it in).

``tamper`` makes the token endpoint hand out a bad ID token, one fault at a time, so the
tests can show each is refused: see :meth:`TestProvider.tampered`.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, jsonify, request
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

PASSWORD = "idp-test-password"  # a throwaway value for the test provider's people


@dataclass
class Person:
    username: str
    email: str
    name: str = "Test Person"
    email_verified: bool = True
    sub: str = field(default_factory=lambda: "sub-" + secrets.token_hex(8))


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    client_metadata: dict = field(default_factory=dict)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_basic" if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str
    client: Client
    user: Person
    scope: str
    expires_in: int

    def check_client(self, client):
        return client.client_id == self.client.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return False

    def is_revoked(self):
        return False

    def get_user(self):
        return self.user

    def get_client(self):
        return self.client


def _claims_of(person: Person, scope: str) -> dict:
    claims = {"sub": person.sub}
    if "email" in scope.split():
        claims.update(email=person.email, email_verified=person.email_verified)
    if "profile" in scope.split():
        claims["name"] = person.name
    return claims


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # the tests read what was asked, not a log
        pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TestProvider:
    """The provider: people, clients and what it was asked, for the tests to arrange and read."""

    __test__ = False  # not a test class, despite its name

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
        self.people: dict[str, Person] = {}
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}
        self.approve_as: str | None = None
        self.tamper: str | None = None
        self.discovery_issuer: str | None = None  # another issuer named in discovery
        self.authorization_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.app = self._make_app()
        self._server = make_server(
            "127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> TestProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def reset(self) -> None:
        self.people.clear()
        self.clients.clear()
        self.codes.clear()
        self.tokens.clear()
        self.approve_as = self.tamper = self.discovery_issuer = None
        self.authorization_requests.clear()
        self.token_requests.clear()

    def add_person(self, username: str, email: str, **details) -> Person:
        self.people[username] = person = Person(username, email, **details)
        return person

    def add_client(self, redirect_uri: str, client_id: str | None = None) -> Client:
        client = Client(
            client_id or "consult-" + secrets.token_hex(4),
            "client-secret-" + secrets.token_hex(8),  # a throwaway test value
            [redirect_uri],
        )
        self.clients[client.client_id] = client
        return client

    # -- what the token endpoint does to an ID token when ``tamper`` is set --------------

    def tampered(self, id_token: str, client: Client) -> str:
        claims = dict(jwt.decode(id_token, self.key).claims)
        header = {"alg": "RS256", "kid": "test-key-1"}
        now = int(time.time())
        match self.tamper:
            case "nonce":
                claims["nonce"] = "not-the-nonce-that-was-sent"
            case "issuer":
                claims["iss"] = "http://127.0.0.1:1/another-issuer"
            case "audience":
                claims["aud"] = ["another-client"]
            case "expired":
                claims.update(exp=now - 3600, iat=now - 7200, auth_time=now - 7200)
            case "signature":  # signed with a key that is not the provider's, same kid
                other = RSAKey.generate_key(2048, parameters={"kid": "test-key-1"})
                return jwt.encode(header, claims, other)
            case "payload":  # another person's address, the original signature kept
                head, _payload, signature = id_token.split(".")
                claims["email"] = "someone.else@" + claims["email"].partition("@")[2]
                payload = _b64(json.dumps(claims).encode())
                return f"{head}.{payload}.{signature}"
            case "none":  # no signature at all
                none = _b64(json.dumps({"alg": "none"}).encode())
                return f"{none}.{_b64(json.dumps(claims).encode())}."
            case "hs256":  # keyed with the client secret, as a confused verifier might accept
                key = OctKey.import_key(client.client_secret.encode())
                return jwt.encode({"alg": "HS256"}, claims, key, algorithms=["HS256"])
            case _:
                raise AssertionError(f"unknown tamper {self.tamper!r}")
        return jwt.encode(header, claims, self.key)

    # -- the provider's web app --------------------------------------------------------

    def _make_app(self) -> Flask:
        provider = self
        app = Flask("test-identity-provider")
        app.config["SECRET_KEY"] = "idp-" + secrets.token_hex(8)
        app.config["SESSION_COOKIE_NAME"] = "idp_session"  # not the site's cookie on 127.0.0.1

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope,
                    user=request.user,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    auth_time=int(time.time()),
                )

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                return item if item and item.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class OpenID(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return any(code.nonce == nonce for code in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": "test-key-1"}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def generate_user_info(self, user, scope):
                return UserInfo(_claims_of(user, scope))

        class S256Required(CodeChallenge):
            SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

            def validate_code_challenge(self, grant, redirect_uri):
                if not grant.request.payload.data.get("code_challenge"):
                    raise InvalidRequestError("PKCE (S256) is required here.")
                return super().validate_code_challenge(grant, redirect_uri)

        class Bearer(BearerTokenValidator):
            def authenticate_token(self, token_string):
                return provider.tokens.get(token_string)

        class Userinfo(UserInfoEndpoint):
            def get_issuer(self):
                return provider.issuer

            def generate_user_info(self, user, scope):
                return UserInfo(_claims_of(user, scope))

        def query_client(client_id):
            return provider.clients.get(client_id)

        def save_token(token, request):
            provider.tokens[token["access_token"]] = Token(
                token["access_token"],
                request.client,
                request.user,
                token["scope"],
                token["expires_in"],
            )

        server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
        server.register_grant(CodeGrant, [OpenID(require_nonce=True), S256Required(required=True)])
        protector = ResourceProtector()
        protector.register_token_validator(Bearer())
        server.register_endpoint(Userinfo(resource_protector=protector))

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=provider.discovery_issuer or provider.issuer,
                authorization_endpoint=provider.issuer + "/authorize",
                token_endpoint=provider.issuer + "/token",
                userinfo_endpoint=provider.issuer + "/userinfo",
                jwks_uri=provider.issuer + "/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                scopes_supported=["openid", "email", "profile"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
                code_challenge_methods_supported=["S256"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[provider.key.as_dict(private=False)])

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            try:
                grant = server.get_consent_grant(end_user=None)
            except OAuth2Error as error:
                return Response(f"refused: {escape(error.error)}", 400)
            if request.method == "GET":
                provider.authorization_requests.append(request.args.to_dict())
                if provider.approve_as is None:
                    return _login_form()
                return server.create_authorization_response(
                    grant=grant, grant_user=provider.people[provider.approve_as]
                )
            person = provider.people.get(request.form.get("username", ""))
            if person is None or request.form.get("password") != PASSWORD:
                return _login_form("Wrong username or password."), 401
            return server.create_authorization_response(grant=grant, grant_user=person)

        def _login_form(message: str = "") -> str:
            action = escape(request.full_path)
            return (
                '<!doctype html><html lang="en"><head><title>Test institution</title></head>'
                f"<body><main><h1>Test institution sign-in</h1><p>{escape(message)}</p>"
                f'<form method="post" action="{action}">'
                '<label for="username">Username</label> <input id="username" name="username">'
                '<label for="password">Password</label> '
                '<input id="password" name="password" type="password">'
                '<button type="submit">Sign in</button></form></main></body></html>'
            )

        @app.post("/token")
        def token():
            provider.token_requests.append(request.form.to_dict())
            response = server.create_token_response()
            if provider.tamper and response.status_code == 200:
                body = json.loads(response.get_data())
                client = provider.clients[provider.tokens[body["access_token"]].client.client_id]
                body["id_token"] = provider.tampered(body["id_token"], client)
                response.set_data(json.dumps(body))
            return response

        @app.route("/userinfo", methods=["GET", "POST"])
        def userinfo():
            return server.create_endpoint_response("userinfo")

        return app
