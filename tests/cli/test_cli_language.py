"""The command line in 简体中文: its help, argparse's own words and its errors follow --lang and the locale."""

import argparse
import ast
import gettext
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from playground.cli import main
from playground.cli.common import display_width, wrap_columns
from playground.cli.language import argparse_messages, chosen_language, language_code, take_language_option
from playground.core import i18n
from playground.core.tokenizer_kinds import KINDS

ROOT = Path(__file__).resolve().parents[2]
LOCALE_VARS = ("PLAYGROUND_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def cli(*argv: str, **env: str) -> subprocess.CompletedProcess:
    """``python -m playground ARGV`` as a real process, with only the locale variables given in ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    clean.update({"PYTHONPATH": str(ROOT), "COLUMNS": "80", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8", **env})
    return subprocess.run([sys.executable, "-m", "playground", *argv], cwd=ROOT, env=clean, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


CHINESE = [
    ([], {"PLAYGROUND_LANG": "zh_CN"}),
    (["--lang", "zh_CN"], {}),
    ([], {"LANG": "zh_CN.UTF-8"}),
    ([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}),
    ([], {"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}),
]
ENGLISH = [
    ([], {}),
    (["--lang", "en"], {"PLAYGROUND_LANG": "zh_CN"}),  # --lang first
    ([], {"PLAYGROUND_LANG": "en", "LANG": "zh_CN.UTF-8"}),  # then PLAYGROUND_LANG
    ([], {"LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}),  # then the locale in gettext's order
]


@pytest.mark.parametrize("option, env", CHINESE)
def test_help_is_chinese(option, env):
    run = cli(*option, "--help", **env)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for words in ("用法：playground", "\n位置参数：\n", "\n选项：\n", "显示本帮助信息并退出", "显示版本号并退出", "列出内置数据集",
                  "用训练好的检查点生成文本", "桌面应用：playground [FILE] [--lang LANG] [--self-test]", "示例："):
        assert words in out, (words, out)
    assert "usage:" not in out and "show this help message" not in out and "examples:" not in out


@pytest.mark.parametrize("option, env", ENGLISH)
def test_help_is_english_without_chinese_asked_for(option, env):
    run = cli(*option, "--help", **env)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.startswith("usage: playground [-h] [--version] [--lang LANG] COMMAND ...")
    for words in ("options:", "show this help message and exit", "list the built-in datasets", "examples:"):
        assert words in out
    assert not has_chinese(out), out


def test_train_help_is_chinese_and_fits_80_columns():
    run = cli("train", "--help", "--lang", "zh_CN")  # --lang may also follow the command
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for words in ("用法：playground train [-h]", "在内置数据集或文本文件上训练模型", "\n数据：\n", "\n训练：\n", "\n模型（默认值来自数据集）：\n",
                  "优化器的总步数（预热超过总步数五分之一时会被缩短）", "词表大小（char 不需要）", "--steps N", "--vocab-size N"):
        assert words in out, (words, out)
    options_part = out[:out.index("示例：")]  # the examples are commands, as long as they are in English
    assert max(display_width(line) for line in options_part.splitlines()) <= 80, options_part
    usage = out[:out.index("\n\n")].splitlines()  # wrapped usage lines start under the first option, in columns
    assert len(usage) > 1 and all(display_width(line) - len(line.lstrip()) == display_width("用法：playground train ")
                                  for line in usage[1:])


def test_train_help_is_english_by_default():
    out = cli("train", "--help").stdout
    assert "usage: playground train [-h]" in out and "optimizer steps in all" in out and "training:" in out
    assert not has_chinese(out)


def test_an_argument_error_is_chinese():
    run = cli("train", "--steps", "abc", PLAYGROUND_LANG="zh_CN")
    assert run.returncode == 2
    assert "用法：playground train" in run.stderr
    assert run.stderr.rstrip().endswith("playground train：错误：参数 --steps：'abc' 不是整数"), run.stderr


def test_an_argument_error_is_english_by_default():
    run = cli("train", "--steps", "abc")
    assert run.returncode == 2
    assert run.stderr.rstrip().endswith("playground train: error: argument --steps: 'abc' is not a whole number")


def test_a_command_error_is_chinese_and_english():
    chinese, english = cli("tokenize", LANG="zh_CN.UTF-8"), cli("tokenize")
    assert chinese.returncode == english.returncode == 2
    assert chinese.stderr.strip() == "playground：错误：请给出要分词的 TEXT（或 --file F）"
    assert english.stderr.strip() == "playground: error: give a TEXT to tokenize (or --file F)"


# --- in-process: the choice of language, argparse left as it was, the catalogue ----------------
@pytest.mark.parametrize("option, env, language", [
    ("zh_CN", {"PLAYGROUND_LANG": "en"}, "zh_CN"),
    (None, {"PLAYGROUND_LANG": "zh_CN", "LANG": "en_US.UTF-8"}, "zh_CN"),
    (None, {"LANGUAGE": "zh_CN:en", "LC_ALL": "en_US.UTF-8"}, "zh_CN"),
    (None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    (None, {"LC_MESSAGES": "zh_CN.GB18030", "LANG": "C"}, "zh_CN"),
    (None, {"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    (None, {"LANGUAGE": "", "LANG": "zh_CN.utf8"}, "zh_CN"),  # an empty variable counts as unset, as in gettext
    (None, {"LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {}, "en"),
])
def test_the_language_follows_lang_then_playground_lang_then_the_locale(option, env, language):
    assert chosen_language(option, env) == language


@pytest.mark.parametrize("value, code", [("zh_CN.UTF-8", "zh_CN"), ("zh_CN.UTF-8@pinyin", "zh_CN"), ("zh-CN", "zh_CN"),
                                         ("zh", "zh_CN"), ("zh_Hans_CN", "zh_CN"), (":zh_CN:en", "zh_CN"),
                                         ("en_GB", "en_GB"), ("C", "en"), ("POSIX", "en")])
def test_language_code_reads_a_locale_name_as_gettext_does(value, code):
    assert language_code(value) == code


@pytest.mark.parametrize("argv, language, rest", [
    (["--lang", "zh_CN", "train", "--help"], "zh_CN", ["train", "--help"]),
    (["train", "--lang=zh_CN", "--steps", "3"], "zh_CN", ["train", "--steps", "3"]),
    (["tokenize", "--", "--lang", "x"], None, ["tokenize", "--", "--lang", "x"]),  # after --, it is the user's text
    (["--lang"], None, ["--lang"]),  # no value: left for the parser to explain
    (["story.txt"], None, ["story.txt"]),
])
def test_take_language_option(argv, language, rest):
    assert take_language_option(argv) == (language, rest)


def test_main_translates_while_it_parses_and_leaves_argparse_as_it_was(capsys):
    assert main(["--lang", "zh_CN", "datasets", "--help"]) == 0
    assert "用法：playground datasets" in capsys.readouterr().out
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext
    assert main(["datasets", "--help"]) == 0  # PLAYGROUND_LANG=en (conftest): English again in the same process
    assert "usage: playground datasets" in capsys.readouterr().out


def test_a_language_without_a_catalogue_is_named_and_english_is_used(capsys, monkeypatch):
    assert main(["--lang", "fr", "datasets", "--help"]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == ("playground: there is no translation into fr; the messages stay in English "
                                    "(languages: en, zh_CN)")
    assert "usage: playground datasets" in captured.out
    monkeypatch.delenv("PLAYGROUND_LANG")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # the system's locale: English without a word about it
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert main(["datasets", "--help"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "usage: playground datasets" in captured.out


@pytest.mark.parametrize("damage", [b"not a catalogue", b"xx", b"\xde\x12\x04\x95" + b"\xff" * 40])
def test_a_damaged_catalogue_is_named_and_english_is_used(capsys, monkeypatch, tmp_path, damage):
    mo = tmp_path / "resources" / "locale" / "zh_CN" / "LC_MESSAGES" / "playground.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(damage)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)  # where an installer bundle keeps resources
    assert main(["--lang", "zh_CN", "datasets", "--help"]) == 0
    captured = capsys.readouterr()
    assert "usage: playground datasets" in captured.out and "Traceback" not in captured.err
    assert captured.err.startswith("playground: the zh_CN translation in ") and captured.err.count("\n") == 1
    assert "is damaged" in captured.err and "Reinstall the playground" in captured.err


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", ["the cat sat on the mat", "我爱自然语言处理，也爱分词。", "hi 👋 ok 🎉 done"])
def test_tokenize_speaks_chinese_over_every_kind_and_script(capsys, kind, text):
    assert main(["--lang", "zh_CN", "tokenize", text, "--kind", kind, "--stats"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["#", "ID", "词元", "偏移", "文本"]
    assert re.search(rf"\d+ 个词元，{len(text)} 个字符；{kind} 分词器，词表共 [\d,]+ 个词元", out), out
    stats = lines[-5:]
    assert [line.split()[0] for line in stats] == ["词表大小", "字符数", "词元数", "每词元字符数", "未知词元比例"]
    values_at = {display_width(line) - len(line.split()[-1]) for line in stats}
    assert len(values_at) == 1, stats  # the values line up in one column, counted in terminal columns


def po_entries(path: Path):
    """(msgid, msgstr, flags) of every message of a .po file but its header."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            if line.startswith(("msgid ", "msgstr ")):
                current, _sep, line = line.partition(" ")
            if current and line.startswith('"'):
                fields[current] = fields.get(current, "") + ast.literal_eval(line)
        if fields.get("msgid"):
            yield fields["msgid"], fields["msgstr"], flags


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}|%\([a-z_]+\)[sr]|%[sr]", text))


