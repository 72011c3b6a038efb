"""The Compare window: runs side by side — curves, figures, differing settings, samples — and "the same data,
another model".

The runs are ``core.compare.RunInfo``; the current run and a run trained here are read again from
their workspace at each redraw, so their curves grow while they train. Loading, sampling and
training run in ``Job``s; the window never waits on them.
"""

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QSplitter, QTabWidget, QVBoxLayout,
                               QWidget)

from ..core.compare import load_run, run_of_workspace, same_data_variant, sample_side_by_side, variant_choices
from ..core.errors import PlaygroundError
from ..core.prompts import NEWLINE, empty_prompt
from ..core.session import load_session
from ..core.tasks import LMTask
from .export import make_exportable
from .training import TRAINING_NICE, TrainingRun, lower_thread_priority, training_threads
from .widgets.banner import Banner
from .widgets.compare_samples import CompareSamples
from .widgets.compare_views import CompareCurves, CompareTable
from .worker import Job

log = logging.getLogger(__name__)
REDRAW_MS = 250  # the curves of a run training are redrawn at most this often


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


def change_names() -> dict:
    """The changes offered by "Run the same data with another model", in words: (name, explanation, short name)."""
    names = {
        ("family", "lstm"): (
            translate("CompareWindow", "LSTM (a recurrent network)"),
            translate("CompareWindow", "The seed's embedding → LSTM → linear model instead of the Transformer"),
            translate("CompareWindow", "LSTM")),
        ("family", "transformer"): (
            translate("CompareWindow", "Transformer"),
            translate("CompareWindow", "The Transformer instead of the LSTM"),
            translate("CompareWindow", "Transformer")),
        ("position", "learned"): (
            translate("CompareWindow", "Learned positions"),
            translate("CompareWindow", "A learned vector per position, added to the token's"),
            translate("CompareWindow", "learned positions")),
        ("position", "sinusoidal"): (
            translate("CompareWindow", "Sinusoidal positions"),
            translate("CompareWindow", "Fixed sines and cosines per position, as in the 2017 paper"),
            translate("CompareWindow", "sinusoidal positions")),
        ("position", "rope"): (
            translate("CompareWindow", "RoPE positions"),
            translate("CompareWindow", "Queries and keys rotated by their position"),
            translate("CompareWindow", "RoPE")),
        ("norm", "pre"): (
            translate("CompareWindow", "Pre-LN"),
            translate("CompareWindow", "LayerNorm before each sub-layer (GPT-2)"),
            translate("CompareWindow", "pre-LN")),
        ("norm", "post"): (
            translate("CompareWindow", "Post-LN"),
            translate("CompareWindow", "LayerNorm after each residual sum (the 2017 paper)"),
            translate("CompareWindow", "post-LN")),
    }
    return names


class Entry:
    """A run in the list: a fixed ``RunInfo``, or a workspace read again at each redraw (current, trained here)."""

    def __init__(self, label: str, run=None, workspace=None):
        self.label, self.run, self.workspace = label, run, workspace

    def info(self):
        if self.workspace is None:
            return self.run
        return run_of_workspace(self.workspace, self.label) if self.workspace.recipe is not None else None


