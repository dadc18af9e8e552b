"""The message body: a rich-text editor (bold, italic, lists, links, quotes, undo/redo) or plain text by choice.

Files pasted or dropped into the text become attachments instead of links; a pasted image (a screenshot) becomes
a PNG attachment. Pasted HTML keeps its formatting; no remote content is ever fetched (QTextEdit does not).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QIcon,
    QImage,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextListFormat,
)
from PySide6.QtWidgets import QInputDialog, QMenu, QTextEdit, QToolBar, QVBoxLayout, QWidget

from connectors.messaging.compose import Attachment

from .attachments import attachments_from_mime, carries_files, local_paths
from .rich_text import document_to_html, document_to_text, quote_level, set_quote_level
from .spelling import Speller, SpellHighlighter, speller, word_at


class ComposeTextEdit(QTextEdit):
    filesPasted = Signal(list)  # local paths
    attachmentsPasted = Signal(list)  # Attachment objects

    def __init__(self, parent: QWidget | None = None, checker: Speller | None = None) -> None:
        super().__init__(parent)
        self.checker = checker or speller()
        self.spelling = SpellHighlighter(self.document(), self.checker)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def context_menu(self, position: QPoint) -> QMenu:
        """The standard menu, with the spelling's suggestions, "Add to Dictionary" and "Ignore" on top when the
        word under ``position`` (viewport coordinates) is underlined."""
        menu = self.createStandardContextMenu(position)
        cursor = self.cursorForPosition(position)
        block = cursor.block()
        quoted = quote_level(block.blockFormat()) > 0
        found = word_at(block.text(), cursor.positionInBlock())
        if found is None or not self.spelling.misspelled(found[1], quoted):
            return menu
        start, word = found
        language = self.spelling.language
        first = menu.actions()[0] if menu.actions() else None
        suggestions = self.checker.suggest(language, word)
        for suggestion in suggestions:
            action = QAction(suggestion, menu)
            font = action.font()
            font.setBold(True)
            action.setFont(font)
            action.triggered.connect(
                lambda _checked=False, s=suggestion: self.replace_word(block.position() + start, word, s))
            menu.insertAction(first, action)
        if not suggestions:
            none = QAction(QCoreApplication.translate("BodyEditor", "(no suggestions)"), menu)
            none.setEnabled(False)
            menu.insertAction(first, none)
        add = QAction(QCoreApplication.translate("BodyEditor", "Add “%1” to Dictionary").replace("%1", word), menu)
        add.triggered.connect(lambda: self.checker.add(word))
        ignore = QAction(QCoreApplication.translate("BodyEditor", "Ignore “%1”").replace("%1", word), menu)
        ignore.triggered.connect(lambda: self.checker.ignore(word))
        menu.insertAction(first, add)
        menu.insertAction(first, ignore)
        menu.insertSeparator(first)
        return menu

    def replace_word(self, position: int, word: str, replacement: str) -> None:
        """Put ``replacement`` where ``word`` starts at ``position`` (one undo step, the word's formatting kept)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        cursor.setPosition(position + len(word), QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText() != word:
            return  # the text changed under the menu
        cursor.insertText(replacement)
        self.setTextCursor(cursor)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt override
        return carries_files(source) or source.hasImage() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt override
        if carries_files(source):
            paths = local_paths(source)
            if paths:
                self.filesPasted.emit(paths)
            dragged = attachments_from_mime(source)
            if dragged:
                self.attachmentsPasted.emit(dragged)
            return
        if source.hasImage() and not source.hasText():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                data = QByteArray()
                buffer = QBuffer(data)
                buffer.open(QIODevice.OpenModeFlag.WriteOnly)
                image.save(buffer, "PNG")
                self.attachmentsPasted.emit(
                    [
                        Attachment(
                            QCoreApplication.translate("BodyEditor", "pasted image") + ".png",
                            bytes(data.data()),
                            "image/png",
                        )
                    ]
                )
                return
        if not self.acceptRichText():
            self.insertPlainText(source.text())
            return
        super().insertFromMimeData(source)


class BodyEditor(QWidget):
    """The formatting toolbar over the text. ``plain_only`` turns formatting off (and strips it, once asked)."""

    changed = Signal()
    plainOnlyChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_edit = ComposeTextEdit(self)
        self.text_edit.setAccessibleName(QCoreApplication.translate("BodyEditor", "Message body"))
        self.text_edit.setTabChangesFocus(False)
        self.text_edit.document().setDocumentMargin(12)
        self.toolbar = QToolBar(QCoreApplication.translate("BodyEditor", "Formatting"), self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._plain_only = False
        self._actions: dict[str, QAction] = {}
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.text_edit, 1)
        self.text_edit.textChanged.connect(self.changed)
        self.text_edit.currentCharFormatChanged.connect(self._sync_buttons)
        self.text_edit.cursorPositionChanged.connect(self._sync_buttons)

    # -- toolbar -------------------------------------------------------------------------------------------

    def _action(
        self,
        key: str,
        label: str,
        tip: str,
        shortcut: QKeySequence | str | None,
        slot: object,
        icon: str = "",
        checkable: bool = False,
        font: QFont | None = None,
    ) -> QAction:
        action = QAction(QIcon.fromTheme(icon) if icon else QIcon(), label, self)
        action.setToolTip(
            tip + (f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})" if shortcut else "")
        )
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setCheckable(checkable)
        if font is not None:
            action.setFont(font)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self._actions[key] = action
        return action

    def _build_toolbar(self) -> None:
        bold, italic, underline = QFont(), QFont(), QFont()
        bold.setBold(True)
        italic.setItalic(True)
        underline.setUnderline(True)
        self._action(
            "bold",
            QCoreApplication.translate("BodyEditor", "B"),
            QCoreApplication.translate("BodyEditor", "Bold"),
            QKeySequence.StandardKey.Bold,
            self.toggle_bold,
            checkable=True,
            font=bold,
        )
        self._action(
            "italic",
            QCoreApplication.translate("BodyEditor", "I"),
            QCoreApplication.translate("BodyEditor", "Italic"),
            QKeySequence.StandardKey.Italic,
            self.toggle_italic,
            checkable=True,
            font=italic,
        )
        self._action(
            "underline",
            QCoreApplication.translate("BodyEditor", "U"),
            QCoreApplication.translate("BodyEditor", "Underline"),
            QKeySequence.StandardKey.Underline,
            self.toggle_underline,
            checkable=True,
            font=underline,
        )
        self.toolbar.addSeparator()
        self._action(
            "bullets",
            QCoreApplication.translate("BodyEditor", "• List"),
            QCoreApplication.translate("BodyEditor", "Bulleted list"),
            "Ctrl+Shift+8",
            self.toggle_bullets,
            checkable=True,
        )
        self._action(
            "numbers",
            QCoreApplication.translate("BodyEditor", "1. List"),
            QCoreApplication.translate("BodyEditor", "Numbered list"),
            "Ctrl+Shift+7",
            self.toggle_numbers,
            checkable=True,
        )
        self._action(
            "quote",
            QCoreApplication.translate("BodyEditor", "❝ Quote"),
            QCoreApplication.translate("BodyEditor", "Quote"),
            "Ctrl+'",
            self.quote,
        )
        self._action(
            "unquote",
            QCoreApplication.translate("BodyEditor", "Unquote"),
            QCoreApplication.translate("BodyEditor", "Remove one quote level"),
            "Ctrl+Shift+'",
            self.unquote,
        )
        self._action(
            "link",
            QCoreApplication.translate("BodyEditor", "Link…"),
            QCoreApplication.translate("BodyEditor", "Insert or edit a link"),
            "Ctrl+K",
            self.insert_link,
        )
        self.toolbar.addSeparator()
        self._action(
            "undo",
            QCoreApplication.translate("BodyEditor", "Undo"),
            QCoreApplication.translate("BodyEditor", "Undo"),
            QKeySequence.StandardKey.Undo,
            self.text_edit.undo,
            icon="edit-undo",
        )
        self._action(
            "redo",
            QCoreApplication.translate("BodyEditor", "Redo"),
            QCoreApplication.translate("BodyEditor", "Redo"),
            QKeySequence.StandardKey.Redo,
            self.text_edit.redo,
            icon="edit-redo",
        )
        self._actions["undo"].setEnabled(False)
        self._actions["redo"].setEnabled(False)
        self.text_edit.undoAvailable.connect(self._actions["undo"].setEnabled)
        self.text_edit.redoAvailable.connect(self._actions["redo"].setEnabled)

    def action(self, key: str) -> QAction:
        return self._actions[key]

    def _merge(self, fmt: QTextCharFormat) -> None:
        cursor = self.text_edit.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        cursor.mergeCharFormat(fmt)
        self.text_edit.mergeCurrentCharFormat(fmt)

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontWeight(
            QFont.Weight.Normal if self.text_edit.fontWeight() >= QFont.Weight.Bold else QFont.Weight.Bold
        )
        self._merge(fmt)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(not self.text_edit.fontItalic())
        self._merge(fmt)

    def toggle_underline(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontUnderline(not self.text_edit.fontUnderline())
        self._merge(fmt)

    def _toggle_list(self, style: QTextListFormat.Style) -> None:
        cursor = self.text_edit.textCursor()
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() == style:
            # Turning the list off: each item becomes a plain line again.
            block = cursor.block()
            current.remove(block)
            fmt = block.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        else:
            list_format = QTextListFormat()
            list_format.setStyle(style)
            list_format.setIndent(1)
            if current is not None:
                current.setFormat(list_format)
            else:
                cursor.createList(list_format)
        cursor.endEditBlock()
        self._sync_buttons()

    def toggle_bullets(self) -> None:
        self._toggle_list(QTextListFormat.Style.ListDisc)

    def toggle_numbers(self) -> None:
        self._toggle_list(QTextListFormat.Style.ListDecimal)

    def quote(self) -> None:
        set_quote_level(self.text_edit.textCursor(), +1)

    def unquote(self) -> None:
        set_quote_level(self.text_edit.textCursor(), -1)

    def insert_link(self) -> None:
        cursor = self.text_edit.textCursor()
        current = cursor.charFormat().anchorHref()
        url, ok = QInputDialog.getText(
            self,
            QCoreApplication.translate("BodyEditor", "Link"),
            QCoreApplication.translate("BodyEditor", "Address (URL):"),
            text=current or "https://",
        )
        if ok and url.strip():
            self.make_link(url.strip())

    def make_link(self, url: str) -> None:
        cursor = self.text_edit.textCursor()
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(url)
        fmt.setFontUnderline(True)
        fmt.setForeground(self.palette().link())
        if cursor.hasSelection():
            cursor.mergeCharFormat(fmt)
        else:
            cursor.insertText(url, fmt)
            cursor.setCharFormat(QTextCharFormat())
            self.text_edit.setTextCursor(cursor)

    def _sync_buttons(self) -> None:
        edit = self.text_edit
        self._actions["bold"].setChecked(edit.fontWeight() >= QFont.Weight.Bold)
        self._actions["italic"].setChecked(edit.fontItalic())
        self._actions["underline"].setChecked(edit.fontUnderline())
        current = edit.textCursor().currentList()
        style = current.format().style() if current is not None else None
        self._actions["bullets"].setChecked(style == QTextListFormat.Style.ListDisc)
        self._actions["numbers"].setChecked(style == QTextListFormat.Style.ListDecimal)
        self._actions["unquote"].setEnabled(quote_level(edit.textCursor().blockFormat()) > 0)

    # -- plain text ----------------------------------------------------------------------------------------

    @property
    def plain_only(self) -> bool:
        return self._plain_only

    def set_plain_only(self, plain: bool) -> None:
        """Plain text only: the formatting goes (quotes become "> ", lists "- "), the toolbar's formatting too."""
        if plain == self._plain_only:
            return
        self._plain_only = plain
        if plain:
            text = document_to_text(self.text_edit.document())
            self.text_edit.setAcceptRichText(False)
            self.text_edit.setPlainText(text)
        else:
            self.text_edit.setAcceptRichText(True)
        for key in ("bold", "italic", "underline", "bullets", "numbers", "quote", "unquote", "link"):
            self._actions[key].setVisible(not plain)
        self.plainOnlyChanged.emit(plain)
        self.changed.emit()

    # -- content -------------------------------------------------------------------------------------------

    def set_html(self, html: str) -> None:
        self.text_edit.setHtml(html)

    def set_text(self, text: str) -> None:
        self.text_edit.setPlainText(text)

    def html(self) -> str | None:
        """Mail HTML, or None in plain-text mode."""
        return None if self._plain_only else document_to_html(self.text_edit.document())

    def text(self) -> str:
        if self._plain_only:
            return self.text_edit.toPlainText()
        return document_to_text(self.text_edit.document())

    def editor_html(self) -> str:
        """Qt's own HTML, which brings the document back exactly (for drafts)."""
        return self.text_edit.toHtml()

    def focus_start(self) -> None:
        cursor = self.text_edit.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.text_edit.setTextCursor(cursor)
        self.text_edit.setFocus()
