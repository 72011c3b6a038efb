"""The compiled translations the app loads match their sources, and every source parses."""

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("translations", ROOT / "packaging" / "translations.py")
translations = importlib.util.module_from_spec(spec)
spec.loader.exec_module(translations)


def test_every_ts_source_parses_and_names_its_language():
    files = sorted((ROOT / "resources" / "translations" / "zh_CN").glob("*.ts"))
    assert files, "no .ts sources for zh_CN"
    for file in files:
        root = ET.parse(file).getroot()
        assert root.get("language") == "zh_CN", file.name


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed (apt install gettext)")
def test_compiled_translations_are_current():
    assert translations.check() == []


def ts_messages():
    """(file, context, source, translation) for every finished translation in the .ts sources."""
    for file in sorted((ROOT / "resources" / "translations" / "zh_CN").glob("*.ts")):
        for context in ET.parse(file).getroot().iter("context"):
            name = context.findtext("name")
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is not None and translation.text and translation.get("type") != "unfinished":
                    yield file.name, name, message.findtext("source"), translation.text


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}", text))


def test_translations_keep_placeholders_and_menu_mnemonics():
    """A translation keeps every {placeholder} of its source, and a menu's &-mnemonic (文件(&F))."""
    wrong = []
    for file, context, source, translation in ts_messages():
        if placeholders(source) != placeholders(translation):
            wrong.append(f"{file} [{context}] {source!r} -> {translation!r}: placeholders differ")
        if re.search(r"&[^&\s]", source) and not re.search(r"&[^&\s]", translation):
            wrong.append(f"{file} [{context}] {source!r} -> {translation!r}: the &-mnemonic is lost")
    assert not wrong, "\n".join(wrong)
