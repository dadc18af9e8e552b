"""The one place that turns errors into what the person sees (principle 4 of STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from connectors import exceptions as ex


@dataclass(frozen=True)
class UserMessage:
    title: str
    text: str
    kind: str  # "auth", "reauth", "certificate", "network", "insecure", "message", "config", "other"


def tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def describe_error(error: BaseException) -> UserMessage:
    """A title and a sentence a person can act on; connector messages already name host, user and cause."""
    detail = str(error) or type(error).__name__
    if isinstance(error, ex.ReauthenticationRequired):
        return UserMessage(tr("Sign in again"), detail, "reauth")
    if isinstance(error, ex.OAuthError):
        return UserMessage(tr("Sign-in failed"), detail, "auth")
    if isinstance(error, ex.AuthenticationError):
        return UserMessage(tr("Wrong user name or password"), detail, "auth")
    if isinstance(error, ex.CertificateError):
        where = f"{error.host}:{error.port}" if error.host else tr("the server")
        text = tr("The identity of {where} could not be verified ({reason}). Someone may be intercepting the "
                  "connection, or the server uses a certificate your system does not know.").format(
            where=where, reason=error.reason or tr("untrusted certificate"))
        return UserMessage(tr("Untrusted certificate"), text, "certificate")
    if isinstance(error, ex.InsecureConnectionError):
        return UserMessage(tr("Connection not secure"), detail, "insecure")
    if isinstance(error, ex.TimeoutError):
        return UserMessage(tr("The server is not answering"), detail, "network")
    if isinstance(error, ex.ConnectionError):
        return UserMessage(tr("Cannot reach the server"), detail, "network")
    if isinstance(error, ex.ConfigurationError):
        return UserMessage(tr("Account settings are incomplete"), detail, "config")
    if isinstance(error, ex.MessageError):
        return UserMessage(tr("The server refused the operation"), detail, "message")
    return UserMessage(tr("Something went wrong"), f"{type(error).__name__}: {detail}", "other")
