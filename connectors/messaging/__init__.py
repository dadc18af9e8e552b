"""Mail protocols (SMTP, IMAP), MIME, and OAuth 2.0 — the guide's module paths."""
