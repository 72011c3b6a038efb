"""The architecture diagram, read from the modules of a built model and drawn with QPainter.

``architecture_of(model)`` walks the model (a meta-device one costs no memory) and returns its
stages column by column: ids, embeddings, positions, one box per layer (counted from 1) with its sub-layers in
order (pre- or post-norm as built), final norm, LM head, with the tensor shape after each
stage. ``ArchitectureDiagram`` draws it; the encoder's output feeds every decoder block.
"""

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..numbers import format_count
from ..theme import is_dark, readable_points

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")

FILLS = {  # kind: (light, dark)
    "io": ("#eceff3", "#3a3d44"), "embedding": ("#fde2c4", "#6b4a22"), "position": ("#fff1b8", "#5f5520"),
    "block": ("#eef3fb", "#2c3340"), "attention": ("#cfe0ff", "#27466f"), "cross": ("#e5d8ff", "#4b3a78"),
    "mlp": ("#cdeedb", "#22553b"), "norm": ("#e6e6ea", "#45474d"), "head": ("#f8d3dd", "#6a2a3c"),
    "add": ("#ffffff", "#1c1d20"), "lstm": ("#d7ecf2", "#24505c"),
}
PAD, ROW_GAP, ARROW, CHIP_GAP = 8.0, 5.0, 34.0, 22.0
MIN_SCALE = 0.6



@dataclass
class Chip:
    kind: str  # a key of FILLS, or "add" for the residual sum
    text: str
    detail: str = ""  # a second, smaller line
    rect: QRectF | None = None


@dataclass
class Stage:
    kind: str  # a key of FILLS
    title: str
    detail: str = ""
    shape: str = ""  # the tensor that leaves this stage
    rows: list[list[Chip]] = field(default_factory=list)  # a block's sub-layers, each a row of chips
    rect: QRectF | None = None


def _sublayers(block, seq: str, memory: str) -> list[list[Chip]]:
    """A block's sub-layers in the order they run: the norm before (pre-LN) or after (post-LN) the sum."""
    attn = block.attn
    heads = translate("Diagram", "{h} heads × {s}").format(h=attn.n_head, s=attn.head_size)
    name = translate("Diagram", "Masked self-attention") if attn.causal else translate("Diagram", "Self-attention")
    weights = translate("Diagram", "weights (B, {h}, {t}, {t})").format(h=attn.n_head, t=seq)
    parts = [Chip("attention", f"{name} · {heads}", weights)]
    if block.cross_attn is not None:
        cross = translate("Diagram", "weights (B, {h}, {t}, {s}), keys from the memory").format(
            t=seq, h=attn.n_head, s=memory)
        parts.append(Chip("cross", translate("Diagram", "Cross-attention · {heads}").format(heads=heads), cross))
    mlp = block.mlp
    act = {"gelu": "GELU", "gelu_tanh": "GELU (tanh)", "relu": "ReLU", "swiglu": "SwiGLU"}[mlp.activation]
    widths = translate("Diagram", "Feed-forward {d} → {f} → {d}").format(d=mlp.up_proj.in_features,
                                                                    f=mlp.down_proj.in_features)
    parts.append(Chip("mlp", widths, act))
    rows = []
    for part in parts:  # every row gets chips of its own: a chip remembers where it is drawn
        norm, add = Chip("norm", translate("Diagram", "LayerNorm")), Chip("add", "+", translate("Diagram", "residual"))
        rows.append([norm, part, add] if block.pre else [part, add, norm])
    return rows


def _embedding_stages(model, ids: str, seq: str) -> list[Stage]:
    cfg, d = model.cfg, model.cfg.d_model
    vocab = model.tok_emb.weight.shape[0]
    scale = translate("Diagram", ", × √{d}").format(d=d) if cfg.position == "sinusoidal" else ""
    table = translate("Diagram", "{v} × {d} table{scale}").format(v=format_count(vocab), d=d, scale=scale)
    stages = [Stage("io", ids, shape=f"(B, {seq})"),
              Stage("embedding", translate("Diagram", "Token embedding"), table, shape=f"(B, {seq}, {d})")]
    if hasattr(model, "pos_emb"):
        table = translate("Diagram", "{n} × {d} table").format(n=format_count(model.pos_emb.weight.shape[0]), d=d)
        stages.append(Stage("position", translate("Diagram", "+ learned positions"), table, shape=f"(B, {seq}, {d})"))
    elif cfg.position == "sinusoidal":
        stages.append(Stage("position", translate("Diagram", "+ sinusoidal positions"),
                            translate("Diagram", "fixed sin/cos, no weights"), shape=f"(B, {seq}, {d})"))
    else:
        stages[-1].detail += translate("Diagram", "; RoPE rotates queries and keys in every attention")
    return stages


