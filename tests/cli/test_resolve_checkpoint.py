"""The command line finds a run's newest checkpoint as the app's watch and Compare do: one reading of latest.json."""

import json

import pytest

from playground.cli.common import resolve_checkpoint
from playground.core.errors import CheckpointError
from playground.core.run_watch import newest_checkpoint

LATEST = {  # what checkpoints/latest.json holds -> the step folder both readings must give
    "names step 5": (json.dumps({"path": "step-000005", "step": 5}), "step-000005"),
    "names step 12": (json.dumps({"path": "step-000012", "step": 12}), "step-000012"),
    "missing": (None, "step-000012"),
    "damaged": ("{damaged", "step-000012"),
    "not an object": ("[1, 2]", "step-000012"),
    "names a folder outside": (json.dumps({"path": "../../elsewhere", "step": 5}), "step-000012"),
    "names a folder that is gone": (json.dumps({"path": "step-000099", "step": 99}), "step-000012"),
    "huge": ("sparse", "step-000012"),
}


def run_folder(tmp_path, latest):
    run = tmp_path / "run"
    for step in (5, 10, 12):
        (run / "checkpoints" / f"step-{step:06d}").mkdir(parents=True)
        (run / "checkpoints" / f"step-{step:06d}" / "state.json").write_text("{}")
    path = run / "checkpoints" / "latest.json"
    if latest == "sparse":
        with open(path, "wb") as f:
            f.truncate(2 * 1024**3)  # sparse: never read
    elif latest is not None:
        path.write_text(latest)
    return run


@pytest.mark.parametrize("case", list(LATEST))
def test_a_run_folder_and_its_checkpoints_folder_resolve_to_the_newest_checkpoint(tmp_path, case):
    """The CLI read latest.json its own way: a damaged one was an error there, passed over in the app."""
    latest, expected = LATEST[case]
    run = run_folder(tmp_path, latest)
    assert newest_checkpoint(run) == run / "checkpoints" / expected
    assert resolve_checkpoint(run) == run / "checkpoints" / expected
    assert resolve_checkpoint(run / "checkpoints") == run / "checkpoints" / expected
    assert resolve_checkpoint(run / "checkpoints" / "step-000010") == run / "checkpoints" / "step-000010"


def test_a_folder_with_no_checkpoint_is_left_for_the_loader_to_explain(tmp_path):
    assert resolve_checkpoint(tmp_path) == tmp_path
    with pytest.raises(CheckpointError, match="does not exist"):
        resolve_checkpoint(tmp_path / "nothing")
    (tmp_path / "file").write_text("")
    with pytest.raises(CheckpointError, match="is a file"):
        resolve_checkpoint(tmp_path / "file")
