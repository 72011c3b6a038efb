"""The Tokenize panel: type text and see it split into tokens, by two tokenizers side by side.

The left column starts with the tokenizer the model trains with; either column can train
another kind on the corpus (in a job) and hand it to training. Typing re-encodes after a
100 ms pause, in the UI thread: encoding a paragraph takes well under a millisecond.
"""

from functools import partial

from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton,
                               QScrollArea, QSpinBox, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from ...core.token_text import character_pieces
from ...core.tokenizer import BYTE_TOKENS, DEFAULT_VOCAB_SIZE, KINDS, MIN_VOCAB_SIZE, UNK_ID
from ...core.tokenizer_kinds import tokenizer_name
from ...core.workspace import missing_file_for_tokenizer
from .. import dialogs
from .. import view_tables
from ..export import make_exportable
from ..numbers import format_count, format_float, format_percent
from ..panel_turns import told_in_turns
from ..widgets.token_spans import TokenSpanView
from ..widgets.train_status import duration
from ..widgets.vocabulary import MergesView, VocabularyBrowser
from ..worker import Job
from .base import Panel, typed_text

DEBOUNCE_MS = 100
SAMPLE_TEXT = "the old dog sees a small red ball near the house .\nHello, 世界!"


def kind_label(kind: str) -> str:
    labels = {"char": QCoreApplication.translate("TokenizePanel", "Characters (char)"),
              "bpe": QCoreApplication.translate("TokenizePanel", "Byte-level BPE (bpe)"),
              "wordpiece": QCoreApplication.translate("TokenizePanel", "WordPiece (wordpiece)"),
              "unigram": QCoreApplication.translate("TokenizePanel", "Unigram (unigram)"),
              "word": QCoreApplication.translate("TokenizePanel", "Whole words (word)")}
    return labels[kind]


