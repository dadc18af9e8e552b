"""Spell checking while writing: enchant's dictionaries (hunspell behind it), red wavy lines, a personal word list.

The :class:`Speller` is one per application (dictionaries are loaded once, per language); each composer has a
:class:`SpellHighlighter` on its body. Qt re-highlights only the blocks an edit touched, and each word's verdict is
cached per language, so typing never waits on the checker. Quoted lines (``>`` or a quote level), links and e-mail
addresses are not checked. Without enchant or without a dictionary the composer works as before and its language
menu says why there is no spell checking.
"""

from __future__ import annotations

import locale
import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from connectors.private_files import private_file
from gui.accounts import APP_NAME, config_dir
from gui.private_paths import private_settings

from .rich_text import quote_level

log = logging.getLogger(__name__)

WANTED_LANGUAGES = ("en_US", "en_GB", "fr_FR", "fr")
"""The dictionaries offered when installed: English and French (Debian's hunspell-en-us and hunspell-fr)."""

# A token is what lies between spaces; links and addresses are whole tokens and are skipped as such.
_TOKEN = re.compile(r"\S+")
_SKIPPED_TOKEN = re.compile(r"(?i)^[<(\[\"']*(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)|@")
# Words: letters (any script) with inner apostrophes or hyphens ("aujourd'hui", "e-mail", "don't").
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def personal_list_path() -> Path:
    return config_dir() / "dictionary.txt"


def words_to_check(text: str) -> list[tuple[int, str]]:
    """(offset, word) for each word of ``text`` worth checking: not in a link, an address or a quoted line."""
    if text.lstrip().startswith(">"):
        return []
    found = []
    for token in _TOKEN.finditer(text):
        if _SKIPPED_TOKEN.search(token.group()):
            continue
        for word in _WORD.finditer(token.group()):
            if len(word.group()) > 1:
                found.append((token.start() + word.start(), word.group()))
    return found


def language_name(tag: str) -> str:
    """ "English (United States)", "français (France)": the language in its own words."""
    qlocale = QLocale(tag)
    if qlocale.language() == QLocale.Language.English:
        name = QLocale.languageToString(qlocale.language())  # "English", not Qt's "American English"
    else:
        name = qlocale.nativeLanguageName() or tag
    if "_" in tag and qlocale.nativeTerritoryName():
        name = f"{name} ({qlocale.nativeTerritoryName()})"
    return name[:1].upper() + name[1:]


