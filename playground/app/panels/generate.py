"""The Generate panel: sample from the model token by token, each token tinted by its probability.

Generating while training runs: each generation samples from a snapshot of the weights taken
when Generate is pressed (a copy of the model, about 10 ms and a few MB for these models), made
in the worker. The trainer keeps its own weights to itself: sampling never switches the training
model to eval mode (which would turn its dropout off mid-run) and never reads a tensor while the
optimizer writes it for longer than that one copy. The copy may mix two consecutive steps'
weights, which is invisible at these learning rates. So Generate stays enabled during training,
and pressing it again later shows how the model has improved.
"""

import copy
import functools
import logging
import random
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QStyle, QTableWidget, QTableWidgetItem, QToolButton,
                               QVBoxLayout, QWidget)

from ...core.errors import PlaygroundError
from ...core.inspect import shared_weights
from ...core.prompts import NEWLINE, empty_prompt
from ...core.sample import SampleConfig, stream
from ...core.tasks import PairTask
from ...core.tokenizer_kinds import tokenizer_name
from .. import view_tables
from ..export import make_exportable
from ..numbers import format_count, format_percent, format_probability
from ..panel_turns import told_in_turns
from ..training import TRAINING_NICE, lower_thread_priority
from ..widgets.banner import Banner
from ..widgets.sampling_form import SamplingForm
from ..widgets.token_stream import TokenStreamView, probability_color, quoted
from ..worker import Job
from .base import Panel, typed_text

log = logging.getLogger(__name__)
SIDE_WIDTH = 300  # the sampling column, in pixels at the default zoom


def sample_from_snapshot(model, tokenizer, prompt_ids, cfg, src_ids, prompt_text):
    """In the worker: copy the model, then stream tokens from the copy (see the module docstring).

    The worker thread is niced like the trainer's, so sampling never slows the window down.
    """
    lower_thread_priority(TRAINING_NICE)
    return stream(copy.deepcopy(model, memo=shared_weights(model)), tokenizer, prompt_ids, cfg, src_ids, prompt_text)


