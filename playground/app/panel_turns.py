"""Telling the panels of a change one event-loop turn at a time, so a large model does not stall the window.

A new GPT-2 reached every panel in one turn: 20-35 ms of the UI thread (issue 13). While
``PanelTurns.telling()`` is open, a panel's workspace handler (marked ``told_in_turns``) runs at once
only for the panel being shown; a hidden panel's call waits in a queue, and one call runs per turn
after it. A panel shown meanwhile, or told again, first hears what it was still owed, in order.
"""

from contextlib import contextmanager
from functools import wraps

from PySide6.QtCore import QObject, QTimer, Signal


class PanelTurns(QObject):
    """The queue of calls owed to hidden panels; ``all_told`` when it is empty again."""

    all_told = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._owed = []  # (panel, handler, args), in the order the signals came
        self._open = False  # inside telling(): hidden panels wait
        self._running = None  # the panel whose call runs now: its own nested calls run at once
        self._scheduled = False  # a turn is booked for the next call

    @contextmanager
    def telling(self):
        """``with turns.telling(): emit ...``: hidden panels hear it in the turns after this one."""
        outer, self._open = self._open, True
        try:
            yield
        finally:
            self._open = outer

    def busy(self) -> bool:
        """True while a hidden panel has yet to hear a change."""
        return bool(self._owed)

    def deliver(self, panel, handler, args) -> None:
        if self._running is panel:
            handler(panel, *args)
        elif self._open and not panel.isVisibleTo(panel.window()):
            if (panel, handler, args) not in self._owed:  # owed already (a second folder at once): once is enough
                self._owed.append((panel, handler, args))
            self._book_turn()
        else:
            self.catch_up(panel)
            self._run(panel, handler, args)

    def catch_up(self, panel) -> None:
        """Run now what ``panel`` is still owed (it is being shown, or told something newer)."""
        owed = [call for call in self._owed if call[0] is panel]
        if not owed:
            return
        self._owed = [call for call in self._owed if call[0] is not panel]
        for call in owed:
            self._run(*call)
        if not self._owed:
            self.all_told.emit()

    def finish(self) -> None:
        """Tell every panel now what it is still owed (the window closes: no turn may come after its jobs stopped)."""
        if not self._owed:
            return
        while self._owed:
            self._run(*self._owed.pop(0))
        self.all_told.emit()

    def _book_turn(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self, self._next)

    def _next(self) -> None:
        self._scheduled = False
        if not self._owed:
            return
        call = self._owed.pop(0)
        try:
            self._run(*call)
        finally:
            if self._owed:
                self._book_turn()
            else:
                self.all_told.emit()

    def _run(self, panel, handler, args) -> None:
        outer, self._running = self._running, panel
        try:
            handler(panel, *args)
        finally:
            self._running = outer


def told_in_turns(handler):
    """Mark a panel's handler of a workspace signal: inside ``PanelTurns.telling()`` a hidden panel hears it later."""
    @wraps(handler)
    def deliver(panel, *args):
        panel.workspace.turns.deliver(panel, handler, args)

    return deliver
