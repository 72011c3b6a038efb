"""The Model panel: every setting of ModelConfig, its size and cost as you change it, and its diagram.

Each change is checked by the core (``ModelConfig``, the task's context check); an invalid
combination shows the core's message and the workspace keeps the last valid settings. Sizes
and the diagram come from a model built on PyTorch's meta device in a job: no memory, even for
settings far too big to train.
"""

from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QLabel,
                               QScrollArea, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from ...core.datasets import DATASETS
from ...core.errors import PlaygroundError
from ...core.limits import check_fits
from ...core.model import ModelConfig, count_parameters, flops_per_token, memory_estimate, model_for_sizes
from ...core.recipes import TEXT_MODEL
from ...core.tokenizer_kinds import tokenizer_name
from .. import dialogs
from ..export import make_exportable
from ..numbers import format_bytes, format_count, format_short
from ..panel_turns import told_in_turns
from ..presentation import mark_advanced
from ..widgets.architecture import ArchitectureDiagram, architecture_of
from ..widgets.banner import Banner
from ..widgets.heading import HeadingLabel
from ..worker import Job
from .base import Panel

APPLY_MS = 150  # typing "256" into a box passes through 2 and 25: apply once it settles
PRESETS = {  # sizes only: architecture, context and the rest stay as they are
    "tiny": dict(n_layer=2, n_encoder_layer=None, n_head=2, d_model=64, d_ff=256),
    "small": dict(n_layer=4, n_encoder_layer=None, n_head=4, d_model=128, d_ff=512),
}
SIZE_KEYS = ("n_layer", "n_encoder_layer", "n_head", "d_model", "d_ff")
TRANSFORMER_ONLY = ("architecture", "n_encoder_layer", "n_head", "d_ff", "activation", "norm", "position")


def overview(model, cfg: ModelConfig, batch_size: int) -> dict:
    """In a job: sizes of ``model`` (or of a model built from ``cfg`` for sizing) and its diagram stages."""
    if model is None:
        model = model_for_sizes(cfg)
    return {"parameters": count_parameters(model), "flops_per_token": flops_per_token(model),
            "memory": memory_estimate(model, batch_size), "architecture": architecture_of(model), "config": cfg}


human, human_bytes = format_short, format_bytes  # the window's one number format (numbers.py)


