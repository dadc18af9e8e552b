"""Attachments: dropped from the file manager anywhere on the composer, pasted, listed, removed, refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QThread, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from gui.composer import attachment_mime_data
from gui.composer import window as window_module


def _file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(widget: QWidget, mime: QMimeData) -> bool:
    """Drag ``mime`` over ``widget`` and drop it, as the file manager would; True if the drop was accepted."""
    position = QPointF(widget.rect().center())
    actions = Qt.DropAction.CopyAction
    # Qt declares the enter and move events with an integer QPoint, the drop with a QPointF.
    enter = QDragEnterEvent(position.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(position.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, move)
    event = QDropEvent(position, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def settled(composer: Any, qtbot: Any) -> None:
    """Until the files given to the composer are read (in the pool) and listed."""
    qtbot.waitUntil(lambda: not composer.reading_attachments, timeout=10_000)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    report = tmp_path / "rapport été.pdf"
    report.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    notes = tmp_path / "notes.txt"
    notes.write_text("some notes\n")
    return report, notes


def test_files_dropped_anywhere_become_attachments(tmp_path: Path, account_store: Any, make_postbox: Any,
                                                   qtbot: Any) -> None:
    report, notes = _files(tmp_path)
    composer = make_postbox(account_store).open_composer()
    assert not composer.attachment_pane.isVisible()

    assert drop(composer.editor.text_edit.viewport(), _file_mime(report))
    assert drop(composer.header.to_field, _file_mime(notes))
    assert composer.header.to_field.text() == "", "a file dropped on an address field is not typed into it"
    settled(composer, qtbot)
    assert [a.filename for a in composer.attachment_list.attachments()] == ["rapport été.pdf", "notes.txt"]
    assert composer.editor.text_edit.toPlainText().strip() == "-- \nAlice, from the test"

    composer.attachment_pane.show()
    assert drop(composer.attachment_list.viewport(), _file_mime(notes))
    settled(composer, qtbot)
    assert len(composer.attachment_list.attachments()) == 3
    assert composer.attachment_pane.isVisible()
    labels = [composer.attachment_list.item(i).text() for i in range(composer.attachment_list.count())]
    assert labels[0].startswith("rapport été.pdf") and "kB" in labels[0]  # one size formatter everywhere
    assert "3 attachment(s)" in composer.attachment_summary.text()


def test_a_directory_is_refused_with_a_message(tmp_path: Path, account_store: Any, make_postbox: Any,
                                               qtbot: Any) -> None:
    folder = tmp_path / "Holiday photos"
    folder.mkdir()
    _report, notes = _files(tmp_path)
    composer = make_postbox(account_store).open_composer()
    drop(composer.editor.text_edit.viewport(), _file_mime(folder, notes, tmp_path / "gone.txt"))
    settled(composer, qtbot)
    assert [a.filename for a in composer.attachment_list.attachments()] == ["notes.txt"]
    assert composer.notice.isVisible()
    assert "“Holiday photos” was not attached: it is a folder" in composer.notice.text()
    assert "“gone.txt” was not attached: the file does not exist" in composer.notice.text()


def test_attachment_dragged_from_the_reader(account_store: Any, make_postbox: Any) -> None:
    composer = make_postbox(account_store).open_composer()
    assert drop(composer.editor.text_edit.viewport(), attachment_mime_data("facture.pdf", "application/pdf", b"%PDF"))
    (attachment,) = composer.attachment_list.attachments()
    assert (attachment.filename, attachment.content_type, attachment.data) == ("facture.pdf", "application/pdf",
                                                                              b"%PDF")


def test_pasted_files_are_attached_not_typed(tmp_path: Path, account_store: Any, make_postbox: Any,
                                             qtbot: Any) -> None:
    _report, notes = _files(tmp_path)
    composer = make_postbox(account_store).open_composer()
    clipboard = QApplication.clipboard()
    clipboard.setMimeData(_file_mime(notes))
    try:
        composer.editor.text_edit.paste()
    finally:
        # The clipboard owns the data: empty it now, not while Qt tears down at exit (a crash there).
        clipboard.clear()
    settled(composer, qtbot)
    assert [a.filename for a in composer.attachment_list.attachments()] == ["notes.txt"]
    assert "notes.txt" not in composer.editor.text_edit.toPlainText()


def test_attachments_are_removed_with_the_delete_key(tmp_path: Path, account_store: Any, make_postbox: Any,
                                                     qtbot: Any) -> None:
    report, notes = _files(tmp_path)
    composer = make_postbox(account_store).open_composer()
    composer.add_files([str(report), str(notes)])
    settled(composer, qtbot)
    composer.attachment_list.item(0).setSelected(True)
    QApplication.sendEvent(composer.attachment_list, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Delete,
                                                               Qt.KeyboardModifier.NoModifier))
    assert [a.filename for a in composer.attachment_list.attachments()] == ["notes.txt"]
    composer.attachment_list.clear_all()
    assert not composer.attachment_pane.isVisible()


def test_size_limit_warns_before_and_blocks_past_it(tmp_path: Path, account_store: Any, make_postbox: Any,
                                                    qtbot: Any) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 60_000)
    composer = make_postbox(account_store, max_message_bytes=100_000).open_composer(to=["bob@example.test"],
                                                                                    subject="big")
    composer.add_files([str(big)])
    settled(composer, qtbot)
    assert composer.notice.property("kind") == "warning" and "close to the" in composer.notice.text()
    composer.add_files([str(big)])
    settled(composer, qtbot)
    assert composer.notice.property("kind") == "error" and "over the" in composer.notice.text()
    assert composer.send() is False
    assert "too large" in composer.notice.text()
    assert composer.postbox.outbox.entries() == []
    composer.attachment_list.remove_rows([0, 1])
    assert not composer.notice.isVisible()



def test_files_are_read_off_the_gui_thread_and_listed_in_the_order_given(
        tmp_path: Path, account_store: Any, make_postbox: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 8192)  # 2 MB
    _report, notes = _files(tmp_path)
    composer = make_postbox(account_store).open_composer()
    reader_threads: list[Any] = []
    original = window_module.load_paths

    def watched(paths: Any) -> Any:
        reader_threads.append(QThread.currentThread())
        return original(paths)

    monkeypatch.setattr(window_module, "load_paths", watched)
    composer.add_files([str(big)])
    composer.add_files([str(notes), str(big)])
    assert composer.reading_attachments and composer.attachment_list.attachments() == []  # not read here
    with qtbot.waitSignals([composer.attachmentsRead, composer.attachmentsRead], timeout=10_000):
        pass
    assert reader_threads and all(thread is not QApplication.instance().thread() for thread in reader_threads)
    assert [a.filename for a in composer.attachment_list.attachments()] == ["big.bin", "notes.txt", "big.bin"]
    assert composer.attachment_list.attachments()[0].data == big.read_bytes()


def test_send_waits_for_files_still_being_read(tmp_path: Path, account_store: Any, make_postbox: Any,
                                              qtbot: Any) -> None:
    _report, notes = _files(tmp_path)
    postbox = make_postbox(account_store, undo_seconds=30)
    composer = postbox.open_composer(to=["bob@example.test"], subject="Notes", body="Attached.")
    composer.add_files([str(notes)])
    with qtbot.waitSignal(composer.queuedForSending, timeout=10_000):
        assert composer.send()  # the file is not in yet: sent once it is
    (entry,) = postbox.outbox.entries()
    assert b'filename="notes.txt"' in entry.raw and b"c29tZSBub3Rlcwo=" in entry.raw  # "some notes\n"