class TokenizerColumn(QWidget):
    """One tokenizer: its kind and size, training it on the corpus, and the text as its tokens."""

    def __init__(self, panel, caption: str, kind: str, follows_workspace: bool):
        super().__init__()
        self.panel, self.workspace = panel, panel.workspace
        self.follows_workspace = follows_workspace  # shows the tokenizer training uses, until changed
        self.tokenizer = None
        self._pieces_counted: tuple | None = None  # (tokenizer, its share of pieces): _piece_share
        self.recipe = None  # the recipe trained here, ready for "Use for training"
        self._job = None
        self._failed = False  # the last training failed: its message stays until the next action
        self._vocabulary_shown = None  # (tokenizer, kind) the Vocabulary and Merges tabs show
        # HF's trainers report nothing until they finish (a unigram on a Chinese novel: about a minute), so the state
        # line counts the seconds instead
        self._training_kind = kind
        self._training_clock, self._clock_tick = QElapsedTimer(), QTimer(self)
        self._clock_tick.setInterval(1000)
        self._clock_tick.timeout.connect(self._show_training_state)
        self._build(caption, kind)

    def _build(self, caption: str, kind: str) -> None:
        box = QGroupBox(caption)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        column = QVBoxLayout(box)
        self.kind_box = QComboBox()
        for k in KINDS:
            self.kind_box.addItem(kind_label(k), k)
        self.kind_box.setCurrentIndex(KINDS.index(kind))
        self.vocab_box = QSpinBox()
        self.vocab_box.setRange(0, 100_000)
        self.vocab_box.setSingleStep(100)
        self.vocab_tip = self.tr("Vocabulary size: how many tokens the tokenizer may learn")
        self.train_button = QPushButton(self.tr("Train on the corpus"))
        self.use_button = QPushButton(self.tr("Use for training"))
        self.use_button.setToolTip(self.tr("Train the model with this tokenizer (the model is rebuilt for its "
                                           "vocabulary)"))
        controls = QHBoxLayout()
        controls.addWidget(self.kind_box, 1)
        controls.addWidget(QLabel(self.tr("Vocabulary")))
        controls.addWidget(self.vocab_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.use_button)
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.stats_label = QLabel()
        self.stats_label.setWordWrap(True)  # "12 tokens · 3.58 characters per token · 12.5 % unknown" at 900 px
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view = TokenSpanView()
        make_exportable(self.view, lambda: f"tokens-{self.kind()}", lambda: view_tables.tokens(self.view))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        self.vocabulary, self.merges = VocabularyBrowser(), MergesView()
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, self.tr("Tokens"))
        self.tabs.addTab(self.vocabulary, self.tr("Vocabulary"))
        self.merges_tab = self.tabs.addTab(self.merges, self.tr("Merges"))
        for item in (controls, buttons):
            column.addLayout(item)
        for widget in (self.progress, self.state_label, self.stats_label):
            column.addWidget(widget)
        column.addWidget(self.tabs, 1)
        self.kind_box.currentIndexChanged.connect(self._on_kind_changed)
        self.vocab_box.valueChanged.connect(self._on_settings_changed)
        self.train_button.clicked.connect(self.train)
        self.use_button.clicked.connect(self.use_for_training)
        self._set_vocab_range(kind, DEFAULT_VOCAB_SIZE.get(kind, 1000))

    # --- settings ------------------------------------------------------------------------------
    def kind(self) -> str:
        return self.kind_box.currentData()

    def vocab_size(self) -> int | None:
        return None if self.kind() == "char" else self.vocab_box.value()

    def set_settings(self, kind: str, vocab_size: int | None) -> None:
        self.kind_box.blockSignals(True)
        self.kind_box.setCurrentIndex(KINDS.index(kind))
        self.kind_box.blockSignals(False)
        self._set_vocab_range(kind, vocab_size or DEFAULT_VOCAB_SIZE.get(kind, 1000))

    def _set_vocab_range(self, kind: str, value: int) -> None:
        """A char vocabulary is every character seen: its box says "automatic" and is locked."""
        box = self.vocab_box
        box.blockSignals(True)
        box.setEnabled(kind != "char")
        box.setSpecialValueText(self.tr("automatic") if kind == "char" else "")
        box.setMinimum(0 if kind == "char" else MIN_VOCAB_SIZE[kind])
        box.setValue(0 if kind == "char" else value)
        box.blockSignals(False)

    def _on_kind_changed(self) -> None:
        kind = self.kind()
        self._set_vocab_range(kind, DEFAULT_VOCAB_SIZE.get(kind, 1000))
        self._on_settings_changed()

    def _on_settings_changed(self) -> None:
        """Another kind or size: the tokenizer shown no longer matches; offer to train one."""
        self.follows_workspace = False
        self.tokenizer, self.recipe = None, None
        self.refresh()

    # --- training --------------------------------------------------------------------------------
    def train(self) -> None:
        """Train this column's kind on the workspace's corpus, in a job."""
        core = self.workspace.core
        if core.recipe is None:
            return
        if core.missing_text_file():  # a session reopened without its file: say so, not "does not exist"
            self.refresh()
            self.state_label.setText(self._missing_text())
            return
        kind, size = self.kind(), self.vocab_size()
        self._failed = False
        job = Job(partial(core.recipe_with_tokenizer, kind, size))
        job.result.connect(partial(self._on_trained, job))
        job.error.connect(partial(self._on_failed, job))
        job.finished.connect(partial(self._on_job_finished, job))
        self._job = job
        self.panel.run_job(job, wait_old=False)
        self.progress.show()
        self.train_button.setEnabled(False)
        self._training_kind = kind
        self._training_clock.start()
        self._clock_tick.start()
        self._show_training_state()

    def _show_training_state(self) -> None:
        if self._job is None or self._failed:  # a tick queued behind the job's end
            return
        self.state_label.setText(self.tr("Training a {tokenizer} on the corpus… {elapsed}").format(
            tokenizer=tokenizer_name(self._training_kind),
            elapsed=duration(self._training_clock.elapsed() / 1000)))

    def is_training(self) -> bool:
        return self._job is not None

    def _on_trained(self, job, recipe) -> None:
        if job is not self._job:
            return
        self.recipe, self.tokenizer = recipe, recipe.task.tokenizer
        self.follows_workspace = False
        self.refresh()

    def _on_failed(self, job, message: str, details: str) -> None:
        if job is self._job:
            self._failed = True
            self.state_label.setText(self.tr("Training failed: {message}").format(message=message))

    def _on_job_finished(self, job) -> None:
        if job is self._job:
            self._job = None
            self._clock_tick.stop()
            self.progress.hide()
            self.refresh_state(keep_message=self._failed)  # a failure keeps its message until the next action

    def use_for_training(self) -> None:
        if self.recipe is None or self.workspace.training_active:
            return
        if dialogs.confirm_discard(self, self.workspace.core):
            self.workspace.set_recipe(self.recipe)

    # --- showing ---------------------------------------------------------------------------------
    def on_workspace_changed(self) -> None:
        recipe = self.workspace.core.recipe
        if self.follows_workspace and recipe is not None:
            self.tokenizer, self.recipe = recipe.task.tokenizer, None
            # a model folder's tokenizer was never trained here to a size asked: its box shows the size it has
            size = self.tokenizer.vocab_size if self.workspace.core.pretrained else recipe.spec.get("vocab_size")
            self.set_settings(self.tokenizer.kind, size)
        self.show_vocabulary()
        self.refresh()

    def in_use(self) -> bool:
        recipe = self.workspace.core.recipe
        return self.tokenizer is not None and recipe is not None and recipe.task.tokenizer is self.tokenizer

    def refresh(self) -> None:
        self.refresh_state()
        self.show_tokens(self.panel.text())
        self.show_vocabulary()

    def refresh_state(self, keep_message: bool = False) -> None:
        """The buttons and the state line: all a change of the training state touches (the tokens stay).
        A pretrained model's folder has no corpus to train on: the button says so instead."""
        training = self.workspace.training_active
        self.use_button.setEnabled(self.recipe is not None and not self.in_use() and not training)
        why_not = self._why_not_train()
        self.train_button.setToolTip(why_not or self.tr("Train a tokenizer of this kind on the data in use"))
        refusal = self.workspace.core.pretrained_refusal()  # no kind or size to choose: nothing can be trained
        self.kind_box.setEnabled(not refusal)
        self.kind_box.setToolTip(refusal or "")
        self.vocab_box.setEnabled(not refusal and self.kind() != "char")
        self.vocab_box.setToolTip(refusal or self.vocab_tip)
        if self._job is None:
            self.train_button.setEnabled(self.can_train())
            if not keep_message:
                self.state_label.setText(self._state_text())

    def _why_not_train(self) -> str | None:
        return self._missing_text() or self.workspace.core.pretrained_refusal()

    def can_train(self) -> bool:
        return self.workspace.core.recipe is not None and not self._why_not_train()

    def _missing_text(self) -> str:
        """Why no tokenizer can be trained now (the text file is gone), or ""."""
        path = self.workspace.core.missing_text_file()
        return missing_file_for_tokenizer(path) if path else ""

    def _no_corpus(self) -> str:
        """With a model folder open there is no corpus to train a tokenizer on: that, and what to do; "" else."""
        if not self.workspace.core.pretrained:
            return ""
        return self.tr("Nothing to train on: a model folder brings no corpus. To train a tokenizer and compare it, "
                       "choose a dataset or open a text file in Data.")

    def _state_text(self) -> str:
        if self.tokenizer is None and self._missing_text():
            return self._missing_text()
        if self.tokenizer is None and self._no_corpus():
            return self._no_corpus()
        if self.tokenizer is None:
            return self.tr("Not trained yet: press “Train on the corpus” to build a {tokenizer}.").format(
                tokenizer=tokenizer_name(self.kind()))
        size = format_count(self.tokenizer.vocab_size)
        if self.in_use() and self.workspace.core.pretrained:
            return self.tr("The model folder's own tokenizer · {n} tokens in the vocabulary").format(n=size)
        if self.in_use():
            text = self.tr("In use for training · {n} tokens in the vocabulary").format(n=size)
        else:
            text = self.tr("Trained on the corpus · {n} tokens in the vocabulary").format(n=size)
        # a space before an English note's "(", none before a Chinese one's full-width "（"
        return text + "".join(note if note.startswith("（") else " " + note for note in self._size_notes())

    def _size_notes(self) -> list[str]:
        """Why the vocabulary's size, or its tokens, are not what the size asked suggests (on Chinese, mostly)."""
        tok, asked, notes = self.tokenizer, self.vocab_size(), []
        if asked and tok.kind == self.kind() and tok.vocab_size > asked:
            # WordPiece and Unigram keep every character of the corpus (Chinese: thousands), whatever the size asked
            notes.append(self.tr("(more than the {asked} asked for: every character of the corpus has a "
                                 "token of its own)").format(asked=format_count(asked)))
        stats = self._corpus_stats()
        distinct = stats.get("n_distinct_chars") or 0
        if tok.kind == "bpe" and tok.vocab_size < distinct:
            # 1,000 tokens on a Chinese novel: "鄰" is two or three byte tokens, the text longer than by characters
            notes.append(self.tr("(fewer than the corpus's {n} distinct characters: rarer characters are split into "
                                 "their UTF-8 bytes; try a larger vocabulary)").format(n=format_count(distinct)))
        elif tok.kind == "bpe" and distinct and (share := self._piece_share(tok)) > 0:
            # 5,000 tokens on a novel of 4,435 characters: the byte tokens and the merges of words take their share
            notes.append(self.tr("({p} of the corpus's tokens are pieces of characters split into their UTF-8 "
                                 "bytes; try a larger vocabulary)").format(p=format_percent(share)))
        if tok.kind == "word" and 2 * (stats.get("n_cjk_chars") or 0) > (stats.get("n_words") or 0):
            notes.append(self.tr("(Chinese and Japanese are written without spaces: each of their characters "
                                 "is a word, and a token, of its own)"))
        return notes

    def _piece_share(self, tok) -> float:
        """The share of the corpus's tokens that are pieces of a character (``character_pieces``), counted once for
        each tokenizer; 0 where the corpus's tokens are not here."""
        if self._pieces_counted is None or self._pieces_counted[0] is not tok:
            recipe = self.recipe or self.workspace.core.recipe
            ids = getattr(recipe.task, "train_ids", None) if recipe is not None else None
            share = 0.0
            if ids is not None and len(ids) and recipe.task.tokenizer is tok:
                share = float(character_pieces(tok.kind, tok.vocab())[ids].mean())
            self._pieces_counted = (tok, share)
        return self._pieces_counted[1]

    def _corpus_stats(self) -> dict:
        """The counts saved with the corpus this tokenizer was trained on ({} for a built-in dataset or a model)."""
        recipe = self.recipe or self.workspace.core.recipe
        stats = recipe.spec.get("corpus_stats") if recipe is not None else None
        return stats if isinstance(stats, dict) else {}

    def show_tokens(self, text: str) -> None:
        tok = self.tokenizer
        if tok is None:
            self.view.show_placeholder(self.tr("No tokenizer to show: there is no corpus to train one on.")
                                       if self._no_corpus() else
                                       self.tr("Train this tokenizer to see how it splits the text."))
            self.stats_label.setText("")
            return
        encoding = tok.encode(text)
        unknown = {UNK_ID} | {tok.token_to_id(b) for b in BYTE_TOKENS} if tok.kind == "char" else {UNK_ID}
        self.view.set_tokens(text, encoding, unknown, tok.kind, tok.special_ids())
        stats = tok.stats(text)
        # a char tokenizer's byte tokens lose nothing: the characters it never saw, spelled in their UTF-8 bytes
        line = self.tr("<b>{n}</b> tokens · <b>{cpt}</b> characters per token · <b>{unk}</b> spelled in bytes "
                       "(characters it never saw)") if tok.kind == "char" else \
            self.tr("<b>{n}</b> tokens · <b>{cpt}</b> characters per token · <b>{unk}</b> unknown")
        self.stats_label.setText(line.format(n=format_count(stats["n_tokens"]),
                                             cpt=format_float(stats["chars_per_token"]),
                                             unk=format_percent(stats["unk_rate"])))

    def show_vocabulary(self) -> None:
        """Fill the Vocabulary and Merges tabs, unless they show this tokenizer already.

        A GPT-2 has 50,257 tokens and 50,000 merges: refilling them on every refresh held the window.
        """
        tok = self.tokenizer
        shown = (tok, tok.kind if tok else self.kind())
        self._enable_merges_tab(shown[1])
        if self._vocabulary_shown is not None and self._vocabulary_shown[0] is tok \
                and self._vocabulary_shown[1] == shown[1]:
            return
        self._vocabulary_shown = shown
        self.vocabulary.set_tokens(tok.vocab() if tok else [], tok.kind if tok else self.kind())
        self.merges.set_merges(tok.merges() if tok else [], tok.kind if tok else self.kind())

    def _enable_merges_tab(self, kind: str) -> None:
        """Only BPE learns merges: for the other kinds the tab is greyed out, its tooltip says why."""
        has_merges = kind == "bpe"
        self.tabs.setTabEnabled(self.merges_tab, has_merges)
        self.tabs.setTabToolTip(self.merges_tab, "" if has_merges else self.merges.none_text(kind))

    def token_count(self) -> int:
        return self.view.token_count()

    def settings(self) -> dict:
        return {"kind": self.kind(), "vocab_size": self.vocab_box.value()}


