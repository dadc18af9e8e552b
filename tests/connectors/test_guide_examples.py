"""Every example of the connectors guide (shared/seeds/000_c7c507f7b0ac0714.txt), run as written.

Only host, port, credentials and CA change (Gmail's examples also get the loopback emulator's address, since
nothing here may reach Google). Section titles are the guide's. Gmail examples run in test_gmail.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from tests.conftest import ALICE, BOB, USERS, make_message
from tests.servers.dovecot import DovecotServer
from tests.servers.smtp import SMTPServer


def test_configuration_par_code_dicts_are_accepted(smtp_config: dict[str, Any], imap_config: dict[str, Any]) -> None:
    # Configuration SMTP standard
    smtp_config_guide = {
        "host": "smtp.example.com",
        "port": 587,
        "username": "your-email@example.com",
        "password": "your-password",
        "use_tls": True,
        "timeout": 30,
    }
    # Configuration IMAP standard
    imap_config_guide = {
        "host": "imap.example.com",
        "port": 993,
        "username": "your-email@example.com",
        "password": "your-password",
        "use_ssl": True,
    }
    # Configuration Gmail simplifiée
    gmail_config = {"username": "your-email@gmail.com", "password": "your-app-password"}
    # Configuration OAuth pour Gmail
    oauth_config = {
        "username": "your-email@gmail.com",
        "use_oauth": True,
        "oauth": {"client_id": "your-client-id", "client_secret": "your-client-secret",
                  "refresh_token": "your-refresh-token"},
    }
    assert create_connector("smtp", smtp_config_guide).config.port == 587
    assert create_connector("imap", imap_config_guide).config.use_ssl
    assert create_connector("gmail", gmail_config).config.host == "smtp.gmail.com"
    assert create_connector("gmail_imap", gmail_config).config.host == "imap.gmail.com"
    assert create_connector("gmail", oauth_config).config.use_oauth
    assert create_connector("gmail_imap", oauth_config).config.use_oauth


def test_variables_d_environnement(monkeypatch: pytest.MonkeyPatch, smtp_config: dict[str, Any],
                                   smtp_server: SMTPServer) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp_config["port"]))
    monkeypatch.setenv("SMTP_USERNAME", ALICE)
    monkeypatch.setenv("SMTP_PASSWORD", USERS[ALICE])
    monkeypatch.setenv("SMTP_USE_TLS", "True")
    monkeypatch.setenv("SMTP_CA_FILE", smtp_config["ca_file"])
    before = len(smtp_server.received)
    smtp_connector = create_connector("smtp")
    with smtp_connector.connection():
        smtp_connector.send_email(subject="From the environment", recipients=[BOB], body="env")
    smtp_server.wait_for(before + 1)
    received = smtp_server.received[-1]
    assert received.rcpt_tos == [BOB] and received.auth_user == ALICE  # the variables were used
    assert "Subject: From the environment" in received.data.decode()


def test_envoi_exemple_simple(smtp_config: dict[str, Any], imap_config: dict[str, Any]) -> None:
    # Configuration
    config = {
        "host": smtp_config["host"],
        "port": smtp_config["port"],
        "username": ALICE,
        "password": USERS[ALICE],
        "use_tls": True,
        "ca_file": smtp_config["ca_file"],
    }

    # Création du connecteur
    smtp_connector = create_connector("smtp", config)

    # Connexion
    smtp_connector.connect()

    # Envoi d'un email simple
    smtp_connector.send_email(
        subject="Test email",
        recipients=[BOB],
        body="This is a test email sent from Python.",
        html_body="<h1>Test Email</h1><p>This is a <b>test</b> email sent from Python.</p>"
    )

    # Déconnexion
    smtp_connector.disconnect()

    bob = create_connector("imap", {**imap_config, "username": BOB, "password": USERS[BOB]})
    with bob.connection():
        received = bob.receive_messages(limit=1)[0]
    assert received["subject"] == "Test email"
    assert "<b>test</b>" in received["html_body"]


def test_envoi_avec_pieces_jointes(smtp_config: dict[str, Any], imap_config: dict[str, Any], tmp_path: Path) -> None:
    config = smtp_config
    (tmp_path / "document.pdf").write_bytes(b"%PDF-1.4 doc")
    (tmp_path / "image.jpg").write_bytes(b"\xff\xd8\xff image")

    # Création du connecteur
    smtp_connector = create_connector("smtp", config)

    # Envoi avec pièce jointe
    with smtp_connector.connection():
        smtp_connector.send_email(
            subject="Email with attachments",
            recipients=[BOB],
            body="Please find attached the requested documents.",
            attachments=[
                str(tmp_path / "document.pdf"),
                str(tmp_path / "image.jpg")
            ]
        )

    bob = create_connector("imap", {**imap_config, "username": BOB, "password": USERS[BOB]})
    with bob.connection():
        message = bob.receive_messages(limit=1)[0]
        assert [a["filename"] for a in bob.get_attachments(message["id"])] == ["document.pdf", "image.jpg"]


def test_lister_et_lire_les_emails(dovecot: DovecotServer, imap_config: dict[str, Any],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message(f"Hello {i}", body="x" * 150) for i in range(12)])
    # Configuration
    config = {
        "host": imap_config["host"],
        "port": imap_config["port"],
        "username": ALICE,
        "password": USERS[ALICE],
        "use_ssl": True,
        "ca_file": imap_config["ca_file"],
    }

    # Créer une instance du connecteur
    imap_connector = create_connector("imap", config)

    # Se connecter et utiliser le contexte manager
    with imap_connector.connection():
        # Lister les boîtes disponibles
        mailboxes = imap_connector.list_mailboxes()
        print(f"Boîtes disponibles: {mailboxes}")

        # Sélectionner une boîte et récupérer le nombre de messages
        num_messages = imap_connector.select_mailbox("INBOX")
        print(f"Nombre de messages: {num_messages}")

        # Récupérer les 10 derniers emails
        messages = imap_connector.receive_messages(
            limit=10,
            unread_only=False,
            newest_first=True
        )

        # Traiter les messages
        for msg in messages:
            print(f"ID: {msg['id']}")
            print(f"Sujet: {msg['subject']}")
            print(f"De: {msg['from']}")
            print(f"Date: {msg['date']}")
            print(f"Corps: {msg['body'][:100]}...")

    out = capsys.readouterr().out
    assert "Nombre de messages: 12" in out
    assert out.count("ID: ") == 10
    assert "Sujet: Hello 11" in out and "Sujet: Hello 1\n" not in out
    assert not imap_connector.is_connected()


def test_recherche_avancee_et_pieces_jointes(dovecot: DovecotServer, imap_config: dict[str, Any],
                                             tmp_cwd: Path) -> None:
    with_attachment = (
        b"From: important@example.com\r\nTo: alice@example.test\r\nSubject: Urgent: contract\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached\r\n'
        b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="contract.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n"
    )
    dovecot.seed(ALICE, "INBOX", [make_message("Urgent: other", sender="someone@example.com"), with_attachment])
    os.mkdir("downloads")
    imap_connector = create_connector("imap", imap_config)
    with imap_connector.connection():
        imap_connector.select_mailbox("INBOX")
        # Recherche avec des critères spécifiques
        messages = imap_connector.search_messages(
            criteria=[
                "FROM", "important@example.com",
                "SUBJECT", "Urgent",
                "SINCE", "01-Jan-2023"
            ],
            limit=5
        )

        # Télécharger les pièces jointes d'un message
        msg = messages[0]
        if msg["has_attachments"]:
            attachments = imap_connector.get_attachments(msg["id"])
            for att in attachments:
                print(f"Nom: {att['filename']}")
                # Sauvegarder la pièce jointe
                with open(f"downloads/{att['filename']}", "wb") as f:
                    f.write(att["data"])

        # Plus efficace que de récupérer tous les emails
        recent_important = imap_connector.search_messages([
            "SINCE", "01-Jan-2023",
            "FROM", "important@example.com"
        ])
    assert len(messages) == 1 and len(recent_important) == 1
    assert (tmp_cwd / "downloads" / "contract.pdf").read_bytes() == b"%PDF-1.4"


def test_gestion_des_emails(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    # The guide's ids are literal UIDs 123-126: a new folder with 126 messages has exactly those.
    dovecot.seed(ALICE, "Reçus", [make_message(f"N{i}") for i in range(1, 127)])
    imap_connector = create_connector("imap", imap_config)
    with imap_connector.connection():
        imap_connector.create_mailbox("Archives")
        imap_connector.select_mailbox("Reçus")

        # Marquer des emails comme lus
        imap_connector.mark_as_read(["123", "124", "125"])

        # Déplacer des emails vers un autre dossier
        imap_connector.move_messages(["123", "124"], "Archives")

        # Supprimer des emails
        imap_connector.delete_messages(["125", "126"])

        assert imap_connector.select_mailbox("Reçus") == 122
        archived = imap_connector.receive_messages(mailbox="Archives")
        assert sorted(m["subject"] for m in archived) == ["N123", "N124"]
        assert all(not m["unread"] for m in archived)
        trashed = imap_connector.receive_messages(mailbox="Trash")
        assert sorted(m["subject"] for m in trashed) == ["N125", "N126"]


def test_gestion_des_erreurs(capsys: pytest.CaptureFixture[str], smtp_config: dict[str, Any]) -> None:
    from connectors.exceptions import AuthenticationError, ConfigurationError, ConnectionError, MessageError

    smtp_connector = create_connector("smtp", {**smtp_config, "password": "wrong password"})
    try:
        smtp_connector.connect()
        smtp_connector.send_email(subject="x", recipients=[BOB], body="x")
    except ConnectionError as e:
        print(f"Erreur de connexion: {e}")
    except AuthenticationError as e:
        print(f"Erreur d'authentification: {e}")
    except ConfigurationError as e:
        print(f"Erreur de configuration: {e}")
    except MessageError as e:
        print(f"Erreur lors de l'envoi du message: {e}")
    except Exception as e:
        print(f"Erreur inattendue: {e}")
    finally:
        if smtp_connector.is_connected():
            smtp_connector.disconnect()
    out = capsys.readouterr().out
    assert out.startswith("Erreur d'authentification: Authentication failed for alice@example.test")


def test_bonnes_pratiques_taille_et_timeout(smtp_config: dict[str, Any], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    attachment_path = tmp_path / "big.bin"
    attachment_path.write_bytes(b"\0" * (11 * 1024 * 1024))
    # Vérifier la taille des pièces jointes avant envoi
    if os.path.getsize(attachment_path) > 10 * 1024 * 1024:  # 10 MB
        print("Pièce jointe trop volumineuse, utiliser une solution alternative")
    config = dict(smtp_config)
    config["timeout"] = 60  # timeout en secondes
    smtp_connector = create_connector("smtp", config)
    assert smtp_connector.config.timeout == 60
    assert "trop volumineuse" in capsys.readouterr().out
