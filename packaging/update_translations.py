"""Refresh Facteur's translation catalogues from the code, then compile them for the app.

    python packaging/update_translations.py            # lupdate over gui/**/*.py, then lrelease
    python packaging/update_translations.py --release  # only lrelease (after editing a .ts by hand)
    python packaging/update_translations.py --prune    # also drop the strings the code no longer has

``lupdate`` adds new strings as unfinished; a translator then fills in ``resources/translations/facteur_fr.ts``
(with Qt Linguist, ``pyside6-linguist``, or any editor) and runs this again. Strings the code no longer has stay
in the catalogue as "vanished" — left out of the ``.qm``, but brought back, translated, if the code uses them
again — until ``--prune``. A string that only moved to another context (a class renamed, a helper fixed) keeps
its translation. ``facteur_en.ts`` only holds the English plural forms (``self.tr("%n message(s)", "", n)``).
Unfinished translations are left out of the ``.qm`` files, so a half-reviewed string shows in English.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"
CATALOGUE = "facteur"
SOURCE_LANGUAGE = "en"
# Target languages with a full catalogue; the source language gets a plural-forms-only one.
LANGUAGES = ("fr",)


# pyside6-lupdate 6.11 takes ``translate(ctx, "%n file(s)", None, count)`` for a plural only when ``count`` is a
# literal number, so it would strip every plural form from the catalogues. The Makefile installs 6.12's lupdate (a
# C++ program: it runs no Python, so the 6.12 binding bug pinned away in pyproject.toml cannot reach it) here.
LUPDATE_612 = Path(sys.prefix) / "lupdate-qt" / "PySide6" / "lupdate"


def tool(name: str) -> str:
    """A Qt tool from the running interpreter's environment, else from PATH."""
    if name == "pyside6-lupdate" and LUPDATE_612.exists():
        return str(LUPDATE_612)
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 in this environment")
    return found


def source_files() -> list[str]:
    # lupdate does not pick .py files when given a folder, so every file is named.
    return sorted(str(path.relative_to(ROOT)) for path in SOURCES.rglob("*.py") if "__pycache__" not in path.parts)


def catalogue(language: str) -> Path:
    return TRANSLATIONS / f"{CATALOGUE}_{language}.ts"


def lupdate(files: list[str], ts: Path, language: str, *extra: str) -> None:
    # No source locations: many people edit gui/ at once, and line numbers would churn every catalogue.
    # The command is Qt's own tool over this repository's files: nothing untrusted reaches it.
    subprocess.run([tool("pyside6-lupdate"), "-silent", "-locations", "none",  # noqa: S603
                    "-source-language", SOURCE_LANGUAGE, "-target-language", language, *extra, *files,
                    "-ts", str(ts)], cwd=ROOT, check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)], check=True)  # noqa: S603


Translations = dict[tuple[str, str], tuple[str, ...]]


def is_live(message: ET.Element) -> bool:
    """Whether the code still has this string (lupdate marks the others vanished or obsolete)."""
    translation = message.find("translation")
    return translation is None or translation.get("type") not in ("vanished", "obsolete")


def finished_translations(ts: Path) -> Translations:
    """(context, source) -> the translation's text(s), for every finished message of a catalogue."""
    found: Translations = {}
    if not ts.exists():
        return found
    for context in ET.parse(ts).getroot().iter("context"):  # noqa: S314 (the repository's own catalogue)
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type"):
                continue
            texts = tuple(form.text or "" for form in translation.iter("numerusform")) or (translation.text or "",)
            found[(context.findtext("name") or "", message.findtext("source") or "")] = texts
    return found


def keep_moved_translations(ts: Path, before: Translations) -> int:
    """Finish the strings lupdate refilled from a context that is gone: they moved, their meaning did not.

    lupdate's same-text heuristic copies such a translation but marks it unfinished, which would show the
    string in English until someone reviews it. A translation copied from a context that still exists stays
    unfinished: the same English words in two places may need two different French ones.
    """
    tree = ET.parse(ts)  # noqa: S314 (the repository's own catalogue)
    root = tree.getroot()
    now = {(context.findtext("name") or "", message.findtext("source") or "")
           for context in root.iter("context") for message in context.iter("message") if is_live(message)}
    gone: dict[str, set[tuple[str, ...]]] = {}
    for (context, source), texts in before.items():
        if (context, source) not in now:
            gone.setdefault(source, set()).add(texts)
    kept = 0
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") != "unfinished":
            continue
        texts = tuple(form.text or "" for form in translation.iter("numerusform")) or (translation.text or "",)
        if texts in gone.get(message.findtext("source") or "", set()):
            del translation.attrib["type"]
            kept += 1
    if kept:
        tree.write(ts, encoding="utf-8", xml_declaration=True)
    return kept


def update(prune: bool = False) -> None:
    files = source_files()
    extra = ("-no-obsolete",) if prune else ()
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        ts = catalogue(language)
        before = finished_translations(ts)
        lupdate(files, ts, language, *extra)
        if keep_moved_translations(ts, before):
            lupdate(files, ts, language, *extra)  # once more, to write the catalogue back in lupdate's own layout
    lupdate(files, catalogue(SOURCE_LANGUAGE), SOURCE_LANGUAGE, "-pluralonly", *extra)


def release() -> None:
    for ts in sorted(TRANSLATIONS.glob(f"{CATALOGUE}_*.ts")):
        lrelease(ts, ts.with_suffix(".qm"))
        print(ts.with_suffix(".qm").relative_to(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", action="store_true", help="only compile the .ts files to .qm")
    parser.add_argument("--prune", action="store_true", help="drop the strings the code no longer has")
    args = parser.parse_args(argv)
    if not args.release:
        update(prune=args.prune)
    release()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
