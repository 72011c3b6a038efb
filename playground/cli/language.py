"""The command line's language: ``--lang``, then ``PLAYGROUND_LANG``, then the locale, as gettext reads it.

    take_language_option(["--lang", "zh_CN", "train", "--help"])  # -> ("zh_CN", ["train", "--help"])
    language_code("zh_CN.UTF-8")                                   # -> "zh_CN"

argparse's own words ("usage:", "options:", its error messages) come from Python's global gettext
domain, which follows only the environment; ``argparse_speaks_ours()`` has argparse look them up in
our catalogue instead, so they follow ``--lang`` like the rest of the command line.
"""

import argparse
import contextlib
import gettext
import os
import struct
from collections.abc import Mapping

from playground.core import i18n
from playground.core.i18n import ENGLISH, LANG_ENV, _, language_code

from .common import PROG, err

LOCALE_ENVS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # the order gettext reads them in


def take_language_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--lang X`` or ``--lang=X`` taken out of ``argv`` (before any ``--``): (X or None, the rest)."""
    rest, language, i = [], None, 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == "--lang" and i + 1 < len(argv):
            language, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--lang="):
            language, i = arg.partition("=")[2], i + 1
            continue
        rest.append(arg)
        i += 1
    return language or None, rest


def chosen_language(option: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """``--lang``, then ``PLAYGROUND_LANG``, then the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set."""
    for value in (option, environ.get(LANG_ENV), *(environ.get(name) for name in LOCALE_ENVS)):
        if value:
            return language_code(value)
    return ENGLISH


def install_language(language: str) -> bool:
    """Translate the core's and the command line's messages into ``language``; False when there is no catalogue.

    A damaged catalogue is named on stderr and English is used.
    """
    from playground.resources import resource_path

    localedir = str(resource_path("locale"))
    try:
        i18n.install(language, localedir)
    except (OSError, ValueError, IndexError, struct.error) as e:  # a damaged .mo: say so, carry on in English
        i18n.install()
        err(_("{prog}: the {lang} translation in {dir} is damaged ({e}); the messages stay in English. Reinstall "
              "the playground to get it back.").format(prog=PROG, lang=language, dir=localedir, e=e))
        return True
    return language.startswith(ENGLISH) or gettext.find("playground", localedir, [language]) is not None


def languages() -> list[str]:
    """The languages the command line speaks: English and every compiled catalogue."""
    from playground.resources import resource_path

    found = resource_path("locale").glob("*/LC_MESSAGES/playground.mo")
    return [ENGLISH, *sorted(path.parent.parent.name for path in found)]


def use_language(option: str | None = None) -> str:
    """Install the chosen language (returned); one asked for by name that has no catalogue is named on stderr.

    A system locale without a catalogue (de_DE) stays silent: English is what that user always got.
    """
    language = chosen_language(option)
    if not install_language(language) and (option or os.environ.get(LANG_ENV)):
        err(_("{prog}: there is no translation into {lang}; the messages stay in English (languages: {all})").format(
            prog=PROG, lang=language, all=", ".join(languages())))
    return language


def ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's plural messages: our catalogue holds each form as its own message (enough for Chinese)."""
    return _(singular if n == 1 else plural)


@contextlib.contextmanager
def argparse_speaks_ours():
    """Within the block, argparse translates its own words through our catalogue (restored after).

    argparse looks up its module's ``_`` and ``ngettext`` (``from gettext import gettext as _``) each
    time it builds a parser, prints help or reports an error. Python's global domain, the documented
    way to translate them, reads the language from the environment only and would need a second
    catalogue; pointing the two names at ours keeps one catalogue and follows ``--lang``.
    """
    ours = {"_": i18n._, "ngettext": ngettext}
    saved = {name: getattr(argparse, name) for name in ours if hasattr(argparse, name)}  # a future argparse may differ
    for name in saved:
        setattr(argparse, name, ours[name])
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(argparse, name, value)


def argparse_messages() -> tuple[str, ...]:
    """argparse's words a user of this command line can meet, verbatim from Python 3.11's argparse.

    Listed here so that ``packaging/translations.py update`` puts them in our catalogue; a test
    checks that each is still in the running Python's argparse and has a translation.
    """
    return (
        _("usage: "),
        _("positional arguments"),
        _("options"),
        _("show this help message and exit"),
        _("%(prog)s: error: %(message)s\n"),
        _("argument %(argument_name)s: %(message)s"),
        _("unrecognized arguments: %s"),
        _("the following arguments are required: %s"),
        _("one of the arguments %s is required"),
        _("not allowed with argument %s"),
        _("ignored explicit argument %r"),
        _("expected one argument"),
        _("expected at most one argument"),
        _("expected at least one argument"),
        _("expected %s argument"),
        _("expected %s arguments"),
        _("ambiguous option: %(option)s could match %(matches)s"),
        _("unexpected option string: %s"),
        _("invalid %(type)s value: %(value)r"),
        _("invalid choice: %(value)r (choose from %(choices)s)"),
    )
