"""Which language Facteur speaks: the system's, unless the person chose one in the settings.

Facteur's strings are written in English in the code (``self.tr()``, ``QCoreApplication.translate()``) and
translated in ``resources/translations/facteur_<lang>.ts``, compiled to ``.qm`` by ``pyside6-lrelease``. Qt's own
strings (standard buttons, file dialogs, the context menus of text fields) come from Qt's ``qtbase_<lang>.qm``.

``facteur_en.qm`` exists even though English is the source language: it carries the English plural forms, and
its presence stops Qt from picking a person's second language when their first one is English.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from gui.accounts import APP_NAME
from gui.private_paths import private_settings
from gui.resources import translations_dir

SOURCE_LANGUAGE = "en"
CATALOGUE = "facteur"
#: Key, in the UI settings file (``gui.settings.UiSettings``'s ``ui.ini``), of the chosen language code ("fr",
#: "en"); absent or empty means "follow the system".
LANGUAGE_SETTING = "interface/language"
# Marks the translators installed here, so a second call replaces them instead of stacking more.
_TRANSLATOR_NAME = "facteur-translator"


def available_languages() -> list[str]:
    """Language codes Facteur can speak, source language first: ``["en", "fr"]``."""
    found = {path.stem.removeprefix(f"{CATALOGUE}_") for path in translations_dir().glob(f"{CATALOGUE}_*.qm")}
    return [SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE})]


# Qt's native names carry a territory for some languages ("American English", "español de España"), which a
# language menu should not show; the languages Facteur ships are named here, any later one falls back to Qt.
_LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def language_name(code: str) -> str:
    """The language's name in itself, as a language menu shows it: "English", "Français"."""
    name = _LANGUAGE_NAMES.get(code) or QLocale(code).nativeLanguageName()
    return name[:1].upper() + name[1:] if name else code


def remove_translations(app: QCoreApplication) -> None:
    """Take out the translators install_translations() put in: the interface is in English again."""
    for old in app.findChildren(QTranslator, _TRANSLATOR_NAME):
        app.removeTranslator(old)
        old.setParent(None)  # Python owns it now, and frees it at once


def _ui_settings() -> QSettings:
    # The same file as gui.settings.UiSettings, opened here too because translations are installed before any
    # window (and so before the rest of the UI settings) exists.
    return private_settings(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, "ui"))


def saved_language() -> str | None:
    """The language chosen in the settings, or None to follow the system."""
    try:
        value = _ui_settings().value(LANGUAGE_SETTING, "")
    except OSError:  # a settings folder Facteur may not write (the start-up check says so): the system's language
        return None
    return str(value) if value else None


def save_language(code: str | None) -> None:
    """Remember the chosen language (None: follow the system); it applies at the next install_translations()."""
    settings = _ui_settings()
    if code:
        settings.setValue(LANGUAGE_SETTING, code)
    else:
        settings.remove(LANGUAGE_SETTING)


def install_translations(app: QCoreApplication, language: str | None = None) -> str:
    """Translate Facteur and Qt into ``language``, else the saved choice, else the system's languages.

    Returns the language now in use (``"en"`` when nothing better matched). Calling it again replaces the
    previous translators; Qt then sends ``QEvent.LanguageChange`` to every widget.
    """
    remove_translations(app)
    chosen = language or saved_language()
    locale = QLocale(chosen) if chosen else QLocale.system()

    facteur = QTranslator()
    # load(QLocale, ...) walks the locale's UI languages in order ("fr-CA", "fr", ...), so the first one
    # Facteur has a catalogue for wins.
    in_use = SOURCE_LANGUAGE
    # With no catalogue for the locale (or the "C" locale), English still needs its own: it carries the
    # plural forms ("1 message" / "2 messages") that the source strings only spell as "message(s)".
    if facteur.load(locale, CATALOGUE, "_", str(translations_dir())) or \
            facteur.load(f"{CATALOGUE}_{SOURCE_LANGUAGE}", str(translations_dir())):
        in_use = facteur.language() or SOURCE_LANGUAGE
        _install(app, facteur)
    if in_use != SOURCE_LANGUAGE:
        qt = QTranslator()
        if qt.load(QLocale(in_use), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            _install(app, qt)

    # A chosen language other than the system's brings its own date and number formats; otherwise the
    # system's formats stay (a French speaker in Canada keeps fr-CA dates, not fr-FR ones).
    system = QLocale.system()
    spoken = QLocale(in_use).language()
    own_formats = chosen is not None and spoken == locale.language() and spoken != system.language()
    QLocale.setDefault(locale if own_formats else system)
    return in_use


def _install(app: QCoreApplication, translator: QTranslator) -> None:
    # The application keeps it alive, and the name lets remove_translations() find it again.
    translator.setParent(app)
    translator.setObjectName(_TRANSLATOR_NAME)
    app.installTranslator(translator)
