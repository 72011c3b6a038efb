"""``translations.py update`` adds new messages and marks vanished ones, and touches nothing else.

It runs on a copy of the code and the translation sources in a temporary folder, with the real
xgettext and pyside6-lupdate.
"""

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("translations", ROOT / "packaging" / "translations.py")
translations = importlib.util.module_from_spec(spec)
spec.loader.exec_module(translations)

needs_tools = pytest.mark.skipif(
    shutil.which("xgettext") is None or not (Path(sys.executable).parent / "pyside6-lupdate").exists()
    and shutil.which("pyside6-lupdate") is None,
    reason="needs GNU gettext (apt install gettext) and PySide6's pyside6-lupdate")


def _copy(tmp_path: Path, monkeypatch) -> Path:
    """The code and the translation sources copied to tmp_path, and the script pointed at the copy."""
    for folder in ("playground", "resources/translations", "resources/locale"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(translations, "ROOT", tmp_path)
    monkeypatch.setattr(translations, "TS_DIR", tmp_path / "resources" / "translations")
    monkeypatch.setattr(translations, "PO_DIR", tmp_path / "resources" / "locale")
    return tmp_path


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for folder in ("resources/translations", "resources/locale") for p in sorted((root / folder).rglob("*"))
            if p.is_file()}


@needs_tools
def test_update_with_the_code_unchanged_changes_no_file(tmp_path, monkeypatch):
    copy = _copy(tmp_path, monkeypatch)
    before = _files(copy)
    translations.update()
    after = _files(copy)
    assert after.keys() == before.keys()
    assert [name for name in before if after[name] != before[name]] == []


@needs_tools
def test_update_adds_a_new_message_and_marks_the_vanished_one_leaving_the_rest_byte_identical(tmp_path,
                                                                                              monkeypatch):
    copy = _copy(tmp_path, monkeypatch)
    monkeypatch.setattr(translations, "QT_SOURCES", ())
    monkeypatch.setattr(translations, "GETTEXT_SOURCES", ("playground/cli/train.py",))
    code = copy / "playground" / "cli" / "train.py"
    code.write_text(code.read_text(encoding="utf-8").replace('_("examples per step")', '_("examples in each step")'),
                    encoding="utf-8")
    po = copy / "resources" / "locale" / "zh_CN" / "playground.cli.train.po"
    before = translations.po_entries(po.read_text(encoding="utf-8"))
    translations.update()
    after = translations.po_entries(po.read_text(encoding="utf-8"))

    old = 'msgid "examples per step"\nmsgstr "每步的样本数（批次大小）"'
    assert old in before and old not in after
    assert after[-1] == '#~ msgid "examples per step"\n#~ msgstr "每步的样本数（批次大小）"'
    new = 'msgid "examples in each step"\nmsgstr ""'
    assert after.index(new) == before.index(old)  # where the old one stood: its neighbours are the same
    assert [e for e in after if e not in (new, after[-1])] == [e for e in before if e != old]


def test_merge_keeps_entries_as_written_and_restores_an_obsolete_message():
    existing = ('msgid ""\nmsgstr ""\n"Language: zh_CN\\n"\n\n'
                'msgid "a long message written on one line, longer than the seventy-nine columns msgmerge wraps at"\n'
                'msgstr "一条很长的消息"\n\n'
                '#, python-brace-format\nmsgid "{n} steps"\nmsgstr "{n} 步"\n\n'
                '#~ msgid "back again"\n#~ msgstr "又回来了"\n')
    template = ('msgid ""\nmsgstr ""\n\n'
                'msgid ""\n"a long message written on one line, longer than the seventy-nine columns "\n'
                '"msgmerge wraps at"\nmsgstr ""\n\n'
                '#, python-brace-format\nmsgid "{n} steps"\nmsgstr ""\n\n'
                'msgid "back again"\nmsgstr ""\n')
    assert translations.merge_po(existing, template) == existing.replace(
        '#~ msgid "back again"\n#~ msgstr "又回来了"', 'msgid "back again"\nmsgstr "又回来了"')
    unchanged = existing.replace('#~ msgid "back again"\n#~ msgstr "又回来了"\n', "")[:-1] + "\n\n"
    assert translations.merge_po(unchanged, template.replace('\n\nmsgid "back again"\nmsgstr ""', "")) == unchanged
