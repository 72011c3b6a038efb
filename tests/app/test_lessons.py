"""The Lessons pane and runner on a real window: actions drive the panels, Back/Next restore a step's state."""

import pytest

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
