"""Question answering with same-kind distractors: can a small decoder learn to read the question?

The built-in ``qa`` task states each kind of fact once per world, so the question's kind alone picks
the fact. Here a world holds two facts of the asked kind about different subjects ("the cat is red .
the dog is blue . what color is the dog ?"): the model must match the subject the question names
with the subject of each fact, a two-step (induction-like) lookup. This bench trains one setting,
then prints exact match on held-out worlds (all, and those with a same-kind distractor), speed
(steps per second of wall time and of CPU time: with one thread, CPU time is about the wall time of
an idle machine) and, for every head, the share of held-out questions whose attention at ``<sep>``
(the query that writes the answer) peaks on the answer, or on the answer or its subject, in the context.

    PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/qa_distractors_bench.py --layers 2 --position rope --steps 1500

Three training options aim at more supervision per world: ``--prompt-loss`` also predicts the
prompt's own next words (a language-model loss over world and question: about 20 more targets per
row than the answer's 1-2; ``--prompt-loss 0.1`` keeps each prompt target with probability 0.1,
about a weight of 0.1); ``--questions`` packs one training row per world that asks about every
fact (``world q1 <sep> a1 <eos> q2 <sep> a2 <eos> ...``, 2-3 answers per row, rows about twice as
long); ``--same 0.5`` mixes worlds with and without a same-kind distractor (a curriculum).
Validation is always one question per world, the built-in task's form.

Measured (2 shared CPU cores, load 4-5; "CPU s" is the training's CPU time, about its idle wall time;
exact match on 200 held-out worlds that all have a same-kind distractor; seed 0; batch 64, d128, 4 heads):

    setting                                             steps  CPU s  exact match  best head (answer)
    2 layers, learned positions, lr 3e-3, all 4 kinds    1500     94        0.480  0.2: 0.535
    2 layers, RoPE, lr 3e-3, all 4 kinds                 1500    105        0.480  0.3: 0.435
    2 layers, learned, lr 1e-3, all 4 kinds           2000 (of 3000, stopped) 137  0.435 (at 2000)
    3 layers, RoPE, lr 3e-3, all 4 kinds                 2000    217        0.445  0.0: 0.435
    2 layers, RoPE, colour questions only                2000    133        0.470  0.0: 0.565
    2 layers, learned, colour only, adjacent phrasing    2000     91        0.500  0.1: 0.560
    2 layers, RoPE, colour only, adjacent phrasing       2000     98        0.475  0.0: 0.515
    2 layers, learned, colour only, adjacent, lr 1e-3    6000    266        0.885  0.0: 0.560
      (0.500 / 0.415 / 0.535 / 0.785 / 0.825 at steps 1000-5000)
    2 layers, learned, colour only, adjacent, lr 3e-3    6000    268        0.435  0.1: 0.545

Within the 3-minute budget (about 180 CPU s) every run stays at chance between the facts of the
asked kind (about 0.5): a first-layer head finds the facts of the asked kind, no second-layer head
matches the subject. Only the easiest layout (colour questions only, "dog blue . ... color of dog"
<sep>: the answer right after its subject, the subject right before <sep>) at lr 1e-3 escapes the
plateau, between steps 3000 and 4000 (130-180 CPU s), reaching 0.885 after 6000 steps (266 CPU s);
even then no single head's attention at <sep> peaks on the answer or its subject (best 0.56).

More supervision per world (the options above), measured 2 December 2026 on the same 2 cores at load
6-19 (other jobs running: the CPU seconds are the fair figure, wall time was 7-15 times longer);
seed 0, 2 layers, lr 3e-3, all 4 kinds, exact match on 300 held-out same-kind worlds, best head on 200:

    setting                                  steps              CPU s  exact match  best head (answer)
    learned, --prompt-loss                   1250 (of 2000, stopped)  71   0.210      -
      (0.117 / 0.080 / 0.193 / 0.190 at steps 250-1000)
    RoPE, --prompt-loss                      1500 (of 2000, stopped) 107   0.443      -
      (0.117 / 0.073 / 0.153 / 0.357 / 0.417 at steps 250-1250)
    RoPE, --prompt-loss 0.1 (load 6-8)       1500                    184   0.430      0.1: 0.505
      (0.157 / 0.283 / 0.443 / 0.397 / 0.427 at steps 250-1250)
    learned, --prompt-loss --questions       1000 (of 2000, stopped) 104   0.287      -
      (0.187 / 0.273 / 0.250 at steps 250-750)
    RoPE, --questions                        1000 (of 2000, stopped) 142   0.417      -
      (0.327 / 0.420 / 0.423 at steps 250-750)
    RoPE, --same 0.5                         1500                    121   0.430      0.2: 0.420
      (0.447 / 0.423 / 0.430 / 0.407 / 0.380 at steps 250-1250)
    RoPE, --questions --same 0.5             1500                    192   0.450      0.2: 0.270
      (0.407 / 0.463 / 0.473 / 0.463 / 0.477 at steps 250-1250)

None leaves the plateau within the budget. The language-model loss over the prompt (weight 1) makes
things worse early (below 0.2 until step 1000 with learned positions): about 20 prompt targets per row,
mostly unpredictable random facts, likely dilute the 1-2 answer targets. Packing every question of a world into
one row gives 2-3 answers per row at about twice the cost per step, and stays at 0.42-0.48, as does the
mix of worlds with and without a distractor; a prompt loss of weight about 0.1 does no better. (CPU
seconds per step vary with the load: 1500 RoPE steps took 107-184 CPU s in these runs.)
"""