class CompareWindow(QDialog):
    """Pick runs (current, run folders, sessions); curves by step or time, a table, samples; train a variant."""

    def __init__(self, workspace, runs_root: Path, parent=None):
        super().__init__(parent)
        self.workspace, self.runs_root = workspace, Path(runs_root)
        self.setWindowTitle(self.tr("Compare runs"))
        self.entries: list[Entry] = [Entry(self.tr("current run"), workspace=workspace.core)]
        self.variant = None  # (workspace, TrainingRun, Job, Entry) while a variant trains
        self.jobs: list[Job] = []  # loads and samples running; each is kept until it has finished
        self._sample_job: Job | None = None
        self._build()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        workspace.training_record.connect(self._on_current_record)
        workspace.model_changed.connect(self._on_model_changed)
        self._fill_list()
        self._on_model_changed()
        self._fit_screen()

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        column = QVBoxLayout(self)
        self.banner = Banner()
        column.addWidget(self.banner)
        splitter = QSplitter()
        splitter.addWidget(self._build_side())
        splitter.addWidget(self._build_views())
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        column.addWidget(splitter, 1)

    def _build_side(self) -> QWidget:
        side = QWidget()
        box = QVBoxLayout(side)
        box.setContentsMargins(0, 0, 4, 0)
        box.addWidget(QLabel(self.tr("Runs (ticked ones are compared)")))
        self.run_list = QListWidget()
        self.run_list.itemChanged.connect(lambda _item: self.redraw())
        self.run_list.currentRowChanged.connect(lambda _row: self._update_enabled())
        box.addWidget(self.run_list, 1)
        row = QHBoxLayout()
        self.add_folder_button = QPushButton(self.tr("Add run…"))
        self.add_folder_button.setToolTip(self.tr("A run folder written by Train or “playground train” "
                                                  "(it holds metrics.jsonl and checkpoints/)"))
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.add_session_button = QPushButton(self.tr("Add session…"))
        self.add_session_button.setToolTip(self.tr("A saved session (.playground): its model and its curves"))
        self.add_session_button.clicked.connect(self._choose_session)
        row.addWidget(self.add_folder_button)
        row.addWidget(self.add_session_button)
        box.addLayout(row)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Take the selected run out of the comparison (its files stay)"))
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(self._build_variant())
        side.setMinimumWidth(250)
        return side

    def _build_variant(self) -> QGroupBox:
        group = QGroupBox(self.tr("Run the same data with another model"))
        group.setToolTip(self.tr("Trains a second model on the very same task, tokenizer, seed and training "
                                 "settings, with one change, and adds it to the comparison"))
        box = QVBoxLayout(group)
        self.change = QComboBox()
        self.change.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.change.setMinimumContentsLength(12)
        box.addWidget(self.change)
        row = QHBoxLayout()
        self.train_button = QPushButton(self.tr("Train"))
        self.train_button.clicked.connect(self.train_variant)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop_variant)
        self.stop_button.setEnabled(False)
        row.addWidget(self.train_button)
        row.addWidget(self.stop_button)
        box.addLayout(row)
        self.variant_progress = QProgressBar()
        self.variant_progress.setFormat(self.tr("step %v of %m"))
        self.variant_progress.hide()
        box.addWidget(self.variant_progress)
        return group

    def _build_views(self) -> QWidget:
        views = QWidget()
        column = QVBoxLayout(views)
        column.setContentsMargins(4, 0, 0, 0)
        row = QHBoxLayout()
        self.x_axis = QComboBox()
        self.x_axis.addItem(self.tr("By step"), "step")
        self.x_axis.addItem(self.tr("By training time"), "time")
        self.x_axis.setToolTip(self.tr("Curves against the step, or against the seconds spent training"))
        self.x_axis.currentIndexChanged.connect(lambda _i: self.redraw())
        row.addWidget(QLabel(self.tr("x axis")))
        row.addWidget(self.x_axis)
        row.addStretch(1)
        column.addLayout(row)
        self.differences = QLabel()
        self.differences.setWordWrap(True)
        self.differences.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.differences)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.curves = CompareCurves()
        make_exportable(self.curves, lambda: self.tr("Compared runs, curves"), self.curves.table)
        self.table = CompareTable()
        make_exportable(self.table, lambda: self.tr("Compared runs, figures"), self.table.table)
        self.samples = CompareSamples()
        self.samples.generate_requested.connect(self.generate)
        self.tabs.addTab(self.curves, self.tr("Curves"))
        self.tabs.addTab(self.table, self.tr("Figures"))
        self.tabs.addTab(self.samples, self.tr("Samples"))
        column.addWidget(self.tabs, 1)
        return views

    def _fit_screen(self) -> None:
        """1100 × 680, or less on a small screen; at least what the views need at 900 × 600."""
        self.setMinimumSize(760, 500)
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        width, height = (1100, 680) if area is None else (min(1100, area.width()), min(680, area.height()))
        self.resize(max(width, 760), max(height, 500))

    # --- the list of runs ----------------------------------------------------------------------
    def _fill_list(self) -> None:
        self.run_list.blockSignals(True)
        checked = {id(e): self._is_checked(i) for i, e in enumerate(self.entries) if i < self.run_list.count()}
        self.run_list.clear()
        for entry in self.entries:
            item = QListWidgetItem(entry.label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked.get(id(entry), True) else Qt.CheckState.Unchecked)
            self.run_list.addItem(item)
        self.run_list.blockSignals(False)
        self._update_enabled()

    def _is_checked(self, index: int) -> bool:
        return self.run_list.item(index).checkState() == Qt.CheckState.Checked

    def add_entry(self, entry: Entry) -> None:
        labels, base, n = {e.label for e in self.entries}, entry.label, 1
        while entry.label in labels:  # the curves and the table tell runs apart by their labels
            n += 1
            entry.label = f"{base} ({n})"
        if entry.run is not None:
            entry.run.label = entry.label  # the curves, the table and the samples show the run's own label
        self.entries.append(entry)
        self._fill_list()
        self.redraw()

    def remove_selected(self) -> None:
        """Take the selected run out of the list (not the current run, nor a run still training here)."""
        row = self.run_list.currentRow()
        if not self._removable(row):
            return
        self.run_list.blockSignals(True)
        self.run_list.takeItem(row)  # so that the ticks of the runs after it stay theirs
        self.run_list.blockSignals(False)
        del self.entries[row]
        self._fill_list()
        self.run_list.setCurrentRow(min(row, len(self.entries) - 1))
        self.redraw()

    def _removable(self, row: int) -> bool:
        if not 0 < row < len(self.entries):
            return False
        return self.variant is None or self.variant[3] is not self.entries[row]

    def compared_runs(self) -> list:
        runs = [entry.info() for i, entry in enumerate(self.entries) if self._is_checked(i)]
        return [run for run in runs if run is not None and run.rows]

    def add_run_folder(self, path) -> Job:
        """Load a run folder (or its metrics.jsonl) in the background and add it."""
        return self._load(lambda: Entry(Path(path).name, run=load_run(path)))

    def add_session(self, path) -> Job:
        """Open a session file in the background and add its model and curves as a run."""
        def load():
            workspace, _ui_state = load_session(path)
            return Entry(Path(path).stem, run=run_of_workspace(workspace, Path(path).stem))
        return self._load(load)

    def _load(self, fn) -> Job:
        self.banner.clear_topic("load")
        job = Job(fn)
        job.result.connect(self.add_entry)
        job.error.connect(lambda message, _details: self.banner.show_message(message, "warning", "load"))
        return self._start(job)

    def _start(self, job: Job) -> Job:
        self.jobs.append(job)
        job.finished.connect(lambda: self.jobs.remove(job) if job in self.jobs else None)
        job.start()
        return job

    def _choose_folder(self) -> None:
        start = str(self.runs_root) if self.runs_root.is_dir() else str(Path.home())
        path = QFileDialog.getExistingDirectory(self, self.tr("Add a run folder"), start)
        if path:
            self.add_run_folder(path)

    def _choose_session(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Add a session"), str(Path.home()),
                                                    self.tr("Sessions (*.playground);;All files (*)"))
        if path:
            self.add_session(path)

    # --- drawing --------------------------------------------------------------------------------
    def redraw(self) -> None:
        runs = self.compared_runs()
        self.curves.show_runs(runs, self.x_axis.currentData())
        self.table.show_runs(runs)
        differences = self.table.difference_text()
        self.differences.setText(self.tr("Settings that differ: {list}").format(list=differences) if differences
                                 else self.tr("Tick two or more runs to compare them.") if len(runs) < 2
                                 else self.tr("The runs have the same settings."))
        if self.samples.labels != [run.label for run in runs]:  # the runs still compared keep their samples
            self.samples.set_runs([run.label for run in runs])

    def _on_current_record(self, _row: dict) -> None:
        if self.isVisible() and not self._redraw_timer.isActive():  # a closed window is redrawn when shown
            self._redraw_timer.start()

    def showEvent(self, event) -> None:
        self.redraw()
        super().showEvent(event)

    def _on_model_changed(self) -> None:
        self.entries[0].workspace = self.workspace.core  # a loaded session replaces the workspace's core
        self.change.clear()
        recipe = self.workspace.core.recipe
        names = change_names()
        for choice in variant_choices(recipe.model) if recipe is not None else []:
            self.change.addItem(names[choice][0], "=".join(choice))  # a str: Qt would turn a tuple into a list
            self.change.setItemData(self.change.count() - 1, names[choice][1], Qt.ItemDataRole.ToolTipRole)
        task = recipe.task if recipe is not None else None
        self.samples.show_empty_prompt(empty_prompt(task)[0] if isinstance(task, LMTask) else NEWLINE)
        self._update_enabled()
        self.redraw()

    def _update_enabled(self) -> None:
        training = self.variant is not None
        self.train_button.setEnabled(not training and self.change.count() > 0)
        self.stop_button.setEnabled(training)
        self.change.setEnabled(not training)
        self.remove_button.setEnabled(self._removable(self.run_list.currentRow()))
        self.remove_button.setToolTip(
            self.tr("Take the selected run out of the comparison (its files stay)") if self.run_list.currentRow() != 0
            else self.tr("The current run stays in the list: untick it to leave it out"))

    # --- samples ---------------------------------------------------------------------------------
    def generate(self) -> Job:
        """The same prompt and seed through each compared run's newest weights, in the background."""
        runs = self.compared_runs()
        self.samples.set_runs([run.label for run in runs], keep=False)
        prompt, seed, length = self.samples.prompt.text(), self.samples.seed.value(), self.samples.length.value()

        def samples():
            lower_thread_priority(TRAINING_NICE)
            return sample_side_by_side(runs, prompt, seed, length)
        if self._sample_job is not None and self._sample_job.is_running():
            self._sample_job.cancel()  # its texts no longer match the boxes
        job = self._sample_job = Job(samples)
        job.progress.connect(lambda result: self._on_sample(job, result))
        job.error.connect(lambda message, _details: self.banner.show_message(message, "warning", "samples"))
        return self._start(job)

    def _on_sample(self, job: Job, result: tuple) -> None:
        if job is self._sample_job:
            self.samples.show_text(*result)

    # --- the same data, another model ---------------------------------------------------------------
    def train_variant(self, choice: tuple[str, str] | None = None) -> Job | None:
        """Train the workspace's model with one change on the same task and seed; its run joins the list."""
        choice = choice or (tuple(self.change.currentData().split("=")) if self.change.currentData() else None)
        if self.variant is not None or choice is None:
            return None
        self.banner.clear_topic("variant")
        try:
            variant = same_data_variant(self.workspace.core, *choice)
        except PlaygroundError as e:
            self.banner.show_message(str(e), "warning", "variant")
            return None
        from .panels.train import new_run_dir, run_name  # the Train panel names run folders; it imports this module

        name = "-".join((run_name(variant.recipe), *choice))
        run = TrainingRun(variant, new_run_dir(self.runs_root, name), training_threads(variant.recipe.train.device))
        entry = Entry(self.tr("{change} (same data)").format(change=change_names()[choice][2]), workspace=variant)
        job = Job(run.records, stop=run.stop)
        job.progress.connect(self._on_variant_record)
        job.error.connect(lambda message, _details: self.banner.show_message(
            self.tr("Training the other model failed: {message}").format(message=message), "error", "variant"))
        job.finished.connect(self._on_variant_finished)
        self.variant = (variant, run, job, entry)
        self.variant_progress.setRange(0, variant.recipe.train.max_steps)
        self.variant_progress.setValue(0)
        self.variant_progress.show()
        self.add_entry(entry)
        self._update_enabled()
        job.start()
        return job

    def stop_variant(self) -> None:
        if self.variant is not None:
            self.variant[1].stop()

    def _on_variant_record(self, row: dict) -> None:
        if self.variant is None:
            return
        self.variant[0].record(row)
        if row.get("kind") == "step":
            self.variant_progress.setValue(row["step"])
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _on_variant_finished(self) -> None:
        self.variant = None
        self.variant_progress.hide()
        self._update_enabled()
        self.redraw()

    def closeEvent(self, event) -> None:
        self.stop_variant()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the training and wait for the jobs (the app is closing)."""
        if self.variant is not None:
            self.variant[1].stop()
            self.variant[2].wait(10000)
        for job in list(self.jobs):
            job.cancel()
            job.wait(10000)
