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
GETTEXT_SOURCES = ("playground/core", "playground/cli", "playground/__main__.py", "playground/app")  # app: _() in __init__, training
TS_DIR, PO_DIR = ROOT / "resources" / "translations", ROOT / "resources" / "locale"


def tool(name: str) -> str:
    """The full path of a translation tool, from the venv's bin folder or PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed (PySide6 ships pyside6-lupdate/lrelease; gettext ships msg*)")
    return found


def modules(roots: tuple[str, ...], *markers: str) -> list[Path]:
    """The Python files under ``roots`` that contain one of ``markers`` (a translation call)."""
    files = []
    for root in roots:
        path = ROOT / root
        for file in sorted([path] if path.is_file() else path.rglob("*.py")):
            if any(marker in file.read_text(encoding="utf-8") for marker in markers):
                files.append(file)
    return files


def module_name(file: Path) -> str:
    return ".".join(file.relative_to(ROOT).with_suffix("").parts)


def run(*args: str) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}  # gettext reads the sources as UTF-8 only under a UTF-8 locale
    subprocess.run(args, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def update() -> None:
    for lang in LANGUAGES:
        for file in modules(QT_SOURCES, "tr(", "QCoreApplication.translate("):  # theme.py has no tr()
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
                    before = po.read_text(encoding="utf-8")
                    after = merge_po(before, pot.read_text(encoding="utf-8"))
                    if after != before:
                        po.write_text(after, encoding="utf-8")
                else:
                    shutil.copyfile(pot, po)


def po_entries(text: str) -> list[str]:
    """A .po file's entries (the header first), each as its lines, without the blank lines between."""
    entries, lines = [], []
    for line in [*text.splitlines(), ""]:
        if line.strip():
            lines.append(line)
        elif lines:
            entries.append("\n".join(lines))
            lines = []
    return entries


def po_key(entry: str) -> tuple[str | None, str | None]:
    """An entry's (msgctxt, msgid) as written, escapes kept, wrapped lines joined; obsolete ones too."""
    fields, current = {}, None
    for line in entry.splitlines():
        if line.startswith("#~") and not line.startswith("#~|"):
            line = line[2:].lstrip()
        elif line.startswith("#"):
            continue
        if line.startswith('"'):
            if current:
                fields[current] += line.strip()[1:-1]
        else:
            current, _, rest = line.partition(" ")
            fields[current] = rest.strip()[1:-1]
    return fields.get("msgctxt"), fields.get("msgid")


def is_obsolete(entry: str) -> bool:
    return any(line.startswith("#~ msgid") for line in entry.splitlines())


def merge_po(existing: str, template: str) -> str:
    """``existing`` with the template's new messages added and its vanished ones marked obsolete (#~).

    Every other entry stays as it was, byte for byte: msgmerge would rewrap the long lines and
    reorder the header, so each update touched files whose messages had not changed. A new
    message goes after the one before it in the template; a newly obsolete one goes to the end; an
    obsolete one whose message is back in the code is restored with its translation. With nothing
    to add or mark, ``existing`` comes back unchanged.
    """
    header, *entries = po_entries(existing)
    wanted = [e for e in po_entries(template) if po_key(e)[1] != ""]  # the template's header off
    wanted_keys = {po_key(e) for e in wanted}
    kept, gone, changed = [], [], False
    for entry in entries:
        key = po_key(entry)
        if is_obsolete(entry) and key in wanted_keys:
            entry, changed = "\n".join(line.removeprefix("#~ ") for line in entry.splitlines()), True
        elif not is_obsolete(entry) and key not in wanted_keys:
            gone.append("\n".join(line if line.startswith("#") else f"#~ {line}" for line in entry.splitlines()))
            changed = True
            continue
        kept.append(entry)
    keys = [po_key(e) for e in kept]
    for i, entry in enumerate(wanted):
        if po_key(entry) in keys:
            continue
        before = {po_key(e) for e in wanted[:i]}
        at = next((j + 1 for j in range(len(keys) - 1, -1, -1) if keys[j] in before), 0)
        kept.insert(at, entry)
        keys.insert(at, po_key(entry))
        changed = True
    return "\n\n".join([header, *kept, *gone]) + "\n" if changed else existing


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