import argparse
import os
import random
import sys
import time
from collections import Counter

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playground.core.datasets.qa import (  # noqa: E402
    ANIMALS, COLORS, COUNTS, PEOPLE, PLACES, QUESTION_KINDS, THINGS, _FACT_KIND, _question, fact_text,
)
from playground.core.datasets.sampling import is_held_out, split_samples  # noqa: E402
from playground.core.evaluate import sequence_metrics  # noqa: E402
from playground.core.inspect import answer_query_peaks  # noqa: E402
from playground.core.model import ModelConfig, build_model  # noqa: E402
from playground.core.recipes import Recipe, fit_context, pair_texts  # noqa: E402
from playground.core.tasks import IGNORE, PairTask, pad_rows  # noqa: E402
from playground.core.tokenizer import Tokenizer  # noqa: E402
from playground.core.train import Trainer, TrainConfig  # noqa: E402

_POOLS = {"color": (ANIMALS, COLORS), "place": (ANIMALS, PLACES)}


def _distinct_facts(rng: random.Random, kind: str, n: int) -> list:
    """``n`` facts of ``kind`` with different subjects and different values (so the answer occurs once)."""
    if kind == "has":
        people, counts = rng.sample(PEOPLE, n), rng.sample(COUNTS, n)
        return [(kind, p, (c, rng.choice(THINGS))) for p, c in zip(people, counts)]
    subjects, values = _POOLS[kind]
    return [(kind, s, v) for s, v in zip(rng.sample(subjects, n), rng.sample(values, n))]


def _adjacent_text(fact) -> str:
    """--phrasing adjacent: a colour right after its animal, "dog blue ." (other kinds as usual)."""
    return f"{fact[1]} {fact[2]} ." if fact[0] == "color" else fact_text(fact)


def _adjacent_question(kind: str, fact) -> tuple[str, str]:
    """--phrasing adjacent: the animal is the last word before <sep>, "color of dog" -> blue."""
    return (f"color of {fact[1]}", fact[2]) if kind == "color" else _question(kind, fact)


