"""``playground sample``: generate from a checkpoint, token by token as it comes, or by beam search."""

from playground.core.i18n import _
from playground.core.tokenizer_kinds import tokenizer_name

from .common import (add_checkpoint_argument, err, load, model_inputs, out, padded, positive_float, positive_int,
                     probability, probability_text, shown, subcommand, task_kind)

SHOWN_ALTERNATIVES = 5  # likeliest tokens listed with --show-probs


def add_parser(subparsers) -> None:
    p = subcommand(subparsers, "sample", _("generate text from a trained checkpoint"), [
        "sample runs/grammar-20250101-120000 --prompt 'the cat' --temperature 0.8",
        "sample runs/reversal-20250101-120000 --source abcdef --greedy --show-probs",
        "sample runs/reversal-20250101-120000/checkpoints/step-001500 --source abcdef --beam 3"])
    add_checkpoint_argument(p)
    given = p.add_mutually_exclusive_group()
    given.add_argument("--prompt", metavar="TEXT", help=_("start of the text to continue"))
    given.add_argument("--source", metavar="TEXT", help=_("input of a source -> target model, e.g. abcdef"))
    p.add_argument("--max-tokens", type=positive_int, metavar="N", help=_("tokens to generate at most"))
    p.add_argument("--temperature", type=positive_float, default=1.0, metavar="X",
                   help=_("below 1 sharper, above 1 more random (default: 1)"))
    p.add_argument("--top-k", type=positive_int, metavar="N", help=_("draw only from the N likeliest tokens"))
    p.add_argument("--top-p", type=probability, metavar="X",
                   help=_("draw only from the likeliest tokens whose probabilities add up to X"))
    p.add_argument("--greedy", action="store_true", help=_("always take the likeliest token"))
    p.add_argument("--seed", type=int, metavar="N", help=_("same seed, same text"))
    p.add_argument("--beam", type=positive_int, metavar="N", help=_("beam search: print the N best outputs"))
    p.add_argument("--show-probs", action="store_true",
                   help=_("print each token with its probability and the likeliest alternatives"))
    p.add_argument("--no-cache", action="store_true", help=_("recompute past keys and values at every token"))
    p.add_argument("--device", default="cpu", metavar="NAME", help=_("cpu (default), cuda, mps or auto"))
    p.set_defaults(run=run)


def run(args) -> int:
    from playground.core.sample import SampleConfig, beam_search, continued_text, stream

    _folder, checkpoint = load(args.checkpoint, args.device, args.best)
    model, tok = checkpoint.model, checkpoint.tokenizer
    is_lm = task_kind(checkpoint) == "lm"
    if args.source is not None:
        from playground.core.datasets import check_source

        check_source((checkpoint.state.get("task") or {}).get("dataset", ""), args.source)
    prompt_ids, src_ids = model_inputs(checkpoint, args.prompt, args.source)
    tell_unknown(tok, args.source if args.source is not None else args.prompt, is_source=args.source is not None)
    prompt = args.prompt or ""
    if is_lm and not prompt:
        prompt, prompt_ids = empty_prompt_of(checkpoint)
    max_tokens = args.max_tokens or default_max_tokens(model.cfg, prompt_ids, is_lm)
    if args.beam:
        hypotheses = beam_search(model, tok, prompt_ids, args.beam, max_tokens, src_ids=src_ids)
        for rank, (ids, score) in enumerate(hypotheses, 1):
            out(f"{rank}. {score:9.4f}  {with_blank_end_told(continued_text(tok, prompt_ids, ids, prompt))}")
        return 0
    cfg = SampleConfig(max_new_tokens=max_tokens, temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                       greedy=args.greedy, seed=args.seed, use_cache=not args.no_cache,
                       alternatives=SHOWN_ALTERNATIVES if args.show_probs else 0)
    steps = stream(model, tok, prompt_ids, cfg, src_ids, prompt_text=prompt)
    if args.show_probs:
        show_probabilities(steps)
    else:
        out(prompt, end="")
        for step in steps:
            out(step.text, end="")  # what the token adds to the decoded text (see core StreamText)
        out("")
    return 0


def with_blank_end_told(text: str) -> str:
    """A hypothesis whose end is blank says so: "Come, Scholar" and 40 spaces read as if nothing came."""
    body = text.rstrip()
    blank = len(text) - len(body)
    if not blank:
        return text
    return body + "  " + _("(then {n:,} blank characters: spaces or line breaks)").format(n=blank)


def empty_prompt_of(checkpoint) -> tuple[str, list[int]]:
    """(text printed before the output, ids) of an empty prompt: a new line (printed as nothing), or the start of
    the model's own text where it never saw a new line (said on stderr with why, so stdout stays the text)."""
    from playground.core.prompts import NEWLINE, empty_prompt, saved_task, why_no_new_line

    tokenizer = checkpoint.tokenizer
    task = saved_task(checkpoint.state.get("task") or {}, tokenizer)
    start, ids = empty_prompt(task) if task is not None else (NEWLINE, tokenizer.encode_ids(NEWLINE))
    if start == NEWLINE:
        return "", ids
    why = {"no_line_break": _("a text with no line break, so the model never saw a new line"),
           "dropped": _("the {tokenizer} drops line breaks, so the model never saw a new line"),
           "never_alone": _("the model saw line breaks only inside other tokens of the {tokenizer}, never a new "
                            "line on its own")}[why_no_new_line(task)]
    err(_("No prompt: starting from the start of the model's own text, “{start}” ({why})").format(
        start=start, why=why.format(tokenizer=tokenizer_name(tokenizer.kind))))
    return start, ids


def tell_unknown(tok, text: str | None, is_source: bool) -> None:
    """Say on stderr, once, how many of the prompt's (or source's) tokens are the tokenizer's <unk>, which the
    model sees in place of that text. A char tokenizer's byte tokens spell a character exactly: not unknown."""
    spans, total = tok.unknown_spans(text or "")
    if not spans:
        return
    message = (_("Source tokens unknown to this {tokenizer}: {n:,} of {total:,}. The model sees <unk> in their place, "
                 "not your text: use words from its training text, or a char or BPE tokenizer.") if is_source else
               _("Prompt tokens unknown to this {tokenizer}: {n:,} of {total:,}. The model sees <unk> in their place, "
                 "not your text: use words from its training text, or a char or BPE tokenizer."))
    err(message.format(tokenizer=tokenizer_name(tok.kind), n=len(spans), total=total))


def default_max_tokens(cfg, prompt_ids: list[int], is_lm: bool) -> int:
    """200 tokens of text; for a pair model, what still fits in its context."""
    if is_lm:
        return 200
    if cfg.architecture == "encoder-decoder":
        return cfg.block_size
    return max(1, cfg.block_size - len(prompt_ids))


def show_probabilities(steps) -> None:
    """One line per token: position, token, probability, then the likeliest alternatives."""
    for step in steps:
        others = "  ".join(f"{shown(text)} {probability_text(p)}" for i, text, p in step.alternatives if i != step.id)
        out(f"{step.position:>4}  {padded(shown(step.token), 12)} {probability_text(step.probability):>7}   " + _("others: ")
            + others)
