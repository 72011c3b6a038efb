"""Helpers for the step-through inspector: inputs, head ablation, worked attention rows, PCA, alignment.

Everything here reads a recorded ``Trace`` or the model's weights; nothing re-runs a stage
the tracer recorded. ``attention_row(trace, "decoder.0.attn", head=1, query=3)`` gives the
scores, mask, softmax and weighted sum of one query row, as recorded.
"""

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch

from .model import Transformer
from .prompts import empty_prompt
from .sample import SampleConfig, StreamText, generate
from .tasks import PairTask
from .trace import Trace, trace


# --- inputs ------------------------------------------------------------------------------
def inspect_inputs(task, text: str, target_prefix: str = "") -> tuple[list[int], list[int] | None]:
    """(decoder ids, encoder source ids or None) for a typed input, laid out as the task trains.

    A pair task reads ``<bos> source <sep> prefix`` (decoder-only) or source ``source <eos>`` and
    decoder ``<bos> prefix`` (encoder-decoder); a text task reads the text (empty: a new line, or the
    start of its own text where it has none: see ``prompts.empty_prompt``).
    """
    tok = task.tokenizer
    if isinstance(task, PairTask):
        return pair_inputs(task, text, tok.encode_ids(target_prefix) if target_prefix else [])
    return (tok.encode_ids(text) if text else empty_prompt(task)[1]), None


def next_text(tokenizer, ids: list[int], continuation: list[int], typed: str) -> tuple[str, int]:
    """(text, tokens used): what the next token of ``continuation`` adds to ``typed``, whose ids are ``ids``.

    Spaced as the decoded text spaces it, so the typed text plus it encodes back to the same ids
    (word-level "the cat" + [is] -> " is"); a character split over byte tokens takes as many
    tokens as it needs, since text cannot hold half a character.
    """
    text = StreamText(tokenizer, ids, typed)
    for n, token_id in enumerate(continuation, 1):
        piece = text.add(token_id)
        if piece:
            return piece, n
    return text.flush(), len(continuation)


def pair_inputs(task: PairTask, source: str, decoder_extra: list[int]) -> tuple[list[int], list[int] | None]:
    """(decoder ids, encoder ids or None) for one source of a pair task, as it trains, with
    ``decoder_extra`` appended to the decoder ids: ``<bos> source <sep> extra`` (decoder-only), or
    encoder ``source <eos>`` and decoder ``<bos> extra`` (encoder-decoder)."""
    rows = task.rows_prompt([task.tokenizer.encode_ids(source)])
    src = rows["src"][0].tolist() if "src" in rows else None
    return rows["prompts"][0] + decoder_extra, src


# --- ablation ----------------------------------------------------------------------------
def attention_names(model: Transformer) -> list[str]:
    """Attention modules by the tracer's prefixes: "encoder.0.attn", "decoder.0.cross_attn", ..."""
    return [name for name, _m in model.attention_modules()]


def set_head_masks(model: Transformer, ablated: dict[str, set[int]]) -> None:
    """Switch off the given heads ({module name: head indices}); every other head is switched on."""
    for name, attn in model.attention_modules():
        off = ablated.get(name) or set()
        if off:
            mask = torch.ones(attn.n_head, device=attn.out_proj.weight.device)
            mask[sorted(off)] = 0.0
            attn.head_mask = mask
        else:
            attn.head_mask = None


def clear_head_masks(model: Transformer) -> None:
    set_head_masks(model, {})


def snapshot(model: Transformer, ablated: dict[str, set[int]] | None = None) -> Transformer:
    """A copy of the model (training may go on changing the original) with the given heads off."""
    copied = copy.deepcopy(model, memo=shared_weights(model))
    set_head_masks(copied, ablated or {})
    return copied


