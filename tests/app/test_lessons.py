"""The Lessons pane and runner on a real window: actions drive the panels, Back/Next restore a step's state."""

import pytest
from PySide6.QtCore import QLocale

from playground.app.widgets.lesson_pane import builtin_lessons
from playground.core.lessons import load_lesson

SMALL = """# A small lesson
language: en
minutes: 5
dataset: grammar

## Tokens
Text with `code`.
> open tokenize
> text "the cat 猫 👋"
> tokenizer bpe 300
? Fewer or more tokens with BPE?
! Fewer.

## Train
> preset tiny
> model d_model=32 n_head=2
> train 30 lr=0.003 eval_interval=10
> open inspect
> trace "the cat"
> stage decoder.0.attn.weights
> head 2
> cell 2 1
> view heads

## Generate
> open generate
> temperature 0.5
> max-tokens 10
> seed 1
> generate "the"
> temperature 1.5
> generate "the"
"""


@pytest.fixture
def lesson_window(make_window):
    window = make_window()
    window.lessons.runner.max_train_steps = 40
    return window


def wait_step(qtbot, runner, timeout=120_000):
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=timeout)


def test_a_lesson_drives_the_window_and_back_restores_the_state(qtbot, lesson_window, tmp_path):
    path = tmp_path / "small.md"
    path.write_text(SMALL, encoding="utf-8")
    window, dock = lesson_window, lesson_window.lessons
    pane, runner = dock.pane, dock.runner
    failures = []
    runner.step_failed.connect(lambda i, m: failures.append(m))
    assert dock.open_path(str(path))
    wait_step(qtbot, runner)
    assert failures == []
    assert window.current_panel().name == "tokenize"
    assert window.panel("tokenize").right.tokenizer.kind == "bpe"
    assert pane.position.text() == "Step 1 of 3"
    assert pane.question.isVisibleTo(pane) and not pane.answer.isVisibleTo(pane)
    pane.reveal()
    assert pane.answer.isVisibleTo(pane) and pane.answer.text() == "Fewer."

    assert pane.next()
    wait_step(qtbot, runner)
    assert failures == []
    core = window.workspace.core
    assert core.trained_steps == 30 and core.recipe.model.d_model == 32
    inspect = window.panel("inspect")
    assert inspect.current_record().name == "decoder.0.attn.weights"
    assert inspect.detail.head == 1 and inspect.detail.row == 2 and inspect.detail.tabs.currentIndex() == 1
    trained = {k: v.clone() for k, v in core.model.state_dict().items()}

    assert pane.next()
    wait_step(qtbot, runner)
    assert failures == []
    rows = pane.generation_rows()
    assert [r[0] for r in rows] == ["T = 0.50", "T = 1.50"] and all(r[1] for r in rows)

    assert pane.back()  # the trained model of step 2 comes back, not retrained
    wait_step(qtbot, runner)
    core = window.workspace.core
    assert core.trained_steps == 30
    assert all((core.model.state_dict()[k] == v).all() for k, v in trained.items())
    assert inspect.current_record().name == "decoder.0.attn.weights" and window.current_panel().name == "inspect"
    assert failures == []


def test_a_lesson_with_a_mistake_is_shown_in_the_pane_and_nothing_runs(qtbot, lesson_window, tmp_path):
    path = tmp_path / "broken.md"
    path.write_text(SMALL.replace("> head 2", "> head two"), encoding="utf-8")
    dock = lesson_window.lessons
    before = lesson_window.workspace.core
    assert not dock.open_path(str(path))
    text = dock.pane.status_text()
    assert f"{path}:21:" in text and "the head must be a whole number, not 'two'" in text
    assert dock.pane.lesson is None and not dock.runner.is_busy()
    assert lesson_window.workspace.core is before


def test_a_failing_action_is_shown_in_the_pane_and_the_lesson_goes_on(qtbot, lesson_window, tmp_path):
    path = tmp_path / "fails.md"  # reversal's model has 2 layers: no decoder layer 8
    path.write_text("# F\nlanguage: en\nminutes: 5\ndataset: reversal\n\n## One\n> open inspect\n> trace \"abcdef\"\n"
                    "> stage decoder.7.attn.q\n\n## Two\n> open data\n", encoding="utf-8")
    dock = lesson_window.lessons
    assert dock.open_path(str(path))
    wait_step(qtbot, dock.runner)
    text = dock.pane.status_text()
    assert "Line 9 (stage decoder.7.attn.q): This model has no stage decoder.7.attn.q" in text
    assert dock.pane.retry_button.isVisibleTo(dock.pane) and dock.pane.next_button.isEnabled()
    assert dock.pane.next()
    wait_step(qtbot, dock.runner)
    assert lesson_window.current_panel().name == "data" and dock.pane.status_text() == ""


