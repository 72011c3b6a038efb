"""The command line's tests read English, whatever the machine's locale, and leave no language installed."""

import pytest

from playground.core import i18n


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LANG", "en")  # main() installs the language it is given, as a user's run would
    yield
    i18n.install()  # English again for the tests that follow, as at import


@pytest.fixture(scope="module")
def gpt2_folder(tmp_path_factory):
    """A tiny GPT-2 folder written by transformers (a test-only dependency), once per test file that asks."""
    from tests.gpt2_folders import tiny_gpt2_folder

    return tiny_gpt2_folder(tmp_path_factory.mktemp("cli-gpt2"))
