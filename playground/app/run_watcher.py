"""RunWatcher: polls a run folder in a thread and hands what it found to the UI thread.

Each poll (``core.run_watch.RunWatch.poll``: a few stats and at most one read of 64 KB) runs in a
short-lived daemon thread, so a slow or hung disk (a network mount) never holds up the window: the
UI thread only looks, on a timer, whether the poll is done. A poll that hangs is left to itself;
the window says the disk is not answering, and goes on.
"""

import logging
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.run_watch import STALL_SECONDS, RunWatch, WatchUpdate

log = logging.getLogger(__name__)
POLL_MS = 500  # a new poll at most this often, unless a backlog is waiting
TICK_MS = 100  # how often the UI thread looks whether a poll is done
BACKLOG_TICK_MS = 10  # ... while a backlog is being read
SLOW_SECONDS = 5.0  # a poll that takes longer than this: the disk is slow, and the window says so


class RunWatcher(QObject):
    """Signals ``updated(WatchUpdate)`` after each poll and ``slow(seconds)`` while one waits for the disk."""

    updated = Signal(object)
    slow = Signal(float)

    def __init__(self, folder, stall_seconds: float = STALL_SECONDS, poll_ms: int = POLL_MS, parent=None):
        super().__init__(parent)
        self.watch = RunWatch(folder, stall_seconds)
        self.folder = self.watch.folder
        self.poll_ms = poll_ms
        self.polls = 0  # polls delivered
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._thread: threading.Thread | None = None
        self._box: list[WatchUpdate] = []  # the running poll's result, once it has one
        self._started_at = -1e9
        self._more = False
        self._slow_shown = 0

    def start(self) -> None:
        self._timer.start()
        self._tick()

    def stop(self) -> None:
        """No more polls or signals; a poll still waiting for the disk ends by itself, unheard."""
        self._timer.stop()
        self._thread = None

    def is_active(self) -> bool:
        return self._timer.isActive()

    def _tick(self) -> None:
        thread = self._thread
        if thread is not None:
            if thread.is_alive():
                waited = time.monotonic() - self._started_at
                if waited >= SLOW_SECONDS and int(waited) != self._slow_shown:
                    self._slow_shown = int(waited)
                    self.slow.emit(waited)
                return
            self._thread, self._slow_shown = None, 0
            update = self._box[0]
            self._more = update.more
            self._timer.setInterval(BACKLOG_TICK_MS if update.more else TICK_MS)
            self.polls += 1
            self.updated.emit(update)
            if not self._timer.isActive():
                return  # stopped by a slot of ``updated``
        if self._more or (time.monotonic() - self._started_at) * 1000 >= self.poll_ms:
            self._start_poll()

    def _start_poll(self) -> None:
        watch, box = self.watch, []
        self._started_at, self._box = time.monotonic(), box

        def poll():
            try:
                result = watch.poll()
            except Exception as e:  # noqa: BLE001  a poll that failed in a way not foreseen must not stop the watch
                log.warning("watching %s failed", watch.folder, exc_info=True)
                result = WatchUpdate("unreadable", message=str(e) or type(e).__name__)
            box.append(result)

        self._thread = threading.Thread(target=poll, name="run-watch", daemon=True)
        self._thread.start()
