"""The command line's tests read English, whatever the machine's locale, and leave no language installed."""

import pytest

from playground.core import i18n


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LANG", "en")  # main() installs the language it is given, as a user's run would
    yield
    i18n.install()  # English again for the tests that follow, as at import
