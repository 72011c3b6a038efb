"""Keep the translations in step with the code, and compile them for the app.

    python packaging/translations.py update    # new strings from the code into the sources
    python packaging/translations.py compile   # the sources into what the app loads
    python packaging/translations.py check     # exit 1 if a compiled file is out of date

Sources, one file per Python module so that translators never edit the same file:
- the window's strings (Qt ``tr()``): ``resources/translations/<lang>/<module>.ts``, compiled
  together by ``pyside6-lrelease`` into ``resources/translations/playground_<lang>.qm``;
- the core's and CLI's strings (gettext ``_()``): ``resources/locale/<lang>/<module>.po``,
  joined by ``msgcat`` and compiled by ``msgfmt`` into
  ``resources/locale/<lang>/LC_MESSAGES/playground.mo``.
The compiled files are committed, so a source checkout runs translated without these tools;
``check`` (run by the tests) proves they match their sources. Needs ``pyside6-lupdate`` and
``pyside6-lrelease`` (PySide6) and GNU gettext (``apt install gettext``).
"""

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh_CN",)
QT_SOURCES = ("playground/app",)  # modules whose strings go through Qt's tr()
GETTEXT_SOURCES = ("playground/core", "playground/cli", "playground/__main__.py",
                   "playground/app")  # the app's own _(): its --help, and errors it raises as PlaygroundError
TS_DIR, PO_DIR = ROOT / "resources" / "translations", ROOT / "resources" / "locale"


def tool(name: str) -> str:
    """The full path of a translation tool, from the venv's bin folder or PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed (PySide6 ships pyside6-lupdate/lrelease; gettext ships msg*)")
    return found


def modules(roots: tuple[str, ...], marker: str) -> list[Path]:
    """The Python files under ``roots`` that contain ``marker`` (a translation call)."""
    files = []
    for root in roots:
        path = ROOT / root
        for file in sorted([path] if path.is_file() else path.rglob("*.py")):
            if marker in file.read_text(encoding="utf-8"):
                files.append(file)
    return files


def module_name(file: Path) -> str:
    return ".".join(file.relative_to(ROOT).with_suffix("").parts)


def run(*args: str) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}  # gettext reads the sources as UTF-8 only under a UTF-8 locale
    subprocess.run(args, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def update() -> None:
    for lang in LANGUAGES:
        for file in modules(QT_SOURCES, "tr("):
            ts = TS_DIR / lang / f"{module_name(file)}.ts"
            ts.parent.mkdir(parents=True, exist_ok=True)
            run(tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", "-target-language", lang, str(file), "-ts", str(ts))
        for file in modules(GETTEXT_SOURCES, "_("):
            po = PO_DIR / lang / f"{module_name(file)}.po"
            po.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory() as tmp:
                pot = Path(tmp) / "messages.pot"
                run(tool("xgettext"), "-L", "Python", "-k_", "--from-code=UTF-8", "--no-location",
                    "--force-po", "-o", str(pot), str(file))
                parts = pot.read_text(encoding="utf-8").split("\n\n", 1)  # xgettext's dated header off
                if len(parts) < 2:
                    continue  # "_(" without a message (e.g. its definition)
                messages = parts[1]
                pot.write_text(header(lang) + messages, encoding="utf-8")
                if po.exists():
                    run(tool("msgmerge"), "--quiet", "--no-fuzzy-matching", "--no-location", "--update",
                        "--backup=none", str(po), str(pot))
                else:
                    shutil.copyfile(pot, po)


def header(lang: str) -> str:
    """A fixed .po header (no dates, so an update with no new strings changes nothing)."""
    return (f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {lang}\\n"\n'
            '"Content-Transfer-Encoding: 8bit\\n"\n\n')


def compile_to(out: Path) -> list[Path]:
    """Compile every language's sources under ``out`` (laid out like ``resources``); returns the files."""
    written = []
    for lang in LANGUAGES:
        ts_files = sorted((TS_DIR / lang).glob("*.ts"))
        if ts_files:
            qm = out / "translations" / f"playground_{lang}.qm"
            qm.parent.mkdir(parents=True, exist_ok=True)
            run(tool("pyside6-lrelease"), "-silent", *map(str, ts_files), "-qm", str(qm))
            written.append(qm)
        po_files = sorted((PO_DIR / lang).glob("*.po"))
        if po_files:
            mo = out / "locale" / lang / "LC_MESSAGES" / "playground.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            joined = out / f"{lang}.po"
            run(tool("msgcat"), "--use-first", "-o", str(joined), *map(str, po_files))
            run(tool("msgfmt"), "--check-format", "-o", str(mo), str(joined))
            joined.unlink()
            written.append(mo)
    return written


def check() -> list[str]:
    """The compiled files that differ from a fresh compile of their sources (empty: all current)."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for fresh in compile_to(Path(tmp)):
            committed = ROOT / "resources" / fresh.relative_to(tmp)
            if not committed.exists() or not filecmp.cmp(fresh, committed, shallow=False):
                stale.append(str(committed.relative_to(ROOT)))
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    command = parser.parse_args().command
    if command == "update":
        update()
    elif command == "compile":
        for path in compile_to(ROOT / "resources"):
            print(path.relative_to(ROOT))
    else:
        stale = check()
        for path in stale:
            print(f"out of date: {path} (run: python packaging/translations.py compile)")
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
