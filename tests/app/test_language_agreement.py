"""The window and the core speak the same language, however the language is written (zh-CN, zh_Hans_CN...)."""

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from playground.app.translation import install_translation
from playground.core import i18n


@pytest.mark.parametrize("language, chinese", [
    ("zh_CN", True), ("zh-CN", True), ("zh_Hans_CN", True), ("zh-Hans-CN", True), ("zh_CN.UTF-8", True),
    ("zh", True), ("zh_TW", False), ("zh_Hant_TW", False), ("en_US", False), ("C", False),
])
def test_window_and_core_load_the_same_language(qapp, language, chinese):
    locale = QLocale()
    try:
        loaded = install_translation(qapp, language)
        window = any(path.endswith("playground_zh_CN.qm") for path in loaded)
        core = i18n._("Encoder output")
        assert (window, core) == (chinese, "编码器输出" if chinese else "Encoder output")
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
            translator.deleteLater()
        QLocale.setDefault(locale)
        i18n.install(None)
