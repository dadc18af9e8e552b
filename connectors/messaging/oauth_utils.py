"""OAuth 2.0 for mail: the installed-app flow (PKCE, loopback redirect) of any provider in
:mod:`connectors.oauth_providers`, and the XOAUTH2 SASL string.

Library choice: no provider SDK (no MSAL). The authorization URL and code exchange go through google-auth-oauthlib's
``Flow``, a thin layer over requests-oauthlib/oauthlib that works against any RFC 6749 + RFC 7636 authorization
server, Microsoft's identity platform included. Refreshing a confidential-secret client (Google) uses google-auth;
a public client (Microsoft, which must send no client secret) is refreshed with oauthlib's ``WebApplicationClient``
(request body prepared and response parsed by oauthlib, sent with requests). Endpoints default to the provider's
and can be overridden, which is how the tests point them at loopback authorization servers.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.parse
from collections.abc import Sequence
from typing import Any

import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2 import WebApplicationClient
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from ..config import OAuthSettings
from ..exceptions import ConfigurationError, OAuthError, ReauthenticationRequired
from ..oauth_providers import GOOGLE, OAuthProvider, oauth_provider
from .sasl import build_xoauth2_string

__all__ = ["OAuth2Manager", "build_xoauth2_string", "DEFAULT_REDIRECT_URI"]

# Google retired the out-of-band redirect; installed apps redirect to a loopback address (any port).
DEFAULT_REDIRECT_URI = "http://127.0.0.1"
# Refresh a little before the real expiry so a token never dies between check and use.
_EXPIRY_MARGIN = 60.0


class _CASession(requests.Session):
    """A session whose ``verify`` (a given CA file) wins over REQUESTS_CA_BUNDLE in the environment."""

    def merge_environment_settings(self, *args: Any, **kwargs: Any) -> Any:
        settings = super().merge_environment_settings(*args, **kwargs)
        settings["verify"] = self.verify
        return settings


class OAuth2Manager:
    """Obtains, refreshes and revokes OAuth 2.0 tokens for one client.

    >>> manager = OAuth2Manager(client_id="id", client_secret="secret", scopes=["https://mail.google.com/"])
    >>> url = manager.generate_oauth_url()        # open in a browser; PKCE S256 and state included
    >>> tokens = manager.exchange_code_for_tokens(code)  # -> refresh_token, access_token, expires_at
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str = "",
        scopes: Sequence[str] | None = None,
        *,
        provider: str | OAuthProvider = GOOGLE,
        redirect_uri: str = DEFAULT_REDIRECT_URI,
        auth_uri: str | None = None,
        token_uri: str | None = None,
        revoke_uri: str | None = None,
        refresh_token: str | None = None,
        access_token: str | None = None,
        expires_at: float | None = None,
        ca_file: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.provider = oauth_provider(provider)
        if not client_id:
            raise ConfigurationError(
                f"OAuth 2.0 needs a client_id ({self.provider.client_id_env or 'client_id'})", "client_id"
            )
        self.client_id = client_id
        # A public client (Microsoft) must not authenticate at the token endpoint: it has no secret to send.
        self._client_secret = client_secret if self.provider.sends_client_secret else ""
        self.scopes = list(scopes) if scopes else list(self.provider.scopes)
        self.redirect_uri = redirect_uri
        self.auth_uri = auth_uri or self.provider.auth_uri
        self.token_uri = token_uri or self.provider.token_uri
        self.revoke_uri = self.provider.revoke_uri if revoke_uri is None else revoke_uri
        self._refresh_token = refresh_token
        self._access_token = access_token
        self.expires_at = expires_at
        self.timeout = timeout
        self._verify: str | bool = ca_file or True
        self._flow: Flow | None = None
        self.state: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: OAuthSettings, timeout: float = 30.0) -> OAuth2Manager:
        return cls(
            settings.client_id,
            settings.client_secret,
            settings.scopes,
            provider=settings.provider,
            auth_uri=settings.auth_uri,
            token_uri=settings.token_uri,
            revoke_uri=settings.revoke_uri,
            refresh_token=settings.refresh_token,
            access_token=settings.access_token,
            expires_at=settings.expires_at,
            ca_file=settings.ca_file,
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return (
            f"OAuth2Manager(provider={self.provider.id!r}, client_id={self.client_id!r}, scopes={self.scopes!r}, "
            f"token_uri={self.token_uri!r})"
        )

    @property
    def refresh_token(self) -> str | None:
        return self._refresh_token

    # -- authorization code flow -------------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = _CASession() if isinstance(self._verify, str) else requests.Session()
        session.verify = self._verify
        return session

    def generate_oauth_url(self, redirect_uri: str | None = None, *, login_hint: str | None = None) -> str:
        """The consent page URL (offline access, PKCE S256, a fresh ``state``) to open in the browser."""
        if redirect_uri:
            self.redirect_uri = redirect_uri
        client_config = {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "auth_uri": self.auth_uri,
                "token_uri": self.token_uri,
                "redirect_uris": [self.redirect_uri],
            }
        }
        flow = Flow.from_client_config(client_config, scopes=self.scopes, redirect_uri=self.redirect_uri)
        flow.oauth2session.verify = self._verify
        extra: dict[str, str] = dict(self.provider.auth_params)
        if login_hint:
            extra["login_hint"] = login_hint
        url, state = flow.authorization_url(**extra)
        if "access_type" not in extra:  # Flow adds Google's access_type=offline; other providers do not know it
            parts = urllib.parse.urlsplit(str(url))
            query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "access_type"]
            url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        self._flow, self.state = flow, state
        return str(url)

    def exchange_code_for_tokens(self, code: str, state: str | None = None) -> dict[str, Any]:
        """Trade the authorization code (or the whole redirect URL) for tokens.

        When given the redirect URL, its ``state`` must match the one sent; an ``error`` in it is reported.
        Returns ``refresh_token``, ``access_token``, ``expires_at`` (epoch seconds), ``token_type`` and ``scope``.
        """
        if self._flow is None:
            raise OAuthError("Call generate_oauth_url() before exchanging a code")
        code = code.strip()
        if "://" in code or code.startswith("?"):
            params = urllib.parse.parse_qs(urllib.parse.urlsplit(code).query)
            if "error" in params:
                raise OAuthError(f"The authorization was refused: {params['error'][0]}")
            state = params.get("state", [None])[0]
            if state is None:
                raise OAuthError("The redirect URL carries no state")
            code = params.get("code", [""])[0]
        if state is not None and state != self.state:
            raise OAuthError("The authorization response does not belong to this sign-in (state mismatch)")
        if not code:
            raise OAuthError("No authorization code was given")
        try:
            if self.provider.sends_client_secret:
                token = self._flow.fetch_token(code=code, timeout=self.timeout, verify=self._verify)
            else:  # client_id in the body, no secret and no Basic authentication
                token = self._flow.fetch_token(
                    code=code, timeout=self.timeout, verify=self._verify, client_secret=None, include_client_id=True
                )
        except OAuth2Error as exc:
            raise OAuthError(f"The token endpoint refused the authorization code: {exc.error}") from None
        except Warning as changed:  # oauthlib: the granted scopes differ from the requested ones
            token = self._scope_changed(changed)
        except requests.RequestException as exc:
            raise OAuthError(f"Could not reach the token endpoint {self.token_uri}: {type(exc).__name__}") from None
        return self._remember(token)

    def _scope_changed(self, changed: Warning) -> dict[str, Any]:
        """oauthlib raises a Warning carrying the token when the granted scopes differ from those asked. Microsoft
        never echoes ``offline_access`` (nor ``openid``); any other missing scope means mail will not work."""
        token = dict(getattr(changed, "token", None) or {})
        scope = token.get("scope") or ""
        granted = {str(s) for s in scope} if isinstance(scope, (list, tuple, set)) else set(str(scope).split())
        missing = set(self.scopes) - granted - {"offline_access", "openid", "profile", "email"}
        if not token.get("access_token") or missing:
            raise OAuthError(f"The provider did not grant access to the mail scopes: {' '.join(sorted(missing))}")
        return token

    def _remember(self, token: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._access_token = str(token["access_token"])
            if token.get("refresh_token"):
                self._refresh_token = str(token["refresh_token"])
            expires_at = token.get("expires_at")
            if expires_at is None and token.get("expires_in") is not None:
                expires_at = time.time() + float(token["expires_in"])
            self.expires_at = float(expires_at) if expires_at is not None else None
            return {
                "access_token": self._access_token,
                "refresh_token": self._refresh_token,
                "expires_at": self.expires_at,
                "token_type": token.get("token_type", "Bearer"),
                "scope": token.get("scope", " ".join(self.scopes)),
            }

    # -- refresh ---------------------------------------------------------------------------------------------

    def refresh_access_token(self, refresh_token: str | None = None) -> dict[str, Any]:
        """Get a new access token with the refresh token.

        A revoked or expired refresh token raises :class:`ReauthenticationRequired`: the person must sign in again.
        """
        refresh = refresh_token or self._refresh_token
        if not refresh:
            raise ReauthenticationRequired("No refresh token is stored: sign in again in the browser")
        if not self.provider.sends_client_secret:
            return self._refresh_public(refresh)
        credentials = Credentials(  # type: ignore[no-untyped-call]
            token=None,
            refresh_token=refresh,
            client_id=self.client_id,
            client_secret=self._client_secret,
            token_uri=self.token_uri,
            scopes=self.scopes,
        )
        try:
            credentials.refresh(Request(session=self._session()))  # type: ignore[no-untyped-call]
        except RefreshError as exc:
            reason = str(exc.args[0]) if exc.args else str(exc)
            if "invalid_grant" in reason:
                raise ReauthenticationRequired(
                    "The sign-in has expired or was revoked (invalid_grant): sign in again in the browser"
                ) from None
            raise OAuthError(f"The token endpoint refused to refresh the access token: {reason}") from None
        except TransportError as exc:
            raise OAuthError(f"Could not reach the token endpoint {self.token_uri}: {type(exc).__name__}") from None
        expiry = credentials.expiry
        token: dict[str, Any] = {"access_token": credentials.token, "refresh_token": refresh}
        if expiry is not None:
            # google-auth keeps a naive UTC datetime.
            token["expires_at"] = expiry.replace(tzinfo=dt.UTC).timestamp()
        return self._remember(token)

    def _refresh_public(self, refresh: str) -> dict[str, Any]:
        """RFC 6749 section 6 for a public client: client_id and scope in the body, no client authentication."""
        client = WebApplicationClient(self.client_id)
        body = client.prepare_refresh_body(
            refresh_token=refresh, scope=self.scopes, client_id=self.client_id, include_client_id=True
        )
        try:
            response = self._session().post(
                self.token_uri,
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise OAuthError(f"Could not reach the token endpoint {self.token_uri}: {type(exc).__name__}") from None
        try:
            token = dict(client.parse_request_body_response(response.text, scope=self.scopes))
        except Warning as changed:
            token = self._scope_changed(changed)
        except OAuth2Error as exc:
            if exc.error == "invalid_grant":
                raise ReauthenticationRequired(
                    "The sign-in has expired or was revoked (invalid_grant): sign in again in the browser"
                ) from None
            raise OAuthError(f"The token endpoint refused to refresh the access token: {exc.error}") from None
        except ValueError:
            raise OAuthError(f"The token endpoint answered HTTP {response.status_code} without a token") from None
        token.setdefault("refresh_token", refresh)  # Microsoft rotates it; keep the old one if none came back
        return self._remember(token)

    def get_access_token(self, *, force_refresh: bool = False) -> str:
        """A valid access token, refreshed first if it is missing, about to expire, or ``force_refresh``."""
        with self._lock:
            token, expires_at = self._access_token, self.expires_at
        fresh = token is not None and (expires_at is None or expires_at - _EXPIRY_MARGIN > time.time())
        if force_refresh or not fresh:
            if not self._refresh_token and token is not None and not force_refresh:
                return token
            return str(self.refresh_access_token()["access_token"])
        assert token is not None
        return token

    def revoke(self) -> bool:
        """Revoke the grant at the provider (signing out), then forget the tokens.

        Returns False when the provider has no revocation endpoint (Microsoft): the tokens are only forgotten here,
        and the person withdraws the consent in their Microsoft account. Raises :class:`OAuthError` on failure."""
        token = self._refresh_token or self._access_token
        if not token:
            return True
        if not self.revoke_uri:
            self._forget()
            return False
        try:
            response = self._session().post(self.revoke_uri, params={"token": token}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise OAuthError(f"Could not reach {self.revoke_uri}: {type(exc).__name__}") from None
        if response.status_code not in (200, 400):  # 400: already invalid, which is what we wanted
            raise OAuthError(f"Revocation failed with HTTP {response.status_code}")
        self._forget()
        return True

    def _forget(self) -> None:
        with self._lock:
            self._refresh_token = self._access_token = None
            self.expires_at = None
