"""The numbers behind each view as a CSV header and rows: what ``make_exportable(view, name, csv=...)`` is given.

Tokens are written as they read (``readable_token``: ␣ for a space, ↵ for a line break, 悟 not
its bytes); numbers as full-precision floats, so a spreadsheet gets what the model computed.
"""

import math

import numpy as np
from PySide6.QtCore import QCoreApplication

from ..core.token_text import readable_token, token_bytes, visible_whitespace
from ..core.trace import axis_title, group_title
from .widgets.metrics_table import ORDER

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


# Each function returns (header, rows), or None when its view shows no numbers yet.


def _cell(value) -> float | str:
    """A float as itself (repr keeps every digit); NaN and missing as an empty cell."""
    return "" if value is None or not math.isfinite(value) else float(value)


def stage_name(detail, view: str = "") -> str:
    """A file name for a view of the inspector's stage, as the window titles it, in the UI's language:
    "Decoder layer 1 - Attention weights - head 2 - attention lines"."""
    record = detail.record
    views = {"heads": translate("ViewTables", "all heads"), "lines": translate("ViewTables", "attention lines"),
             "forward": translate("ViewTables", "forward"),
             "gradient": translate("ViewTables", "backward")}
    if record is None:
        return views.get(view, translate("ViewTables", "Stage"))
    parts = [group_title(record.group), record.title]
    if record.tensor.dim() == 3 and view != "heads":
        parts.append(translate("ViewTables", "head {n}").format(n=detail.head + 1))
    if view:
        parts.append(views[view])
    return " - ".join(p for p in parts if p)


def loss_history(plot) -> tuple[list, list]:
    """One row per step of a ``LossPlot``: loss (raw and smoothed as drawn), validation loss, learning rate,
    gradient norm; a cell is empty where the step has no such value."""
    columns = (plot.train_raw, plot.train_smooth, plot.val, plot.lr, plot.grad_norm)
    by_step = [dict(zip(*(a.tolist() for a in series.data()))) for series in columns]
    steps = sorted(set().union(*by_step))
    if not steps:
        return None
    header = [translate("ViewTables", "step"), translate("ViewTables", "training loss"),
              translate("ViewTables", "training loss (smoothed)"), translate("ViewTables", "validation loss"),
              translate("ViewTables", "learning rate"), translate("ViewTables", "gradient norm")]
    return header, [[int(step)] + [_cell(column.get(step)) for column in by_step] for step in steps]


def matrix_rows(values: np.ndarray, row_labels: list[str], col_labels: list[str], corner: str) -> tuple[list, list]:
    """A matrix with its labels on both axes (positions 0, 1, … where an axis has none)."""
    rows, cols = values.shape
    cols_named = col_labels if len(col_labels) == cols else [str(c) for c in range(cols)]
    rows_named = row_labels if len(row_labels) == rows else [str(r) for r in range(rows)]
    return [corner, *cols_named], [[label, *map(float, values[r])] for r, label in enumerate(rows_named)]


def stage_matrix(detail) -> tuple[list, list]:
    """The Numbers tab of the inspector: the heatmap's matrix (one head of it), labelled as drawn; a grey cell that
    holds no number (the loss at a position without a target) is an empty cell, not "nan"."""
    if detail.record is None:
        return None
    record, heatmap = detail.record, detail.heatmap
    axes = record.axes[1:] if record.tensor.dim() == 3 else record.axes
    names = [axis_title(axis) for axis in axes]  # in the UI's language, as the Numbers tab shows them
    corner = f"{names[0]} \\ {names[-1]}" if len(names) == 2 else (names[0] if names else "")
    header, rows = matrix_rows(heatmap.values, heatmap.row_labels, heatmap.col_labels, corner)
    masked = heatmap.masked
    if masked is not None and masked.shape == heatmap.values.shape:
        rows = [[label, *("" if grey and math.isnan(v) else v for v, grey in zip(cells, greys))]
                for (label, *cells), greys in zip(rows, masked)]
    return header, rows


def attention_lines(view) -> tuple[list, list]:
    """An ``AttentionLinesView``: its head's weights, a row per query, a column per key."""
    if not view.weights.size:
        return None
    return matrix_rows(view.weights, view.queries, view.keys, translate("ViewTables", "query \\ key"))


