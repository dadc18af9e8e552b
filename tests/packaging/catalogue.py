"""Reading Qt's .ts translation catalogues in tests."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    kind: str  # the translation's type attribute: "" when finished, else "unfinished", "vanished", "obsolete"
    translations: tuple[str, ...]  # one text, or one per plural form
    numerus: bool

    @property
    def live(self) -> bool:
        """Whether the code has this string; vanished ones are kept only to be reused if it comes back."""
        return self.kind not in ("vanished", "obsolete")


def read_catalogue(path: Path, *, live_only: bool = True) -> list[Message]:
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            numerus = message.get("numerus") == "yes"
            texts = tuple(form.text or "" for form in translation.iter("numerusform")) if numerus else (
                translation.text or "",)
            messages.append(Message(name, message.findtext("source") or "", translation.get("type", ""), texts,
                                    numerus))
    return [m for m in messages if m.live or not live_only]


def update_translations_module() -> ModuleType:
    """packaging/update_translations.py, which is a script rather than a package module."""
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "packaging" / "update_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