def world(rng: random.Random, same: float, kinds=QUESTION_KINDS, phrasing="plain") -> tuple[str, str, int, bool]:
    """(source, answer, index of the asked fact, whether a same-kind distractor is present).

    With probability ``same`` the world holds a second fact of the asked kind (another subject,
    another value) and maybe a third fact of another kind; otherwise it is the built-in task's world
    (each kind once)."""
    question_kind = rng.choice(kinds)
    fact_kind = _FACT_KIND[question_kind]
    others = [k for k in ("color", "place", "has") if k != fact_kind]
    if rng.random() < same:
        facts = _distinct_facts(rng, fact_kind, 2)
        if rng.random() < 0.5:
            facts += _distinct_facts(rng, rng.choice(others), 1)
        distractor = True
    else:
        n = rng.randint(2, 3)
        facts = [_distinct_facts(rng, k, 1)[0] for k in [fact_kind] + rng.sample(others, n - 1)]
        distractor = False
    asked = facts[0]
    rng.shuffle(facts)
    text, ask = (_adjacent_text, _adjacent_question) if phrasing == "adjacent" else (fact_text, _question)
    context = "".join(text(f) + " " for f in facts)
    question, answer = ask(question_kind, asked)
    assert f" {context}".count(f" {answer} ") == 1, (context, answer)
    return context + question, answer, facts.index(asked), distractor


def packed_world(rng: random.Random, same: float, kinds=QUESTION_KINDS) -> tuple[str, list[tuple[str, str]]]:
    """--questions: (context, [(question, answer)...]) with one question about every fact, in random order."""
    source, answer, asked, _distractor = world(rng, same, kinds)
    context = source.rsplit(" . ", 1)[0] + " ."
    facts = []
    for sentence in context.split(" . "):
        words = sentence.strip(" .").split()
        if words[1] == "has":
            facts.append(("has", words[0], (words[2], words[3])))
        elif words[3:5] == ["in", "the"]:
            facts.append(("place", words[1], words[5]))
        else:
            facts.append(("color", words[1], words[3]))
    questions = [(source.rsplit(" . ", 1)[1], answer)]
    for i, fact in enumerate(facts):
        if i != asked:
            kind = rng.choice(("count", "what")) if fact[0] == "has" else fact[0]
            questions.append(_question(kind, fact))
    rest = questions[1:]
    rng.shuffle(rest)
    return context + " ", questions[:1] + rest


class BenchTask(PairTask):
    """The pair task with two training options. ``prompt_loss``: the rows also predict the prompt's own next words
    (a language-model loss over the world and the question). ``packed``: each training row is one world asking about
    every fact, ``<bos> world q1 <sep> a1 <eos> q2 <sep> a2 <eos> ...``, every answer supervised. Validation is one
    question per world, as in the built-in task, either way."""

    prompt_loss: float = 0.0  # the chance that a prompt token is a target: about the prompt loss's weight
    packed: list | None = None  # [(context ids, [(question ids, answer ids)...])]

    def batch(self, split, batch_size, block_size, generator):
        if split != "train" or not (self.prompt_loss or self.packed):
            return super().batch(split, batch_size, block_size, generator)
        tok = self.tokenizer
        rows = self.packed or [([], [pair]) for pair in self.encoded("train")]
        picks = torch.randint(len(rows), (batch_size,), generator=generator).tolist()
        idx, targets = [], []
        for i in picks:
            context, questions = rows[i]
            seq, tgt = [tok.bos_id] + context, list(context)
            for q, a in questions:
                seq += q + [tok.sep_id] + a + [tok.eos_id]
                tgt += q + [IGNORE] + a + [tok.eos_id]
            if self.prompt_loss < 1:  # no draw at 0 or 1, so those runs repeat the figures above
                keep = [False] * len(tgt)
                if self.prompt_loss:
                    keep = (torch.rand(len(tgt), generator=generator) < self.prompt_loss).tolist()
                tgt = [t if not p or k else IGNORE for t, p, k in zip(tgt, self._prompt_mask(context, questions), keep)]
            idx.append(seq[:-1][:block_size])
            targets.append(tgt[:block_size])
        return {"idx": pad_rows(idx, tok.pad_id), "targets": pad_rows(targets, IGNORE)}

    @staticmethod
    def _prompt_mask(context, questions) -> list[bool]:
        """For each target of a row: whether it is a word of the prompt (world or question), not an answer."""
        mask = [True] * len(context)
        for q, a in questions:
            mask += [True] * len(q) + [False] * (len(a) + 2)  # <sep>'s target is IGNORE anyway
        return mask


