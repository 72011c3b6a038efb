"""The core's messages in 简体中文: Chinese once zh_CN is installed, English again after "en".

The inspector's stage titles and explanations, the built-in datasets and the core's errors are
translated when they are made (not at import), so installing a language later still changes them.
"""

import ast
import re

import pytest
import torch

from playground.core import i18n
from playground.core.datasets import DATASETS, check_source, get_dataset
from playground.core.errors import ConfigError
from playground.core.model import ModelConfig, build_model
from playground.core.recipes import recipe_for_text
from playground.core.trace import axis_title, group_title, trace
from playground.resources import resource_path

LOCALE = str(resource_path("locale"))
CORE_PO = sorted(resource_path("locale/zh_CN").glob("playground.core.*.po"))
CJK = re.compile(r"[\u4e00-\u9fff]")
# Symbols of formulas and examples that a translation keeps exactly as the English has them.
SYMBOLS = ("√", "ᵀ", "×", "∂", "→", "π", "Q'·K'", "d_model", "d_k", "src_ids", "<bos>", "softmax", "一万零一十",
           "零", "十", "二", "两", "RoPE", "GELU", "ReLU", "SwiGLU", "SiLU", "NaN", "UTF-8", ".playground",
           "tokenizer.json", "state.json", "session.json", "safetensors", "0.1", "0.5", "[0, 1)")


@pytest.fixture
def language():
    """Install a language for one test; English (no catalogue) again afterwards."""
    yield lambda name: i18n.install(name, LOCALE)
    i18n.install()


def tiny_model(architecture: str):
    torch.manual_seed(0)
    cfg = ModelConfig(architecture=architecture, vocab_size=13, n_layer=1, n_head=2, d_model=8, d_ff=12,
                      block_size=16)
    return build_model(cfg).eval()


def po_messages():
    """(file name, msgid, msgstr, flags) of every message in the core's zh_CN sources."""
    for file in CORE_PO:
        for block in file.read_text(encoding="utf-8").split("\n\n"):
            lines = block.strip().splitlines()
            flags = " ".join(line for line in lines if line.startswith("#,"))
            fields, current = {}, None
            for line in lines:
                if line.startswith(("msgid ", "msgstr ")):
                    current, line = line.split(" ", 1)
                    fields[current] = ""
                if current and line.startswith('"'):
                    fields[current] += ast.literal_eval(line)
            if fields.get("msgid"):
                yield file.name, fields["msgid"], fields.get("msgstr", ""), flags


@pytest.mark.parametrize("architecture", ["decoder", "encoder-decoder"])
def test_trace_stages_read_chinese_and_english_again(language, architecture):
    model = tiny_model(architecture)
    src = [5, 6, 7] if architecture == "encoder-decoder" else None
    language("zh_CN")
    zh = trace(model, [1, 2, 3], src_ids=src)
    weights = zh.get("decoder.0.attn.weights")
    assert weights.title == "注意力权重"
    assert "softmax" in weights.explanation and CJK.search(weights.explanation)
    assert zh.get("tokens").title == ("解码器词元 id" if src else "词元 id")
    assert group_title("decoder.0") == "解码器第 1 层" and group_title("embedding") == "嵌入层"
    if src:
        assert zh.get("decoder.0.cross_attn.weights").title == "交叉注意力：注意力权重"
        assert group_title("encoder.1") == "编码器第 2 层"
    untranslated = [(r.name, r.title, r.explanation) for r in zh.records
                    if not (CJK.search(r.title) and CJK.search(r.explanation))]
    assert untranslated == []
    assert zh.to_json()["group_titles"]["output"] == "输出"
    with pytest.raises(KeyError, match="没有名为 'decoder.0.attn.weight' 的阶段；你要找的是不是：decoder.0.attn.weights"):
        zh.get("decoder.0.attn.weight")

    language("en")
    en = trace(model, [1, 2, 3], src_ids=src)
    assert en.get("decoder.0.attn.weights").title == "Attention weights"
    assert group_title("decoder.0") == "Decoder layer 1"
    assert [r for r in en.records if CJK.search(r.title + r.explanation)] == []
    # formulas are the same symbols in both languages
    assert [r.formula for r in zh.records] == [r.formula for r in en.records]
    assert en.get("decoder.0.attn.scores").formula == "S = Q·Kᵀ/√d_k"


