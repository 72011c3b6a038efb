"""No command: open the desktop app, or say how to get it when it is not installed."""

from playground.core.i18n import _

from .common import EXIT_USAGE, PROG, err, error_line


def run(argv: list[str]) -> int:
    try:
        from playground.app import main as app_main
    except ImportError as e:
        err(error_line(_("the desktop app is not available in this installation ({e}). Try the command line "
                         "instead: '{prog} demo' trains a small model in a minute, '{prog} --help' lists the "
                         "commands.").format(e=e, prog=PROG)))
        return EXIT_USAGE
    return app_main(argv) or 0
