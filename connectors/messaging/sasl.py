"""SASL strings that need no OAuth library: kept apart so sending mail never imports google-auth."""

from __future__ import annotations

from ..exceptions import ConfigurationError


def build_xoauth2_string(username: str, access_token: str) -> str:
    """The XOAUTH2 initial client response (before base64), as Google's XOAUTH2 protocol describes."""
    if any(ch in username + access_token for ch in "\x01\r\n"):
        raise ConfigurationError("The user name or access token contains a control character", "username")
    return f"user={username}\x01auth=Bearer {access_token}\x01\x01"
