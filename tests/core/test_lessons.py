"""The lesson format: a good file parses into steps, actions and questions; every mistake names its line."""

from functools import lru_cache

import pytest

from playground.core.lessons import (ACTIONS, LessonError, is_stage_name, lesson_files, load_lesson, markdown_html,
                                     parse_action, parse_lesson)
from playground.core.recipes import recipe_for_dataset
from playground.resources import resource_path

GOOD = """# Tokenization
language: en
minutes: 6
dataset: grammar

What this lesson is about.

## Characters or pieces?
A tokenizer splits text. The rule: `ids = tokenize(text)`.
> open tokenize
> text "Hello 世界 👋"
> tokenizer bpe 400
? How many tokens does BPE make of "the cat"?
! Fewer than characters:
! whole words are in its vocabulary.

## Train
```
loss = −Σ y·log p
> not an action inside a block
```
> dataset reversal
> preset tiny
> model n_layer=1 d_model=32
> train 200 lr=0.003 eval_interval=50
> trace "abc"
> stage encoder.0.attn.weights
> head 2
> cell 1 0
> view heads
> temperature 1.5
> top-k 10
> top-p 0.9
> greedy off
> max-tokens 40
> seed 3
> generate "the cat"
> evaluate 100
> cleaning lowercase punctuation
"""


def test_a_good_lesson_parses():
    lesson = parse_lesson(GOOD, "lesson.md")
    assert (lesson.title, lesson.language, lesson.minutes, lesson.dataset) == ("Tokenization", "en", 6, "grammar")
    assert lesson.intro == "What this lesson is about."
    assert [s.title for s in lesson.steps] == ["Characters or pieces?", "Train"]
    first, second = lesson.steps
    assert [str(a) for a in first.actions] == ["open tokenize", "text 'Hello 世界 👋'", "tokenizer bpe 400"]
    assert first.actions[0].line == 10
    assert first.question == 'How many tokens does BPE make of "the cat"?'
    assert first.answer == "Fewer than characters: whole words are in its vocabulary."
    assert first.text == "A tokenizer splits text. The rule: `ids = tokenize(text)`."
    assert "> not an action inside a block" in second.text
    train = next(a for a in second.actions if a.name == "train")
    assert train.args == (200,) and train.options == {"lr": 0.003, "eval_interval": 50}
    assert train.changes_state and not first.actions[0].changes_state
    by_name = {a.name: a for a in second.actions}
    assert by_name["cell"].args == (1, 0)
    assert by_name["greedy"].args == (False,)
    assert by_name["cleaning"].args == ("lowercase", "strip_punctuation")
    assert by_name["evaluate"].args == (100,)
    assert {a.name for a in first.actions + second.actions} >= set(ACTIONS) - {"file"}


def test_chinese_and_emoji_text_survive():
    lesson = parse_lesson(GOOD.replace("# Tokenization", "# 数据预处理与分词 🧩").replace("language: en",
                                                                                 "language: zh_CN"))
    assert lesson.title == "数据预处理与分词 🧩" and lesson.language == "zh_CN"
    assert lesson.steps[0].actions[1].args == ("Hello 世界 👋",)