def test_a_learning_rate_far_too_high_diverges_and_the_next_step_trains_on(qtbot, lesson_window, tmp_path):
    path = tmp_path / "diverge.md"
    path.write_text("# D\nlanguage: en\nminutes: 5\ndataset: grammar\n\n## Blow up\n> preset tiny\n"
                    "> train 20 lr=1000 warmup_steps=1 eval_interval=5\n\n## Recover\n> train 5 lr=0.001\n",
                    encoding="utf-8")
    dock = lesson_window.lessons
    notices, failures = [], []
    dock.runner.notice.connect(notices.append)
    dock.runner.step_failed.connect(lambda i, m: failures.append(m))
    assert dock.open_path(str(path))
    wait_step(qtbot, dock.runner)
    core = lesson_window.workspace.core
    assert failures == [] and lesson_window.panel("train").state == "diverged"
    assert notices and "Training diverged" in notices[0] and core.trained_steps < 20
    back_to = core.trained_steps
    assert dock.pane.next()
    wait_step(qtbot, dock.runner)
    assert failures == [] and lesson_window.workspace.core.trained_steps == back_to + 5
    assert lesson_window.panel("train").state == "finished"


def test_text_scale_makes_the_lesson_larger(lesson_window):
    pane = lesson_window.lessons.pane
    before = pane.browser.font().pointSizeF()
    pane.set_text_scale(1.6)
    assert pane.browser.font().pointSizeF() == pytest.approx(before * 1.6)
    assert pane.title.font().pointSizeF() > pane.browser.font().pointSizeF()
    pane.set_text_scale(1.0)
    assert pane.browser.font().pointSizeF() == pytest.approx(before)


def test_presentation_mode_makes_the_lesson_text_projector_sized(qtbot, lesson_window):
    """F11's zoom reaches the pane's own fonts: its text grows with the scale and is >= 18 px at 160 %."""
    from PySide6.QtGui import QFontInfo

    pane = lesson_window.lessons.pane
    before = QFontInfo(pane.browser.font()).pixelSize()
    lesson_window.presentation.enter()
    try:
        qtbot.waitUntil(lambda: QFontInfo(pane.browser.font()).pixelSize() >= before * 1.5, timeout=5000)
        assert QFontInfo(pane.browser.font()).pixelSize() >= 18
        assert QFontInfo(pane.next_button.font()).pixelSize() >= 18
    finally:
        lesson_window.presentation.leave()
    qtbot.waitUntil(lambda: QFontInfo(pane.browser.font()).pixelSize() == before, timeout=5000)


def test_the_window_has_the_lessons_menu_and_view_action(lesson_window):
    actions = lesson_window.menu_actions
    titles = [a.text() for a in actions.lessons_menu.actions() if a.text()]
    assert titles[:8] == [load_lesson(p).title for p in builtin_lessons("en")]
    toggle = next(a for a in actions.view_menu.actions() if a.text() == "&Lessons")
    toggle.trigger()
    assert lesson_window.lessons.isVisible()


WALK_STEPS = 2  # real training, shortened: every `> train` runs at most this many steps


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("lesson_id", [p.stem for p in builtin_lessons("en")])
def test_every_builtin_lesson_walks_end_to_end(qtbot, lesson_window, language, lesson_id):
    """Every action of every step succeeds on the real window, in order; stages and panels are really there."""
    path = next(p for p in builtin_lessons(language) if p.stem == lesson_id)
    lesson = load_lesson(path)
    assert lesson.language == language
    window, dock = lesson_window, lesson_window.lessons
    runner = dock.runner
    runner.max_train_steps = WALK_STEPS
    failures = []
    runner.step_failed.connect(lambda i, m: failures.append((i, m)))
    assert dock.open_path(str(path))
    for index, step in enumerate(lesson.steps):
        if index:
            assert dock.pane.next()
        wait_step(qtbot, runner, timeout=300_000)
        assert failures == [], failures
        assert dock.pane.position.text() != "" and runner.index == index
        for action in step.actions:
            if action.name == "stage":
                inspect = window.panel("inspect")
                shown = inspect.current_record()
                assert action.args[0] in (shown.name, shown.group)
        opened = [a.args[0] for a in step.actions if a.name == "open"]
        if opened:
            assert window.current_panel().name == opened[-1]
        if any(a.name == "evaluate" for a in step.actions):
            assert dock.pane.report_table.isVisibleTo(dock.pane) and dock.pane.report_cells()
        generated = [a for a in step.actions if a.name == "generate"]
        assert len(dock.pane.generation_rows()) == len(generated)
    expected = [f"dataset {lesson.dataset}"] + [str(a) for s in lesson.steps for a in s.actions]
    assert [str(a) for a in runner.done_actions] == expected
    assert not dock.pane.next_button.isEnabled()


