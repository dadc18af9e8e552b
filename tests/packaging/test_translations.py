"""Facteur speaks French completely, and the language follows the system unless the person chose one."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

from gui import i18n, resources
from tests.packaging.catalogue import ROOT, Message, read_catalogue, update_translations_module

FRENCH = resources.translations_dir() / "facteur_fr.ts"
ENGLISH = resources.translations_dir() / "facteur_en.ts"
PLACEHOLDER = re.compile(r"%n|%L?\d+|\{[^{}]*\}")
TAG = re.compile(r"</?(a|b|br|code|em|i|li|ol|p|small|span|strong|tt|u|ul)\b")


def mnemonics(text: str) -> int:
    return len(re.findall(r"&(?!&)", text.replace("&&", "")))


@pytest.fixture
def restore_language(qapp: QApplication) -> Iterator[QApplication]:
    """Other tests expect the English source strings and the system's formats: put them back."""
    previous = QLocale()
    yield qapp
    i18n.remove_translations(qapp)
    QLocale.setDefault(previous)


def test_every_string_has_a_finished_french_translation() -> None:
    messages = read_catalogue(FRENCH)
    assert messages, "the French catalogue is empty"
    missing = [m for m in messages if m.kind or not all(text.strip() for text in m.translations)]
    assert not missing, "untranslated or unfinished in facteur_fr.ts:\n" + "\n".join(
        f"  [{m.context}] {m.source!r} ({m.kind or 'empty'})" for m in missing)


def test_french_translations_keep_placeholders_markup_and_shortcuts() -> None:
    wrong: list[str] = []
    for message in read_catalogue(FRENCH, live_only=False):
        for text in message.translations:
            if Counter(PLACEHOLDER.findall(message.source)) != Counter(PLACEHOLDER.findall(text)):
                # A plural form may leave %n out ("un message"), never add or drop any other placeholder.
                expected = Counter(PLACEHOLDER.findall(message.source)) - Counter({"%n": 99})
                if not message.numerus or expected != Counter(PLACEHOLDER.findall(text)) - Counter({"%n": 99}):
                    wrong.append(f"placeholders: {message.source!r} -> {text!r}")
            if Counter(TAG.findall(message.source)) != Counter(TAG.findall(text)):
                wrong.append(f"markup: {message.source!r} -> {text!r}")
            if mnemonics(message.source) != mnemonics(text):
                wrong.append(f"shortcut (&): {message.source!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_every_string_has_a_context_the_app_can_look_up() -> None:
    # lupdate files a string under an empty context when it cannot tell its class or context name — typically a
    # helper like `def tr(text): return QCoreApplication.translate("ctx", text)` — and at run time the lookup
    # under "ctx" then never finds it. Call QCoreApplication.translate("ctx", "literal") or self.tr("literal").
    orphans = [m.source for m in read_catalogue(FRENCH) if not m.context]
    helpers = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "gui").rglob("*.py")
                     if re.search(r"^def _?tr\(", path.read_text(encoding="utf-8"), re.MULTILINE))
    assert not orphans, (f"{len(orphans)} strings would never show translated; modules with a tr() helper: "
                         f"{helpers}; strings: {orphans}")


