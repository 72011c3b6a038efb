"""The compiled translations the app loads match their sources, and every source parses."""

import importlib.util
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