CLI_CATALOGUES = sorted((ROOT / "resources" / "locale" / "zh_CN").glob("playground.cli.*.po"))


@pytest.mark.parametrize("path", CLI_CATALOGUES, ids=lambda p: p.name)
def test_every_cli_message_is_translated_and_keeps_its_placeholders(path):
    entries = list(po_entries(path))
    assert entries
    for msgid, msgstr, flags in entries:
        assert msgstr and "fuzzy" not in flags, f"{path.name}: {msgid!r} is not translated"
        assert placeholders(msgstr) == placeholders(msgid), f"{path.name}: {msgid!r} -> {msgstr!r}"
        assert msgid.endswith("\n") == msgstr.endswith("\n")
        for option in re.findall(r"--[a-z][a-z-]*", msgid):  # option names stay exactly as typed
            assert option in msgstr, f"{path.name}: {option} lost in {msgstr!r}"


def test_argparse_messages_are_argparse_s_own_and_translated():
    """Each message we translate for argparse is still in the running Python's argparse, and reads Chinese."""
    source = inspect.getsource(argparse)
    missing = [m for m in argparse_messages() if repr(m)[1:-1] not in source and f'"{m}"' not in source]
    assert not missing, (f"argparse no longer says these (Python {sys.version.split()[0]}): "
                         f"update argparse_messages() and translate the new words: {missing}")
    i18n.install("zh_CN", str(ROOT / "resources" / "locale"))
    assert all(has_chinese(m) for m in argparse_messages())