class GeneratePanel(Panel):
    """Prompt or source in, tokens out as they come; hover or click a token for its alternatives."""

    name = "generate"

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        self._rng = random.Random()
        self.expected: str | None = None  # target of a held-out source, when the source is one
        self._generating = False
        self._generation = 0  # numbers the jobs, so tokens of a cancelled one are ignored
        self._build_actions()
        self._build()
        workspace.data_changed.connect(self._on_workspace_changed)
        workspace.model_changed.connect(self._on_workspace_changed)
        workspace.training_state.connect(lambda _state: self._show_model_state())
        self._on_workspace_changed()

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("GeneratePanel", "Generate")

    @classmethod
    def description(cls) -> str:
        return QCoreApplication.translate("GeneratePanel", "Sample text from the model, token by token")

    # --- building ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        style = self.style()
        self.generate_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), self.tr("Generate"), self)
        self.generate_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.generate_action.setToolTip(self.tr("Generate from the prompt (Ctrl+Enter)"))
        self.stop_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), self.tr("Stop"), self)
        self.stop_action.setToolTip(self.tr("Stop generating"))
        for action in (self.generate_action, self.stop_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.generate_action.triggered.connect(self.generate)
        self.stop_action.triggered.connect(self.stop)

    def _build(self) -> None:
        """Input, buttons and the output on the left; sampling settings and alternatives on the right."""
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.banner = Banner()
        left.addWidget(self.banner)
        left.addWidget(self._build_input())
        left.addLayout(self._build_buttons())
        self.unknown_label = QLabel()  # the prompt's tokens the tokenizer did not know: the model never saw them
        self.unknown_label.setWordWrap(True)
        self.unknown_label.hide()
        left.addWidget(self.unknown_label)
        self.token_view = TokenStreamView()
        make_exportable(self.token_view, "generated",
                        lambda: view_tables.generated_tokens(self.token_view, self.task()))
        self.token_view.setPlaceholderText(self.tr("The generated tokens appear here, tinted by their probability."))
        self.token_view.token_hovered.connect(self.show_alternatives)
        self.token_view.token_clicked.connect(self.show_alternatives)
        left.addWidget(self.token_view, 1)
        below = QHBoxLayout()
        self.model_state_label = QLabel()  # untrained, or trained N steps: read the output with it in mind
        self.model_state_label.setWordWrap(True)
        below.addWidget(self.model_state_label, 1)
        below.addWidget(self._build_legend(), 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        left.addLayout(below)
        right = QVBoxLayout()
        self.sampling = SamplingForm()
        for name in ("temperature", "top_k", "top_p", "max_tokens", "seed", "greedy"):
            setattr(self, name, getattr(self.sampling, name))  # the boxes, as the tests and sessions know them
        right.addWidget(self.sampling)
        right.addWidget(self._build_alternatives(), 1)
        self.side = side = QWidget()
        side.setLayout(right)
        self._fit_side()
        right.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(side)

    def _build_input(self) -> QGroupBox:
        self.input_box = QGroupBox(self.tr("Prompt"))
        grid = QGridLayout(self.input_box)
        self.prompt = QPlainTextEdit()
        self.prompt.setMaximumHeight(self.prompt.fontMetrics().lineSpacing() * 4 + 12)
        self.source = QLineEdit()
        self.source.setPlaceholderText(self.tr("The input of the task, e.g. abcdef"))
        self.source.textChanged.connect(self._on_source_edited)
        self.source.returnPressed.connect(self.generate)
        self.example_button = QPushButton(self.tr("Random held-out example"))
        self.example_button.setToolTip(self.tr("A source the model never saw in training, with its expected answer"))
        self.example_button.clicked.connect(lambda: self.pick_example())
        self.expected_label = QLabel()
        self.expected_label.setWordWrap(True)  # a long answer ("seven thousand eight hundred…") fits a narrow window
        self.expected_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source_caption = QLabel(self.tr("Source"))
        grid.addWidget(self.prompt, 0, 0, 1, 3)
        grid.addWidget(self.source_caption, 1, 0)
        grid.addWidget(self.source, 1, 1)
        grid.addWidget(self.example_button, 1, 2)
        grid.addWidget(self.expected_label, 2, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        return self.input_box

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.generate_button, self.stop_button = QToolButton(), QToolButton()
        for button, action in ((self.generate_button, self.generate_action), (self.stop_button, self.stop_action)):
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            row.addWidget(button)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        row.addWidget(self.status_label, 1)
        return row

    def _build_legend(self) -> QWidget:
        legend = QWidget()
        row = QHBoxLayout(legend)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("probability: low")))
        self.legend_bar = QLabel()
        self.legend_bar.setFixedSize(120, 14)
        row.addWidget(self.legend_bar)
        row.addWidget(QLabel(self.tr("high")))
        self._paint_legend()
        return legend

    def _paint_legend(self) -> None:
        base = self.palette().color(self.backgroundRole())
        stops = ", ".join(f"stop:{p} {probability_color(p, base).name()}" for p in (0.0, 0.25, 0.5, 0.75, 1.0))
        self.legend_bar.setStyleSheet(f"background: qlineargradient(x1:0, y1:0, x2:1, y2:0, {stops});"
                                      " border-radius: 3px;")

    def _fit_side(self) -> None:
        """The sampling column is SIDE_WIDTH wide, or wider when a zoomed font needs more for its texts."""
        self.side.setFixedWidth(max(SIDE_WIDTH, self.side.minimumSizeHint().width()))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "legend_bar"):
            self._paint_legend()  # the tints blend into the background, so a new theme needs new ones
        if event.type() == QEvent.Type.FontChange and hasattr(self, "side"):
            QTimer.singleShot(0, self._fit_side)  # once the children have their new font too
            QTimer.singleShot(0, self._fit_probability_column)
        super().changeEvent(event)

    def _build_alternatives(self) -> QGroupBox:
        box = QGroupBox(self.tr("Alternatives"))
        column = QVBoxLayout(box)
        self.alternatives_caption = QLabel(self.tr("Point at a token to see the tokens it beat."))
        self.alternatives_caption.setWordWrap(True)
        self.alternatives = QTableWidget(0, 2)
        self.alternatives.setHorizontalHeaderLabels([self.tr("Token"), self.tr("Probability")])
        self.alternatives.verticalHeader().hide()
        self.alternatives.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.alternatives.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.alternatives.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.alternatives.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        column.addWidget(self.alternatives_caption)
        column.addWidget(self.alternatives, 1)
        self._fit_probability_column()
        return box

    def _fit_probability_column(self) -> None:
        """The probability column at least as wide as its header ("概率" was cut in an empty table: sized to its
        contents, an empty column is the style's 28 px) and as "100.0%"."""
        header = self.alternatives.horizontalHeader()
        fm = header.fontMetrics()
        margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header) + 8
        widest = max(fm.horizontalAdvance(self.alternatives.horizontalHeaderItem(1).text()),
                     self.alternatives.fontMetrics().horizontalAdvance(format_percent(1.0)))
        header.setMinimumSectionSize(widest + margin)

    # --- the task decides the inputs ----------------------------------------------------------
    def task(self):
        recipe = self.workspace.core.recipe
        return recipe.task if recipe is not None else None

    def is_pair_task(self) -> bool:
        return isinstance(self.task(), PairTask)

    @told_in_turns
    def _on_workspace_changed(self) -> None:
        self.shutdown()
        pairs = self.is_pair_task()
        self.input_box.setTitle(self.tr("Source") if pairs else self.tr("Prompt"))
        self.prompt.setVisible(not pairs)
        self._show_empty_prompt()
        for widget in (self.source_caption, self.source, self.example_button, self.expected_label):
            widget.setVisible(pairs)
        self.token_view.clear_tokens()
        self._show_unknown(0, 0, "")  # of the earlier data's tokenizer
        self._clear_alternatives()
        self._on_source_edited(self.source.text())
        self.status_label.setText("" if self.task() else self.tr("Choose a dataset in the Data panel first."))
        self._show_model_state()
        self._update_enabled()

    def _show_empty_prompt(self) -> None:
        """The prompt's placeholder says what an empty prompt starts from for this text: a new line, or (a text
        with no line break, which its model never saw) the text's own first characters."""
        task = self.task()
        start = empty_prompt(task)[0] if task is not None and not self.is_pair_task() else NEWLINE
        self.prompt.setPlaceholderText(
            self.tr("The start of a text for the model to continue (empty: a new line)") if start == NEWLINE else
            self.tr("The start of a text for the model to continue (empty: your text's own start, “{start}”)").format(
                start=quoted(start)))

    def _show_model_state(self, steps: int | None = None) -> None:
        """Next to the output: whether the weights are untrained, or how many steps they were trained."""
        if self.task() is None:
            self.model_state_label.setText("")
            return
        steps = self.workspace.core.trained_steps if steps is None else steps
        if self.workspace.core.pretrained:
            text = self.tr("Pretrained model from {folder}.").format(folder=Path(self.workspace.core.pretrained).name)
        elif steps == 0:
            text = self.tr("⚠ Untrained model: its weights are random, so its output is random tokens. "
                           "Train it in the Train panel first.")
        elif steps == 1:
            text = self.tr("Model trained for 1 step.")
        else:
            text = self.tr("Model trained for {n} steps.").format(n=steps)
        self.model_state_label.setText(text)

    def pick_example(self, index: int | None = None) -> tuple[str, str]:
        """Put a held-out (validation) source in the box; its target becomes the expected answer."""
        pairs = self.task().val_pairs
        source, target = pairs[self._rng.randrange(len(pairs)) if index is None else index]
        self.source.setText(source)
        return source, target

    def _on_source_edited(self, text: str) -> None:
        task = self.task()
        self.expected = None
        if isinstance(task, PairTask):
            self.expected = self._held_out().get(text)
        self._show_expected(None)

    def _held_out(self) -> dict:
        task = self.task()
        if getattr(self, "_held_out_task", None) is not task:
            self._held_out_task, self._held_out_map = task, dict(task.val_pairs)
        return self._held_out_map

    def _show_expected(self, output: str | None) -> None:
        if self.expected is None:
            self.expected_label.setText(self.tr("Not a held-out example: no expected answer to compare with.")
                                        if self.source.text() else "")
            return
        text = self.tr("Expected: {target}").format(target=self.expected)
        if output is not None:
            text += "   " + (self.tr("✓ the model's answer matches") if output == self.expected
                             else self.tr("✗ the model's answer differs"))
        self.expected_label.setText(text)

    def model_inputs(self) -> tuple[list[int], list[int] | None, str]:
        """(decoder prompt ids, encoder source ids or None, text shown before the output)."""
        task = self.task()
        tok = task.tokenizer
        if isinstance(task, PairTask):
            rows = task.rows_prompt([tok.encode_ids(self.source.text())])
            src = rows["src"][0].tolist() if "src" in rows else None
            return rows["prompts"][0], src, self.source.text() + " → "
        text = typed_text(self.prompt)
        if text:
            return tok.encode_ids(text), None, text
        start, ids = empty_prompt(task)  # a new line, or the start of a text that has none
        return ids, None, "" if start == NEWLINE else start

    def sample_config(self, prompt_len: int = 0) -> SampleConfig:
        settings = self.sampling.settings()
        cfg = self.workspace.core.recipe.model
        if self.is_pair_task() and cfg.architecture == "decoder":  # an answer must fit the context
            settings["max_new_tokens"] = max(1, min(settings["max_new_tokens"], cfg.block_size - prompt_len))
        return SampleConfig(**settings)

    # --- generating ---------------------------------------------------------------------------
    def generate(self) -> None:
        """Start streaming tokens from a snapshot of the current weights."""
        core = self.workspace.core
        if core.recipe is None or self._generating:
            return
        self.banner.clear()
        try:
            if self.is_pair_task():
                self.task().check_source(self.source.text())  # a built-in task says what it takes
            prompt_ids, src_ids, shown = self.model_inputs()
            cfg = self.sample_config(len(prompt_ids))
            model = core.ensure_model()
        except PlaygroundError as e:
            self._clear_output()  # the earlier output is no answer to this input: off the screen with it
            self.banner.show_message(str(e), "warning")
            return
        tok = core.recipe.task.tokenizer
        self._clear_output()
        typed = self.source.text() if self.is_pair_task() else typed_text(self.prompt)
        unknown, n_tokens = tok.unknown_spans(typed)  # the typed text starts what is shown
        if shown:
            self.token_view.add_prompt(shown, unknown)
        self._show_unknown(len(unknown), n_tokens, tok.kind)
        self._steps_at = core.trained_steps
        self._show_model_state(self._steps_at)
        job = Job(lambda: sample_from_snapshot(model, tok, prompt_ids, cfg, src_ids, shown))
        self._generation += 1
        job.progress.connect(functools.partial(self._on_token, self._generation))
        job.error.connect(functools.partial(self._on_error, self._generation))
        job.finished.connect(functools.partial(self._on_finished, self._generation))
        self._generating = True
        self.run_job(job)
        self._update_enabled()
        self.status_label.setText(self.tr("Generating…"))

    def _show_unknown(self, n: int, total: int, kind: str) -> None:
        """Say how many of the prompt's (or source's) tokens are <unk>, or nothing when none is."""
        if not n:
            self.unknown_label.clear()
            self.unknown_label.hide()
            return
        text = (self.tr("⚠ Source tokens unknown to this {tokenizer}: {n} of {total}. The model sees <unk> in their "
                        "place, not your text: use words from its training text, or a char or BPE tokenizer.")
                if self.is_pair_task() else
                self.tr("⚠ Prompt tokens unknown to this {tokenizer}: {n} of {total}. The model sees <unk> in their "
                        "place, not your text: use words from its training text, or a char or BPE tokenizer."))
        self.unknown_label.setText(text.format(tokenizer=tokenizer_name(kind), n=format_count(n),
                                               total=format_count(total)))
        self.unknown_label.show()

    def _clear_output(self) -> None:
        """No tokens, alternatives, verdict, status line or unknown-token notice of an earlier generation left."""
        self.token_view.clear_tokens()
        self._show_unknown(0, 0, "")
        self._clear_alternatives()
        self._show_expected(None)
        self.status_label.setText("")

    def stop(self) -> None:
        if self._job is not None and self._generating:
            self._job.cancel()

    def shutdown(self) -> None:
        self.cancel_job()
        self._generation += 1
        self._generating = False

    def _on_token(self, generation: int, step) -> None:
        if generation == self._generation:
            self.token_view.add_token(step)

    def _on_error(self, generation: int, message: str, details: str) -> None:
        if generation != self._generation:
            return
        log.warning("generation failed: %s\n%s", message, details)
        self.banner.show_message(self.tr("Generation failed: {message}").format(message=message), "error")

    def _on_finished(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._generating = False
        self._update_enabled()
        steps = self.token_view.steps
        tok = self.task().tokenizer if self.task() else None
        if not steps or tok is None:
            self.status_label.setText(self.tr("No tokens generated."))
            return
        mean = sum(s.probability for s in steps) / len(steps)
        ended = steps[-1].id == tok.eos_id
        one = len(steps) == 1  # two strings, not "%n token(s)": English ships no .qm to pick a plural form
        if self.workspace.core.pretrained:
            text = (self.tr("1 token from the pretrained weights; probability {p}") if one else
                    self.tr("{n} tokens from the pretrained weights; mean probability {p}")).format(
                n=format_count(len(steps)), p=format_probability(mean))
        else:
            text = (self.tr("1 token from the weights at step {step}; probability {p}") if one else
                    self.tr("{n} tokens from the weights at step {step}; mean probability {p}")).format(
                n=format_count(len(steps)), step=format_count(self._steps_at), p=format_probability(mean))
        if ended:
            text += self.tr("; ended with <eos>")
        self.status_label.setText(text)
        if self.expected is not None:
            self._show_expected(tok.decode([s.id for s in steps]))

    def _update_enabled(self) -> None:
        ready = self.task() is not None
        self.generate_action.setEnabled(ready and not self._generating)
        self.stop_action.setEnabled(self._generating)
        self.example_button.setEnabled(ready and self.is_pair_task())

    def output_text(self) -> str:
        return self.token_view.text()

    def is_generating(self) -> bool:
        return self._generating

    # --- alternatives --------------------------------------------------------------------------
    def show_alternatives(self, index: int) -> None:
        """Fill the side table with the likeliest tokens at the position of token ``index``."""
        step = self.token_view.steps[index]
        self.alternatives_caption.setText(self.tr("Position {pos}: chose “{token}” with probability {p}").format(
            pos=format_count(step.position), token=quoted(step.token), p=format_probability(step.probability)))
        self.alternatives.setRowCount(len(step.alternatives))
        base = self.alternatives.palette().color(self.alternatives.backgroundRole())
        for row, (token_id, text, p) in enumerate(step.alternatives):
            token = QTableWidgetItem(("✓ " if token_id == step.id else "") + quoted(text))
            value = QTableWidgetItem(format_probability(p))
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setBackground(probability_color(p, base))
            if token_id == step.id:
                font = token.font()
                font.setBold(True)
                token.setFont(font)
            self.alternatives.setItem(row, 0, token)
            self.alternatives.setItem(row, 1, value)

    def alternative_rows(self) -> list[tuple[str, str]]:
        return [(self.alternatives.item(r, 0).text(), self.alternatives.item(r, 1).text())
                for r in range(self.alternatives.rowCount())]

    def _clear_alternatives(self) -> None:
        self.alternatives.setRowCount(0)
        self.alternatives_caption.setText(self.tr("Point at a token to see the tokens it beat."))

    # --- sessions ------------------------------------------------------------------------------
    def ui_state(self) -> dict:
        return {"prompt": typed_text(self.prompt), "source": self.source.text(), **self.sampling.state()}

    def restore_ui_state(self, state: dict) -> None:
        self.prompt.setPlainText(state.get("prompt", ""))
        self.source.setText(state.get("source", ""))
        self.sampling.restore(state)