def attention_heads(detail) -> tuple[list, list]:
    """Every head of the inspector's attention stage, one row per (head, query, key) (heads from 1)."""
    from .widgets.stage_detail import attention_prefix  # here: stage_detail imports this module

    prefix = detail.record and attention_prefix(detail.record.name)
    if prefix is None:
        return None
    weights = detail.inspection.trace.get(f"{prefix}.weights")
    queries, keys = detail.labels_for("query", weights), detail.labels_for("key", weights)
    header = [translate("ViewTables", "head"), translate("ViewTables", "query position"),
              translate("ViewTables", "query"), translate("ViewTables", "key position"), translate("ViewTables", "key"),
              translate("ViewTables", "weight")]
    tensor = weights.tensor.float().numpy()
    rows = [[h + 1, q, queries[q], k, keys[k], float(tensor[h, q, k])]
            for h in range(tensor.shape[0]) for q in range(tensor.shape[1]) for k in range(tensor.shape[2])]
    return header, rows


def next_token(detail) -> tuple[list, list]:
    """The logits table behind the next-token bars: every token of the vocabulary, most likely first, with its
    logit and its probability at the temperature shown."""
    if detail.inspection is None:
        return None
    position = detail.selected_position()
    logits = detail.inspection.trace.logits[position].float().numpy()
    probs = detail.probabilities()
    order = np.argsort(-probs, kind="stable")
    temperature = detail.temperature.value() / 100
    header = [translate("ViewTables", "rank"), translate("ViewTables", "id"), translate("ViewTables", "token"),
              translate("ViewTables", "logit"),
              translate("ViewTables", "probability (T = {t})").format(t=f"{temperature:.2f}")]
    return header, [[rank, int(i), detail.token_text(int(i)), float(logits[i]), float(probs[i])]
                    for rank, i in enumerate(order, 1)]


def tokens(view) -> tuple[list, list]:
    """A ``TokenSpanView``'s tokens in order: id, text as it reads, its UTF-8 bytes in hex, its characters."""
    header = [translate("ViewTables", "index"), translate("ViewTables", "id"), translate("ViewTables", "token"),
              translate("ViewTables", "bytes"), translate("ViewTables", "start"), translate("ViewTables", "end")]
    if not view.chips:
        return None
    rows, previous = [], None
    for chip in view.chips:
        if not chip.ids or chip.ids is previous:  # a token split at a line break is one token, drawn twice
            continue
        previous = chip.ids
        for token_id, token in zip(chip.ids, chip.tokens):
            data = "" if token_id in view.special_ids else " ".join(f"{b:02X}" for b in token_bytes(view.kind, token))
            rows.append([len(rows), token_id, readable_token(view.kind, token), data, *chip.span])
    return header, rows


def generated_tokens(view, task) -> tuple[list, list]:
    """A ``TokenStreamView``'s generated tokens: position, id, the token as it reads (a byte of a split
    character as <E6>, from ``task``'s tokenizer), the probability it was drawn with (and its natural log),
    and the likeliest token at that step."""
    if not view.steps:
        return None
    tok = task.tokenizer if task is not None else None

    def text(token_id: int, decoded: str) -> str:
        token = tok.id_to_token(token_id) if tok is not None else None
        return tok.readable(token) if token is not None else visible_whitespace(decoded)

    header = [translate("ViewTables", "position"), translate("ViewTables", "id"), translate("ViewTables", "token"),
              translate("ViewTables", "probability"), translate("ViewTables", "log probability"),
              translate("ViewTables", "likeliest token"), translate("ViewTables", "its probability")]
    rows = []
    for step in view.steps:
        best = step.alternatives[0] if step.alternatives else (step.id, step.token, step.probability)
        rows.append([step.position, step.id, text(step.id, step.token), float(step.probability),
                     float(step.logprob), text(best[0], best[1]), float(best[2])])
    return header, rows


def embedding_points(view) -> tuple[list, list]:
    """An ``EmbeddingMap``: each token on the map with its two coordinates (and its count in the training data)."""
    header = [translate("ViewTables", "id"), translate("ViewTables", "token"), translate("ViewTables", "x"),
              translate("ViewTables", "y")]
    if view.counts is not None:
        header.append(translate("ViewTables", "count in the training data"))
    rows = []
    if not len(view.mapped()):
        return None
    for i in view.mapped().tolist():
        row = [i, view.texts[i], float(view.xy[i, 0]), float(view.xy[i, 1])]
        rows.append(row + [int(view.counts[i])] if view.counts is not None else row)
    return header, rows


def evaluations(table, history: list[dict]) -> tuple[list, list]:
    """Every evaluation in the workspace's ``history``, one row each; the last is the one a ``MetricsTable``
    shows. Metric names as the table writes them."""
    evals = [row for row in history if row.get("kind") == "eval"]
    if not evals:
        return None
    keys = sorted({k for row in evals for k in row["metrics"]}, key=lambda k: (ORDER.index(k) if k in ORDER
                                                                               else len(ORDER), k))
    names = table.names()
    header = [translate("ViewTables", "step")] + [names.get(k, k) for k in keys]
    return header, [[row["step"]] + [_cell(row["metrics"].get(k)) for k in keys] for row in evals]
