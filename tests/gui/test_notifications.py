"""The notices under the message views: one per account's connection, plain words first, detail on request."""

from __future__ import annotations

from typing import Any

from connectors.exceptions import AuthenticationError, ConnectionError, TimeoutError
from gui.errors import describe_account_problem
from gui.views.notifications import Action, NotificationArea


def show(area: NotificationArea, error: BaseException, account: str = "acct-1") -> Any:
    problem = describe_account_problem(error, "alice@example.test")
    return area.account_problem(account, "warning", problem.title, problem.text, detail=problem.detail)


def test_an_account_has_one_connection_notice_which_its_next_problem_replaces(qtbot: Any) -> None:
    area = NotificationArea()
    qtbot.addWidget(area)
    area.show()
    first = show(area, ConnectionError("IMAP server 127.0.0.1:993 refused the connection (is the port right?)"))
    for _ in range(5):
        again = show(area, ConnectionError("The IMAP server 127.0.0.1:993 closed the connection during SELECT 'INBOX'"))
        assert again is first
    show(area, TimeoutError("IMAP server 127.0.0.1:993 did not answer within 30 s"))
    other = show(area, ConnectionError("IMAP server 127.0.0.1:1993 refused the connection"), account="acct-2")
    assert area.notices() == [first, other]
    assert first.count == 1 and "×" not in first.label.text()
    assert "not answering" in first.text and "did not answer within 30 s" in first.detail
    assert "127.0.0.1" not in first.label.text()

    area.clear_account_problem("acct-1")
    assert area.notices() == [other]
    assert area.keyed("account:acct-1") is None


def test_the_technical_detail_waits_behind_a_disclosure(qtbot: Any) -> None:
    area = NotificationArea()
    qtbot.addWidget(area)
    area.show()
    notice = show(area, AuthenticationError("Authentication failed for alice on 127.0.0.1:993: [AUTHENTICATIONFAILED] "
                                            "Authentication failed.", "alice", "127.0.0.1"))
    assert "password" in notice.title
    assert notice.details_button.isVisibleTo(notice) and not notice.detail_label.isVisibleTo(notice)
    notice.details_button.click()
    assert notice.detail_label.isVisibleTo(notice) and "AUTHENTICATIONFAILED" in notice.detail_label.text()
    notice.details_button.click()
    assert not notice.detail_label.isVisibleTo(notice)
    plain = area.notify("info", "Link not opened", "Facteur opens only web and mail links.")
    assert not plain.details_button.isVisibleTo(plain)


def test_a_closed_notice_stays_closed_until_the_account_is_back(qtbot: Any) -> None:
    area = NotificationArea()
    qtbot.addWidget(area)
    area.show()
    pressed: list[str] = []
    problem = describe_account_problem(ConnectionError("refused"), "alice@example.test")
    notice = area.account_problem("acct-1", "warning", problem.title, problem.text,
                                  actions=[Action("Try Again", lambda: pressed.append("retry"))])
    assert notice is not None and notice.actions_labels() == ["Try Again"]
    notice.findChild(type(notice.details_button), "closeNotice").click()
    assert area.notices() == []
    # Each reconnection attempt reports the same problem again: the person said they had seen it.
    assert area.account_problem("acct-1", "warning", problem.title, problem.text) is None
    assert area.notices() == []
    area.clear_account_problem("acct-1")  # online again; a later failure is news
    assert area.account_problem("acct-1", "warning", problem.title, problem.text) is not None
