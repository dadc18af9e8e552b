"""A line at the top of the composer for what the person must know now (a refused file, a bad address, a limit)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class Notice(QLabel):
    """A line above the header for what the person must know now (a refused file, a bad address, a size limit)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setMargin(6)
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        colours = {"error": ("#fbe3e4", "#8a1f11"), "warning": ("#fff4ce", "#6b4f00"), "info": ("#e8f1fb", "#1c3f6e")}
        background, foreground = colours.get(kind, colours["info"])
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; border-radius: 4px; }}")
        self.setText(text)
        self.setProperty("kind", kind)
        self.show()
