"""A loopback Microsoft identity platform (v2.0 endpoints) over HTTPS, for a public desktop client.

Emulated after Microsoft's published documentation — "Microsoft identity platform and OAuth 2.0 authorization code
flow" (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow), "Redirect URI (reply URL) best
practices" (loopback: any port), "Authenticate an IMAP, POP or SMTP connection using OAuth" (Exchange Online
scopes, XOAUTH2) and the AADSTS error code reference. It reuses the Google emulator's token bookkeeping and
server plumbing (:mod:`tests.servers.google_oauth`) and replaces what Microsoft does differently:

* ``GET /{tenant}/oauth2/v2.0/authorize``: ``tenant`` is ``common``, ``consumers`` or ``organizations`` (anything
  else: 400 page AADSTS90002 "Tenant not found"). An unregistered ``client_id`` gets the AADSTS700016 page and no
  redirect; a ``redirect_uri`` that is not ``http://localhost``/``127.0.0.1`` (any port, as Microsoft documents
  for loopback redirects of desktop apps) gets the AADSTS50011 page. Other faults are redirected back as
  ``?error=...&error_description=AADSTS...&state=...``: ``unsupported_response_type`` (``response_type`` not
  ``code``), ``invalid_request`` (no ``scope``; a ``code_challenge_method`` other than S256/plain). Consent:
  302 to ``redirect_uri?code=...&state=...`` (no ``scope`` in the redirect, unlike Google);
  ``deny_next_consent`` gives ``error=access_denied`` with AADSTS65004.
* ``POST /{tenant}/oauth2/v2.0/token``: the client is public, so it authenticates with ``client_id`` in the body
  only; a ``client_secret`` or an HTTP Basic header is refused with 401 ``invalid_client`` AADSTS700025 ("Client is
  public so neither 'client_assertion' nor 'client_secret' should be presented"). ``authorization_code`` needs the
  same ``redirect_uri`` (AADSTS50011 otherwise), a single-use code (AADSTS54005 "already redeemed"; unknown or
  expired: AADSTS70008) and, when a challenge was sent, a matching ``code_verifier`` (AADSTS501481). The answer is
  ``{token_type, scope, expires_in, ext_expires_in, access_token, refresh_token}``, where ``scope`` lists the
  resource scopes granted — ``offline_access``/``openid`` are not echoed back — and a refresh token is issued only
  when ``offline_access`` was asked for. ``refresh_token`` grants need ``scope`` (a subset of the grant's, else
  ``invalid_scope`` AADSTS70011) and return a NEW refresh token each time (the old one keeps working until it
  expires, as Microsoft documents); a revoked grant answers 400 ``invalid_grant`` AADSTS50173 ("The provided grant
  has expired due to it being revoked"). Error bodies carry ``error``, ``error_description``, ``error_codes``,
  ``timestamp``, ``trace_id`` and ``correlation_id`` as Microsoft's do.
* No revocation endpoint: Microsoft has none for these grants (``revoke()`` on the test side stands for the person
  withdrawing consent at account.live.com, or an administrator revoking sessions).
* ``introspection_url``: plain HTTP on a second port, the RFC 7662 endpoint Dovecot's oauth2 passdb asks, standing in
  for an Exchange Online that trusts Microsoft's tokens (Exchange has no such public endpoint).

Not emulated: the sign-in, account picker and consent pages themselves, ``prompt``/``login_hint``/``domain_hint``
(accepted, ignored), ID tokens, JWT access tokens (Outlook tokens for personal accounts are opaque anyway),
conditional access, the device-code and client-credentials flows, token lifetimes beyond ``access_token_lifetime``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from tests.servers.ca import TestCA
from tests.servers.google_oauth import (
    _LOOPBACK_HOSTS,
    _VERIFIER,
    CODE_LIFETIME,
    FakeGoogleOAuth,
    _AccessToken,
    _Code,
    _Grant,
    _page,
    _ReplyError,
)

IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All"
SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"
MAIL_SCOPES = f"{IMAP_SCOPE} {SMTP_SCOPE} offline_access"
TENANTS = ("common", "consumers", "organizations")
_NOT_ECHOED = {"offline_access", "openid", "profile", "email"}


def _ms_error(status: int, error: str, code: int, text: str) -> _ReplyError:
    now = datetime.now(UTC)
    trace = str(uuid.uuid4())
    return _ReplyError(status, {  # type: ignore[arg-type] - Microsoft's bodies carry a list and strings
        "error": error,
        "error_description": f"AADSTS{code}: {text} Trace ID: {trace} Correlation ID: {uuid.uuid4()} "
                             f"Timestamp: {now:%Y-%m-%d %H:%M:%SZ}",
        "error_codes": [code],
        "timestamp": f"{now:%Y-%m-%d %H:%M:%SZ}",
        "trace_id": trace,
        "correlation_id": str(uuid.uuid4()),
    })


class FakeMicrosoftIdentity(FakeGoogleOAuth):
    """login.microsoftonline.com's v2.0 authorize and token endpoints on 127.0.0.1."""

    def __init__(self, ca: TestCA, *, access_token_lifetime: int = 3600, tenant: str = "common") -> None:
        super().__init__(ca, access_token_lifetime=access_token_lifetime)
        self.tenant = tenant

    @property
    def auth_uri(self) -> str:
        return f"{self.base_url}/{self.tenant}/oauth2/v2.0/authorize"

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/{self.tenant}/oauth2/v2.0/token"

    @property
    def revoke_uri(self) -> str:
        return ""

    def register_client(self, client_id: str, client_secret: str = "") -> None:
        """A public client ("Mobile and desktop applications" platform): it has no secret."""
        super().register_client(client_id, "")

    def issue_tokens(self, email: str, client_id: str, scope: str = MAIL_SCOPES) -> tuple[str, str]:
        return super().issue_tokens(email, client_id, scope)

    # --- internals (callers hold the lock) ---

    def _new_grant(self, email: str, client_id: str, scope: str) -> _Grant:
        grant = _Grant(email, client_id, scope, "M.C5" + secrets.token_urlsafe(60))
        self._state.grants_by_refresh[grant.refresh_token] = grant
        return grant

    def _new_access_token(self, grant: _Grant) -> str:
        token = "EwB" + secrets.token_urlsafe(90)
        self._state.access[token] = _AccessToken(grant, time.monotonic() + self.access_token_lifetime)
        return token

    def _route(
        self, method: str, path: str, query: dict[str, str], form: dict[str, str], authorization: str | None
    ) -> tuple[int, dict[str, str], str, str]:
        json_type = "application/json; charset=utf-8"
        tenant, _, rest = path.strip("/").partition("/")
        if rest not in ("oauth2/v2.0/authorize", "oauth2/v2.0/token"):
            raise _ms_error(404, "not_found", 900561, "The endpoint only accepts POST, OPTIONS requests.")
        if tenant not in TENANTS:
            raise _ms_error(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
        if method == "GET" and rest.endswith("authorize"):
            status, headers, body = self._authorize(query)
            return status, headers, body, "text/html; charset=utf-8"
        if method == "POST" and rest.endswith("token"):
            return 200, {}, json.dumps(self._token(form, authorization)), json_type
        raise _ms_error(405, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests.")

    def _authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        client_id = query.get("client_id", "")
        if client_id not in self._state.clients:
            return 400, {}, _page("Sign in", f"AADSTS700016: Application with identifier '{client_id}' was not "
                                             "found in the directory.")
        redirect_uri = query.get("redirect_uri", "")
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in _LOOPBACK_HOSTS or parts.fragment:
            return 400, {}, _page("Sign in", "AADSTS50011: The redirect URI specified in the request does not "
                                             "match the redirect URIs configured for the application.")
        reply: dict[str, str] = {}
        problem: tuple[str, str] | None = None
        if query.get("response_type") != "code":
            problem = ("unsupported_response_type", "AADSTS700054: response_type is not enabled for the application.")
        elif not query.get("scope", "").strip():
            problem = ("invalid_request", "AADSTS900144: The request body must contain the following parameter: "
                                          "'scope'.")
        elif "code_challenge" in query and query.get("code_challenge_method", "plain") not in ("S256", "plain"):
            problem = ("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter.")
        elif self.signed_in_user is None:
            return 200, {}, _page("Sign in to your account", "Sign in (nobody is signed in)")
        elif self.deny_next_consent:
            self.deny_next_consent = False
            problem = ("access_denied", "AADSTS65004: User declined to consent to access the app.")
        if problem is not None:
            reply.update(error=problem[0], error_description=problem[1])
        else:
            code = "M.C5_BAY." + secrets.token_urlsafe(60)
            scope = " ".join(query["scope"].split())
            self._state.codes[code] = _Code(
                client_id, redirect_uri, scope, self.signed_in_user or "", query.get("code_challenge"),
                query.get("code_challenge_method", "plain"), time.monotonic() + CODE_LIFETIME,
            )
            reply["code"] = code
        if "state" in query:
            reply["state"] = query["state"]
        separator = "&" if parts.query else "?"
        return 302, {"Location": redirect_uri + separator + urlencode(reply, quote_via=quote)}, ""

    def _client(self, form: dict[str, str], authorization: str | None) -> str:
        if "client_secret" in form or "client_assertion" in form or (
            authorization and authorization.lower().startswith("basic ")
        ):
            raise _ms_error(401, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor "
                                                           "'client_secret' should be presented.")
        client_id = form.get("client_id", "")
        if not client_id:
            raise _ms_error(400, "invalid_request", 900144, "The request body must contain the following "
                                                            "parameter: 'client_id'.")
        if client_id not in self._state.clients:
            raise _ms_error(400, "unauthorized_client", 700016, f"Application with identifier '{client_id}' was "
                                                                "not found in the directory.")
        return client_id

    def _granted(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s not in _NOT_ECHOED)

    def _answer(self, grant: _Grant, scope: str) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "token_type": "Bearer", "scope": self._granted(scope), "expires_in": self.access_token_lifetime,
            "ext_expires_in": self.access_token_lifetime, "access_token": self._new_access_token(grant),
        }
        if "offline_access" in grant.scope.split():
            answer["refresh_token"] = grant.refresh_token
        return answer

    def _token(self, form: dict[str, str], authorization: str | None) -> dict[str, Any]:
        grant_type = form.get("grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            raise _ms_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type "
                                                                  f"'{grant_type or ''}'.")
        client_id = self._client(form, authorization)
        if grant_type == "refresh_token":
            refresh = form.get("refresh_token", "")
            if not form.get("scope", "").strip():
                raise _ms_error(400, "invalid_request", 900144, "The request body must contain the following "
                                                                "parameter: 'scope'.")
            grant = self._state.grants_by_refresh.get(refresh)
            if grant is None:
                raise _ms_error(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
            if grant.revoked:
                raise _ms_error(400, "invalid_grant", 50173, "The provided grant has expired due to it being "
                                                             "revoked, a fresh auth token is needed.")
            if grant.client_id != client_id:
                raise _ms_error(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.")
            asked = set(form["scope"].split())
            if not asked - _NOT_ECHOED <= set(grant.scope.split()):
                raise _ms_error(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' "
                                                             "is not valid.")
            # Rotation: a new refresh token for the same grant; the old one stays valid until it expires.
            rotated = "M.C5" + secrets.token_urlsafe(60)
            self._state.grants_by_refresh[rotated] = grant
            grant.refresh_token = rotated
            return self._answer(grant, " ".join(form["scope"].split()))
        code = self._state.codes.get(form.get("code", ""))
        if code is None or time.monotonic() >= code.expires_at or code.client_id != client_id:
            raise _ms_error(400, "invalid_grant", 70008, "The provided authorization code or refresh token has "
                                                         "expired due to inactivity.")
        if code.used:
            raise _ms_error(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please "
                                                         "retry with a new valid code or use an existing refresh "
                                                         "token.")
        if form.get("redirect_uri") != code.redirect_uri:
            raise _ms_error(400, "invalid_grant", 50011, "The redirect URI specified in the request does not match "
                                                         "the redirect URI used to get the authorization code.")
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            if code.challenge_method == "S256":
                digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
                computed = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
            else:
                computed = verifier
            if not _VERIFIER.fullmatch(verifier) or not secrets.compare_digest(computed, code.challenge):
                raise _ms_error(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge "
                                                              "supplied in the authorization request.")
        code.used = True
        grant = self._new_grant(code.email, client_id, code.scope)
        return self._answer(grant, code.scope)
