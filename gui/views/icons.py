"""The icons of the mail views: the desktop's icon theme when it has one, else Facteur's own line drawings.

Themes name mail icons differently (Breeze ``mail-folder-inbox``, others ``mail-inbox``) and many have none at
all, so each icon lists the theme names worth trying and falls back to a small SVG drawn here in the palette's
text colour, which keeps the look consistent on a bare desktop (and under Xvfb).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

# 24×24 line drawings; "C" is replaced by the colour.
_OUTLINE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="C" stroke-width="1.7" '
    'stroke-linecap="round" stroke-linejoin="round">{}</svg>'
)
_FILLED = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="C" stroke="none">{}</svg>'
_ENVELOPE = '<rect x="3" y="6" width="18" height="13" rx="1.5"/><path d="M3.5 7l8.5 6.5 8.5-6.5"/>'
_TRAY = '<path d="M3 13h5l1.5 3h5l1.5-3h5"/><path d="M3 13v6h18v-6"/>'
_STAR = "M12 3l2.8 5.8 6.2.9-4.5 4.4 1.1 6.2L12 17.3l-5.6 3 1.1-6.2L3 9.7l6.2-.9z"

_DRAWINGS: dict[str, tuple[str, str]] = {
    "inbox": (_OUTLINE, _TRAY + '<path d="M6 13l1.5-8h9L18 13"/><path d="M9 9h6"/>'),
    "outbox": (_OUTLINE, _TRAY + '<path d="M12 3v8M8.5 6.5L12 3l3.5 3.5"/>'),
    "drafts": (_OUTLINE, '<path d="M4 20h4L19.5 8.5l-4-4L4 16z"/><path d="M13.5 6.5l4 4"/>'),
    "sent": (_OUTLINE, '<path d="M3 11l18-8-7 18-3-7z"/><path d="M11 14l10-11"/>'),
    "archive": (_OUTLINE, '<rect x="3" y="4" width="18" height="5" rx="1"/><path d="M5 9v10h14V9"/>'
                          '<path d="M10 13h4"/>'),
    "junk": (_OUTLINE, '<path d="M8 3h8l5 5v8l-5 5H8l-5-5V8z"/><path d="M12 7.5v5.5"/><path d="M12 16.5v.2"/>'),
    "trash": (_OUTLINE, '<path d="M4 7h16"/><path d="M9 7V4h6v3"/><path d="M6 7l1 13h10l1-13"/>'
                        '<path d="M10 11v6M14 11v6"/>'),
    "folder": (_OUTLINE, '<path d="M3 6.5A1.5 1.5 0 0 1 4.5 5H9l2 2h8.5A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 '
                         '1.5h-15A1.5 1.5 0 0 1 3 17.5z"/>'),
    "all": (_OUTLINE, '<rect x="3" y="8" width="15" height="11" rx="1.5"/><path d="M3.5 9l7 5.5 7-5.5"/>'
                      '<path d="M6 5h13.5A1.5 1.5 0 0 1 21 6.5V15"/>'),
    "important": (_OUTLINE, '<path d="M3 6h13l5 6-5 6H3l4-6z"/>'),
    "account": (_OUTLINE, '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 3.6-6 8-6s8 2 8 6"/>'),
    "local": (_OUTLINE, '<rect x="3" y="4" width="18" height="12" rx="1.5"/><path d="M8 20h8M12 16v4"/>'),
    "star": (_FILLED, f'<path d="{_STAR}"/>'),
    "star-outline": (_OUTLINE, f'<path d="{_STAR}"/>'),
    "attachment": (_OUTLINE, '<path d="M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.5 3.5 0 0 1 5 5L10 17.5a2 2 0 0 '
                             '1-3-3l7.5-7.5"/>'),
    "new": (_OUTLINE, '<path d="M13 6H4.5A1.5 1.5 0 0 0 3 7.5v10A1.5 1.5 0 0 0 4.5 19h13a1.5 1.5 0 0 0 1.5-1.5V13"/>'
                      '<path d="M3.5 8l7.5 5.5 3-2.2"/><path d="M19 2v8M15 6h8"/>'),
    "reply": (_OUTLINE, '<path d="M10 5l-7 7 7 7"/><path d="M3 12h10a8 8 0 0 1 8 8"/>'),
    "reply-all": (_OUTLINE, '<path d="M12 5l-7 7 7 7"/><path d="M7 5l-6 7 6 7"/><path d="M5 12h9a8 8 0 0 1 8 8"/>'),
    "forward": (_OUTLINE, '<path d="M14 5l7 7-7 7"/><path d="M21 12H11a8 8 0 0 0-8 8"/>'),
    "mark-read": (_OUTLINE, '<path d="M3 10l9-6 9 6v9.5a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 19.5z"/>'
                            '<path d="M3.5 10.5l8.5 6 8.5-6"/>'),
    "mark-unread": (_OUTLINE, _ENVELOPE + '<circle cx="19.5" cy="5.5" r="3" fill="C"/>'),
    "refresh": (_OUTLINE, '<path d="M20 12a8 8 0 1 1-2.3-5.7"/><path d="M20 3.5V8h-4.5"/>'),
    "search": (_OUTLINE, '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5L21 21"/>'),
    "shield": (_OUTLINE, '<path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z"/><path d="M9 12l2 2 4-4"/>'),
    "save": (_OUTLINE, '<path d="M12 4v11M7.5 10.5L12 15l4.5-4.5"/><path d="M4 17v3h16v-3"/>'),
    "open": (_OUTLINE, '<path d="M14 4h6v6"/><path d="M20 4l-9 9"/><path d="M18 14v5.5a.5.5 0 0 1-.5.5h-13a.5.5 '
                       '0 0 1-.5-.5v-13a.5.5 0 0 1 .5-.5H10"/>'),
    "file": (_OUTLINE, '<path d="M6 3h8l5 5v12.5a.5.5 0 0 1-.5.5h-12a.5.5 0 0 1-.5-.5z"/><path d="M14 3v5h5"/>'),
    "stop": (_OUTLINE, '<circle cx="12" cy="12" r="9"/><path d="M9 9l6 6M15 9l-6 6"/>'),
    "unread-dot": (_FILLED, '<circle cx="12" cy="12" r="4.5"/>'),
    "collapsed": (_OUTLINE, '<path d="M9 6l6 6-6 6"/>'),
    "expanded": (_OUTLINE, '<path d="M6 9l6 6 6-6"/>'),
    "in-thread": (_OUTLINE, '<path d="M8 5v7a3 3 0 0 0 3 3h7"/><path d="M15 12l3 3-3 3"/>'),
}

# Theme names tried first, so that the desktop's own icons win where it has them.
_THEME_NAMES: dict[str, tuple[str, ...]] = {
    "inbox": ("mail-folder-inbox", "mail-inbox"),
    "outbox": ("mail-folder-outbox", "mail-outbox"),
    "drafts": ("mail-folder-drafts", "mail-drafts"),
    "sent": ("mail-folder-sent", "mail-sent"),
    "archive": ("mail-folder-archive", "mail-archive"),
    "junk": ("mail-mark-junk",),
    "trash": ("user-trash",),
    "folder": ("folder-mail", "folder"),
    "new": ("mail-message-new",),
    "reply": ("mail-reply-sender",),
    "reply-all": ("mail-reply-all",),
    "forward": ("mail-forward",),
    "mark-read": ("mail-mark-read",),
    "mark-unread": ("mail-mark-unread",),
    "refresh": ("view-refresh",),
    "search": ("edit-find", "system-search"),
    "attachment": ("mail-attachment",),
    "save": ("document-save",),
    "open": ("document-open",),
}

# What colour each status dot gets; these are not drawings, they carry meaning by colour and by tooltip text.
_STATE_COLOURS = {"online": "#2e9d4b", "connecting": "#d99a1e", "offline": "#8a8a8a", "error": "#d03b3b",
                  "locked": "#d03b3b", "opening": "#d99a1e", "upgrading": "#d99a1e", "unusable": "#d03b3b"}


def _text_colour(group: QPalette.ColorGroup = QPalette.ColorGroup.Active) -> str:
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return str(app.palette().color(group, QPalette.ColorRole.WindowText).name())
    return "#303030" if group != QPalette.ColorGroup.Disabled else "#a0a0a0"


class _DrawnIconEngine(QIconEngine):
    """A drawing rendered at the size (and device pixel ratio) a view asks for, when it asks, and kept: rendering
    every size × ratio up front cost the folder tree's first paint ~35 ms of the GUI thread."""

    def __init__(self, svgs: dict[QIcon.Mode, bytes]) -> None:
        super().__init__()
        self._svgs = svgs
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def rendered(self) -> int:
        """How many pixmaps were rendered so far (one per size, ratio and mode asked for)."""
        return len(self._pixmaps)

    def _render(self, width: int, height: int, mode: QIcon.Mode) -> QPixmap:
        svg = self._svgs.get(mode) or self._svgs[QIcon.Mode.Normal]
        key = (width, height, QIcon.Mode.Disabled if mode == QIcon.Mode.Disabled else QIcon.Mode.Normal)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = QPixmap(max(1, width), max(1, height))
            pixmap.fill(Qt.GlobalColor.transparent)
            side = min(width, height)  # the drawings are square: centred in a rectangle asked for
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            QSvgRenderer(QByteArray(svg)).render(painter, QRectF((width - side) / 2, (height - side) / 2, side, side))
            painter.end()
            self._pixmaps[key] = pixmap
        return pixmap

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        pixmap = QPixmap(self._render(round(size.width() * scale), round(size.height() * scale), mode))
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, ratio))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        twin = _DrawnIconEngine(self._svgs)
        _ENGINES.append(twin)  # Qt owns what clone() returns; the Python object must outlive it
        return twin

    def key(self) -> str:
        return "facteur-drawn"


