"""Question answering: does ONE attention head read the answer for all kinds of question?

Issue 12's truth test for ``qa``: as the answer is written, some head's attention peaks on the answer's
position in the context for at least 80 % of held-out questions. The rule (fixed before looking): the
query at ``<sep>`` (it writes the answer's first token); a hit when a head's largest weight lies on a token
of the answer where the context states it. ``tests/core/test_qa.py`` asserts it per kind of question (some
head per kind); this bench measures the single best head over all kinds, chosen on held-out questions
200-399 and scored on questions 0-199, for a model setting and a task variant, and with ``--roles``
prints, for every head and kind, what its attention at ``<sep>`` peaks on (ANS: the answer; ANS+1: the
token after it; Q:word: a word of the question; ctx:word: another word of the world).

    PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/qa_single_head_bench.py --seed 1 --heads 1 --position rope --roles

Variants of the task (the answer is still copied from the context, the held-out worlds are still new):
``--question-first`` puts the question before the world ("what color is the cat ? the cat is red . ...")
so the question's own words cannot fetch the answer (a decoder reads left to right);
``--where-is`` asks places as the task did before, "where is the dog ?" (5 words, as long as "what does
tom have ?"; the task now asks "where in the house is the dog ?", 8 words, so that no two kinds of question
have the same length, see qa.py).

RESULTS_PLACEHOLDER
"""

import argparse
import os
import sys
import time
from collections import Counter, defaultdict

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playground.core.datasets import qa  # noqa: E402
from playground.core.evaluate import sequence_metrics  # noqa: E402
from playground.core.inspect import inspect_inputs  # noqa: E402
from playground.core.model import build_model  # noqa: E402
from playground.core.recipes import recipe_for_dataset  # noqa: E402
from playground.core.trace import trace  # noqa: E402
from playground.core.train import Trainer  # noqa: E402


def question_first(example):
    """qa_example with the question moved before the world."""
    def variant(rng):
        source, answer, _start = example(rng)
        context, question = source.rsplit(" . ", 1)
        source = f"{question} {context} ."
        return source, answer, _context_start(source) + f" {_context(source)} ".index(f" {answer} ")
    return variant


def where_is(ask):
    """The earlier phrasing of place questions, "where is the dog ?" (5 words, as long as "what does tom have ?")."""
    def variant(kind, fact):
        return (f"where is the {fact[1]} ?", fact[2]) if kind == "place" else ask(kind, fact)
    return variant


def _context_start(source: str) -> int:
    """Where the world starts: after the question when it comes first, else at 0."""
    return source.index(" ? ") + 3 if " ? " in source else 0


def _context(source: str) -> str:
    start = _context_start(source)
    return source[start:] if start else source[:source.rfind(" . ") + 2]


def _question(source: str) -> str:
    start = _context_start(source)
    return source[:start - 1] if start else source.rsplit(" . ", 1)[1]


def kind_of(source: str) -> str:
    return " ".join(_question(source).split()[:2])  # "what color", "where is", "how many", "what does"


def peaks(model, task, pairs, roles=None) -> tuple[dict, dict]:
    """(share of hits by (kind, layer, head), questions by kind); ``roles`` collects what each head peaks on."""
    tok = task.tokenizer
    hits, counts = Counter(), Counter()
    for source, answer in pairs:
        kind = kind_of(source)
        counts[kind] += 1
        start = _context_start(source) + f" {_context(source)} ".find(f" {answer} ")
        offsets = tok.encode(source).offsets
        positions = [1 + i for i, (a, _b) in enumerate(offsets) if start <= a < start + len(answer)]
        q_start, q_end = (0, _context_start(source)) if _context_start(source) else (len(_context(source)), len(source))
        ids, _src = inspect_inputs(task, source)
        query = len(ids) - 1
        tr = trace(model, ids + tok.encode_ids(answer))
        for layer in range(model.cfg.n_layer):
            weights = tr.get(f"decoder.{layer}.attn.weights").tensor
            for head, peak in enumerate(weights[:, query].argmax(-1).tolist()):
                hits[kind, layer, head] += peak in positions
                if roles is not None:
                    if peak in positions:
                        role = "ANS"
                    elif peak == positions[-1] + 1:
                        role = "ANS+1"
                    elif peak == 0 or peak == query:
                        role = "<bos>" if peak == 0 else "<sep>"
                    else:
                        a, b = offsets[peak - 1]
                        role = ("Q:" if q_start <= a < q_end else "ctx:") + source[a:b]
                    roles[kind, layer, head][role] += 1
    return {key: n / counts[key[0]] for key, n in hits.items()} | {
        (k, l, h): 0.0 for k in counts for l in range(model.cfg.n_layer) for h in range(model.cfg.n_head)
        if (k, l, h) not in hits}, counts


def overall(shares, counts) -> dict:
    heads = {(l, h) for _k, l, h in shares}
    return {key: sum(shares[(k, *key)] * counts[k] for k in counts) / sum(counts.values()) for key in heads}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, default=None)
    parser.add_argument("--heads", type=int, default=None)
    parser.add_argument("--position", default=None, choices=("learned", "sinusoidal", "rope"))
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--question-first", action="store_true")
    parser.add_argument("--where-is", action="store_true")
    parser.add_argument("--roles", action="store_true")
    args = parser.parse_args()
    if args.where_is:
        qa._question = where_is(qa._question)
    if args.question_first:
        qa.qa_example = question_first(qa.qa_example)
    model_over = {k: v for k, v in (("n_layer", args.layers), ("n_head", args.heads), ("position", args.position))
                  if v is not None}
    train_over = dict(eval_interval=10**6, eval_batches=1, eval_examples=8)
    if args.steps:
        train_over["max_steps"] = args.steps
    torch.manual_seed(args.seed)
    recipe = recipe_for_dataset("qa", seed=args.seed, model=model_over, train=train_over)
    task = recipe.task
    model = build_model(recipe.model)
    wall, cpu = time.perf_counter(), time.process_time()
    for _record in Trainer(model, task, recipe.train).run():
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    model.eval()
    exact = sequence_metrics(model, task, 200, "cpu")["exact_match"]
    chosen = overall(*peaks(model, task, task.val_pairs[200:400]))
    head = max(chosen, key=chosen.get)
    roles = defaultdict(Counter) if args.roles else None
    shares, counts = peaks(model, task, task.val_pairs[:200], roles)
    scored = overall(shares, counts)
    print(f"seed {args.seed}, {model_over or 'default model'}, {recipe.train.max_steps} steps in {wall:.0f} s "
          f"({cpu:.0f} s of CPU), load {os.getloadavg()[0]:.1f}: exact match {exact:.3f} on 200 held-out questions")
    print(f"head chosen on questions 200-399: decoder.{head[0]} head {head[1]} ({chosen[head]:.3f}); "
          f"on questions 0-199: {scored[head]:.3f}")
    for kind in sorted(counts):
        print(f"  {kind:10s} ({counts[kind]:3d})", " ".join(
            f"{l}.{h}:{shares[kind, l, h]:.2f}" for l in range(model.cfg.n_layer) for h in range(model.cfg.n_head)))
    for key in sorted(roles or {}):
        print("   ", key, roles[key].most_common(4))


if __name__ == "__main__":
    main()
