"""The desktop app. ``main()`` shows the window at once and loads torch and the panels behind it.

    playground                      # the command line without a command
    python -m playground.app --lang zh_CN my_session.playground

Nothing here imports torch, pyqtgraph or the core at module level: that is what keeps the
window's first appearance under a second.
"""

import argparse
import os
import sys
import time
import traceback
from pathlib import Path


def parse_args(argv: list[str]):
    from ..core.i18n import _

    parser = argparse.ArgumentParser(prog="playground", description=_("Open the Transformer Playground window."))
    parser.add_argument("file", nargs="?", help=_("a .playground session or a text file to open"))
    parser.add_argument("--lang", help=_("language of the interface, e.g. zh_CN (default: the system's)"))
    parser.add_argument("--self-test", action="store_true",
                        help=_("open the window (offscreen without a display), train a built-in task for a few "
                               "steps, generate and inspect, print one line and exit 0 (1 on failure); changes "
                               "no settings or files"))
    return parser.parse_known_args(argv)  # the rest (e.g. -platform offscreen) is Qt's


def main(argv: list[str] | None = None) -> int:
    """Run the app until its window closes; returns the exit code."""
    import faulthandler

    from .launch import probe

    if sys.stderr is not None:  # a crash in Qt or torch prints where it happened (none on a windowed build)
        faulthandler.enable()

    probe("main")
    started = time.monotonic()
    args, qt_args = parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.self_test:
        return run_self_test(args, qt_args, started)
    if not display_available(qt_args):
        from ..core.i18n import _

        print(_("playground: error: there is no display to open the window on. Run it on a desktop, "
                "or try 'playground demo' (trains and samples in the terminal), or set "
                "QT_QPA_PLATFORM=offscreen."), file=sys.stderr)
        return 2
    app, _window = open_window(args, qt_args)
    return app.exec()


def open_window(args, qt_args: list[str]):
    """The application and its main window, shown at once, with torch and the panels loading behind it."""
    from ..core.runtime import keep_freed_memory, openmp_environment

    openmp_environment()  # before torch starts its OpenMP pool
    keep_freed_memory()
    app = make_application(qt_args)
    from .settings import open_settings
    from .translation import chosen_language, install_translation

    install_translation(app, chosen_language(args.lang, open_settings()))
    from .main_window import MainWindow

    window = MainWindow()
    window.initial_file = args.file
    window.show()
    install_excepthook(window)
    window.start_loading()
    return app, window


def run_self_test(args, qt_args: list[str], started: float) -> int:
    """``--self-test``: the real window and launch path, with throw-away settings and runs folder."""
    import tempfile

    if not display_available(qt_args):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="playground-self-test-") as tmp:
        os.environ["PLAYGROUND_SETTINGS_DIR"] = tmp
        args.file = None  # the default dataset, whatever was named
        app, window = open_window(args, qt_args)
        from PySide6.QtCore import QTimer

        from .self_test import SelfTest, report_and_quit

        test = SelfTest(window, Path(tmp) / "runs", started)
        test.finished.connect(lambda code, line: report_and_quit(app, window, code, line))
        QTimer.singleShot(0, test.start)
        return app.exec()


def display_available(qt_args: list[str]) -> bool:
    """False on Linux with no X11/Wayland display and no Qt platform chosen (Qt would abort)."""
    if not sys.platform.startswith("linux") or "-platform" in qt_args or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def make_application(qt_args: list[str]):
    from PySide6.QtCore import QLocale
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .. import APP_ID, __version__
    from ..resources import resource_path
    from .settings import APPLICATION, ORGANIZATION

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(resource_path("icons/playground.svg"))))
    if QLocale.system().name() in ("C", "POSIX"):  # no locale set: group digits as in English (12,345)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return app


def install_excepthook(window) -> None:
    """An exception in a slot becomes a message in the window (and a traceback in the log), never a crash."""
    from PySide6.QtCore import QCoreApplication

    previous = sys.excepthook

    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        text = QCoreApplication.translate("MainWindow", "Something went wrong: {error}").format(
            error=str(value) or kind.__name__)
        window.show_error(text, details)

    sys.excepthook = hook