class Speller(QObject):
    """The dictionaries and the person's own words. ``available`` is False without enchant or dictionaries;
    ``problem`` then says why, in words."""

    wordsChanged = Signal()  # a word was added or ignored: highlighters look again

    def __init__(self, personal_list: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.personal_list = personal_list or personal_list_path()
        self.problem = ""
        self._enchant: Any = None
        self._dicts: dict[str, Any] = {}
        self._cache: dict[str, dict[str, bool]] = {}
        self._ignored: set[str] = set()
        self._personal: set[str] = set()
        self.languages: list[str] = []
        try:
            import enchant  # noqa: PLC0415 - optional at run time: the composer works without it

            self._enchant = enchant
            installed = set(enchant.list_languages())
        except (ImportError, OSError) as exc:  # pyenchant missing, or libenchant not found
            log.info("Spell checking unavailable: %s", exc)
            self.problem = QCoreApplication.translate(
                "Spelling", "Spell checking is unavailable: the enchant library is not installed.")
            return
        self.languages = [tag for tag in WANTED_LANGUAGES if tag in installed]
        if "fr_FR" in self.languages and "fr" in self.languages:
            self.languages.remove("fr")
        if not self.languages:
            self.problem = QCoreApplication.translate(
                "Spelling", "Spell checking is unavailable: no English or French dictionary is installed.")
        self._load_personal()

    @property
    def available(self) -> bool:
        return bool(self.languages)

    def _load_personal(self) -> None:
        try:
            text = self.personal_list.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("Could not read the personal dictionary: %s", exc)
            return
        self._personal = {line.strip() for line in text.splitlines() if line.strip()}

    def _dict(self, language: str) -> Any:
        if language not in self._dicts:
            try:
                self._dicts[language] = self._enchant.Dict(language) if self._enchant is not None else None
            except Exception as exc:  # noqa: BLE001 - enchant raises its own errors for a broken dictionary
                log.warning("Dictionary %s could not be loaded: %s", language, exc)
                self._dicts[language] = None
        return self._dicts[language]

    def check(self, language: str, word: str) -> bool:
        """True if ``word`` is right (or cannot be judged)."""
        if word in self._personal or word in self._ignored:
            return True
        cache = self._cache.setdefault(language, {})
        verdict = cache.get(word)
        if verdict is None:
            dictionary = self._dict(language)
            verdict = True if dictionary is None else bool(dictionary.check(word))
            if not verdict and word[:1].isupper() and word[1:].islower():
                verdict = bool(dictionary.check(word.lower()))  # a capital at the start of a sentence
            cache[word] = verdict
        return verdict

    def suggest(self, language: str, word: str, limit: int = 6) -> list[str]:
        dictionary = self._dict(language)
        return [] if dictionary is None else list(dictionary.suggest(word))[:limit]

    def add(self, word: str) -> None:
        """Into the personal word list (a private file in the config folder), for every language and message."""
        if word in self._personal:
            return
        self._personal.add(word)
        try:
            private_file(self.personal_list)
            with self.personal_list.open("a", encoding="utf-8") as handle:
                handle.write(word + "\n")
        except OSError as exc:
            log.warning("Could not save %r to the personal dictionary: %s", word, exc)
        self.wordsChanged.emit()

    def ignore(self, word: str) -> None:
        """Accepted until Facteur quits, in every composer."""
        self._ignored.add(word)
        self.wordsChanged.emit()


_speller: Speller | None = None


def speller() -> Speller:
    """The application's Speller, created on first use."""
    global _speller
    if _speller is None:
        _speller = Speller()
    return _speller


def system_language(languages: list[str]) -> str:
    """The installed dictionary closest to the system's locale (its language, then English)."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    for candidate in (name, name.split("_")[0]):
        for tag in languages:
            if tag == candidate or tag.split("_")[0] == candidate:
                return tag
    return next((tag for tag in languages if tag.startswith("en")), languages[0] if languages else "")


class LanguageMemory:
    """The language last chosen for each identity (the address a message is sent from), then the last one chosen
    at all, then the system's."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or private_settings(QSettings(APP_NAME, APP_NAME))

    def language_for(self, address: str, languages: list[str]) -> str:
        for key in (f"spelling/identity/{address.lower()}", "spelling/last"):
            value = str(self._settings.value(key, "") or "")
            if value in languages or value == "off":
                return value
        return system_language(languages)

    def remember(self, address: str, language: str) -> None:
        if address:
            self._settings.setValue(f"spelling/identity/{address.lower()}", language)
        self._settings.setValue("spelling/last", language)


class SpellHighlighter(QSyntaxHighlighter):
    """Red wavy lines under the words the dictionary of ``language`` does not know ("off": none)."""

    def __init__(self, document: QTextDocument, checker: Speller) -> None:
        super().__init__(document)
        self._checker = checker
        self._language = ""
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(QColor("#d70000"))
        checker.wordsChanged.connect(self.rehighlight)

    @property
    def language(self) -> str:
        return self._language

    def set_language(self, language: str) -> None:
        if language != self._language:
            self._language = language
            self.rehighlight()

    @property
    def active(self) -> bool:
        return self._checker.available and self._language in self._checker.languages

    def misspelled(self, text: str, block_quoted: bool = False) -> list[tuple[int, str]]:
        if not self.active or block_quoted:
            return []
        return [(start, word) for start, word in words_to_check(text) if not self._checker.check(self._language, word)]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        block = self.currentBlock()
        quoted = block.isValid() and quote_level(block.blockFormat()) > 0
        for start, word in self.misspelled(text, quoted):
            self.setFormat(start, len(word), self._format)


def word_at(text: str, position: int) -> tuple[int, str] | None:
    """The checkable word of ``text`` (one block) that ``position`` falls in."""
    for start, word in words_to_check(text):
        if start <= position <= start + len(word):
            return start, word
    return None



class SpellingButton(QToolButton):
    """The composer's "Spelling" menu: the language of this message (each installed dictionary, or none); without
    spell checking it says why. The choice is remembered for the identity the message is sent from."""

    languageChanged = Signal(str)

    def __init__(self, highlighter: SpellHighlighter, checker: Speller, memory: LanguageMemory | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spellingButton")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._highlighter = highlighter
        self._checker = checker
        self._memory = memory or LanguageMemory()
        self._address = ""
        self._chosen = False  # the person picked a language for this message: a change of sender keeps it
        menu = QMenu(self)
        self.setMenu(menu)
        self._group = QActionGroup(self)
        self._actions: dict[str, QAction] = {}
        if not checker.available:
            note = menu.addAction(checker.problem)
            note.setEnabled(False)
            self.setText(QCoreApplication.translate("Spelling", "No Spell Checking"))
            self.setToolTip(checker.problem)
            return
        for tag in [*checker.languages, "off"]:
            label = language_name(tag) if tag != "off" else QCoreApplication.translate("Spelling", "Do Not Check")
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setData(tag)
            self._group.addAction(action)
            action.triggered.connect(lambda _checked=False, t=tag: self.choose(t))
            self._actions[tag] = action
        self.setToolTip(QCoreApplication.translate("Spelling", "Spell checking language of this message"))

    @property
    def language(self) -> str:
        return self._highlighter.language

    def for_sender(self, address: str) -> None:
        """The message is sent from ``address``: its remembered language, unless one was chosen for this message."""
        self._address = address
        if not self._chosen and self._checker.available:
            self.set_language(self._memory.language_for(address, self._checker.languages))

    def choose(self, language: str) -> None:
        """The person's choice from the menu: for this message, and remembered for its identity."""
        self._chosen = True
        self._memory.remember(self._address, language)
        self.set_language(language)
        self.languageChanged.emit(language)

    def set_language(self, language: str, *, chosen: bool = False) -> None:
        """Show and check in ``language`` ("off" for none); a draft's saved language counts as chosen."""
        if not self._checker.available or language not in self._actions:
            return
        self._chosen = self._chosen or chosen
        self._actions[language].setChecked(True)
        self._highlighter.set_language(language)
        name = language_name(language) if language != "off" else QCoreApplication.translate("Spelling", "Off")
        self.setText(QCoreApplication.translate("Spelling", "Spelling: %1").replace("%1", name))
