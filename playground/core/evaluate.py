"""Evaluation: validation loss, perplexity, token accuracy, exact match and P/R/F1 for labels."""

import math
from collections.abc import Callable

import torch

from .chrf import corpus_chrf
from .model import evaluating
from .tasks import IGNORE, PairTask


@torch.no_grad()
def greedy_batch(model, prompts: list[list[int]], src: torch.Tensor | None, max_new: int, eos_id: int,
                 device) -> list[list[int]]:
    """Greedy continuations of equal-length prompts with a KV cache; stops each row at <eos>."""
    idx = torch.tensor(prompts, dtype=torch.int64, device=device)
    memory = keep = None
    if src is not None:
        memory, keep = model.encode(src.to(device))
    cache = model.new_cache()
    out = torch.empty(len(prompts), 0, dtype=torch.int64, device=device)
    done = torch.zeros(len(prompts), dtype=torch.bool, device=device)
    start, step_in = 0, idx
    budget = min(max_new, model.cfg.block_size - idx.size(1))
    for _ in range(budget):
        logits = model.logits(model.decode(step_in, memory, keep, cache=cache, start=start))
        start += step_in.size(1)
        step_in = logits[:, -1].argmax(-1, keepdim=True)
        out = torch.cat((out, step_in), dim=1)
        done |= step_in.squeeze(1) == eos_id
        if done.all():
            break
    rows = []
    for row in out.tolist():
        rows.append(row[: row.index(eos_id)] if eos_id in row else row)
    return rows


def predict(model, task: PairTask, sources: list[list[int]], device, batch_size: int = 128,
            should_stop: Callable[[], bool] = lambda: False) -> list[list[int]]:
    """Greedy target ids for each source; decoder-only prompts grouped by length for batching.

    A stop request leaves the remaining sources with empty predictions.
    """
    tok = task.tokenizer
    max_new = max(len(t) for _, t in task.encoded("val")) + 2
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    results: list = [None] * len(sources)
    i = 0
    while i < len(order) and not should_stop():
        j = i
        while j < len(order) and j - i < batch_size and (
                task.architecture != "decoder" or len(sources[order[j]]) == len(sources[order[i]])):
            j += 1
        group = [sources[k] for k in order[i:j]]
        inputs = task.rows_prompt(group)
        outs = greedy_batch(model, inputs["prompts"], inputs.get("src"), max_new, tok.eos_id, device)
        for k, o in zip(order[i:j], outs):
            results[k] = o
        i = j
    return [r if r is not None else [] for r in results]


def label_scores(predicted: list[str], actual: list[str], labels) -> dict:
    """Macro-averaged precision, recall and F1 over the task's labels."""
    ps, rs, fs = [], [], []
    for label in labels:
        tp = sum(p == label and a == label for p, a in zip(predicted, actual))
        fp = sum(p == label and a != label for p, a in zip(predicted, actual))
        fn = sum(p != label and a == label for p, a in zip(predicted, actual))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        ps.append(p)
        rs.append(r)
        fs.append(2 * p * r / (p + r) if p + r else 0.0)
    n = len(labels)
    return {"precision": sum(ps) / n, "recall": sum(rs) / n, "f1": sum(fs) / n}


def confusion_matrix(predicted: list[str], actual: list[str], labels) -> list[list[int]]:
    """Counts with the actual label as the row and the prediction as the column; the last column
    counts predictions that are no label at all (an untrained model's babble).

    labels=("pos", "neg"), actual=["pos", "pos", "neg"], predicted=["pos", "neg", "xx"] -> [[1, 1, 0], [0, 0, 1]]
    """
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * (len(labels) + 1) for _ in labels]
    for p, a in zip(predicted, actual):
        if a in index:
            matrix[index[a]][index.get(p, len(labels))] += 1
    return matrix


def class_scores(matrix: list[list[int]], labels) -> list[dict]:
    """Precision, recall, F1 and support of each label, read off a ``confusion_matrix``.

    Their means are ``label_scores``' macro averages.
    """
    out = []
    for i, label in enumerate(labels):
        tp = matrix[i][i]
        predicted = sum(row[i] for row in matrix)
        support = sum(matrix[i])
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        out.append({"label": label, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                    "support": support})
    return out