def lstm_stages(model) -> list[Stage]:
    """The seed's plot_model picture: Embedding (B, T, d) → LSTM (B, T, h) per layer → Dense (B, T, V)."""
    d, vocab = model.cfg.d_model, model.tok_emb.weight.shape[0]
    table = translate("Diagram", "{v} × {d} table; no positions: the LSTM reads in order").format(
        v=format_count(vocab), d=d)
    stages = [Stage("io", translate("Diagram", "Token ids"), shape="(B, T)"),
              Stage("embedding", translate("Diagram", "Token embedding"), table, shape=f"(B, T, {d})")]
    for i, layer in enumerate(model.lstm, 1):
        rnn = layer.rnn
        detail = translate("Diagram", "{n} → {h}; input, forget, cell and output gates; state (h, c) carried "
                                      "along T").format(n=rnn.input_size, h=rnn.hidden_size)
        stages.append(Stage("lstm", translate("Diagram", "LSTM layer {i}").format(i=i), detail,
                            shape=f"(B, T, {rnn.hidden_size})"))
    h = model.lm_head.in_features
    tied = translate("Diagram", ", shares the token embedding") if model.lm_head.weight is model.tok_emb.weight else ""
    head = translate("Diagram", "{d} → {v}{tied}").format(d=h, v=format_count(vocab), tied=tied)
    stages.append(Stage("head", translate("Diagram", "Dense (linear) layer"), head, shape=f"(B, T, {vocab})"))
    stages.append(Stage("io", translate("Diagram", "Logits → softmax → next-token probabilities"),
                        shape=f"(B, T, {vocab})"))
    return stages


def architecture_of(model) -> dict[str, list[Stage]]:
    """{"encoder": stages, "decoder": stages}; the encoder list is empty for a decoder-only model."""
    if model.cfg.family == "lstm":
        return {"encoder": [], "decoder": lstm_stages(model)}
    d = model.cfg.d_model
    columns = {"encoder": [], "decoder": []}
    if len(model.encoder):
        enc = _embedding_stages(model, translate("Diagram", "Source token ids"), "S")
        for i, block in enumerate(model.encoder, 1):
            enc.append(Stage("block", translate("Diagram", "Encoder layer {i}").format(i=i),
                             rows=_sublayers(block, "S", "S"), shape=f"(B, S, {d})"))
        if model.enc_norm is not None:
            enc.append(Stage("norm", translate("Diagram", "Final LayerNorm"), shape=f"(B, S, {d})"))
        enc.append(Stage("io", translate("Diagram", "Memory: the encoded source"),
                         translate("Diagram", "read by every cross-attention"), shape=f"(B, S, {d})"))
        columns["encoder"] = enc
    if len(model.encoder):
        ids = translate("Diagram", "Target token ids (shifted right)")
    else:
        ids = translate("Diagram", "Token ids")
    dec = _embedding_stages(model, ids, "T")
    for i, block in enumerate(model.decoder, 1):
        dec.append(Stage("block", translate("Diagram", "Decoder layer {i}").format(i=i),
                         rows=_sublayers(block, "T", "S"), shape=f"(B, T, {d})"))
    if model.final_norm is not None:
        dec.append(Stage("norm", translate("Diagram", "Final LayerNorm"), shape=f"(B, T, {d})"))
    vocab = model.lm_head.weight.shape[0]
    tied = translate("Diagram", ", shares the token embedding") if model.lm_head.weight is model.tok_emb.weight else ""
    head = translate("Diagram", "{d} → {v}{tied}").format(d=d, v=format_count(vocab), tied=tied)
    dec.append(Stage("head", translate("Diagram", "LM head"), head, shape=f"(B, T, {vocab})"))
    dec.append(Stage("io", translate("Diagram", "Logits → softmax → next-token probabilities"),
                     shape=f"(B, T, {vocab})"))
    columns["decoder"] = dec
    return columns