def shared_weights(model) -> dict:
    """``copy.deepcopy``'s memo that keeps the weights of a model nothing changes (``weights_read_only``) shared.

    The copy's modules are its own (head masks stay the copy's), its tensors the original's: copying GPT-2
    small's 475 MB took 1.5-4 s at load 12 on 2 cores for each trace and each generation (35-160 ms shared).
    """
    if not getattr(model, "weights_read_only", False):
        return {}
    return {id(t): t for t in (*model.parameters(), *model.buffers())}


@dataclass
class Inspection:
    """What the inspector shows for one input: the trace, and before/after an ablation."""

    trace: Trace  # with the ablated heads switched off (the same as baseline when none are)
    baseline: Trace  # all heads on
    greedy: list[int]  # greedy continuation ids with the ablation
    greedy_baseline: list[int]  # and with all heads on
    ids: list[int]
    src_ids: list[int] | None
    ablated: dict[str, set[int]]
    embedding_2d: torch.Tensor | None = None  # (V, 2): the token embedding matrix projected by PCA
    embedding_extent: tuple[float, float, float, float] | None = None  # a frame fixed across training steps
    token_counts: np.ndarray | None = None  # (V,): how often each token occurs in the training data
    model: Transformer | None = None  # the snapshot traced (the lens reads its final norm and LM head)
    lens: object = None  # a ``lens.LogitLens`` of ``trace``, when the caller asked for one


def inspect(model: Transformer, tokenizer, ids: list[int], src_ids: list[int] | None = None,
            ablated: dict[str, set[int]] | None = None, greedy_tokens: int = 12, top_k: int = 10,
            projection: "Projection | None" = None) -> Inspection:
    """Trace ids on a snapshot of the model, with and without the ablated heads, plus greedy text.

    ``projection``: the embedding map's directions, fitted once (``fit_projection``) so that a
    model replayed at several training steps is drawn in the same axes.
    """
    ablated = {k: set(v) for k, v in (ablated or {}).items() if v}
    plain = snapshot(model)
    baseline = trace(plain, ids, src_ids, top_k=top_k)
    greedy_baseline = _greedy(plain, tokenizer, ids, src_ids, greedy_tokens)
    pca = embedding_pca(plain.tok_emb.weight, mapped_rows(tokenizer, ids, src_ids), projection)
    if not ablated:
        return Inspection(baseline, baseline, greedy_baseline, greedy_baseline, ids, src_ids, ablated, pca, model=plain)
    set_head_masks(plain, ablated)
    traced = trace(plain, ids, src_ids, top_k=top_k)
    greedy = _greedy(plain, tokenizer, ids, src_ids, greedy_tokens)
    return Inspection(traced, baseline, greedy, greedy_baseline, ids, src_ids, ablated, pca, model=plain)


def _greedy(model, tokenizer, ids, src_ids, n: int) -> list[int]:
    room = model.cfg.block_size - len(ids)
    if n < 1 or (src_ids is not None and room < 1):
        return []
    cfg = SampleConfig(max_new_tokens=n, greedy=True, alternatives=0)
    return [step.id for step in generate(model, tokenizer, ids, cfg, src_ids)]


# --- worked numbers ------------------------------------------------------------------------
@dataclass
class AttentionRow:
    """One query row of one head: A[i, :] = softmax(q_i·Kᵀ/√d_k + mask), out_i = Σ_j A[i, j]·v_j."""

    scores: list[float]  # q_i·k_j/√d_k for each key j, before the mask (recorded)
    keep: list[bool]  # True where the query may look at key j
    weights: list[float]  # the softmax, recorded
    values: torch.Tensor  # (keys, d_head): the rows v_j
    output: list[float]  # Σ_j weights[j]·v_j, the head's output for this query (recorded)
    head_size: int


