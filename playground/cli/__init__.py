"""The ``playground`` command line: one subcommand per module, errors as one readable line.

    main(["train", "--dataset", "reversal", "--steps", "20"])  # -> exit code

Subcommand modules import torch and the core only when they run, so ``--help`` is quick. The
language (``--lang``, ``PLAYGROUND_LANG``, the locale) is installed before the parser is built, so
every help text is translated when it is made (see ``language.py``).
"""

import argparse
import os
import sys
import traceback

from playground.core.errors import PlaygroundError
from playground.core.i18n import _

from . import datasets, demo, desktop, inspect, sample, tokenize, train
from .common import EXIT_BUG, EXIT_INTERRUPTED, EXIT_USAGE, PROG, HelpFormatter, err, error_line
from .language import argparse_speaks_ours, take_language_option, use_language

COMMANDS = (demo, datasets, train, sample, tokenize, inspect)


class VersionAction(argparse.Action):
    """``--version``: the playground's version and torch's (torch imported only here)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        import torch

        from playground import __version__

        print(_("Transformer Playground {v}").format(v=__version__))
        print(_("torch {v}").format(v=torch.__version__))
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_("Transformer Playground: tokenize, train, step through and sample from a compact "
                      "Transformer.\nWithout a command it opens the desktop app."),
        epilog=_("the desktop app: {prog} [FILE] [--lang LANG] [--self-test]").format(prog=PROG)
        + "\n\n" + _("examples:") + "\n" + "\n".join(f"  {PROG} {e}" for e in (
            "demo --seconds 30", "datasets", "train --dataset reversal --steps 300",
            "sample runs/reversal-20250101-120000 --source abcdef")),
        formatter_class=HelpFormatter)
    parser.add_argument("--version", action=VersionAction, help=_("show the version and exit"))
    parser.add_argument("--lang", metavar="LANG", help=_("language of the messages, e.g. zh_CN or en (default: "
                                                         "PLAYGROUND_LANG, then the system's); also after a command"))
    subparsers = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    for module in COMMANDS:
        module.add_parser(subparsers)
    parser.commands = set(subparsers.choices)
    return parser


CLI_OPTIONS = ("-h", "--help", "--version")


def opens_the_app(argv: list[str], commands) -> bool:
    """No command, a file, or the app's own options (--lang, --self-test, Qt's): the desktop app."""
    return not argv or (argv[0] not in commands and argv[0] not in CLI_OPTIONS)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    language, rest = take_language_option(argv)
    try:
        use_language(language)  # before the parser is built: its help is translated as it is made
        with argparse_speaks_ours():
            parser = build_parser()
            args = None if opens_the_app(rest, parser.commands) else parser.parse_args(rest)
        if args is None:
            return desktop.run(argv)
        if args.command is None:
            return desktop.run(["--lang", language] if language else [])
        return args.run(args)
    except SystemExit as e:  # argparse: --help (0) and usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USAGE)
    except BrokenPipeError:  # the reader stopped early (| head): not worth a message
        quiet_stdout()
        return EXIT_BUG
    except (PlaygroundError, OSError) as e:
        err(error_line(describe(e)))
        return EXIT_USAGE
    except KeyboardInterrupt:
        err(_("{prog}: interrupted").format(prog=PROG))
        return EXIT_INTERRUPTED
    except Exception:
        traceback.print_exc()
        err(_("{prog}: this is a bug in the playground; please report it with the lines above").format(prog=PROG))
        return EXIT_BUG


def quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def describe(error: Exception) -> str:
    """The user's message; for a system error, what failed and on which file."""
    if isinstance(error, OSError) and not isinstance(error, PlaygroundError):
        reason = error.strerror or str(error)
        return f"{error.filename}: {reason}" if error.filename else reason
    return str(error)


if __name__ == "__main__":
    sys.exit(main())
