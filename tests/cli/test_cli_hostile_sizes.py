"""The commands that read a checkpoint refuse hostile sizes with a one-line message, allocating nothing big.

All commands run in one child process whose address space is capped (see ``tests/hostile_sizes.py``).
"""

import shutil

import pytest

from tests.hostile_sizes import CONFIG_CASES, FILE_CASES, consistent_checkpoint, hostile_checkpoint, run_child, trained_run

WORDS = {**{k: v[1] for k, v in CONFIG_CASES.items()}, **{k: v[1] for k, v in FILE_CASES.items()},
         "pipe tokenizer": "not a regular file", "too big to load": "of memory to load it",
         "too big to train": "of memory to train it"}
COMMANDS = {  # command: the cases it is given
    "sample": [*CONFIG_CASES, *FILE_CASES, "pipe tokenizer", "too big to load"],
    "inspect": ["huge layers", "header of 2^60 bytes", "truncated weights"],
    "train --resume": ["huge context", "shapes disagree", "truncated weights", "too big to train"],
}
ARGS = {"sample": ["--prompt", "the", "--max-tokens", "5"], "inspect": ["--text", "the cat"],
        "train --resume": ["--steps", "10"]}


@pytest.fixture(scope="module")
def commands(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-cli")
    good = trained_run(tmp / "run")
    folders = {case: hostile_checkpoint(good, tmp / f"c{i}", case)
               for i, case in enumerate([*CONFIG_CASES, *FILE_CASES, "pipe tokenizer"])}
    folders["too big to load"] = consistent_checkpoint(good, tmp / "big", n_layer=64, d_model=1024, n_head=4,
                                                       d_ff=4096)
    folders["too big to train"] = consistent_checkpoint(good, tmp / "trainable", n_layer=8, d_model=1024, n_head=4,
                                                        d_ff=4096)
    run = tmp / "run-of-huge-layers"  # a run folder: its latest checkpoint is the one read
    shutil.copytree(tmp / "run", run)
    shutil.rmtree(run / "checkpoints" / "step-000002")
    hostile_checkpoint(good, run / "checkpoints" / "step-000002", "huge layers")
    jobs = [{"id": f"{command}/{case}", "call": "cli", "argv": [*command.split(), str(folders[case]), *ARGS[command]]}
            for command, cases in COMMANDS.items() for case in cases]
    jobs.append({"id": "sample/run folder", "call": "cli", "argv": ["sample", str(run), *ARGS["sample"]]})
    huge_latest = tmp / "run-with-huge-latest"
    shutil.copytree(tmp / "run", huge_latest)
    with open(huge_latest / "checkpoints" / "latest.json", "r+b") as f:
        f.truncate(2 * 1024**3)  # sparse
    jobs.append({"id": "sample/huge latest.json", "call": "cli", "argv": ["sample", str(huge_latest), *ARGS["sample"]]})
    jobs.append({"id": "sample/good", "call": "cli", "argv": ["sample", str(good), *ARGS["sample"]]})
    return run_child(jobs, tmp)


@pytest.mark.parametrize("command, case", [(c, case) for c, cases in COMMANDS.items() for case in cases]
                         + [("sample", "run folder")])
def test_a_hostile_checkpoint_gets_one_clear_line(commands, command, case):
    result = commands["results"][f"{command}/{case}"]
    assert result["code"] == 2, result
    assert result["stderr"].startswith("playground: error: ") and "Traceback" not in result["stderr"], result
    assert WORDS.get(case, WORDS["huge layers"]) in result["stderr"], result


def test_a_huge_latest_json_is_passed_over_for_the_newest_step_folder(commands):
    """Never read (its size is checked first): the run's newest step-N folder is sampled, as the app does."""
    result = commands["results"]["sample/huge latest.json"]
    assert result["code"] == 0 and "Traceback" not in result["stderr"], result


def test_the_commands_allocated_nothing_big(commands):
    assert commands["results"]["sample/good"]["code"] == 0, commands["results"]["sample/good"]
    grown = commands["rss_after"] - commands["rss_before"]
    assert grown < 200 * 1024**2, f"resident memory grew by {grown / 1024**2:.0f} MB"