class ArchitectureDiagram(QWidget):
    """Boxes top to bottom with the tensor shape on each arrow; two columns for encoder-decoder."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.columns: dict[str, list[Stage]] = {"encoder": [], "decoder": []}
        self._content = QSize(0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_columns(self, columns: dict[str, list[Stage]]) -> None:
        self.columns = columns
        self._layout()
        self.update()

    def block_titles(self) -> list[str]:
        return [s.title for col in ("encoder", "decoder") for s in self.columns[col] if s.kind == "block"]

    def sublayer_kinds(self, column: str = "decoder") -> list[list[str]]:
        """The kinds of the chips of each block row, e.g. [["norm", "attention", "add"], ...]."""
        return [[c.kind for c in row] for s in self.columns[column] for row in s.rows]

    # --- layout ----------------------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        base = QFont(self.font())
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(readable_points(max(6.0, base.pointSizeF() * 0.82)))
        return base, bold, small

    def _chip_size(self, chip: Chip, metrics: tuple[QFontMetricsF, QFontMetricsF]) -> tuple[float, float]:
        fm, fs = metrics
        width = max(fm.horizontalAdvance(chip.text), fs.horizontalAdvance(chip.detail)) + 2 * PAD
        if chip.kind == "add":
            width = max(width, fm.height() * 1.6)
        return width, fm.height() + (fs.height() if chip.detail else 0.0) + 2 * ROW_GAP

    def _layout(self) -> None:
        """Place every stage and chip in content coordinates; the widget centres the content."""
        base, bold, small = self._fonts()
        metrics = QFontMetricsF(base), QFontMetricsF(small)  # made once, not per chip: GPT-2 small has 216
        fb, fs = QFontMetricsF(bold), metrics[1]
        lb, ls = fb.height(), fs.height()
        widths = {}
        for name, stages in self.columns.items():
            widest = 240.0
            for stage in stages:
                widest = max(widest, fb.horizontalAdvance(stage.title) + 2 * PAD,
                             fs.horizontalAdvance(stage.detail) + 2 * PAD)
                for row in stage.rows:
                    sizes = [self._chip_size(c, metrics)[0] for c in row]
                    widest = max(widest, sum(sizes) + CHIP_GAP * (len(row) - 1) + 4 * PAD)
            widths[name] = widest
        gap = 90.0
        x_of = {"encoder": PAD, "decoder": PAD + (widths["encoder"] + gap if self.columns["encoder"] else 0.0)}
        bottom = 0.0
        for name, stages in self.columns.items():
            y = PAD
            for stage in stages:
                h = PAD + lb + (ls if stage.detail else 0.0) + PAD
                for row in stage.rows:
                    x, row_h = x_of[name] + 2 * PAD, max(self._chip_size(c, metrics)[1] for c in row)
                    for chip in row:
                        w, _h = self._chip_size(chip, metrics)
                        chip.rect = QRectF(x, y + h, w, row_h)
                        x += w + CHIP_GAP
                    h += row_h + ROW_GAP
                if stage.rows:
                    h += PAD - ROW_GAP
                stage.rect = QRectF(x_of[name], y, widths[name], h)
                y += h + ARROW
            bottom = max(bottom, y - ARROW + PAD)
        self._content = QSize(int(x_of["decoder"] + widths["decoder"] + PAD) + 1, int(bottom) + 1)
        self._fit(self.width())

    def _scale(self, width: int) -> float:
        """Shrink a diagram wider than the view to fit it (never below MIN_SCALE: then it scrolls)."""
        if self._content.width() <= 0:
            return 1.0
        return min(1.0, max(MIN_SCALE, width / self._content.width()))

    def _fit(self, width: int) -> None:
        scale = self._scale(width)
        self.setMinimumSize(int(self._content.width() * MIN_SCALE), int(self._content.height() * scale) + 1)

    def resizeEvent(self, event):
        self._fit(event.size().width())
        super().resizeEvent(event)

    def _offset(self, scale: float) -> float:
        return max(0.0, (self.width() - self._content.width() * scale) / 2)

    def sizeHint(self) -> QSize:
        return self._content

    def changeEvent(self, event):
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._layout()
            self.update()
        super().changeEvent(event)

    # --- painting ----------------------------------------------------------------------------
    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        scale = self._scale(self.width())
        painter.translate(self._offset(scale), 0)
        painter.scale(scale, scale)
        dark = is_dark(palette)
        text = palette.color(QPalette.ColorRole.Text)
        line = QColor(text)
        line.setAlphaF(0.55)
        fonts = self._fonts()
        for stages in self.columns.values():
            for i, stage in enumerate(stages):
                self._paint_stage(painter, stage, dark, text, line, fonts)
                if i + 1 < len(stages):
                    self._paint_arrow(painter, stage, stages[i + 1], line, text, fonts[2])
        if self.columns["encoder"]:
            self._paint_memory(painter, dark)

    def _fill(self, kind: str, dark: bool) -> QColor:
        return QColor(FILLS[kind][1 if dark else 0])

    def _paint_stage(self, painter, stage, dark, text, line, fonts) -> None:
        base, bold, small = fonts
        painter.setPen(QPen(line, 1.0))
        painter.setBrush(self._fill(stage.kind, dark))
        painter.drawRoundedRect(stage.rect, 6, 6)
        r = stage.rect
        y = r.y() + PAD + QFontMetricsF(bold).ascent()
        painter.setPen(text)
        painter.setFont(bold)
        painter.drawText(QPointF(r.x() + PAD, y), stage.title)
        if stage.detail:
            painter.setFont(small)
            y += QFontMetricsF(bold).descent() + QFontMetricsF(small).ascent()
            painter.drawText(QPointF(r.x() + PAD, y), stage.detail)
        for row in stage.rows:
            for i, chip in enumerate(row):
                self._paint_chip(painter, chip, dark, text, line, fonts)
                if i + 1 < len(row):
                    y_mid = chip.rect.center().y()
                    painter.setPen(QPen(line, 1.2))
                    painter.drawLine(QPointF(chip.rect.right() + 3, y_mid), QPointF(row[i + 1].rect.left() - 3, y_mid))
                    self._arrow_head(painter, QPointF(row[i + 1].rect.left() - 2, y_mid), line, "right", 4.0)

    def _paint_chip(self, painter, chip, dark, text, line, fonts) -> None:
        base, _bold, small = fonts
        r = chip.rect
        painter.setPen(QPen(line, 1.0) if chip.kind == "add" else Qt.PenStyle.NoPen)
        painter.setBrush(self._fill(chip.kind, dark))
        radius = r.height() / 2 if chip.kind == "add" else 4
        painter.drawRoundedRect(r, radius, radius)
        painter.setPen(text)
        painter.setFont(base)
        fm = QFontMetricsF(base)
        top = r.y() + ROW_GAP + fm.ascent() if chip.detail else r.center().y() - fm.height() / 2 + fm.ascent()
        flags_x = r.center().x() - fm.horizontalAdvance(chip.text) / 2 if chip.kind == "add" else r.x() + PAD
        painter.drawText(QPointF(flags_x, top), chip.text)
        if chip.detail:
            dim = QColor(text)
            dim.setAlphaF(0.72)
            painter.setPen(dim)
            painter.setFont(small)
            fs = QFontMetricsF(small)
            x = r.center().x() - fs.horizontalAdvance(chip.detail) / 2 if chip.kind == "add" else r.x() + PAD
            painter.drawText(QPointF(x, top + fm.descent() + fs.ascent()), chip.detail)

    def _paint_arrow(self, painter, upper, lower, line, text, small) -> None:
        x = upper.rect.center().x()
        top, end = upper.rect.bottom(), lower.rect.top()
        painter.setPen(QPen(line, 1.5))
        painter.drawLine(QPointF(x, top), QPointF(x, end - 1))
        self._arrow_head(painter, QPointF(x, end), line)
        painter.setFont(small)
        painter.setPen(text)
        fm = QFontMetricsF(small)
        painter.drawText(QPointF(x + 8, (top + end) / 2 + fm.ascent() / 2 - 1), upper.shape)

    def _arrow_head(self, painter, tip: QPointF, colour, direction: str = "down", size: float = 5.0) -> None:
        path = QPainterPath(tip)
        if direction == "down":
            path.lineTo(tip.x() - size, tip.y() - 1.6 * size)
            path.lineTo(tip.x() + size, tip.y() - 1.6 * size)
        else:  # right
            path.lineTo(tip.x() - 1.6 * size, tip.y() - size)
            path.lineTo(tip.x() - 1.6 * size, tip.y() + size)
        path.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(path)

    def _paint_memory(self, painter, dark: bool) -> None:
        """From the encoder's memory into the cross-attention of every decoder block."""
        memory = self.columns["encoder"][-1].rect
        targets = [(s, chip) for s in self.columns["decoder"] for row in s.rows for chip in row if chip.kind == "cross"]
        if not targets:
            return
        colour = self._fill("cross", False).darker(160) if not dark else self._fill("cross", False)
        pen = QPen(colour, 2.0)
        channel = memory.right() + 40
        painter.setPen(pen)
        painter.drawLine(QPointF(memory.right(), memory.center().y()), QPointF(channel, memory.center().y()))
        ys = [chip.rect.center().y() for _s, chip in targets] + [memory.center().y()]
        painter.drawLine(QPointF(channel, min(ys)), QPointF(channel, max(ys)))
        for stage, chip in targets:
            y = chip.rect.center().y()
            painter.setPen(pen)
            painter.drawLine(QPointF(channel, y), QPointF(stage.rect.left() - 2, y))
            self._arrow_head(painter, QPointF(stage.rect.left(), y), colour, "right")
