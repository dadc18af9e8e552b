"""Storing an account's secrets: in the OS keyring, or — only if the person says yes — in a plain-text one.

With a Secret Service, macOS Keychain or Windows Credential Locker, secrets go there without a question. When
the only backend keeps them in clear (keyrings.alt's plaintext file) the person is asked first; when there is
no usable backend at all, they are told what to install. Nothing is ever written in plain text silently.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..secrets import SecretsUnavailable, backend_name, delete_secrets, secure_backend_available, store_secret

_UNUSABLE = ("fail.Keyring", "null.Keyring")


def keyring_usable() -> bool:
    return not any(backend_name().endswith(name) for name in _UNUSABLE)


def confirm_secret_storage(parent: QWidget | None) -> bool:
    """True when secrets may be stored: a secure keyring, or the person agreed to a plain-text one."""
    if secure_backend_available():
        return True
    if not keyring_usable():
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("keyring", "No keyring"),
            QCoreApplication.translate(
                "keyring",
                "Facteur keeps passwords in your system's keyring, and none is available. Install and start one "
                "(GNOME Keyring or KWallet), then add the account again.",
            ),
            QMessageBox.StandardButton.Close,
            parent,
        )
        box.setObjectName("noKeyringBox")
        box.exec()
        return False
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("keyring", "Keep the password in plain text?"),
        QCoreApplication.translate(
            "keyring",
            "No secure keyring was found: the only place available keeps passwords in a plain file ({backend}) that "
            "any program running as you can read.\n\nKeep your password there anyway? Otherwise, install GNOME "
            "Keyring or KWallet and add the account again.",
        ).format(backend=backend_name()),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("plaintextKeyringBox")
    keep = box.addButton(
        QCoreApplication.translate("keyring", "Keep it in plain text"), QMessageBox.ButtonRole.AcceptRole
    )
    keep.setObjectName("keepPlaintextButton")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is keep


def store_account_secrets(parent: QWidget | None, account_id: str, secrets: dict[str, str]) -> bool:
    """Store every secret, or none (False: the person declined, or the keyring refused and they were told)."""
    if not secrets:
        return True
    if not confirm_secret_storage(parent):
        return False
    try:
        for kind, value in secrets.items():
            store_secret(account_id, kind, value)
    except SecretsUnavailable as exc:
        try:
            delete_secrets(account_id)
        except SecretsUnavailable:
            pass
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("keyring", "The keyring refused the password"),
            QCoreApplication.translate(
                "keyring",
                "Facteur could not store the password in your keyring: {detail}. Unlock the keyring and press Finish "
                "again.",
            ).format(detail=exc),
            QMessageBox.StandardButton.Close,
            parent,
        )
        box.setObjectName("keyringErrorBox")
        box.exec()
        return False
    return True
