"""Fast launch: the window shows first, torch and the core load behind it in a thread.

Only modules that never touch Qt are imported in the thread. PySide6 creates its Python types
lazily; pyqtgraph importing Qt classes in a second thread while the UI thread ran Qt and the
garbage collector crashed the app (a segfault in 1 of 7 self-tests, faulthandler's trace in
pyqtgraph's ``_copy_attrs``). The Qt-side modules are imported on the UI thread afterwards,
one per event-loop turn (``UI_MODULES``, about 0.3 s in all), so the loading page still paints.

``PLAYGROUND_LAUNCH_PROBE=<file>`` makes the app append one JSON line per launch milestone
(``{"event": "window_shown", "t": <time.time()>, "torch_imported": false}``); the launch
benchmark and a test read it. ``PLAYGROUND_QUIT_WHEN_READY=1`` quits once the default data is
loaded, so the benchmark can start the app again and again.
"""

import gc
import json
import os
import time
import traceback

from PySide6.QtCore import QThread, Signal

PROBE_ENV = "PLAYGROUND_LAUNCH_PROBE"
QUIT_ENV = "PLAYGROUND_QUIT_WHEN_READY"
# What the loader thread imports, slowest first: nothing here may import Qt.
HEAVY_MODULES = ("torch", "playground.core.workspace", "playground.core.session")
# Imported on the UI thread once those are in: the plots, then the panels (the rest of the app).
UI_MODULES = ("pyqtgraph", "playground.app.panels")
_state = {"torch_imported": False}  # set once ``import torch`` has returned, not when it starts


def probe(event: str) -> None:
    """Record a launch milestone when the probe is on; never fails the app."""
    path = os.environ.get(PROBE_ENV)
    if not path:
        return
    row = {"event": event, "t": time.time(), "torch_imported": _state["torch_imported"],
           "gc_frozen": gc.get_freeze_count()}
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
    except OSError:
        pass


def quit_when_ready() -> bool:
    return os.environ.get(QUIT_ENV) == "1"


class ModuleLoader(QThread):
    """Imports the heavy Qt-free modules off the UI thread; ``loaded`` or ``failed(message, details)`` follows."""

    loaded = Signal()
    failed = Signal(str, str)
    step = Signal(str)  # the module being imported, for the loading page

    def run(self):
        import importlib

        try:
            for name in HEAVY_MODULES:
                self.step.emit(name)
                importlib.import_module(name)
                if name == "torch":
                    _state["torch_imported"] = True
                    probe("torch_imported")
        except Exception as e:  # a broken install must say so in the window, not vanish
            self.failed.emit(f"{type(e).__name__}: {e}", traceback.format_exc())
            return
        self.loaded.emit()
