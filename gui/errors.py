"""The one place that turns errors into what the person sees (principle 4 of STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from connectors import exceptions as ex

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


@dataclass(frozen=True)
class UserMessage:
    title: str
    text: str
    kind: str  # "auth", "reauth", "goa", "keyring", "certificate", "network", "insecure", "message", "config", "store",
    # "other"
    detail: str = ""  # the technical words (host, port, the server's reply), shown on request


def describe_error(error: BaseException) -> UserMessage:
    """A title and a sentence a person can act on; connector messages already name host, user and cause."""
    detail = str(error) or type(error).__name__
    if isinstance(error, ex.SecretsUnavailable) and not error.locked:
        return UserMessage(
            QCoreApplication.translate("errors", "No keyring"),
            QCoreApplication.translate(
                "errors", "Facteur cannot reach the system keyring, where the password is kept. Mail waits "
                "meanwhile; nothing is lost."),
            "keyring",
        )
    if isinstance(error, ex.SecretsUnavailable):
        return UserMessage(
            QCoreApplication.translate("errors", "Keyring locked"),
            QCoreApplication.translate(
                "errors", "Facteur cannot read the password from the keyring until it is unlocked. Mail waits "
                "meanwhile; nothing is lost."),
            "keyring",
        )
    if isinstance(error, ex.OnlineAccountError):
        return _online_account_problem(error)
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


def _online_account_problem(error: ex.OnlineAccountError) -> UserMessage:
    """GNOME Online Accounts holds the sign-in: say what happened there, and where to fix it."""
    detail = str(error)
    if error.reason == "removed":
        return UserMessage(
            translate("errors", "This account was removed from GNOME Online Accounts"),
            translate("errors", "Facteur signed in to it through GNOME Online Accounts, where it is no longer. Add "
                                "it again in Settings › Online Accounts, or remove it from Facteur in Manage "
                                "Accounts; the mail already here stays readable."), "goa", detail)
    if error.reason == "mail-disabled":
        return UserMessage(
            translate("errors", "Mail is turned off for this account in GNOME Online Accounts"),
            translate("errors", "Turn Mail on for it in Settings › Online Accounts to keep receiving and sending "
                                "mail."), "goa", detail)
    if error.reason == "sign-in":
        return UserMessage(
            translate("errors", "GNOME Online Accounts needs you to sign in again"),
            translate("errors", "Open Settings › Online Accounts and sign in to this account again; Facteur "
                                "picks it up by itself."), "goa", detail)
    return UserMessage(
        translate("errors", "GNOME Online Accounts is not running"),
        translate("errors", "Facteur gets this account's sign-in from GNOME Online Accounts, which is not "
                            "answering. Mail waits meanwhile; nothing is lost."), "goa", detail)


def describe_account_problem(error: BaseException, account: str) -> UserMessage:
    """For the account's connection notice: a title naming ``account``, plain words on what happens next or what to
    do, and the technical detail (the connector's message, with the server's own words) in ``detail``."""
    problem = describe_error(error)
    detail = str(error) or type(error).__name__
    if problem.kind == "network":
        title = translate("errors", "%1 is offline")
        if isinstance(error, ex.TimeoutError):
            text = translate("errors", "The mail server is not answering. Facteur will try again by itself; what "
                                       "you do meanwhile is kept and sent later.")
        else:
            text = translate("errors", "Facteur cannot reach the mail server. Check your Internet connection; "
                                       "Facteur will try again by itself, and what you do meanwhile is kept and sent "
                                       "later.")
    elif problem.kind == "auth":
        title = translate("errors", "%1: the server refused the password")
        text = translate("errors", "Check the password in Manage Accounts.")
    elif problem.kind == "reauth":
        title = translate("errors", "%1: sign in again")
        text = translate("errors", "Your sign-in has expired or was withdrawn. Sign in again in Manage Accounts to "
                                   "keep receiving mail.")
    elif problem.kind == "certificate":
        title = translate("errors", "%1: the server's identity could not be verified")
        text = problem.text
    elif problem.kind == "insecure":
        title = translate("errors", "%1: the connection is not secure")
        text = translate("errors", "The server does not offer encryption, so Facteur will not send your password "
                                   "to it. Check the security settings in Manage Accounts.")
    elif problem.kind in ("keyring", "goa"):
        title = "%1: " + problem.title
        text = problem.text
    else:
        title = "%1: " + problem.title
        text = translate("errors", "Facteur could not connect to this account.")
    return UserMessage(title.replace("%1", account), text, problem.kind, detail)


def describe_store_problem(error: BaseException, account: str) -> UserMessage:
    """For an account whose local store cannot be opened: what is wrong with the file, in plain words, and what to
    do (the store's own message, which names the file, in ``detail``)."""
    import errno
    import sqlite3

    from connectors.store import SchemaVersionError

    detail = str(error) or type(error).__name__
    cause = error.__cause__ or error.__context__
    code = getattr(cause, "sqlite_errorcode", None) if isinstance(cause, sqlite3.Error) else None
    primary = code & 0xFF if isinstance(code, int) else None
    os_errno = cause.errno if isinstance(cause, OSError) else None
    text_lower = detail.lower()
    title = translate("errors", "Cannot open the local copy of %1").replace("%1", account)
    if primary == 13 or os_errno == errno.ENOSPC or "disk is full" in text_lower:
        text = translate("errors", "The disk is full. Free some space, then choose Try Again; the mail on the "
                                   "server is safe.")
    elif primary in (5, 6) or "database is locked" in text_lower:
        text = translate("errors", "Another program is using the file that holds this account's mail. Close it "
                                   "(or wait for it to finish), then choose Try Again.")
    elif primary in (3, 8, 14) or os_errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR):
        text = translate("errors", "Facteur may not read or write the file that holds this account's mail. Check "
                                   "its permissions, then choose Try Again.")
    elif isinstance(error, SchemaVersionError):
        text = translate("errors", "It was written by a newer version of Facteur. Update Facteur to read it.")
    else:
        text = translate("errors", "The file that holds this account's mail cannot be read. Choose Try Again; "
                                   "if it fails again, the detail below says why.")
    return UserMessage(title, text, "store", detail)
