"""The Data panel: a built-in dataset or a text file of your own, its statistics and a cleaning preview.

Building a recipe (generating the dataset, training the tokenizer, tokenizing) and describing
the data run in jobs; the panel shows ``playground.core.describe.describe_data``'s answer.
"""

from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QProgressBar, QPushButton, QScrollArea, QSplitter, QTableWidget,
                               QVBoxLayout, QWidget)

from ...core.datasets import DATASETS
from ...core.describe import describe_data
from ...core.recipes import recipe_for_dataset, recipe_for_text
from ...core.text import Cleaning, preview
from .. import dialogs
from ..numbers import format_count
from ..panel_turns import told_in_turns
from ..widgets.banner import Banner
from ..widgets.heading import HeadingLabel
from ..widgets.examples_table import ExamplesTable
from ..widgets.stats_grid import StatsGrid
from ..worker import Job
from .base import Panel

number = format_count  # the one number format of the window (numbers.py)
NO_TEXT = "—"  # a figure of text there is none of (a model folder): not a count of 0
NAME_PX = 280  # the widest a file name is drawn in the heading, in pixels of the heading's font


class DataPanel(Panel):
    """Choose the data: built-in datasets listed with their descriptions, or a text file."""

    name = "data"

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        self.info: dict | None = None
        self._text_file: str | None = None
        self._building = ""  # what the running job is doing, for the busy line
        self._build()
        workspace.data_changed.connect(self._on_data_changed)
        workspace.training_state.connect(lambda _state: self._update_enabled())
        self._update_enabled()

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("DataPanel", "Data")

    @classmethod
    def description(cls) -> str:
        return QCoreApplication.translate("DataPanel", "Choose a built-in dataset or open a text file")

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        splitter = QSplitter()
        self.sources_scroll = self._scrolled(self._build_sources())
        splitter.addWidget(self.sources_scroll)
        splitter.addWidget(self._build_details())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._fit_sizes()

    @staticmethod
    def _scrolled(column: QWidget) -> QScrollArea:
        """The column scrolls up and down on a short screen instead of squeezing its texts."""
        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    def _build_sources(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(self.tr("<b>Built-in datasets</b>")))
        self.dataset_list = QListWidget()
        for name in DATASETS:
            ds = DATASETS[name]
            item = QListWidgetItem(ds.title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(f"{ds.title}\n\n{ds.description}")  # the whole title where a narrow list elides it
            self.dataset_list.addItem(item)
        self.dataset_list.itemClicked.connect(lambda item: self.choose_dataset(item.data(Qt.ItemDataRole.UserRole)))
        self.dataset_list.currentItemChanged.connect(self._show_description)
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        self.description_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.description_label.setMinimumHeight(120)
        self.description_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(self.tr("Open text file…"))
        self.open_button.setToolTip(self.tr("Train on a text file of your own (you can also drop it on the window)"))
        self.open_button.clicked.connect(lambda: self.open_text_file())
        column.addWidget(self.dataset_list)
        column.addWidget(self.description_label)
        column.addStretch(1)
        column.addWidget(self.open_button)
        column.addWidget(self._build_cleaning())
        return box

    def _build_cleaning(self) -> QGroupBox:
        self.cleaning_box = QGroupBox(self.tr("Cleaning (for your own text)"))
        grid = QVBoxLayout(self.cleaning_box)
        options = [("gutenberg", self.tr("Project Gutenberg: only the book")),
                   ("nfkc", self.tr("Unicode NFKC (ﬁ → fi, Ａ → A)")),  # short: beside the lessons dock on a projector
                   ("lowercase", self.tr("Lower-case")),
                   ("strip_punctuation", self.tr("Remove punctuation")),
                   ("collapse_whitespace", self.tr("Collapse whitespace"))]
        self.cleaning_checks: dict[str, QCheckBox] = {}
        for key, text in options:
            check = QCheckBox(text)
            check.toggled.connect(self._on_cleaning_toggled)
            grid.addWidget(check)
            self.cleaning_checks[key] = check
        self.cleaning_checks["gutenberg"].setToolTip(self.tr(
            "Leave out what Project Gutenberg adds around a book it hosts: the header before “*** START OF "
            "THE PROJECT GUTENBERG EBOOK” and the licence after “*** END OF”. A text without them is kept whole."))
        self.apply_cleaning_button = QPushButton(self.tr("Use these options for training"))
        self.apply_cleaning_button.clicked.connect(self.apply_cleaning)
        grid.addWidget(self.apply_cleaning_button)
        return self.cleaning_box

    def _build_details(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(6, 0, 0, 0)
        self.heading = HeadingLabel("", 1.3)
        self.heading.setWordWrap(True)
        self.banner = Banner()
        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(200)
        self.busy_bar.setTextVisible(False)
        busy = QHBoxLayout()
        busy.addWidget(self.busy_label)
        busy.addWidget(self.busy_bar)
        busy.addStretch(1)
        column.addWidget(self.heading)
        column.addWidget(self.banner)
        column.addLayout(busy)
        column.addWidget(self._build_stats())
        self.no_text_label = QLabel()  # a model folder: no text to preview, and what to do to train
        self.no_text_label.setWordWrap(True)
        self.no_text_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.no_text_label.hide()
        column.addWidget(self.no_text_label, 1)
        column.addWidget(self._build_preview(), 1)
        self._set_busy("")
        return box

    def _build_stats(self) -> QGroupBox:
        labels = {"n_chars": self.tr("Characters"), "n_lines": self.tr("Lines"),
                  "n_distinct_chars": self.tr("Distinct characters"), "n_words": self.tr("Words"),
                  "split_train": self.tr("Training"), "split_val": self.tr("Validation"),
                  "tokenizer": self.tr("Tokenizer")}
        box = self.stats_box = StatsGrid(self.tr("Statistics"), labels)
        self.stat_values, self.stat_names = box.values, box.names
        self.stat_names["n_words"].setWordWrap(True)  # "Words (CJK: one per character)" fits a narrow column
        self.stat_values["tokenizer"].setWordWrap(True)  # "= 85 characters + 256 bytes + 5 special" too
        return box

    def _build_preview(self) -> QWidget:
        self.preview_box = QGroupBox(self.tr("Preview"))
        column = QVBoxLayout(self.preview_box)
        self.preview_split = QSplitter()
        self.before_edit, self.after_edit = QPlainTextEdit(), QPlainTextEdit()
        for edit, caption in ((self.before_edit, self.tr("As read")), (self.after_edit, self.tr("After cleaning"))):
            pane = QWidget()
            pane_layout = QVBoxLayout(pane)
            pane_layout.setContentsMargins(0, 0, 0, 0)
            edit.setReadOnly(True)
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            label = QLabel(caption)
            pane_layout.addWidget(label)
            pane_layout.addWidget(edit)
            edit.caption = label
            self.preview_split.addWidget(pane)
        self.examples_table = ExamplesTable()
        self.examples_table.setHorizontalHeaderLabels([self.tr("Source"), self.tr("Target")])
        self.examples_table.verticalHeader().hide()
        self.examples_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.examples_table.setAlternatingRowColors(True)
        column.addWidget(self.preview_split)
        column.addWidget(self.examples_table)
        return self.preview_box

    def _fit_sizes(self) -> None:
        """Row heights and the dataset list's height follow the font (zoom)."""
        row = self.fontMetrics().height() + 10
        for i in range(self.dataset_list.count()):
            self.dataset_list.item(i).setSizeHint(QSize(0, row))
        self.dataset_list.setFixedHeight(row * self.dataset_list.count() + 2 * self.dataset_list.frameWidth() + 4)
        self.examples_table.verticalHeader().setDefaultSectionSize(row - 2)
        scroll = self.sources_scroll  # as wide as its column, which has no horizontal scroll bar
        scroll.setMinimumWidth(scroll.widget().minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width())

    def changeEvent(self, event):
        if event.type() == QEvent.Type.FontChange:
            self._fit_sizes()
        super().changeEvent(event)

    # --- choosing data --------------------------------------------------------------------
    def choose_dataset(self, name: str, ask: bool = True) -> None:
        """Build the built-in dataset ``name`` (task, char tokenizer, default model) in a job."""
        if ask and not dialogs.confirm_discard(self, self.workspace.core):
            self._select_current_dataset()
            return
        self._select_dataset_item(name)
        title = DATASETS[name].title if name in DATASETS else name
        busy = self.tr("Building “{title}”: generating the data, training the tokenizer…").format(title=title)
        self._start_build(partial(recipe_for_dataset, name), busy)

    def open_text_file(self, path: str | None = None, ask: bool = True) -> None:
        """Use the text file at ``path`` (asks for one when None) as the corpus."""
        if path is None:
            kinds = self.tr("Text files (*.txt *.md *.csv *.tsv *.json *.py *.html *.srt);;All files (*)")
            path, _filter = QFileDialog.getOpenFileName(self, self.tr("Open a text file"), "", kinds)
            if not path:
                return
        if ask and not dialogs.confirm_discard(self, self.workspace.core):
            return
        self._text_file = str(path)
        self._start_build(partial(recipe_for_text, str(path), cleaning=self.cleaning()),
                          self.tr("Reading {path} and training the tokenizer…").format(path=path))

    def apply_cleaning(self) -> None:
        """Rebuild the text file's recipe with the cleaning options ticked (same tokenizer kind)."""
        spec = self.workspace.core.recipe.spec if self.workspace.core.recipe else {}
        if not spec.get("text_file") or not dialogs.confirm_discard(self, self.workspace.core):
            return
        build = partial(recipe_for_text, spec["text_file"], spec.get("tokenizer", "char"), spec.get("vocab_size"),
                        self.cleaning())
        self._start_build(build, self.tr("Cleaning the text and training the tokenizer again…"))

    def cleaning(self) -> Cleaning | None:
        options = {key: check.isChecked() for key, check in self.cleaning_checks.items()}
        return Cleaning(**options) if any(options.values()) else None

    def _start_build(self, build, busy_text: str) -> None:
        self.banner.clear()
        job = Job(build)
        job.result.connect(partial(self._on_built, job))
        job.error.connect(partial(self._on_failed, job))
        self._set_busy(busy_text)
        self.run_job(job, wait_old=False)

    def _on_built(self, job, recipe) -> None:
        if self.is_current(job):
            self.workspace.set_recipe(recipe)  # data_changed -> describe

    def _on_failed(self, job, message: str, details: str) -> None:
        if not self.is_current(job):
            return
        self._set_busy("")
        self.banner.show_message(message, "error")
        self._select_current_dataset()

    # --- describing the data --------------------------------------------------------------------
    @told_in_turns
    def _on_data_changed(self) -> None:
        recipe = self.workspace.core.recipe
        if recipe is None:
            return
        self._select_current_dataset()
        spec = recipe.spec
        if spec.get("text_file"):
            self._text_file = spec["text_file"]
        self._show_cleaning(spec.get("cleaning") or {})  # built-in data: nothing ticked
        job = Job(partial(describe_data, recipe))
        job.result.connect(partial(self._on_described, job))
        job.error.connect(partial(self._on_failed, job))
        self._set_busy(self.tr("Counting…"))
        self.run_job(job, wait_old=False)

    def _on_described(self, job, info: dict) -> None:
        if not self.is_current(job):
            return
        self._set_busy("")
        self.info = info
        self._show_heading(info)
        self._show_stats(info)
        self._show_preview(info)
        self._update_enabled()

    def _show_heading(self, info: dict) -> None:
        if info["dataset"] in DATASETS:
            ds = DATASETS[info["dataset"]]
            kind = self.tr("language modelling") if ds.kind == "lm" else self.tr("source → target examples")
            self.heading.setText(self.tr("{title} — built-in dataset, {kind}").format(title=ds.title, kind=kind))
            self.heading.setToolTip("")
        elif info.get("pretrained"):
            self.heading.setText(self.tr("{name} — pretrained model (Hugging Face GPT-2)").format(name=info["name"]))
            self.heading.setToolTip(info["pretrained"])
            self.description_label.setText(self.tr(
                "<b>A pretrained model</b><br>{folder}<br><br>It was trained elsewhere and brings no data: type "
                "your own text in Tokenize, Inspect and Generate. To train a model here, choose a dataset or open a "
                "text file.").format(folder=info["pretrained"]))
        else:
            # A file name has no spaces to wrap at: at most NAME_PX wide in the heading, whole in its tooltip.
            name = self.heading.fontMetrics().elidedText(info["name"], Qt.TextElideMode.ElideMiddle, NAME_PX)
            self.heading.setText(self.tr("{name} — your text, language modelling").format(name=name))
            self.heading.setToolTip(info["text_file"] or info["name"])
            where = info["text_file"] or self.tr("typed text")
            self.description_label.setText(self.tr(
                "<b>Your text</b><br>{where}<br><br>The model learns to continue it, {kind} by {kind}; the "
                "last tenth is held out to measure how well it does on text it never trained on.").format(
                where=where, kind=info["tokenizer"] if info["tokenizer"] != "char" else self.tr("character")))

    def _show_stats(self, info: dict) -> None:
        stats, split = info["stats"], info["split"]
        missing = Path(info["text_file"]).name if info["text_file"] else ""  # the banner gives the whole path
        titles = {"saved": self.tr("Statistics, as saved with the session ({path} is missing)").format(path=missing),
                  "sample": self.tr("Statistics of a sample: the first {n} characters of the saved tokens ({path} "
                                    "is missing)").format(n=number(info.get("sample_chars", 0)), path=missing)}
        self.stats_box.setTitle(titles.get(info.get("stats_of"), self.tr("Statistics")))
        no_text = bool(info.get("pretrained"))  # a model folder brings no text: its counts are none, not zeros
        for key in ("n_chars", "n_lines", "n_distinct_chars", "n_words"):
            self.stat_values[key].setText(NO_TEXT if no_text else number(stats[key]))
        pairs = info["kind"] == "pairs"
        self.stat_names["n_lines"].setText(self.tr("Longest example") if pairs else self.tr("Lines"))
        if pairs:
            self.stat_values["n_lines"].setText(self.tr("{n} tokens").format(n=number(info["longest"])))
        for widget in (self.stat_names["n_words"], self.stat_values["n_words"]):
            widget.setVisible(not pairs)
        self._show_word_rule(stats)
        if pairs:
            self.stat_names["split_train"].setText(self.tr("Training examples"))
            self.stat_names["split_val"].setText(self.tr("Validation examples"))
            train, val = split["train_examples"], split["val_examples"]
        else:
            self.stat_names["split_train"].setText(self.tr("Training tokens"))
            self.stat_names["split_val"].setText(self.tr("Validation tokens"))
            train, val = split["train_tokens"], split["val_tokens"]
        self.stat_values["split_train"].setText(NO_TEXT if no_text else number(train))
        self.stat_values["split_val"].setText(NO_TEXT if no_text else number(val))
        self.stat_values["tokenizer"].setText(self._tokenizer_figure(info))
        self.stats_box.refit()  # four figures to a row, or two where the new ones do not fit

    def _tokenizer_figure(self, info: dict) -> str:
        """"char, 346 tokens" and, for a char tokenizer, what they are: its 85 characters, 256 byte tokens (any
        character it never saw still encodes) and 5 special tokens, so the figure agrees with "Distinct
        characters"."""
        figure = self.tr("{kind}, {n} tokens").format(kind=info["tokenizer"], n=number(info["vocab_size"]))
        parts = info.get("vocab_parts")
        if info["tokenizer"] != "char" or not parts:
            return figure
        return figure + "\n" + self.tr("= {chars} characters + {bytes} bytes + {special} special").format(
            chars=number(parts["learned"]), bytes=number(parts["bytes"]), special=number(parts["special"]))

    def _show_word_rule(self, stats: dict) -> None:
        """Say how words were counted: Chinese and Japanese have no spaces, so each character is one."""
        cjk = stats.get("n_cjk_chars", 0)  # absent from statistics saved before it was counted
        self.stat_names["n_words"].setText(self.tr("Words (CJK: one per character)") if cjk else self.tr("Words"))
        rule = self.tr("Words are runs of letters and digits between spaces and punctuation. Chinese and "
                       "Japanese are written without spaces, so each of their characters counts as one "
                       "word. Emoji and symbols are not counted.")
        if cjk:
            rule += "\n" + self.tr("{n} of the words are single Chinese or Japanese characters.").format(
                n=number(cjk))
        for widget in (self.stat_names["n_words"], self.stat_values["n_words"]):
            widget.setToolTip(rule)

    def _show_preview(self, info: dict) -> None:
        no_text = bool(info.get("pretrained"))
        self.preview_box.setVisible(not no_text)  # two empty boxes said nothing: one line says why there are none
        self.no_text_label.setVisible(no_text)
        self.no_text_label.setText(self.tr(
            "A model folder brings no text: there are no counts and no preview. To train a model, choose a "
            "dataset or open a text file.") if no_text else "")
        pairs = info["kind"] == "pairs"
        self.preview_split.setVisible(not pairs)
        self.examples_table.setVisible(pairs)
        if pairs:
            self.preview_box.setTitle(self.tr("Examples"))
            self.examples_table.set_examples(info["examples"])
            return
        own_text = info["raw"] is not None and not info["dataset"]
        self.preview_box.setTitle(self.tr("Preview: before and after cleaning") if own_text else self.tr("Sample"))
        self.after_edit.parentWidget().setVisible(own_text)
        self.before_edit.caption.setVisible(own_text)
        self.before_edit.setPlainText(info["before"])
        self.after_edit.setPlainText(info["after"])

    def _on_cleaning_toggled(self) -> None:
        """Preview the options at once on the start of the text; training uses them after "Use"."""
        if self.info is None or self.info.get("raw") is None or self.info["dataset"]:
            return
        _before, after = preview(self.info["raw"], self.cleaning() or Cleaning(), len(self.info["raw"]))
        self.after_edit.setPlainText(after)
        self._update_enabled()

    # --- state ----------------------------------------------------------------------------
    def _set_busy(self, text: str) -> None:
        self._building = text
        self.busy_label.setText(text)
        self.busy_label.setVisible(bool(text))
        self.busy_bar.setVisible(bool(text))

    def is_busy(self) -> bool:
        return bool(self._building)

    def _update_enabled(self) -> None:
        training = self.workspace.training_active
        self.dataset_list.setEnabled(not training)
        self.open_button.setEnabled(not training)
        spec = self.workspace.core.recipe.spec if self.workspace.core.recipe else {}
        own_text = bool(spec.get("text_file"))
        missing = self.workspace.core.missing_text_file()
        self.cleaning_box.setEnabled(own_text and not training and not missing)
        applied = Cleaning(**spec["cleaning"]) if spec.get("cleaning") else None
        self.apply_cleaning_button.setEnabled(own_text and not missing and self.cleaning() != applied)
        if missing:
            self.cleaning_box.setToolTip(self.tr("Cleaning reads the text file again, and {path} is missing: put it "
                                                 "back, or open it again from where it is now.").format(path=missing))
        elif not own_text:
            self.cleaning_box.setToolTip(self.tr("Built-in datasets are already clean; cleaning applies to "
                                                 "text files you open."))
        else:
            self.cleaning_box.setToolTip("")

    def _show_cleaning(self, options: dict) -> None:
        for key, check in self.cleaning_checks.items():
            check.blockSignals(True)
            check.setChecked(bool(options.get(key)))
            check.blockSignals(False)

    def _show_description(self, item) -> None:
        if item is None:
            return
        ds = DATASETS[item.data(Qt.ItemDataRole.UserRole)]
        self.description_label.setText(f"<b>{ds.title}</b><br>{ds.description}")

    def _select_dataset_item(self, name: str | None) -> None:
        for row in range(self.dataset_list.count()):
            item = self.dataset_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.dataset_list.setCurrentItem(item)
                return
        self.dataset_list.clearSelection()
        self.dataset_list.setCurrentItem(None)

    def _select_current_dataset(self) -> None:
        recipe = self.workspace.core.recipe
        self._select_dataset_item(recipe.spec.get("dataset") if recipe else None)

    def ui_state(self) -> dict:
        return {"cleaning": {key: check.isChecked() for key, check in self.cleaning_checks.items()}}

    def restore_ui_state(self, state: dict) -> None:
        if isinstance(state.get("cleaning"), dict):
            self._show_cleaning(state["cleaning"])
            self._update_enabled()