def hidden_strings(path: Path) -> list[str]:
    """Where a module hides strings from lupdate: a tr() helper, or a formatted string given to tr()."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        # `def tr(text): return QCoreApplication.translate("Ctx", text)`: lupdate files `tr("x")` under an empty
        # context (or ignores `_tr("x")` altogether), while the app looks under "Ctx".
        # (A function translating data marked elsewhere with QT_TRANSLATE_NOOP is fine: only tr-like names count.)
        if isinstance(node, ast.FunctionDef) and node.name in ("tr", "_tr", "_", "translate", "_translate") and any(
                isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "translate"
                and len(call.args) >= 2 and isinstance(call.args[1], ast.Name) for call in ast.walk(node)):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: helper {node.name}() hides its strings")
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute | ast.Name):
            continue
        name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
        position = {"tr": 0, "translate": 1}.get(name)
        if position is not None and len(call.args) > position and isinstance(
                call.args[position], ast.JoinedStr | ast.BinOp):
            found.append(f"{path.relative_to(ROOT)}:{call.lineno}: {name}() of a built string (format it after)")
    return found


def test_no_module_hides_its_strings_from_lupdate() -> None:
    # Mark each string where it is written: self.tr("literal") in a QObject, QCoreApplication.translate("Ctx",
    # "literal") elsewhere, QT_TRANSLATE_NOOP("Ctx", "literal") for a table translated later.
    hidden = [line for path in sorted((ROOT / "gui").rglob("*.py")) for line in hidden_strings(path)]
    assert not hidden, "strings lupdate cannot extract, so never translated:\n" + "\n".join(hidden)


def test_the_apps_error_wording_is_french(restore_language: QApplication) -> None:
    from connectors.exceptions import AuthenticationError
    from gui.errors import describe_error

    i18n.install_translations(restore_language, "fr")
    assert describe_error(AuthenticationError("refused")).title == "Nom d'utilisateur ou mot de passe incorrect"


@pytest.mark.skipif(shutil.which("pyside6-lupdate") is None and not (Path(sys.executable).parent / "pyside6-lupdate")
                    .exists(), reason="pyside6-lupdate is not installed")
def test_the_catalogues_hold_every_string_of_the_code(tmp_path: Path) -> None:
    update = update_translations_module()
    for committed in (FRENCH, ENGLISH):
        fresh = tmp_path / committed.name
        shutil.copy(committed, fresh)
        language = committed.stem.split("_")[1]
        extra = ("-pluralonly",) if language == "en" else ()
        update.lupdate(update.source_files(), fresh, language, *extra)
        before = {(m.context, m.source) for m in read_catalogue(committed)}
        after = {(m.context, m.source) for m in read_catalogue(fresh)}
        assert after == before, (
            f"{committed.name} is out of date with gui/: run `make translations` and translate the new strings.\n"
            f"  new in the code: {sorted(after - before)}\n  gone from the code: {sorted(before - after)}")


def test_the_compiled_catalogues_match_their_sources(tmp_path: Path) -> None:
    update = update_translations_module()
    for ts in sorted(resources.translations_dir().glob("facteur_*.ts")):
        fresh = tmp_path / ts.with_suffix(".qm").name
        update.lrelease(ts, fresh)
        assert fresh.read_bytes() == ts.with_suffix(".qm").read_bytes(), (
            f"{ts.with_suffix('.qm').name} is older than {ts.name}: run `make translations`")


def test_french_is_offered_beside_english() -> None:
    assert i18n.available_languages() == ["en", "fr"]
    assert [i18n.language_name(code) for code in i18n.available_languages()] == ["English", "Français"]


def test_installing_french_translates_every_string_and_qts_own(restore_language: QApplication) -> None:
    assert i18n.install_translations(restore_language, "fr") == "fr"
    singular: list[Message] = [m for m in read_catalogue(FRENCH) if not m.numerus]
    for message in singular:
        assert QCoreApplication.translate(message.context, message.source) == message.translations[0]
    # Qt's standard buttons and dialogs speak French too.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    # Dates and numbers follow the chosen language.
    assert QLocale().language() == QLocale.Language.French


def _count(form: str, n: int) -> str:
    """A plural form with its count in: %n, or %Ln (the locale's digit grouping, the same below 1000)."""
    return re.sub(r"%L?n", str(n), form)


def test_plural_forms_follow_the_count(restore_language: QApplication) -> None:
    plurals = [m for m in read_catalogue(FRENCH) if m.numerus]
    if not plurals:
        pytest.skip("no string of the code has plural forms yet")
    english = {(m.context, m.source): m for m in read_catalogue(ENGLISH)}
    i18n.install_translations(restore_language, "fr")
    for message in plurals:
        assert QCoreApplication.translate(message.context, message.source, None, 1) == \
            _count(message.translations[0], 1)
        assert QCoreApplication.translate(message.context, message.source, None, 5) == \
            _count(message.translations[-1], 5)
    i18n.install_translations(restore_language, "en")
    for message in plurals:
        forms = english[(message.context, message.source)].translations
        assert QCoreApplication.translate(message.context, message.source, None, 1) == _count(forms[0], 1)
        assert QCoreApplication.translate(message.context, message.source, None, 5) == _count(forms[-1], 5)


def test_switching_back_to_english_replaces_the_french_translators(restore_language: QApplication) -> None:
    i18n.install_translations(restore_language, "fr")
    i18n.install_translations(restore_language, "fr")  # twice: replaced, not stacked
    assert i18n.install_translations(restore_language, "en") == "en"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    message = next(m for m in read_catalogue(FRENCH) if not m.numerus)
    assert QCoreApplication.translate(message.context, message.source) == message.source


LANGUAGE_PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QLocale
from gui import i18n
app = QCoreApplication([])
if sys.argv[1]:
    i18n.save_language(sys.argv[1] if sys.argv[1] != "-" else None)
print(i18n.install_translations(app, sys.argv[2] or None), QCoreApplication.translate("QPlatformTheme", "Cancel"))
"""


def language_at_startup(config: Path, *, env: dict[str, str], saved: str = "", explicit: str = "") -> str:
    """The language a fresh process picks with this environment, saved choice and explicit argument."""
    clean = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run(
        [sys.executable, "-c", LANGUAGE_PROBE, saved, explicit],
        env={**clean, "XDG_CONFIG_HOME": str(config), "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
             **env},
        capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "fr_FR.UTF-8"}, "fr Annuler"),
    ({"LANG": "fr_CA.UTF-8"}, "fr Annuler"),
    ({"LANG": "de_DE.UTF-8"}, "en Cancel"),  # no German yet: the source language
    ({"LANG": "en_US.UTF-8", "LANGUAGE": "en_US:fr"}, "en Cancel"),  # English first, even with French second
    ({"LANG": "de_DE.UTF-8", "LANGUAGE": "de:fr"}, "fr Annuler"),  # the first language Facteur has
])
def test_the_system_languages_choose_at_startup(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    assert language_at_startup(tmp_path, env=env) == expected


def test_a_language_chosen_in_the_settings_overrides_the_system(tmp_path: Path) -> None:
    assert language_at_startup(tmp_path, env={"LANG": "en_US.UTF-8"}, saved="fr") == "fr Annuler"
    # The choice is remembered in the UI settings file for the next start.
    assert language_at_startup(tmp_path, env={"LANG": "en_US.UTF-8"}) == "fr Annuler"
    assert (tmp_path / "Facteur" / "ui.ini").read_text(encoding="utf-8").count("language=fr") == 1
    # Back to "follow the system".
    assert language_at_startup(tmp_path, env={"LANG": "en_US.UTF-8"}, saved="-") == "en Cancel"


def test_an_explicit_language_beats_the_saved_one(tmp_path: Path) -> None:
    assert language_at_startup(tmp_path, env={"LANG": "fr_FR.UTF-8"}, saved="fr", explicit="en") == "en Cancel"


def test_a_string_that_moves_context_keeps_its_translation(tmp_path: Path) -> None:
    update = update_translations_module()
    ts = tmp_path / "facteur_fr.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context><name>Kept</name><message><source>New</source><translation>Nouveau</translation></message></context>
<context><name>Old</name>
<message><source>Inbox</source><translation>Boîte de réception</translation></message></context>
</TS>
""", encoding="utf-8")
    code = tmp_path / "code.py"
    code.write_text('from PySide6.QtCore import QCoreApplication\n'
                    'A = QCoreApplication.translate("Renamed", "Inbox")\n'
                    'B = QCoreApplication.translate("Kept", "New")\n'
                    'C = QCoreApplication.translate("Other", "New")\n', encoding="utf-8")
    before = update.finished_translations(ts)
    update.lupdate([str(code)], ts, "fr")
    assert update.keep_moved_translations(ts, before) == 1
    messages = {(m.context, m.source): m for m in read_catalogue(ts)}
    assert set(messages) == {("Renamed", "Inbox"), ("Kept", "New"), ("Other", "New")}
    # The old place stays as a vanished entry, reused if the code goes back to it.
    assert [(m.context, m.kind) for m in read_catalogue(ts, live_only=False) if m.source == "Inbox"] == [
        ("Old", "vanished"), ("Renamed", "")]
    assert messages[("Renamed", "Inbox")].kind == ""
    assert messages[("Renamed", "Inbox")].translations == ("Boîte de réception",)
    # "New" still lives in "Kept": its French may not fit "Other" (Nouveau / Nouvelle), so it waits for review.
    assert messages[("Other", "New")].kind == "unfinished"
    assert messages[("Kept", "New")].translations == ("Nouveau",)
