"""The app's message parser: incoming mail is parsed in child processes (``connectors.messaging.parse_process``),
never holding the interpreter lock the GUI thread needs. One per process, created on first use from any thread;
its children are killed when a window shuts down and at exit (a later parse starts new ones)."""

from __future__ import annotations

import atexit
import threading

from connectors.messaging.parse_process import MessageParser

_parser: MessageParser | None = None
_lock = threading.Lock()


def message_parser() -> MessageParser:
    global _parser
    with _lock:
        if _parser is None:
            _parser = MessageParser()
            atexit.register(_parser.close)
        return _parser


def close_message_parser() -> None:
    """Kill the parser's children, if it has any (quitting)."""
    with _lock:
        parser = _parser
    if parser is not None:
        parser.close()