class ModelPanel(Panel):
    """Settings on the left, sizes and the architecture diagram on the right."""

    name = "model"
    summary_ready = Signal(dict)  # parameters, flops_per_token, memory: for the status bar

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        self.summary: dict | None = None
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(APPLY_MS)
        self._timer.timeout.connect(self.apply)
        self._build()
        workspace.model_changed.connect(self._on_model_changed)
        workspace.training_state.connect(lambda _s: self._update_enabled())
        self._update_enabled()  # the rows of the family shown, even before there is a model
        self._on_model_changed()

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("ModelPanel", "Model")

    @classmethod
    def description(cls) -> str:
        return QCoreApplication.translate("ModelPanel", "Shape the Transformer: layers, heads, width, and see it drawn")

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = Banner()
        self.settings_area = settings = QScrollArea()
        settings.setWidgetResizable(True)
        settings.setWidget(self._build_form())
        settings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_settings()
        self.diagram = ArchitectureDiagram()
        make_exportable(self.diagram, "architecture")
        diagram_scroll = QScrollArea()
        diagram_scroll.setWidget(self.diagram)
        diagram_scroll.setWidgetResizable(True)
        diagram_scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(6, 0, 0, 0)
        column.addWidget(self._build_summary())
        caption = QLabel(self.tr("<b>Architecture</b> — drawn from the modules of the built model; "
                                 "B is the batch, T the sequence length, S the source length"))
        caption.setWordWrap(True)
        column.addWidget(caption)
        column.addWidget(diagram_scroll, 1)
        split = QSplitter()
        split.addWidget(settings)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([settings.minimumWidth(), 900])
        self.split = split
        split.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)

    def _fit_settings(self) -> None:
        """The settings column is as wide as its form: nothing clipped, at any zoom."""
        area = self.settings_area
        area.setMinimumWidth(self._form_width() + area.verticalScrollBar().sizeHint().width() + 8)

    def _form_width(self) -> int:
        """The form's width with the rows of both families, shown or not: measured with the LSTM's rows only (a
        zoom while it was chosen), the column was narrower than the Transformer's rows and the figures beside it
        were laid out for room the splitter never gave them."""
        form, role = self.form, QFormLayout.ItemRole
        widths = {role.LabelRole: 0, role.FieldRole: 0}
        for row in range(form.rowCount()):
            for part in widths:
                item = form.itemAt(row, part)
                if item is not None and item.widget() is not None:
                    widths[part] = max(widths[part], item.widget().sizeHint().width())
        margins = form.contentsMargins()
        return sum(widths.values()) + max(form.horizontalSpacing(), 0) + margins.left() + margins.right()

    def changeEvent(self, event):
        if event.type() == QEvent.Type.FontChange and hasattr(self, "settings_area"):
            QTimer.singleShot(0, self._refit)  # once the children have their new font too
        super().changeEvent(event)

    def _refit(self) -> None:
        """After a zoom: the settings column, then the figures beside it (the panel's size may not change)."""
        self._fit_settings()
        self._fit_summary()

    def _combo(self, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox()
        for value, text in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(self._on_edited)
        return box

    def _spin(self, low: int, high: int, step: int = 1, tip: str = "") -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setToolTip(tip)
        box.valueChanged.connect(self._on_edited)
        return box

    def _build_form(self) -> QWidget:
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.preset = QComboBox()
        self.preset.addItem(self.tr("Choose a preset…"), "")
        self.preset.addItem(self.tr("Tiny — trains in a minute"), "tiny")
        self.preset.addItem(self.tr("Small"), "small")
        self.preset.addItem(self.tr("The dataset's default"), "default")
        self.preset.activated.connect(lambda _i: self.apply_preset(self.preset.currentData()))
        self.w = {
            "family": self._combo([("transformer", self.tr("Transformer")),
                                   ("lstm", self.tr("LSTM (a recurrent network)"))]),
            "architecture": self._combo([("decoder", self.tr("Decoder-only (GPT)")),
                                         ("encoder-decoder", self.tr("Encoder-decoder (2017 Transformer)"))]),
            "n_layer": self._spin(1, 48, tip=self.tr("Decoder layers (and encoder layers, unless set below)")),
            "n_encoder_layer": self._spin(0, 48, tip=self.tr("Encoder layers of an encoder-decoder model")),
            "n_head": self._spin(1, 64, tip=self.tr("Attention heads per layer; the width must divide by it")),
            "d_model": self._spin(4, 4096, 8, self.tr("Width of the residual stream (d_model)")),
            "d_ff": self._spin(4, 16384, 64, self.tr("Hidden width of the feed-forward network")),
            "lstm_hidden": self._spin(0, 16384, 8, self.tr("Hidden size (h and c) of each LSTM layer")),
            "block_size": self._spin(2, 4096, 8, self.tr("Longest sequence the model sees at once")),
            "activation": self._combo([("gelu", "GELU"), ("gelu_tanh", "GELU (tanh)"), ("relu", "ReLU"),
                                        ("swiglu", "SwiGLU")]),
            "norm": self._combo([("pre", self.tr("Pre-LN (GPT-2)")), ("post", self.tr("Post-LN (2017)"))]),
            "position": self._combo([("learned", self.tr("Learned")), ("sinusoidal", self.tr("Sinusoidal")),
                                     ("rope", self.tr("Rotary (RoPE)"))]),
        }
        self.w["n_encoder_layer"].setSpecialValueText(self.tr("same as decoder"))
        self.w["lstm_hidden"].setSpecialValueText(self.tr("same as width"))
        self.w["family"].currentIndexChanged.connect(self._on_family)
        self.w["dropout"] = QDoubleSpinBox()
        self.w["dropout"].setRange(0.0, 0.9)
        self.w["dropout"].setSingleStep(0.05)
        self.w["dropout"].valueChanged.connect(self._on_edited)
        self.w["tie_weights"] = QCheckBox(self.tr("LM head shares the token embedding"))
        self.w["bias"] = QCheckBox(self.tr("Biases in linear layers and norms"))
        for key in ("tie_weights", "bias"):
            self.w[key].toggled.connect(self._on_edited)
        self.vocab_label = QLabel()
        self.pretrained_note = QLabel()  # a pretrained model's settings are shown, not changed: why, what to do
        self.pretrained_note.setWordWrap(True)
        form.addRow(self.pretrained_note)  # a row of its own, across both columns
        rows = [(self.tr("Preset"), self.preset), (self.tr("Model family"), self.w["family"]),
                (self.tr("Architecture"), self.w["architecture"]),
                (self.tr("Decoder layers"), self.w["n_layer"]), (self.tr("Encoder layers"), self.w["n_encoder_layer"]),
                (self.tr("Heads"), self.w["n_head"]), (self.tr("Width (d_model)"), self.w["d_model"]),
                (self.tr("Feed-forward width"), self.w["d_ff"]), (self.tr("LSTM hidden size"), self.w["lstm_hidden"]),
                (self.tr("Context length"), self.w["block_size"]),
                (self.tr("Dropout"), self.w["dropout"]), (self.tr("Activation"), self.w["activation"]),
                (self.tr("Normalisation"), self.w["norm"]), (self.tr("Positions"), self.w["position"]),
                (self.tr("Tied weights"), self.w["tie_weights"]), (self.tr("Biases"), self.w["bias"]),
                (self.tr("Vocabulary"), self.vocab_label)]
        for label, widget in rows:
            form.addRow(label, widget)
        self.form = form
        # Beyond the preset: presentation mode hides them.
        mark_advanced(*(self.w[k] for k in ("n_encoder_layer", "d_ff", "dropout", "activation", "norm", "position",
                                              "tie_weights", "bias")))
        return form_widget

    def _build_summary(self) -> QGroupBox:
        box = QGroupBox(self.tr("Size and cost"))
        grid = QGridLayout(box)
        self.parameter_label, self.flops_label, self.memory_label = (HeadingLabel("–", 1.25) for _ in range(3))
        captions = (self.tr("Parameters"), self.tr("FLOPs per token (training)"),
                    self.tr("Training memory (estimate)"))
        self.summary_grid, self.summary_cells = grid, []
        for caption, label in zip(captions, (self.parameter_label, self.flops_label, self.memory_label)):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption_label = QLabel(caption)
            caption_label.setWordWrap(True)  # stacked beside a narrow column: "Training memory / (estimate)"
            self.summary_cells.append((caption_label, label))
        self._arrange_summary(stacked=False)
        return box

    def _arrange_summary(self, stacked: bool) -> None:
        """Side by side (caption over value) when the room allows, else one row per figure."""
        grid = self.summary_grid
        for caption, label in self.summary_cells:
            grid.removeWidget(caption)
            grid.removeWidget(label)
        for i, (caption, label) in enumerate(self.summary_cells):
            grid.addWidget(caption, i if stacked else 0, 0 if stacked else i)
            grid.addWidget(label, i if stacked else 1, 1 if stacked else i)
        self._summary_stacked = stacked
        grid.parentWidget().updateGeometry()  # its height for its width changed: the column asks again

    def _fit_summary(self) -> None:
        """Stack the figures when the column beside the settings is too narrow for them side by side."""
        grid = self.summary_grid
        margins = grid.contentsMargins()
        wide = (sum(max(c.sizeHint().width(), v.sizeHint().width()) for c, v in self.summary_cells)
                + 2 * grid.horizontalSpacing() + margins.left() + margins.right() + 24)
        room = self.split.width() - self.settings_area.minimumWidth() - self.split.handleWidth() - 6
        stacked = wide > room
        if stacked != self._summary_stacked:
            self._arrange_summary(stacked)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_summary()

    # --- editing ----------------------------------------------------------------------------
    def values(self) -> dict:
        """The settings as the widgets show them, as ModelConfig fields."""
        out = {}
        for key, widget in self.w.items():
            if isinstance(widget, QComboBox):
                out[key] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                out[key] = widget.isChecked()
            else:
                out[key] = widget.value()
        out["n_encoder_layer"] = out["n_encoder_layer"] or None
        out["lstm_hidden"] = out["lstm_hidden"] or None
        return out

    def _on_family(self) -> None:
        """The LSTM is decoder-only: choosing it picks the decoder-only layout of the task as well."""
        if not self._loading and self.w["family"].currentData() == "lstm":
            self.w["architecture"].setCurrentIndex(self.w["architecture"].findData("decoder"))

    def _on_edited(self) -> None:
        if not self._loading:
            self._update_enabled()
            self._timer.start()

    def apply(self) -> bool:
        """Give the settings to the workspace; an invalid combination, or one too big to train in this
        computer's memory, shows why and changes nothing."""
        self._timer.stop()
        recipe = self.workspace.core.recipe
        if recipe is None:
            return False
        if self.workspace.core.pretrained:  # shown, never changed: the note says so, not a training-memory error
            self._load(recipe.model)
            return False
        changes = {k: v for k, v in self.values().items() if getattr(recipe.model, k) != v}
        if not changes:
            self.banner.clear()
            return True
        try:
            candidate = ModelConfig.from_dict({**recipe.model.to_dict(), **changes})
            check_fits(candidate, recipe.train.batch_size, training=True)  # says the estimate and what is available
        except PlaygroundError as e:
            self.banner.show_message(str(e), "error", "settings")  # about the edits: goes when they do
            return False
        if not dialogs.confirm_discard(self, self.workspace.core):
            self._load(recipe.model)
            return False
        try:
            self.workspace.set_model_config(**changes)
        except PlaygroundError as e:
            self.banner.show_message(str(e), "error", "settings")  # about the edits: goes when they do
            return False
        self.banner.clear()
        return True

    def apply_preset(self, name: str) -> None:
        recipe = self.workspace.core.recipe
        if not name or recipe is None:
            return
        if name == "default":
            ds = DATASETS.get(recipe.spec.get("dataset")) if recipe.spec.get("dataset") else None
            sizes = {k: (ds.model if ds else TEXT_MODEL).get(k) for k in SIZE_KEYS}
        else:
            sizes = PRESETS[name]
        self._load({**self.values(), **sizes})
        self.preset.setCurrentIndex(0)
        self.apply()

    # --- showing -------------------------------------------------------------------------------
    def _load(self, cfg) -> None:
        """Show ``cfg`` (a ModelConfig or dict) in the widgets without applying it."""
        values = cfg.to_dict() if isinstance(cfg, ModelConfig) else cfg
        self._loading = True
        for key, widget in self.w.items():
            value = values.get(key)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            else:
                widget.setValue(value or 0)
        self._loading = False
        self._update_enabled()

    @told_in_turns
    def _on_model_changed(self) -> None:
        recipe = self.workspace.core.recipe
        if recipe is None:
            return
        self._load(recipe.model)
        self.banner.clear_topic("settings")  # the widgets show the model's own settings again
        tok = recipe.task.tokenizer
        self.vocab_label.setText(self.tr("{n} tokens ({tokenizer})").format(
            n=format_count(tok.vocab_size), tokenizer=tokenizer_name(tok.kind)))
        job = Job(partial(overview, self.workspace.core.model, recipe.model, recipe.train.batch_size))
        job.result.connect(partial(self._on_overview, job))
        job.error.connect(lambda message, _details: self.banner.show_message(message, "error"))
        for label in (self.parameter_label, self.flops_label, self.memory_label):
            label.setText("…")
        self.run_job(job, wait_old=False)

    def _on_overview(self, job, info: dict) -> None:
        if not self.is_current(job):
            return
        self.summary = info
        n = info["parameters"]
        self.parameter_label.setText(self.tr("{exact}  ({short})").format(exact=format_count(n),
                                                                         short=human(n)))
        self.flops_label.setText(human(info["flops_per_token"], "FLOP"))
        memory = info["memory"]
        self.memory_label.setText(human_bytes(memory["total"]))
        self._fit_summary()
        self.memory_label.setToolTip(self.tr("weights {w}, gradients {g}, optimizer {o}, activations {a} "
                                             "(batch {b})").format(
            w=human_bytes(memory["weights"]), g=human_bytes(memory["gradients"]),
            o=human_bytes(memory["optimizer"]), a=human_bytes(memory["activations"]),
            b=self.workspace.core.recipe.train.batch_size if self.workspace.core.recipe else "?"))
        self.diagram.set_columns(info["architecture"])
        self.summary_ready.emit({k: info[k] for k in ("parameters", "flops_per_token")})

    def parameter_count(self) -> int | None:
        return self.summary["parameters"] if self.summary else None

    def _update_enabled(self) -> None:
        training = self.workspace.training_active
        note = self._pretrained_note()
        locked = training or bool(note)
        for widget in (*self.w.values(), self.preset):
            widget.setEnabled(not locked)
        self.w["n_encoder_layer"].setEnabled(not locked and self.w["architecture"].currentData() != "decoder")
        self.pretrained_note.setText(note)
        self.form.setRowVisible(self.pretrained_note, bool(note))
        lstm = self.w["family"].currentData() == "lstm"
        for key in TRANSFORMER_ONLY:  # settings the LSTM does not read: their rows go while it is chosen
            self.form.setRowVisible(self.w[key], not lstm)
        self.form.setRowVisible(self.w["lstm_hidden"], lstm)
        layers = self.tr("LSTM layers") if lstm else self.tr("Decoder layers")
        self.form.labelForField(self.w["n_layer"]).setText(layers)
        self.setToolTip(self.tr("Stop training to change the model") if training else "")

    def _pretrained_note(self) -> str:
        """Why a pretrained model's settings are greyed, and what to do to train a model of one's own; "" else."""
        folder = self.workspace.core.pretrained
        if not folder:
            return ""
        return self.tr("These are the settings of the pretrained model from {name}: it was trained elsewhere, and "
                       "they cannot be changed here. To train a model of your own, choose a dataset or open a "
                       "text file in Data.").format(name=Path(folder).name)

    def ui_state(self) -> dict:
        return {}
