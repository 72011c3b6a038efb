"""`playground train` on a classification task: per-class scores and the confusion matrix, printed and recorded."""

import json

from playground.cli import main
from playground.core.datasets.topics import TOPIC_LABELS

from .test_cli import TINY


def test_a_classifier_run_prints_and_records_its_report(tmp_path, capsys):
    run_dir = tmp_path / "run"
    code = main(["train", "--dataset", "topics", "--steps", "30", "--eval-interval", "15", "--run-dir", str(run_dir),
                 "--quiet", *TINY])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text("utf-8").splitlines()]
    evals = [row for row in rows if row["kind"] == "eval"]
    assert [row["step"] for row in evals] == [15, 30]
    report = evals[-1]["report"]
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == ["precision", "recall", "f1", "examples"])
    # a line per class with its scores and examples, then the macro averages, read off the last evaluation
    for line, scores in zip(lines[start + 1:], report["classes"]):
        assert line.split() == [scores["label"], *(f"{100 * scores[k]:.1f}%" for k in ("precision", "recall", "f1")),
                                str(scores["support"])]
    macro = lines[start + 1 + len(TOPIC_LABELS)].split()
    assert macro[:2] == ["macro", "average"] and macro[2] == f"{100 * report['macro']['precision']:.1f}%"
    # the matrix: a row per true label, its counts as recorded
    matrix_head = next(i for i, line in enumerate(lines) if line.startswith("true \\ answer"))
    assert lines[matrix_head].split()[3:] == [*TOPIC_LABELS, "(no", "label)"]
    for line, label, counts in zip(lines[matrix_head + 1:], TOPIC_LABELS, report["matrix"]):
        assert line.split() == [label, *map(str, counts)]