class TokenizePanel(Panel):
    """A shared text box over two tokenizer columns."""

    name = "tokenize"

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        self.input = QPlainTextEdit(SAMPLE_TEXT)
        self._sample = SAMPLE_TEXT  # the text put here, not typed: new data replaces it with a passage of its own
        self.input.setPlaceholderText(self.tr("Type or paste any text here"))
        self.input.setMaximumHeight(self.input.fontMetrics().lineSpacing() * 5 + 16)
        self.left = TokenizerColumn(self, self.tr("Tokenizer"), "char", follows_workspace=True)
        self.right = TokenizerColumn(self, self.tr("Compare with"), "bpe", follows_workspace=False)
        split = QSplitter()
        split.addWidget(self.left)
        split.addWidget(self.right)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Text</b> — every keystroke is tokenized by both tokenizers below")))
        layout.addWidget(self.input)
        layout.addWidget(split, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self.input.textChanged.connect(self._timer.start)
        workspace.data_changed.connect(self._on_data_changed)
        # a run's start and end change only what the buttons allow: re-tokenizing both columns held the window
        workspace.training_state.connect(lambda _state: [c.refresh_state() for c in self.columns()])
        self._on_data_changed()

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("TokenizePanel", "Tokenize")

    @classmethod
    def description(cls) -> str:
        return QCoreApplication.translate("TokenizePanel", "See text split into tokens; train and compare tokenizers")

    def text(self) -> str:
        return typed_text(self.input)

    def columns(self) -> tuple[TokenizerColumn, TokenizerColumn]:
        return self.left, self.right

    def refresh(self) -> None:
        """Encode the text now (typing calls this after a 100 ms pause)."""
        self._timer.stop()
        for column in self.columns():
            column.show_tokens(self.text())

    def showEvent(self, event) -> None:
        """The text file may have come back (or gone) while another panel was shown."""
        super().showEvent(event)
        for column in self.columns():
            if not column.is_training() and column.train_button.isEnabled() != column.can_train():
                column.refresh()

    @told_in_turns
    def _on_data_changed(self) -> None:
        """New data: the left column shows the tokenizer in use; one trained on the old data is dropped."""
        self.left.follows_workspace = True
        self._show_sample()
        if not self.right.in_use():
            self.right.tokenizer, self.right.recipe = None, None
        for column in self.columns():
            column.on_workspace_changed()
        self._timer.stop()  # the columns show the new sample's tokens already: its textChanged need not encode it again

    def _show_sample(self) -> None:
        """A passage of the user's own text (a few sentences from a third of the way in), in place of the text put
        here before, unless the user typed their own; a built-in dataset gets the sample text."""
        recipe = self.workspace.core.recipe
        passage = recipe.spec.get("passage") if recipe is not None else None
        sample = passage if isinstance(passage, str) and 0 < len(passage) <= 1_000 else SAMPLE_TEXT  # (a session file)
        if self.text() == self._sample and sample != self._sample:
            self._sample = sample
            self.input.setPlainText(sample)

    def ui_state(self) -> dict:
        return {"text": self.text(), "compare": self.right.settings()}

    def restore_ui_state(self, state: dict) -> None:
        if isinstance(state.get("text"), str):
            self.input.setPlainText(state["text"])
        compare = state.get("compare")
        if isinstance(compare, dict) and compare.get("kind") in KINDS:
            self.right.set_settings(compare["kind"], compare.get("vocab_size"))
            self.right.tokenizer, self.right.recipe = None, None
            self.right.refresh()
        self.refresh()