def report_of(predicted: list[str], actual: list[str], labels) -> dict:
    """Accuracy, confusion matrix, per-class P/R/F1 and their macro averages of a classifier's answers.

    labels=("pos", "neg"), actual=["pos", "neg"], predicted=["pos", "pos"] -> accuracy 0.5,
    matrix [[1, 0, 0], [1, 0, 0]], macro precision (0.5 + 0) / 2 = 0.25, recall 0.5, F1 (2/3 + 0) / 2 = 1/3.
    """
    matrix = confusion_matrix(predicted, actual, labels)
    classes = class_scores(matrix, labels)
    n = len(labels)
    macro = {key: sum(c[key] for c in classes) / n for key in ("precision", "recall", "f1")}
    return {"labels": list(labels), "matrix": matrix, "classes": classes, "macro": macro,
            "accuracy": sum(p == a for p, a in zip(predicted, actual)) / max(len(actual), 1),
            "examples": len(actual)}


def label_report(model, task: PairTask, n_examples: int, device="cpu") -> dict:
    """Greedy labels for the first ``n_examples`` held-out examples: accuracy, confusion matrix, per-class scores."""
    examples = task.encoded("val")[:n_examples]
    with evaluating(model):
        outputs = predict(model, task, [s for s, _ in examples], device)
    predicted = [task.tokenizer.decode(o) for o in outputs]
    actual = [t for _, t in task.val_pairs[: len(examples)]]
    return report_of(predicted, actual, task.labels)


@torch.no_grad()
def evaluate(model, task, batch_size: int, block_size: int, n_batches: int, n_examples: int, seed: int,
             device, autocast=None, should_stop: Callable[[], bool] = lambda: False) -> dict:
    """Validation metrics on held-out data; the batches are the same at every evaluation (seeded)."""
    with evaluating(model):
        metrics = _validation_metrics(model, task, batch_size, block_size, n_batches, seed, device,
                                      autocast, should_stop)
        if isinstance(task, PairTask) and n_examples and not should_stop():
            metrics.update(sequence_metrics(model, task, n_examples, device, should_stop))
    return metrics


def _validation_metrics(model, task, batch_size, block_size, n_batches, seed, device, autocast, should_stop):
    """Loss, perplexity and token accuracy over n_batches seeded validation batches."""
    g = torch.Generator().manual_seed(seed)
    losses, correct, counted = [], 0, 0
    for _ in range(n_batches):
        if should_stop():
            break
        batch = {k: v.to(device) for k, v in task.batch("val", batch_size, block_size, g).items()}
        with autocast():
            logits, loss = model(batch["idx"], batch["targets"], src=batch.get("src"))
        losses.append(loss.item())
        mask = batch["targets"] != IGNORE
        correct += ((logits.argmax(-1) == batch["targets"]) & mask).sum().item()
        counted += mask.sum().item()
    val_loss = sum(losses) / max(len(losses), 1)
    return {"val_loss": val_loss, "perplexity": math.exp(min(val_loss, 50.0)),
            "token_accuracy": correct / max(counted, 1)}


REPORT = "report"  # the key of a classifier's ``report_of`` in ``sequence_metrics``' result


def sequence_metrics(model, task: PairTask, n_examples: int, device,
                     should_stop: Callable[[], bool] = lambda: False) -> dict:
    """Exact match of greedy outputs on the first n held-out examples; for labels also accuracy, the macro P/R/F1
    and, under ``REPORT``, the confusion matrix and each class's scores (``report_of``)."""
    examples = task.encoded("val")[:n_examples]
    outputs = predict(model, task, [s for s, _ in examples], device, should_stop=should_stop)
    tok = task.tokenizer
    predicted = [tok.decode(o) for o in outputs]
    actual = [t for _, t in task.val_pairs[: len(examples)]]
    metrics = {"exact_match": sum(p == a for p, a in zip(predicted, actual)) / max(len(actual), 1)}
    if task.metric == "chrf":  # a translation: partial credit, by character n-grams
        metrics["chrf"] = corpus_chrf(predicted, actual) / 100
    if task.labels:  # a classifier: the share of examples given their right label, and its report
        report = report_of(predicted, actual, task.labels)
        metrics["accuracy"] = report["accuracy"]
        metrics.update(report["macro"])
        metrics[REPORT] = report
    return metrics


def split_report(metrics: dict) -> tuple[dict, dict | None]:
    """The numbers of an evaluation, and its classifier report (None for another task) taken out of it."""
    numbers = dict(metrics)
    return numbers, numbers.pop(REPORT, None)


LOWER_IS_BETTER = ("val_loss", "perplexity")


def is_better(metric: str, value, best) -> bool:
    """Whether ``value`` of the headline ``metric`` beats ``best`` (None: nothing yet); NaN never does."""
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    if best is None:
        return True
    return value < best if metric in LOWER_IS_BETTER else value > best