def test_a_file_beside_the_lesson(tmp_path):
    (tmp_path / "story.txt").write_text("Once upon a time.", encoding="utf-8")
    path = tmp_path / "lesson.md"
    path.write_text(GOOD + "> file story.txt\n", encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.steps[-1].actions[-1].args == (str(tmp_path / "story.txt"),)
    assert lesson.id == "lesson"


@pytest.mark.parametrize("name, ok", [("embed.token", True), ("encoder.0.attn.weights", True),
                                      ("decoder.1.cross_attn.scores", True), ("decoder.0", True), ("logits", True),
                                      ("encoder.0.cross_attn.weights", False), ("attention", False),
                                      ("decoder.x.attn.q", False)])
def test_stage_names(name, ok):
    assert is_stage_name(name) is ok


def lesson_with(line: str, header: str = "language: en\nminutes: 5\ndataset: grammar") -> str:
    return f"# T\n{header}\n\n## Step\ntext\n{line}\n"


BAD_ACTIONS = [
    ("> fly away", "unknown action 'fly'"),
    ("> open nowhere", "unknown panel 'nowhere'"),
    ("> dataset poems", "unknown dataset 'poems'"),
    ("> stage attention", "unknown stage 'attention'"),
    ("> preset huge", "unknown preset 'huge'"),
    ("> tokenizer sentencepiece", "unknown tokenizer kind"),
    ("> tokenizer bpe many", "must be a whole number"),
    ("> tokenizer bpe 5", "between 30 and 100000"),
    ("> train", "takes 1 argument(s), not 0"),
    ("> train 0", "between 1 and 100000"),
    ("> train 100 speed=3", "unknown setting 'speed'"),
    ("> train 100 lr=fast", "lr must be a number"),
    ("> train 100 lr", "takes 1 argument(s), not 2"),
    ("> model", "> model needs settings"),
    ("> model colour=red", "unknown setting 'colour'"),
    ("> head 0", "between 1 and 64"),
    ("> cell 1", "takes 2 argument(s), not 1"),
    ("> view everything", "unknown view"),
    ("> temperature hot", "must be a number"),
    ("> temperature 9", "between 0.05 and 5.0"),
    ("> top-p 2", "between 0.01 and 1.0"),
    ("> greedy maybe", "unknown greedy setting"),
    ('> trace "the cat', "quotation mark is not closed"),
    ("> generate", "takes 1 argument(s), not 0"),
    ("> cleaning shout", "unknown cleaning option"),
    ("> file missing.txt", "is not beside the lesson"),
    (">", "needs an action"),
    ("! an answer", "needs a question"),
    ("? a question", "has no answer"),
    ("? one\n! a\n? two\n! b", "asks one question"),
    ("# Another title", "only the first line is a # title"),
    ("```\nunclosed", "``` block is not closed"),
    ("##", "a step needs a title"),
]


@pytest.mark.parametrize("line, problem", BAD_ACTIONS, ids=[b[0] for b in BAD_ACTIONS])
def test_every_mistake_names_the_file_line_and_problem(tmp_path, line, problem):
    path = tmp_path / "bad.md"
    path.write_text(lesson_with(line), encoding="utf-8")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    error = info.value
    assert problem in str(error)
    assert str(error).startswith(f"{path}:")
    assert 6 <= error.line <= 10 and error.path == str(path)


BAD_FILES = [
    ("no title\nlanguage: en", 1, "starts with its title"),
    ("# T\nlanguage: en\nminutes: 5\n\n## S\n", None, "no dataset: line"),
    ("# T\nlanguage: klingon\nminutes: 5\ndataset: grammar\n\n## S\n", 2, "unknown language 'klingon'"),
    ("# T\nlanguage: en\nminutes: soon\ndataset: grammar\n\n## S\n", 3, "minutes must be a whole number"),
    ("# T\nlanguage: en\nminutes: 5\ndataset: poems\n\n## S\n", 4, "unknown dataset 'poems'"),
    ("# T\nlanguage: en\nminutes: 5\nauthor: me\n", 4, "a header line is language:"),
    ("# T\nlanguage: en\nminutes: 5\ndataset: grammar\n\nOnly an introduction.\n", None, "has no steps"),
    ("# T\nlanguage: en\nminutes: 5\ndataset: grammar\n\n> open data\n## S\n", 6, "belong to a step"),
]


@pytest.mark.parametrize("text, line, problem", BAD_FILES, ids=[b[2] for b in BAD_FILES])
def test_bad_headers_and_bodies(text, line, problem):
    with pytest.raises(LessonError) as info:
        parse_lesson(text, "x.md")
    assert problem in str(info.value) and info.value.line == line


def test_unreadable_files(tmp_path):
    with pytest.raises(LessonError, match="does not exist"):
        load_lesson(tmp_path / "none.md")
    binary = tmp_path / "latin.md"
    binary.write_bytes("# Leçon\n".encode("latin-1"))
    with pytest.raises(LessonError, match="not UTF-8"):
        load_lesson(binary)


def test_parse_action_alone():
    action = parse_action('generate "他说 👋"')
    assert (action.name, action.args) == ("generate", ("他说 👋",))


def test_markdown_html():
    out = markdown_html("A **bold** and *soft* `x<y` word.\n\n- one\n- two\n\n```\na < b\n```\n中文 🙂")
    assert "<p>A <b>bold</b> and <i>soft</i> <code>x&lt;y</code> word.</p>" in out
    assert "<ul><li>one</li><li>two</li></ul>" in out
    assert "<pre>a &lt; b</pre>" in out
    assert "<p>中文 🙂</p>" in out


def test_emphasis_beside_chinese_characters():
    """Chinese has no spaces: *斜体* and **粗体** right beside other characters are still emphasis."""
    out = markdown_html("内置的*简易英语*数据集，**自注意力**很重要；2*3*4 与 a*b 不是。")
    assert "内置的<i>简易英语</i>数据集，<b>自注意力</b>很重要" in out
    assert "2*3*4" in out and "a*b" in out


# --- the built-in lessons against the data they run on --------------------------------------------------
# (lesson id, step, `> generate` of that step, where its source is): a lesson's text says whether the Generate
# panel shows an expected answer, and the panel shows one only for a source of the validation pairs.
SOURCES_THE_LESSONS_NAME = [
    ("06-evaluation", -1, 0, "val"),  # "One held-out sentence": the panel checks the answer against its label
    ("08-applications", -1, 0, "val"),  # question answering: a held-out world, its expected answer shown
    ("08-applications", -1, 1, "neither"),  # the same world asked another question: no example has it
]


@lru_cache(maxsize=None)
def _pairs(dataset: str) -> tuple[dict, dict]:
    """(validation, training) pairs of the task the Data panel builds for ``dataset``: ``recipe_for_dataset(name)``,
    seed 0; the Generate panel shows an expected answer for a source of the first."""
    task = recipe_for_dataset(dataset).task
    return dict(task.val_pairs), dict(task.train_pairs)


def _dataset_at(lesson, step_index: int) -> str:
    """The dataset a step runs on: the lesson's, then each ``> dataset`` line up to that step."""
    name = lesson.dataset
    for step in lesson.steps[:step_index % len(lesson.steps) + 1]:
        name = next((a.args[0] for a in reversed(step.actions) if a.name == "dataset"), name)
    return name


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("lesson_id, step_index, nth, split", SOURCES_THE_LESSONS_NAME)
def test_a_lessons_generated_source_is_where_its_text_says(language, lesson_id, step_index, nth, split):
    """A change of the generators, the seed or the held-out rule that moves a lesson's source out of the
    validation pairs fails here, not in class under a step that promises an expected answer."""
    path = next(p for p in lesson_files(resource_path(f"lessons/{language}")) if p.stem == lesson_id)
    lesson = load_lesson(path)
    step = lesson.steps[step_index]
    source = [a.args[0] for a in step.actions if a.name == "generate"][nth]
    val, train = _pairs(_dataset_at(lesson, step_index))
    in_val, in_train = source in val, source in train
    assert (in_val, in_train) == {"val": (True, False), "neither": (False, False)}[split], source