def make_recipe(args) -> tuple[Recipe, dict]:
    rng = random.Random(args.seed)
    info = {}

    def draw():
        source, answer, asked, distractor = world(rng, args.same, tuple(args.kinds.split(",")), args.phrasing)
        info[source] = (asked, distractor)
        return source, answer

    train, val = split_samples(draw, 20_000, 1_000, key=lambda pair: pair[0])
    packed = []
    if args.questions:
        keep_rng = random.Random(args.seed + 1)
        while len(packed) < 20_000:
            context, questions = packed_world(keep_rng, args.same, tuple(args.kinds.split(",")))
            if not is_held_out(context + questions[0][0]):
                packed.append((context, questions))
    # held-out worlds with a same-kind distractor come first: those are the ones that test the reading
    val.sort(key=lambda pair: not info[pair[0]][1])
    tok = Tokenizer.train("word", pair_texts(train), None)
    task = BenchTask(tok, train, val, architecture="decoder", name="qa", metric="exact_match", labels=None)
    task.prompt_loss = args.prompt_loss
    if args.questions:
        task.packed = [(tok.encode_ids(c), [(tok.encode_ids(q), tok.encode_ids(a)) for q, a in qs]) for c, qs in packed]
    model = ModelConfig.from_dict(dict(
        architecture="decoder", n_layer=args.layers, n_head=args.heads, d_model=args.d_model, d_ff=4 * args.d_model,
        dropout=0.0, activation="gelu", norm="pre", tie_weights=True, bias=True,
        block_size=96 if args.questions else 48,  # --questions: a world and 2-3 questions with their answers
        position=args.position, vocab_size=tok.vocab_size, pad_id=tok.pad_id))
    train_cfg = TrainConfig.from_dict(dict(
        batch_size=args.batch, lr=args.lr, min_lr=args.lr / 10, warmup_steps=args.warmup, max_steps=args.steps,
        weight_decay=0.1, grad_clip=1.0, eval_interval=10**6, eval_batches=1, eval_examples=8, seed=args.seed))
    return fit_context(Recipe(task, model, train_cfg, {})), info


def fact_positions(task, source: str, answer: str, asked: int) -> tuple[list[int], list[int]]:
    """Input positions (``<bos>`` first) of the asked fact's answer words and of its subject word."""
    context, _question_text = source.rsplit(" . ", 1)
    sentences = (context + " .").split(" . ")
    sentence = sentences[asked].strip(" .")
    start = sum(len(s.strip(" .")) + 3 for s in sentences[:asked])  # each sentence is followed by " . "
    words = sentence.split()
    subject_index = 1 if words[0] == "the" else 0
    if len(words) == 2:  # --phrasing adjacent: "dog blue"
        kind = "adjacent"
    answer_words = {"color": [3], "place": [5], "has": [2, 3], "adjacent": [1]}
    if len(words) > 2:
        kind = "has" if words[1] == "has" else ("place" if words[3:5] == ["in", "the"] else "color")
    char_of = [start + len(" ".join(words[:i])) + (i > 0) for i in range(len(words))]
    offsets = task.tokenizer.encode(source).offsets
    pos = {a: 1 + i for i, (a, _b) in enumerate(offsets)}
    answer_pos = [pos[char_of[i]] for i in answer_words[kind]][:len(answer.split())]  # count: "two", what: "two apples"
    return answer_pos, [pos[char_of[subject_index]]]


