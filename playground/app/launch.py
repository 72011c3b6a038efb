"""Fast launch: the window shows first, torch and the panels load behind it in a thread.

``PLAYGROUND_LAUNCH_PROBE=<file>`` makes the app append one JSON line per launch milestone
(``{"event": "window_shown", "t": <time.time()>, "torch_imported": false}``); the launch
benchmark and a test read it. ``PLAYGROUND_QUIT_WHEN_READY=1`` quits once the default data is
loaded, so the benchmark can start the app again and again.
"""

import json
import os
import time
import traceback

from PySide6.QtCore import QThread, Signal

PROBE_ENV = "PLAYGROUND_LAUNCH_PROBE"
QUIT_ENV = "PLAYGROUND_QUIT_WHEN_READY"
# What the loader imports, slowest first; panels import the rest of the app and pyqtgraph.
HEAVY_MODULES = ("torch", "playground.core.workspace", "playground.core.session", "pyqtgraph",
                 "playground.app.panels")
_state = {"torch_imported": False}  # set once ``import torch`` has returned, not when it starts


def probe(event: str) -> None:
    """Record a launch milestone when the probe is on; never fails the app."""
    path = os.environ.get(PROBE_ENV)
    if not path:
        return
    row = {"event": event, "t": time.time(), "torch_imported": _state["torch_imported"]}
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
    except OSError:
        pass


def quit_when_ready() -> bool:
    return os.environ.get(QUIT_ENV) == "1"


class ModuleLoader(QThread):
    """Imports the heavy modules off the UI thread; ``loaded`` or ``failed(message, details)`` follows."""

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
