#!/usr/bin/env python3
"""Obtain a Gmail refresh token with OAuth 2.0 (the guide's "Obtention d'un refresh token").

Set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (a "Desktop app" client from Google Cloud Console), run this script,
open the printed URL, approve, and paste back the address your browser was sent to (or just its ``code=`` value).
Google redirects to http://127.0.0.1 — the page will fail to load, which is expected: copy its address.

The tokens printed are secrets: store the refresh token in your keyring, not in a file.
"""

from __future__ import annotations

import argparse
import os
import sys

from connectors.config import GOOGLE_AUTH_URI, GOOGLE_TOKEN_URI
from connectors.exceptions import ConnectorError
from connectors.messaging.oauth_utils import OAuth2Manager


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client-id", default=os.environ.get("GOOGLE_CLIENT_ID"))
    parser.add_argument("--client-secret", default=os.environ.get("GOOGLE_CLIENT_SECRET", ""))
    parser.add_argument("--scope", action="append", default=None, help="default: https://mail.google.com/")
    parser.add_argument("--login-hint", help="the Gmail address, to preselect the account")
    parser.add_argument("--auth-uri", default=GOOGLE_AUTH_URI, help="authorization endpoint (default: Google's)")
    parser.add_argument("--token-uri", default=GOOGLE_TOKEN_URI, help="token endpoint (default: Google's)")
    parser.add_argument("--ca-file", help="trust this CA for the endpoints (tests, corporate proxies)")
    args = parser.parse_args(argv)
    if not args.client_id:
        parser.error("set GOOGLE_CLIENT_ID (and GOOGLE_CLIENT_SECRET) or pass --client-id")

    # Initialiser le gestionnaire OAuth
    oauth_manager = OAuth2Manager(
        client_id=args.client_id,
        client_secret=args.client_secret,
        scopes=args.scope or ["https://mail.google.com/"],
        auth_uri=args.auth_uri,
        token_uri=args.token_uri,
        ca_file=args.ca_file,
    )

    # Générer l'URL d'autorisation
    auth_url = oauth_manager.generate_oauth_url(login_hint=args.login_hint)
    print(f"Visitez cette URL et autorisez l'application: {auth_url}")

    # Après autorisation, récupérer le code d'autorisation de l'URL de redirection
    auth_code = input("Entrez le code d'autorisation (ou l'adresse complète de redirection): ")

    # Échanger le code contre des tokens
    try:
        tokens = oauth_manager.exchange_code_for_tokens(auth_code)
    except ConnectorError as exc:
        print(f"Échec: {exc}", file=sys.stderr)
        return 1
    print(f"Refresh token: {tokens['refresh_token']}")
    print(f"Access token: {tokens['access_token']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
