"""``playground train --compile``: auto by default (a short run stays eager, silently), a notice on stderr
when compiling cannot be done, and the setting kept with the run."""

from playground.core.checkpoint import load_checkpoint

from .test_cli import TINY, assert_user_error, run, text_file  # noqa: F401 - text_file is a fixture


def test_a_short_run_with_the_default_auto_trains_eagerly(capsys, text_file, tmp_path):
    code, _out, err = run(capsys, "train", "--text", text_file, "--steps", "3", *TINY, "--run-dir", tmp_path / "r",
                          "--quiet")
    assert code == 0 and "compil" not in err
    state = load_checkpoint(tmp_path / "r" / "checkpoints" / "step-000003").state
    assert state["train"]["compile"] == "auto"


def test_on_without_a_compiler_says_so_and_trains(capsys, text_file, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no g++ here
    code, _out, err = run(capsys, "train", "--text", text_file, "--steps", "3", *TINY, "--run-dir", tmp_path / "r",
                          "--compile", "on", "--quiet")
    assert code == 0
    assert [line for line in err.splitlines() if "C++" in line] == [
        "no C++ compiler found: training without compiling the step"]
    assert load_checkpoint(tmp_path / "r" / "checkpoints" / "step-000003").state["train"]["compile"] == "on"


def test_an_unknown_setting_is_refused(capsys, text_file):
    assert_user_error(capsys, "train", "--text", text_file, "--compile", "fast", says="--compile")