def test_lessons_open_in_the_ui_language_and_switch_language_at_the_same_step(qtbot, make_window):
    saved = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))  # as install_translation does for a Chinese UI
    try:
        window = make_window()
    finally:
        QLocale.setDefault(saved)
    dock = window.lessons
    pane, runner = dock.pane, dock.runner
    runner.max_train_steps = 2
    assert pane.language == "zh_CN" and pane.language_box.currentText() == "简体中文"
    assert pane.lesson_box.itemText(1) == "1 · 数据预处理与分词 (7 min)"
    assert pane.open_builtin(1)
    wait_step(qtbot, runner)
    assert pane.next()
    wait_step(qtbot, runner)
    done = len(runner.done_actions)
    assert "清洗" in pane.browser.toPlainText()
    pane.set_language("en")  # the same lesson, the same step, nothing run again
    assert pane.title.text() == "1 · Preprocessing and tokenization" and runner.index == 1
    assert "Cleaning a real text" in pane.browser.toPlainText()
    assert len(runner.done_actions) == done and not runner.is_busy()
    assert pane.lesson_box.currentText() == "1 · Preprocessing and tokenization (7 min)"


def test_every_tokenizer_kind_on_english_chinese_and_emoji(qtbot, lesson_window, tmp_path):
    kinds = ("char", "bpe", "wordpiece", "unigram", "word")
    steps = "".join(f"## {kind}\n> open tokenize\n> text \"the cat 猫 👋\"\n> tokenizer {kind}\n> view vocabulary\n\n"
                    for kind in kinds)
    path = tmp_path / "kinds.md"
    path.write_text("# Kinds\nlanguage: en\nminutes: 5\ndataset: grammar\n\n" + steps, encoding="utf-8")
    dock = lesson_window.lessons
    failures = []
    dock.runner.step_failed.connect(lambda i, m: failures.append(m))
    column = lesson_window.panel("tokenize").right
    assert dock.open_path(str(path))
    for i, kind in enumerate(kinds):
        if i:
            assert dock.pane.next()
        wait_step(qtbot, dock.runner)
        assert failures == []
        assert column.tokenizer.kind == kind and column.tabs.currentIndex() == 1
        assert column.token_count() > 0
        assert column.tokenizer.decode(column.tokenizer.encode_ids("the cat")) == "the cat"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_lesson_4_shows_the_whole_output_so_far_it_traces(qtbot, lesson_window, language):
    """Lesson 4's last step traces 30517 with the output so far 三万零五百一十七 and asks about the row of 零: at
    1280×720 beside the lessons dock, the Output so far box shows all of it (squeezed beside the live refresh it
    showed 一十七), and the trace has a row for each of its characters."""
    from PySide6.QtWidgets import QStyle

    path = next(p for p in builtin_lessons(language) if p.stem.startswith("04"))
    lesson = load_lesson(path)
    window, dock = lesson_window, lesson_window.lessons
    window.resize(1280, 720)
    dock.runner.max_train_steps = WALK_STEPS
    assert dock.open_path(str(path))
    for index in range(len(lesson.steps)):
        if index:
            assert dock.pane.next()
        wait_step(qtbot, dock.runner, timeout=300_000)
    source, output_so_far = next(a for a in lesson.steps[-1].actions if a.name == "trace").args
    assert output_so_far == "三万零五百一十七" and "`零`" in lesson.steps[-1].question
    inspect = window.panel("inspect")
    qtbot.waitUntil(lambda: inspect.prefix.isVisible() and inspect.inspection is not None)
    assert (inspect.text.text(), inspect.prefix.text()) == (source, output_so_far)
    tok = inspect.task().tokenizer
    assert [tok.id_to_token(i) for i in inspect.inspection.ids] == ["<bos>", *output_so_far]  # a row per character
    box = inspect.prefix
    frame = box.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
    shown = box.width() - 2 * frame - 4  # QLineEdit keeps 2 px beside its text
    assert box.fontMetrics().horizontalAdvance(output_so_far) <= shown, (box.width(), output_so_far)
    assert inspect.text.fontMetrics().horizontalAdvance(source) <= inspect.text.width() - 2 * frame - 4


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_lesson_1_says_why_the_z_of_zebra_is_a_byte(qtbot, lesson_window, language):
    """Toy English has no letter z: in lesson 1's WordPiece step the character column spells zebra's z as the byte
    <7A>, outlined as unknown, beside the six bytes of 斑马; the revealed answer says so."""
    path = next(p for p in builtin_lessons(language) if p.stem.startswith("01"))
    lesson = load_lesson(path)
    index = next(i for i, s in enumerate(lesson.steps) if any("zebra" in str(a) for a in s.actions))
    dock = lesson_window.lessons
    assert dock.open_path(str(path))
    for i in range(index + 1):
        if i:
            assert dock.pane.next()
        wait_step(qtbot, dock.runner)
    column = lesson_window.panel("tokenize").left
    tok, chips = column.tokenizer, column.view.chips
    assert tok.kind == "char" and tok.token_to_id("z") is None and tok.token_to_id("y") is not None
    z = next(c for c in chips if c.span == (21, 22))  # "the small cat sees a z"
    assert z.unknown and z.tokens == ["<0x7A>"]
    assert sum(len(c.ids) for c in chips if c.unknown) == 7  # z's byte and the six of 斑马
    answer = lesson.steps[index].answer
    assert "`<7A>`" in answer and "z" in answer.replace("zebra", "") and "7" in answer
