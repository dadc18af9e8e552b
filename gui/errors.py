"""The one place that turns errors into what the person sees (principle 4 of STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from connectors import exceptions as ex


@dataclass(frozen=True)
class UserMessage:
    title: str
    text: str
    kind: str  # "auth", "reauth", "keyring", "certificate", "network", "insecure", "message", "config", "other"


def describe_error(error: BaseException) -> UserMessage:
    """A title and a sentence a person can act on; connector messages already name host, user and cause."""
    detail = str(error) or type(error).__name__
    if isinstance(error, ex.SecretsUnavailable):
        return UserMessage(
            QCoreApplication.translate("errors", "Keyring locked"),
            QCoreApplication.translate(
                "errors", "Facteur cannot read the password from the keyring until it is unlocked. Mail waits "
                "meanwhile; nothing is lost."),
            "keyring",
        )
    if isinstance(error, ex.ReauthenticationRequired):
        return UserMessage(QCoreApplication.translate("errors", "Sign in again"), detail, "reauth")
    if isinstance(error, ex.OAuthError):
        return UserMessage(QCoreApplication.translate("errors", "Sign-in failed"), detail, "auth")
    if isinstance(error, ex.AuthenticationError):
        return UserMessage(QCoreApplication.translate("errors", "Wrong user name or password"), detail, "auth")
    if isinstance(error, ex.CertificateError):
        where = f"{error.host}:{error.port}" if error.host else QCoreApplication.translate("errors", "the server")
        text = QCoreApplication.translate(
            "errors",
            "The identity of {where} could not be verified ({reason}). Someone may be intercepting the "
            "connection, or the server uses a certificate your system does not know.",
        ).format(where=where, reason=error.reason or QCoreApplication.translate("errors", "untrusted certificate"))
        return UserMessage(QCoreApplication.translate("errors", "Untrusted certificate"), text, "certificate")
    if isinstance(error, ex.InsecureConnectionError):
        return UserMessage(QCoreApplication.translate("errors", "Connection not secure"), detail, "insecure")
    if isinstance(error, ex.TimeoutError):
        return UserMessage(QCoreApplication.translate("errors", "The server is not answering"), detail, "network")
    if isinstance(error, ex.ConnectionError):
        return UserMessage(QCoreApplication.translate("errors", "Cannot reach the server"), detail, "network")
    if isinstance(error, ex.ConfigurationError):
        return UserMessage(QCoreApplication.translate("errors", "Account settings are incomplete"), detail, "config")
    if isinstance(error, ex.MessageError):
        return UserMessage(QCoreApplication.translate("errors", "The server refused the operation"), detail, "message")
    return UserMessage(
        QCoreApplication.translate("errors", "Something went wrong"), f"{type(error).__name__}: {detail}", "other"
    )