def attention_row(tr: Trace, prefix: str, head: int, query: int) -> AttentionRow:
    """The recorded numbers of query row ``query`` of ``head`` in attention ``prefix``."""
    scores = tr.get(f"{prefix}.scores").tensor[head, query]
    weights = tr.get(f"{prefix}.weights").tensor[head, query]
    keep = tr.get(f"{prefix}.mask").tensor[query].bool()
    v = tr.get(f"{prefix}.v").tensor[head]  # (keys, hs)
    output = tr.get(f"{prefix}.heads").tensor[head, query]
    return AttentionRow(scores.tolist(), keep.tolist(), weights.tolist(), v, output.tolist(), v.size(-1))


def softmax_at(logits_row: torch.Tensor, temperature: float) -> torch.Tensor:
    """The softmax stage's own formula, p = softmax(z / temperature), for one recorded row."""
    return torch.softmax(logits_row.double() / temperature, dim=-1).float()


# --- embeddings and alignment --------------------------------------------------------------
EXACT_PCA_LIMIT = 4_000_000  # embedding entries up to which the map's directions come from a full SVD


@dataclass
class Projection:
    """Two main directions of an embedding matrix, fitted once: every training step projects with them."""

    mean: torch.Tensor  # (1, d)
    directions: torch.Tensor  # (d, 2)


def fit_projection(weight: torch.Tensor, rows: list[int] | None = None) -> Projection:
    """PCA of the rows (all, or ``rows``) of an embedding matrix (V, d): their mean and two main directions."""
    w = weight.detach().float().cpu()
    fit = w if rows is None else w[rows]
    mean = fit.mean(0, keepdim=True)
    if fit.numel() > EXACT_PCA_LIMIT:  # GPT-2's 50,257 × 768: a full SVD takes ~10 s, a randomised one ~0.5 s
        directions = main_directions(fit - mean)
    else:
        _u, _s, vt = torch.linalg.svd(fit - mean, full_matrices=False)
        directions = vt[:2].T
    if directions.size(1) < 2:
        directions = torch.cat((directions, torch.zeros(directions.size(0), 2 - directions.size(1))), dim=1)
    return Projection(mean, directions)


def main_directions(x: torch.Tensor, k: int = 2, width: int = 6, iterations: int = 2) -> torch.Tensor:
    """The k main right singular vectors (d, k) of a tall centred matrix x (n, d), by randomised subspace
    iteration (Halko et al. 2011) from a fixed start, so the same every time and the global RNG untouched.

    Products are written q.T @ x, never x.T @ q: torch is ~8× slower on the transposed tall matrix.
    """
    start = torch.randn(x.size(1), width, generator=torch.Generator().manual_seed(0))
    y = x @ start  # (n, width)
    for _ in range(iterations):
        q, _r = torch.linalg.qr(y)
        y = x @ (q.T @ x).T  # (n, width): one more power of x·xᵀ sharpens the main directions
    q, _r = torch.linalg.qr(y)
    _u, _s, vt = torch.linalg.svd(q.T @ x, full_matrices=False)  # (width, d): small
    return vt[:k].T


def project(weight: torch.Tensor, projection: Projection, rows: list[int] | None = None) -> torch.Tensor:
    """The rows of ``weight`` (V, d) on the projection's directions: (V, 2); rows left out of ``rows`` are NaN."""
    out = (weight.detach().float().cpu() - projection.mean) @ projection.directions
    if rows is not None:
        hidden = torch.ones(out.size(0), dtype=torch.bool)
        hidden[rows] = False
        out[hidden] = math.nan
    return out


def embedding_pca(weight: torch.Tensor, rows: list[int] | None = None,
                  projection: Projection | None = None) -> torch.Tensor:
    """The rows of an embedding matrix (V, d) projected on their two main directions: (V, 2).

    With ``rows``, only those rows define the directions and are projected; the others are NaN.
    With ``projection``, its directions (fitted once, e.g. on the newest weights) are used instead.
    """
    return project(weight, projection or fit_projection(weight, rows), rows)