@pytest.mark.parametrize("name", ["zh_CN", "zh-CN", "zh_Hans_CN", "zh-Hans-CN", "zh_CN.UTF-8", "zh"])
def test_chinese_however_the_language_is_written(language, name):
    language(name)
    assert group_title("memory") == "编码器输出"


@pytest.mark.parametrize("name", ["zh_TW", "zh_Hant_TW", "zh_SG", "en", "en_US", "C", ""])
def test_english_for_a_language_without_a_catalogue(language, name):
    """Traditional Chinese is not given the simplified catalogue (the window does not load it either)."""
    language(name)
    assert group_title("memory") == "Encoder output"


def test_axis_names_are_translated_when_shown(language):
    language("zh_CN")
    assert [axis_title(a) for a in ("head", "query", "key", "position", "dim")] == ["头", "查询", "键", "位置", "维度"]
    assert axis_title("something new") == "something new"
    language("en")
    assert axis_title("position") == "position" and axis_title("id_probability") == "id / probability"


def test_dataset_names_and_descriptions_follow_the_language_installed_at_lookup(language):
    assert DATASETS["numbers-zh"].title == "Numbers in Chinese"  # English first: nothing cached at import
    language("zh_CN")
    for name in DATASETS:
        ds = DATASETS[name]
        assert CJK.search(ds.title) and ds.title != name, name
        assert CJK.search(ds.description) and "，" in ds.description, name
    numbers = DATASETS["numbers-zh"]
    assert numbers.title == "数字转中文" and "“10010”得到“一万零一十”" in numbers.description
    assert "“23+58=”得到“81”" in DATASETS["addition"].description
    with pytest.raises(ConfigError) as error:
        get_dataset("nope")
    assert str(error.value).startswith("没有名为“nope”的数据集") and "numbers-zh" in str(error.value)
    with pytest.raises(ConfigError) as error:
        check_source("numbers-zh", "12a")
    assert str(error.value) == ("“12a”不是这个任务所用的那种输入。请用阿拉伯数字输入一个 1 到 99,999 之间的整数，"
                                "不要带空格或分隔符，例如 1234。")
    language("en")
    assert DATASETS["addition"].title == "Addition"
    with pytest.raises(ConfigError, match="Unknown dataset"):
        get_dataset("nope")


def test_an_error_with_a_translated_part_reads_chinese_throughout(language):
    """The split's name ("train") is a message of its own, so the whole sentence is translated."""
    recipe = recipe_for_text("the cat sat on the mat.\n" * 20, is_text=True)
    too_long = len(recipe.task.train_ids) + 10
    language("zh_CN")
    with pytest.raises(ConfigError) as error:
        recipe.task.check(too_long)
    assert str(error.value).startswith("训练文本只有") and f"上下文长度 {too_long}" in str(error.value)
    language("en")
    with pytest.raises(ConfigError, match=r"^the train text has only \d+ tokens"):
        recipe.task.check(too_long)


def test_every_core_message_is_translated_and_keeps_placeholders_and_symbols():
    messages = list(po_messages())
    assert len(messages) > 200
    wrong = []
    for file, msgid, msgstr, flags in messages:
        if not msgstr or "fuzzy" in flags:
            wrong.append(f"{file}: {msgid!r} is not translated")
        elif sorted(re.findall(r"\{[^{}]*\}", msgid)) != sorted(re.findall(r"\{[^{}]*\}", msgstr)):
            wrong.append(f"{file}: {msgid!r} -> {msgstr!r}: placeholders differ")
        else:
            wrong += [f"{file}: {msgid!r} -> {msgstr!r}: {s!r} is lost" for s in SYMBOLS
                      if s in msgid and s not in msgstr]
    assert wrong == [], "\n".join(wrong)


def test_the_compiled_catalogue_gives_every_core_translation(language):
    """What the app loads (the joined .mo) has each core message as written in its source; a message
    that another module's source translates differently would lose here."""
    language("zh_CN")
    differ = [(msgid, msgstr, i18n._(msgid)) for _file, msgid, msgstr, _flags in po_messages()
              if i18n._(msgid) != msgstr]
    assert differ == []