@pytest.mark.parametrize("text", ["optimizer steps in all (a warm-up longer than a fifth of them is shortened)",
                                  "优化器的总步数（预热超过总步数五分之一时会被缩短），每步的样本数（批次大小）",
                                  "emoji 👋🎉 mixed 混合 text with --vocab-size N 和 --steps N，句号。"])
@pytest.mark.parametrize("width", [12, 20, 54])  # words are never split: the longest here is 12
def test_wrap_columns_fits_the_width_and_loses_nothing(text, width):
    lines = wrap_columns(text, width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[0] in "，。）、：" for line in lines)  # a closing mark never starts a line


def test_wrap_columns_by_hand():
    assert wrap_columns("用 --source TEXT 给出源文本。", 12) == ["用 --source", "TEXT 给出源", "文本。"]


def test_a_chinese_metrics_line_uses_full_width_commas_and_english_its_own(capsys, tmp_path):
    """"验证损失 2.399, 困惑度 11.01" read as English punctuation inside a Chinese sentence."""
    args = ["train", "--dataset", "reversal", "--steps", "2", "--eval-interval", "2"]
    assert main(["--lang", "zh_CN", *args, "--run-dir", str(tmp_path / "zh")]) == 0
    done = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("已完成第 2 步"))
    assert re.search(r"验证损失 [\d.]+，困惑度 [\d.]+，词元准确率 [\d.]+%", done), done
    assert ", " not in done
    assert main([*args, "--run-dir", str(tmp_path / "en")]) == 0
    done = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Finished step 2"))
    assert re.search(r"val_loss [\d.]+, perplexity [\d.]+, token_accuracy [\d.]+%", done), done
