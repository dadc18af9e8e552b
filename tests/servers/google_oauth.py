"""A loopback Google OAuth 2.0 authorization server over HTTPS, for installed (desktop) apps.

Emulated, after Google's "OAuth 2.0 for Mobile & Desktop Apps" (loopback IP redirect + PKCE) and
RFC 6749/7636/7009/7662:

* ``GET /o/oauth2/auth`` (Google: https://accounts.google.com/o/oauth2/auth): checks ``client_id``
  (unknown: Google's "Error 401: invalid_client" page, no redirect), ``redirect_uri`` (must be
  ``http://`` on 127.0.0.1, localhost or [::1], any port and path; else "Error 400:
  redirect_uri_mismatch" page), ``response_type=code``, ``scope`` and PKCE (``code_challenge`` with
  ``code_challenge_method`` S256 or plain) — malformed requests get Google's "Error 400:
  invalid_request" page. The "browser" is signed in as ``signed_in_user`` and consents at once: 302
  to ``redirect_uri?state=...&code=...&scope=...``; ``deny_next_consent`` makes the next one
  ``?error=access_denied&state=...``. With nobody signed in the answer is a 200 sign-in page.
* ``POST /token`` (Google: https://oauth2.googleapis.com/token), form-encoded, client authenticated by
  HTTP Basic (what requests-oauthlib sends) or by ``client_id``/``client_secret`` in the body (what
  google-auth sends). ``authorization_code``: the code is single-use, lives 10 minutes, and must come
  back with the same client and redirect_uri and a ``code_verifier`` whose S256 matches → ``{access_
  token, expires_in, refresh_token, scope, token_type: "Bearer"}``. ``refresh_token`` →
  ``{access_token, expires_in, scope, token_type}`` with no new refresh token, like Google. Errors
  in Google's words: 400 ``invalid_grant`` "Token has been expired or revoked." / "Bad Request" /
  "Invalid code verifier." / "Missing code verifier.", 401 ``invalid_client`` "Unauthorized" or
  "The OAuth client was not found.", 400 ``redirect_uri_mismatch``, ``unsupported_grant_type``,
  ``invalid_request``, ``invalid_scope``, ``unauthorized_client``.
* ``POST /revoke?token=...`` (token in the query or the form): 200 ``{}``; unknown or already revoked
  tokens get 400 ``invalid_token``. As Google documents, revoking either token of a grant ends the
  whole grant: the refresh token and every access token issued from it.
* ``GET /tokeninfo?access_token=...`` (Google: https://oauth2.googleapis.com/tokeninfo): ``aud``,
  ``azp``, ``scope``, ``exp``, ``expires_in`` and, only when an ``email`` scope was granted, ``email``.
* ``introspection_url``: plain HTTP on a second loopback port, an RFC 7662 endpoint for Dovecot's
  oauth2 passdb (``introspection_mode = post``: form ``token=...``; ``auth``: a Bearer header; ``get``:
  ``?token=``), answering ``{"active": true, "username": ..., "email": ...}`` or ``{"active": false}``.
  Google has no such endpoint; it stands in for a Dovecot that trusts Google's tokens.

Not emulated: the consent screen, account chooser and sign-in themselves, ``login_hint``/``prompt``/
``include_granted_scopes`` (accepted, ignored), incremental authorization, ID tokens and OpenID
Connect (``openid email`` scopes are granted but no ``id_token`` is issued), scope expansion
(``email`` stays ``email``), refresh-token expiry for apps in "testing" status, device and
service-account flows, and revoking a grant when a code is replayed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote, unquote_plus, urlencode, urlsplit

from tests.servers.ca import TestCA

MAIL_SCOPE = "https://mail.google.com/"
CODE_LIFETIME = 600.0
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclass
class _Grant:
    email: str
    client_id: str
    scope: str
    refresh_token: str
    revoked: bool = False


@dataclass
class _AccessToken:
    grant: _Grant
    expires_at: float  # time.monotonic()


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scope: str
    email: str
    challenge: str | None
    challenge_method: str
    expires_at: float
    used: bool = False


@dataclass
class _State:
    clients: dict[str, str] = field(default_factory=dict)
    codes: dict[str, _Code] = field(default_factory=dict)
    grants_by_refresh: dict[str, _Grant] = field(default_factory=dict)
    access: dict[str, _AccessToken] = field(default_factory=dict)


class _ReplyError(Exception):
    def __init__(self, status: int, body: dict[str, str]) -> None:
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body


def _error(status: int, error: str, description: str) -> _ReplyError:
    return _ReplyError(status, {"error": error, "error_description": description})


class FakeGoogleOAuth:
    """Google's authorization and token endpoints on 127.0.0.1; a context manager around start()/stop()."""

    def __init__(self, ca: TestCA, *, access_token_lifetime: int = 3600) -> None:
        self._ca = ca
        self.access_token_lifetime = access_token_lifetime
        self.signed_in_user: str | None = None
        self.deny_next_consent = False
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._state = _State()
        self._https: ThreadingHTTPServer | None = None
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # --- lifecycle ---

    def start(self) -> None:
        cert = self._ca.issue(f"google-oauth-{secrets.token_hex(4)}")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert.cert_path, cert.key_path)
        self._https = _Server(("127.0.0.1", 0), _Handler, self, context)
        self._http = _Server(("127.0.0.1", 0), _Handler, self, None)
        for server in (self._https, self._http):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for server in (self._https, self._http):
            if server is not None:
                server.shutdown()
                server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._https = self._http = None

    def __enter__(self) -> FakeGoogleOAuth:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- addresses ---

    @property
    def base_url(self) -> str:
        assert self._https is not None, "start() first"
        return f"https://127.0.0.1:{self._https.server_address[1]}"

    @property
    def auth_uri(self) -> str:
        return self.base_url + "/o/oauth2/auth"

    @property
    def token_uri(self) -> str:
        return self.base_url + "/token"

    @property
    def revoke_uri(self) -> str:
        return self.base_url + "/revoke"

    @property
    def tokeninfo_uri(self) -> str:
        return self.base_url + "/tokeninfo"

    @property
    def introspection_url(self) -> str:
        assert self._http is not None, "start() first"
        return f"http://127.0.0.1:{self._http.server_address[1]}/introspect"

    def client_config(self, client_id: str) -> dict[str, dict[str, Any]]:
        """An "installed" client secrets dict for ``Flow.from_client_config`` (register the client first)."""
        with self._lock:
            secret = self._state.clients[client_id]
        return {"installed": {
            "client_id": client_id, "client_secret": secret, "auth_uri": self.auth_uri,
            "token_uri": self.token_uri, "redirect_uris": ["http://localhost", "http://127.0.0.1"],
        }}

    # --- test-side API ---

    def register_client(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self._state.clients[client_id] = client_secret

    def issue_tokens(self, email: str, client_id: str, scope: str = MAIL_SCOPE) -> tuple[str, str]:
        """(access_token, refresh_token) as if ``email`` had gone through the browser flow."""
        with self._lock:
            grant = self._new_grant(email, client_id, scope)
            return self._new_access_token(grant), grant.refresh_token

    def revoke(self, token: str) -> None:
        with self._lock:
            grant = self._grant_of(token)
            if grant is not None:
                grant.revoked = True

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self._state.access.values():
                token.expires_at = 0.0

    def token_owner(self, access_token: str) -> str | None:
        with self._lock:
            token = self._state.access.get(access_token)
            if token is None or token.grant.revoked or time.monotonic() >= token.expires_at:
                return None
            return token.grant.email

    # --- internals (callers hold the lock) ---

    def _new_grant(self, email: str, client_id: str, scope: str) -> _Grant:
        grant = _Grant(email, client_id, scope, "1//" + secrets.token_urlsafe(48))
        self._state.grants_by_refresh[grant.refresh_token] = grant
        return grant

    def _new_access_token(self, grant: _Grant) -> str:
        token = "ya29." + secrets.token_urlsafe(64)
        self._state.access[token] = _AccessToken(grant, time.monotonic() + self.access_token_lifetime)
        return token

    def _expires_in(self) -> int:
        # Google reports a second less than the lifetime (3599): time passes between issue and reply.
        return max(self.access_token_lifetime - 1, 0)

    def _grant_of(self, token: str) -> _Grant | None:
        if token in self._state.grants_by_refresh:
            return self._state.grants_by_refresh[token]
        access = self._state.access.get(token)
        return access.grant if access else None

    def _client(self, form: dict[str, str], authorization: str | None) -> str:
        """The authenticated client_id (Basic auth or form fields), else Google's 401."""
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
            except ValueError as exc:
                raise _error(401, "invalid_client", "Unauthorized") from exc
            user, _, password = decoded.partition(":")
            client_id, secret = unquote_plus(user), unquote_plus(password)
        if not client_id or client_id not in self._state.clients:
            raise _error(401, "invalid_client", "The OAuth client was not found.")
        if secret is None or not secrets.compare_digest(self._state.clients[client_id], secret):
            raise _error(401, "invalid_client", "Unauthorized")
        return client_id

    def _authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) for the consent step."""
        client_id = query.get("client_id", "")
        if client_id not in self._state.clients:
            return 401, {}, _page("Error 401: invalid_client", "The OAuth client was not found.")
        redirect_uri = query.get("redirect_uri", "")
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in _LOOPBACK_HOSTS or parts.fragment:
            return 400, {}, _page("Error 400: redirect_uri_mismatch", f"Invalid redirect_uri: {redirect_uri}")
        problem = None
        if query.get("response_type") != "code":
            problem = "Invalid response_type: must be code"
        elif not query.get("scope", "").strip():
            problem = "Missing required parameter: scope"
        elif "code_challenge" in query and query.get("code_challenge_method", "plain") not in ("S256", "plain"):
            problem = "Invalid code_challenge_method"
        elif "code_challenge_method" in query and "code_challenge" not in query:
            problem = "Missing required parameter: code_challenge"
        if problem:
            return 400, {}, _page("Error 400: invalid_request", problem)
        if self.signed_in_user is None:
            return 200, {}, _page("Sign in", "Sign in - Google Accounts (nobody is signed in)")
        reply: dict[str, str] = {}
        if "state" in query:
            reply["state"] = query["state"]
        if self.deny_next_consent:
            self.deny_next_consent = False
            reply["error"] = "access_denied"
        else:
            code = "4/0" + secrets.token_urlsafe(40)
            scope = " ".join(query["scope"].split())
            self._state.codes[code] = _Code(
                client_id, redirect_uri, scope, self.signed_in_user, query.get("code_challenge"),
                query.get("code_challenge_method", "plain"), time.monotonic() + CODE_LIFETIME,
            )
            reply.update(code=code, scope=scope)
        separator = "&" if parts.query else "?"
        # Google leaves ":" and "/" unescaped: ...?state=S&code=4/0A...&scope=https://mail.google.com/
        location = redirect_uri + separator + urlencode(reply, safe="/:", quote_via=quote)
        return 302, {"Location": location}, ""

    def _token(self, form: dict[str, str], authorization: str | None) -> dict[str, Any]:
        grant_type = form.get("grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            if not grant_type:
                raise _error(400, "unsupported_grant_type", "Invalid grant_type: ")
            raise _error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        client_id = self._client(form, authorization)
        if grant_type == "refresh_token":
            refresh = form.get("refresh_token")
            if not refresh:
                raise _error(400, "invalid_request", "Missing required parameter: refresh_token")
            grant = self._state.grants_by_refresh.get(refresh)
            if grant is None or grant.revoked:
                raise _error(400, "invalid_grant", "Token has been expired or revoked.")
            if grant.client_id != client_id:
                raise _error(401, "unauthorized_client", "Unauthorized")
            scope = grant.scope
            if form.get("scope"):
                if not set(form["scope"].split()) <= set(grant.scope.split()):
                    raise _error(400, "invalid_scope", "Bad Request")
                scope = " ".join(form["scope"].split())
            return {"access_token": self._new_access_token(grant), "expires_in": self._expires_in(),
                    "scope": scope, "token_type": "Bearer"}
        code_value = form.get("code")
        if not code_value:
            raise _error(400, "invalid_request", "Missing required parameter: code")
        code = self._state.codes.get(code_value)
        if code is None or code.used or time.monotonic() >= code.expires_at or code.client_id != client_id:
            raise _error(400, "invalid_grant", "Bad Request")
        if form.get("redirect_uri") != code.redirect_uri:
            raise _error(400, "redirect_uri_mismatch", "Bad Request")
        if code.challenge is not None:
            verifier = form.get("code_verifier")
            if not verifier:
                raise _error(400, "invalid_grant", "Missing code verifier.")
            if code.challenge_method == "S256":
                digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
                computed = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
            else:
                computed = verifier
            if not _VERIFIER.fullmatch(verifier) or not secrets.compare_digest(computed, code.challenge):
                raise _error(400, "invalid_grant", "Invalid code verifier.")
        code.used = True
        grant = self._new_grant(code.email, client_id, code.scope)
        return {"access_token": self._new_access_token(grant), "expires_in": self._expires_in(),
                "refresh_token": grant.refresh_token, "scope": code.scope, "token_type": "Bearer"}

    def _route(
        self, method: str, path: str, query: dict[str, str], form: dict[str, str], authorization: str | None
    ) -> tuple[int, dict[str, str], str, str]:
        """(status, headers, body, content type) for one HTTPS request; callers hold the lock."""
        json_type = "application/json; charset=utf-8"
        if method == "GET" and path == "/o/oauth2/auth":
            status, headers, body = self._authorize(query)
            return status, headers, body, "text/html; charset=utf-8"
        if method == "POST" and path == "/token":
            return 200, {}, json.dumps(self._token(form, authorization)), json_type
        if method == "POST" and path == "/revoke":
            return 200, {}, json.dumps(self._revoke_request(query.get("token") or form.get("token"))), json_type
        if path == "/tokeninfo":
            info = self._tokeninfo(query.get("access_token") or form.get("access_token"))
            return 200, {}, json.dumps(info), json_type
        raise _error(404, "not_found", "Not Found")

    def _revoke_request(self, token: str | None) -> dict[str, Any]:
        grant = self._grant_of(token or "")
        if grant is None or grant.revoked:
            raise _error(400, "invalid_token", "Token expired or revoked")
        grant.revoked = True
        return {}

    def _tokeninfo(self, token: str | None) -> dict[str, Any]:
        access = self._state.access.get(token or "")
        remaining = access.expires_at - time.monotonic() if access else 0
        if access is None or access.grant.revoked or remaining <= 0:
            raise _error(400, "invalid_token", "Invalid Value")
        info = {"azp": access.grant.client_id, "aud": access.grant.client_id, "scope": access.grant.scope,
                "exp": str(int(time.time() + remaining)), "expires_in": str(int(remaining))}
        scopes = access.grant.scope.split()
        if "email" in scopes or any(s.endswith("/userinfo.email") for s in scopes):
            info.update(email=access.grant.email, email_verified="true")
        return info

    def _introspect(self, token: str | None) -> dict[str, Any]:
        access = self._state.access.get(token or "")
        if access is None or access.grant.revoked or time.monotonic() >= access.expires_at:
            return {"active": False}
        grant = access.grant
        return {"active": True, "username": grant.email, "email": grant.email, "client_id": grant.client_id,
                "scope": grant.scope, "token_type": "Bearer",
                "exp": int(time.time() + access.expires_at - time.monotonic())}


def _page(title: str, text: str) -> str:
    return f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        fake: FakeGoogleOAuth,
        context: ssl.SSLContext | None,
    ) -> None:
        super().__init__(address, handler)
        self.fake = fake
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, on the worker thread, so a client that never completes it
        # cannot hold up the accept loop.
        assert isinstance(request, socket)
        request.settimeout(10)
        if self.context is None:
            super().finish_request(request, client_address)
            return
        # wrap_socket detaches the plain socket, so shutdown_request() would close nothing: the
        # TLS socket is closed here.
        with self.context.wrap_socket(request, server_side=True) as tls:
            super().finish_request(tls, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that reject the certificate or hang up are part of some tests


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

    def _send(self, status: int, body: str, content_type: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _dispatch(self, method: str) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        form = self._form() if method == "POST" else {}
        status, content_type = 200, "application/json; charset=utf-8"
        headers: dict[str, str] = {}
        body: str
        with fake._lock:  # decide under the lock, answer outside it so a slow reader blocks nobody
            fake.requests.append((method, parts.path))
            try:
                if self.server.context is None:
                    if parts.path != "/introspect":
                        raise _error(404, "not_found", "Not Found")
                    bearer = self.headers.get("Authorization", "")
                    token = form.get("token") or query.get("token")
                    if not token and bearer.lower().startswith("bearer "):
                        token = bearer[7:].strip()
                    body = json.dumps(fake._introspect(token))
                else:
                    status, headers, body, content_type = fake._route(
                        method, parts.path, query, form, self.headers.get("Authorization")
                    )
            except _ReplyError as exc:
                status, body = exc.status, json.dumps(exc.body)
        self._send(status, body, content_type, headers)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")
