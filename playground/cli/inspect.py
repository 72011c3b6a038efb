"""``playground inspect``: trace one forward pass of a checkpoint, stage by stage, as a list or JSON."""

import json

from playground.core.i18n import _

from .common import (add_checkpoint_argument, load, model_inputs, out, positive_float, positive_int, probability_text,
                     subcommand, task_kind)


def add_parser(subparsers) -> None:
    p = subcommand(subparsers, "inspect", _("trace a forward pass: every stage's name, shape and meaning"), [
        "inspect runs/grammar-20250101-120000 --text 'the cat sees'",
        "inspect runs/reversal-20250101-120000 --source abcdef --json > trace.json",
        "inspect runs/reversal-20250101-120000 --source abcdef --text fed --json --values --top-k 5"])
    add_checkpoint_argument(p)
    p.add_argument("--text", metavar="TEXT", help=_("the decoder's input (for a source -> target model: the "
                                                    "start of the target)"))
    p.add_argument("--source", metavar="TEXT", help=_("input of a source -> target model"))
    p.add_argument("--json", action="store_true", help=_("print the whole trace as JSON (data: layer, head and "
                                                           "position indices count from 0)"))
    p.add_argument("--values", action="store_true", help=_("include the tensors' values in the JSON"))
    p.add_argument("--backward", action="store_true", help=_("also take one training step on a copy of the model "
                                                              "and list the backward pass: gradients, the update, "
                                                              "the loss before and after (the checkpoint is not "
                                                              "changed)"))
    p.add_argument("--top-k", type=positive_int, default=10, metavar="N",
                   help=_("likeliest next tokens to report (default: 10)"))
    p.add_argument("--temperature", type=positive_float, default=1.0, metavar="X",
                   help=_("softmax temperature (default: 1)"))
    p.set_defaults(run=run)


def run(args) -> int:
    from playground.core.errors import ConfigError
    from playground.core.trace import trace

    if args.text is None and args.source is None:
        raise ConfigError(_("give the input to trace with --text TEXT or --source TEXT"))
    _folder, checkpoint = load(args.checkpoint, best=args.best)
    ids, src_ids = model_inputs(checkpoint, args.text, args.source)
    result = trace(checkpoint.model, ids, src_ids, top_k=args.top_k, temperature=args.temperature)
    backward = backward_step(checkpoint, ids, src_ids) if args.backward else None
    if args.json:
        data = result.to_json(include_values=args.values)
        if backward is not None:
            data["backward"] = backward.to_json(include_values=args.values)
        out(json.dumps(data, ensure_ascii=False))
        return 0
    show(result, checkpoint.tokenizer)
    if backward is not None:
        out(_("Backward pass (one training step on a copy; the checkpoint is not changed):"))
        show_stages(backward)
        out(_("Loss on this example before the step: {before:.4f}, after: {after:.4f} (learning rate {lr:.3g})").format(
            before=backward.loss_before, after=backward.loss_after, lr=backward.lr))
    return 0


def backward_step(checkpoint, ids, src_ids):
    """The checkpoint's next training step on this example, from its saved optimizer state and settings."""
    from playground.core.backward import backward_trace, targets_for
    from playground.core.tasks import PairTask
    from playground.core.train import TrainConfig

    arch = checkpoint.model.cfg.architecture
    task = PairTask(checkpoint.tokenizer, [], [], architecture=arch) if task_kind(checkpoint) == "pairs" else None
    state = checkpoint.state
    return backward_trace(checkpoint.model, ids, src_ids, targets_for(task, ids, src_ids),
                          optimizer_state=checkpoint.optimizer, train_cfg=TrainConfig.from_dict(state.get("train", {})),
                          step=int(state.get("step", 0)))


def show(result, tokenizer) -> None:
    """What the trace cannot show (an LSTM: attention), stages under their group headings, the likeliest next tokens."""
    if result.notice:
        out(result.notice)
    show_stages(result)
    out(_("Most likely next tokens:"))
    for token_id, p in result.top_k:
        out(f"  {tokenizer.readable(tokenizer.id_to_token(token_id)):<12} {probability_text(p):>7}")


def show_stages(result) -> None:
    """Each stage's name, shape and title under its group's heading."""
    from playground.core.trace import group_title

    width = max([28] + [len(name) for name in result.names()])
    for group in result.groups():
        out(group_title(group))
        for record in result.in_group(group):
            shape = "×".join(str(n) for n in record.shape) or "-"
            out(f"  {record.name:<{width}} {shape:<14} {record.title}")
