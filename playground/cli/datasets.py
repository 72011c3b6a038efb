"""``playground datasets``: the built-in tasks with their model and default number of steps."""

import json

from playground.core.i18n import _

from .common import architecture_name, data_kind_name, metric_name, out, subcommand, table


def add_parser(subparsers) -> None:
    p = subcommand(subparsers, "datasets", _("list the built-in datasets"),
                   ["datasets", "datasets --json"])
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts instead of a table"))
    p.set_defaults(run=run)


def rows() -> list[dict]:
    from playground.core.datasets import DATASETS

    return [{"name": ds.name, "title": ds.title, "kind": ds.kind, "architecture": ds.architecture,
             "metric": ds.metric, "tokenizer": ds.tokenizer, "steps": ds.train.get("max_steps"),
             "description": ds.description}
            for ds in DATASETS.values()]


def run(args) -> int:
    data = rows()
    if args.json:
        out(json.dumps(data, indent=1, ensure_ascii=False))
        return 0
    headers = [_("name"), _("title"), _("kind"), _("architecture"), _("metric"), _("tokenizer"), _("default steps")]
    out(table(headers, [[d["name"], d["title"], data_kind_name(d["kind"]), architecture_name(d["architecture"]),
                         metric_name(d["metric"]), d["tokenizer"], d["steps"]] for d in data]))
    out()
    out(_("Train one with: playground train --dataset NAME"))
    return 0