def projection_extent(weights: list[torch.Tensor], projection: Projection,
                      rows: list[int] | None = None) -> tuple[float, float, float, float]:
    """(x min, x max, y min, y max) of every given embedding matrix projected: one frame for every step."""
    xy = torch.cat([project(w, projection, rows) for w in weights])
    xy = xy[torch.isfinite(xy).all(1)]
    if not len(xy):
        return (-1.0, 1.0, -1.0, 1.0)
    lo, hi = xy.min(0).values, xy.max(0).values
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def token_counts(task, vocab_size: int) -> np.ndarray:
    """How often each of ``vocab_size`` tokens occurs in the task's training data: (V,) int64.

    A text task counts its training token stream; a pair task its training sources and targets.
    ``token_counts(task, V).argsort()[::-1][:40]`` are the 40 most frequent tokens.
    """
    if isinstance(task, PairTask):
        ids = [i for src, tgt in task.encoded("train") for i in (*src, *tgt)]
        stream = np.asarray(ids, dtype=np.int64)
    else:
        stream = np.asarray(task.train_ids, dtype=np.int64)
    return np.bincount(stream, minlength=vocab_size)[:vocab_size]


def mapped_rows(tokenizer, ids: list[int], src_ids: list[int] | None) -> list[int] | None:
    """The embedding rows worth a map: all but the special tokens and a char tokenizer's byte-fallback
    rows that the input does not use.

    Those rows are often never trained (<pad>, <unk>, bytes of characters the corpus lacks); far
    from the learned tokens, they would take the map's main directions and squeeze the rest together.
    """
    left_out = set(tokenizer.special_ids())  # by id: GPT-2's is <|endoftext|>, and a token spelt "<pad>" may be text
    if tokenizer.kind == "char":
        left_out |= set(tokenizer.byte_fallback_ids())
    left_out -= set(ids) | set(src_ids or [])
    if not left_out:
        return None
    return [i for i in range(tokenizer.vocab_size) if i not in left_out]


def answer_query_peaks(model: Transformer, task: PairTask, source: str, answer: str) -> list[tuple[int, int, int]]:
    """(layer, head, position) for each decoder self-attention head: the position it weighs most at the query that
    writes the answer's first token (``<sep>``), with ``source`` as the prompt and ``answer`` after it (decoder-only)."""
    ids, _src = inspect_inputs(task, source)
    query = len(ids) - 1  # <sep>: its output is the answer's first token
    tr = trace(model, ids + task.tokenizer.encode_ids(answer))
    return [(layer, head, peak) for layer in range(model.cfg.n_layer)
            for head, peak in enumerate(tr.get(f"decoder.{layer}.attn.weights").tensor[:, query].argmax(-1).tolist())]


def cross_attention_alignment(tr: Trace, layer: int | None = None, head: int | None = None) -> list[int]:
    """For each output position, the source position its cross-attention weighs most (heads averaged)."""
    layers = [r.layer for r in tr.records if r.name.endswith(".cross_attn.weights")]
    if not layers:
        return []
    layer = layers[-1] if layer is None else layer
    w = tr.get(f"decoder.{layer}.cross_attn.weights").tensor  # (nh, T, S)
    w = w.mean(0) if head is None else w[head]
    return w.argmax(-1).tolist()


def anti_diagonal_fraction(alignment: list[int], n: int) -> float:
    """Share of the first n output positions i whose alignment is the mirrored source position n-1-i."""
    hits = sum(1 for i in range(min(n, len(alignment))) if alignment[i] == n - 1 - i)
    return hits / n if n else 0.0


def monotone_fraction(alignment: list[int]) -> float:
    """Share of consecutive output positions whose aligned source position does not move back.

    [0, 1, 1, 3] gives 1.0 and [2, 0, 1] gives 0.5; fewer than two positions have no pair (1.0).
    """
    pairs = list(zip(alignment, alignment[1:]))
    return sum(b >= a for a, b in pairs) / len(pairs) if pairs else 1.0