_ENGINES: list[_DrawnIconEngine] = []
"""Every engine made, kept for the process: a QIcon shares its engine with its copies and may outlive any Python
reference to it (the icons are few, and cached by :func:`_drawn`)."""


@cache
def _drawn(name: str, colour: str, disabled_colour: str | None = None) -> QIcon:
    template, body = _DRAWINGS[name]
    svg = template.format(body)
    svgs = {QIcon.Mode.Normal: svg.replace('"C"', f'"{colour}"').encode("utf-8")}
    if disabled_colour is not None:
        # Drawn in the palette's disabled colour: Qt's own greying leaves thin dark lines looking enabled.
        svgs[QIcon.Mode.Disabled] = svg.replace('"C"', f'"{disabled_colour}"').encode("utf-8")
    engine = _DrawnIconEngine(svgs)
    _ENGINES.append(engine)
    return QIcon(engine)


def icon(name: str, colour: str | None = None) -> QIcon:
    """The icon called ``name`` (one of the keys above): from the theme if it has one, else drawn."""
    if colour is None:
        for theme_name in _THEME_NAMES.get(name, ()):
            if QIcon.hasThemeIcon(theme_name):
                return QIcon.fromTheme(theme_name)
    if name not in _DRAWINGS:
        raise KeyError(f"Facteur has no icon called {name!r}")
    if colour is not None:
        return _drawn(name, colour)
    return _drawn(name, _text_colour(), _text_colour(QPalette.ColorGroup.Disabled))


def warm_up() -> None:
    """Pay the drawings' first-use costs now: PySide making the Python types and enums the first painted icon
    meets (the painter's device, QImage's formats, the SVG reader's tokens) and QtSvg's first parse, ~3 ms of
    CPU that a loaded machine stretched to ~30 ms at the folder tree's first paint, once the window was on screen.
    Called while the window is built, before anything is shown."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        _drawn("folder", "#000000").paint(painter, QRect(0, 0, 16, 16))
    finally:
        painter.end()


def folder_icon(special_use: str | None) -> QIcon:
    """The icon of a folder with this special use (``"inbox"``, ``"sent"``... or None for a plain folder)."""
    if special_use == "failed":  # the Outbox holding messages that could not be sent
        return icon("outbox", _STATE_COLOURS["error"])
    mapping = {"flagged": "star-outline", "important": "important", "all": "all"}
    name = mapping.get(special_use or "", special_use or "folder")
    return icon(name if name in _DRAWINGS else "folder")


def state_icon(state: str) -> QIcon:
    """A coloured dot for a connection state: online, connecting, offline or error."""
    return _drawn("unread-dot", _STATE_COLOURS.get(state, _STATE_COLOURS["offline"]))