def head_peaks(model, task, pairs, info) -> tuple[Counter, Counter, int]:
    on_answer, on_fact = Counter(), Counter()
    for source, answer in pairs:
        answer_pos, subject_pos = fact_positions(task, source, answer, info[source][0])
        for layer, head, peak in answer_query_peaks(model, task, source, answer):
            on_answer[layer, head] += peak in answer_pos
            on_fact[layer, head] += peak in answer_pos + subject_pos
    return on_answer, on_fact, len(pairs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--position", default="learned", choices=("learned", "sinusoidal", "rope"))
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--same", type=float, default=1.0, help="share of worlds with a same-kind distractor")
    p.add_argument("--kinds", default=",".join(QUESTION_KINDS), help="question kinds asked, e.g. color")
    p.add_argument("--phrasing", default="plain", choices=("plain", "adjacent"),
                   help="adjacent: colour facts 'dog blue .', colour questions 'color of dog'")
    p.add_argument("--prompt-loss", type=float, nargs="?", const=1.0, default=0.0, metavar="SHARE",
                   help="also train on the prompt's own next words (a language-model loss over world and question), "
                        "each a target with probability SHARE (default 1)")
    p.add_argument("--questions", action="store_true",
                   help="train on one sequence per world that asks about every fact, each answer after <sep>")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--every", type=int, default=250, help="print held-out exact match every N steps")
    p.add_argument("--n-eval", type=int, default=300)
    args = p.parse_args()
    torch.set_num_threads(1)
    recipe, info = make_recipe(args)
    task = recipe.task
    val_same = [pair for pair in task.val_pairs if info[pair[0]][1]]
    torch.manual_seed(args.seed)
    model = build_model(recipe.model)
    print(f"settings: {vars(args)}; {len(val_same)} held-out worlds with a same-kind distractor; "
          f"{sum(p.numel() for p in model.parameters()):,} parameters", flush=True)
    started, cpu, seen = time.perf_counter(), time.process_time(), set()
    for record in Trainer(model, task, recipe.train).run():
        step = record.step
        if args.every and step % args.every == 0 and 0 < step < args.steps and step not in seen:
            seen.add(step)
            t0 = time.process_time()
            em = sequence_metrics(model.eval(), task, min(args.n_eval, len(val_same)), "cpu")["exact_match"]
            model.train()
            eval_cpu = time.process_time() - t0
            cpu += eval_cpu
            started += eval_cpu  # rough: do not count the evaluation as training time
            print(f"  step {step}: exact match (same-kind worlds) {em:.3f}  "
                  f"[{time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu:.0f} s CPU]", flush=True)
    wall, train_cpu = time.perf_counter() - started, time.process_time() - cpu
    model.eval()
    n = min(args.n_eval, len(val_same))
    em_same = sequence_metrics(model, task, n, "cpu")["exact_match"]  # val_pairs start with the same-kind worlds
    print(f"trained {args.steps} steps: {wall:.0f} s wall ({args.steps / wall:.1f} steps/s), {train_cpu:.0f} s CPU "
          f"({args.steps / train_cpu:.1f} steps/s of CPU time); load: {os.getloadavg()[0]:.2f}")
    print(f"exact match, {n} held-out worlds with a same-kind distractor: {em_same:.3f}")
    pairs = val_same[:200]
    on_answer, on_fact, count = head_peaks(model, task, pairs, info)
    for name, hits in (("answer", on_answer), ("answer or its subject", on_fact)):
        shares = {f"{layer}.{head}": round(hits[layer, head] / count, 3) for layer, head in sorted(hits)}
        best = max(shares, key=shares.get)
        print(f"attention at <sep> peaks on the {name} in the context ({count} questions): {shares}; "
              f"best single head decoder.{best.replace('.', '.attn head ')}: {shares[best]:.3f}")


if __name__ == "__main__":
    main()
