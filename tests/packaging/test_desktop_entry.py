"""The desktop entry and the AppStream metainfo: valid for the freedesktop tools, and agreeing with the app."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from gui import resources
from gui.accounts import APP_ID, APP_NAME


def desktop_entry() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(resources.desktop_entry_path(), encoding="utf-8")
    return parser


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(resources.desktop_entry_path())],
                            capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_the_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(resources.metainfo_path())],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # Infos are allowed (appstream 0.16 does not know <developer> yet); warnings and errors are not.
    assert not any(line.startswith(("W:", "E:")) for line in result.stdout.splitlines()), result.stdout


def test_the_desktop_entry_makes_facteur_the_mail_handler_it_can_be() -> None:
    entry = desktop_entry()["Desktop Entry"]
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Categories"].split(";")[:2] == ["Network", "Email"]
    assert set(entry["MimeType"].strip(";").split(";")) == {"x-scheme-handler/mailto", "message/rfc822"}
    # %u: the launcher passes one mailto: URL or one .eml file, which is what the app accepts.
    assert entry["Exec"] == "facteur %u"
    assert entry["StartupWMClass"] == APP_NAME
    assert entry["Terminal"] == "false"


def test_the_compose_action_opens_an_empty_message() -> None:
    action = desktop_entry()["Desktop Action compose"]
    assert action["Exec"] == "facteur mailto:"
    assert action["Name[fr]"] == "Rédiger un message"


def test_the_metainfo_names_the_same_application() -> None:
    root = ET.parse(resources.metainfo_path()).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("launchable[@type='desktop-id']") == f"{APP_ID}.desktop"
    assert root.findtext("translation[@type='qt']") == "facteur"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    french = root.find("summary[@{http://www.w3.org/XML/1998/namespace}lang='fr']")
    assert french is not None and french.text
