"""Checkpoints and sessions with hostile sizes, and a child process that opens them under a memory cap.

The child (``python -m tests.hostile_sizes JOBS.json``) imports torch and the playground, then caps
its address space (RLIMIT_AS) at what it has mapped plus ``HEADROOM``: an allocation of a few GB
fails there instead of swamping the machine. It opens each file as the job says (core loader,
CLI command), records the message or the exit code, and prints one JSON object with its peak
resident memory (``ru_maxrss``) before and after, so a test can see that nothing big was made.
"""

import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

HEADROOM = 3 * 1024**3
ROOT = Path(__file__).resolve().parents[1]

# case: what the settings say (merged into the model settings), and the words its message must hold
CONFIG_CASES = {
    "huge layers": ({"n_layer": 100_000, "d_model": 65_536}, "n_layer is 100000"),
    "huge context": ({"block_size": 1_000_000_000}, "block_size is 1000000000"),
    "shapes disagree": ({"d_model": 32, "d_ff": 64}, "do not match the model"),
    "fractional layers": ({"n_layer": 2.5}, "not a whole number"),
}
FILE_CASES = {  # case: how model.safetensors is spoilt, and the words its message must hold
    "header of 2^60 bytes": ("header", "its header says it is 1,152,921,504,606,846,976 bytes"),
    "truncated weights": ("truncate", "cut short"),
}


# --- making the files ---------------------------------------------------------------------------
def trained_run(folder: Path) -> Path:
    """A real run folder of a tiny model trained 2 steps on an inline text; returns its checkpoint."""
    from playground.core.model import build_model
    from playground.core.train import Trainer
    from tests.core.helpers import tiny_text_recipe

    recipe = tiny_text_recipe(steps=2, eval_interval=2, device="cpu")
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, folder, recipe.spec)
    for _record in trainer.run():
        pass
    return folder / "checkpoints" / "step-000002"


def trained_session(path: Path) -> Path:
    """A session file of a tiny model trained 2 steps (weights and optimizer state inside)."""
    from dataclasses import asdict

    from playground.core.session import save_session
    from playground.core.workspace import Workspace
    from tests.core.helpers import TEXT, TINY_MODEL

    ws = Workspace()
    ws.use_text(TEXT, is_text=True)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(max_steps=2, batch_size=4, eval_interval=2, eval_batches=1, warmup_steps=1, device="cpu")
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    return save_session(path, ws)


def spoilt_weights(data: bytes, how: str) -> bytes:
    if how == "header":
        return (2**60).to_bytes(8, "little") + data[8:]
    return data[: len(data) * 3 // 5]


def hostile_checkpoint(good: Path, folder: Path, case: str) -> Path:
    """A copy of the checkpoint ``good`` spoilt as ``case`` says (CONFIG_CASES, FILE_CASES or "pipe tokenizer")."""
    shutil.copytree(good, folder)
    if case in CONFIG_CASES:
        state = json.loads((folder / "state.json").read_text())
        state["model"].update(CONFIG_CASES[case][0])
        (folder / "state.json").write_text(json.dumps(state))
    elif case in FILE_CASES:
        weights = folder / "model.safetensors"
        weights.write_bytes(spoilt_weights(weights.read_bytes(), FILE_CASES[case][0]))
    elif case == "pipe tokenizer":
        (folder / "tokenizer.json").unlink()
        os.mkfifo(folder / "tokenizer.json")
    return folder


def consistent_checkpoint(good: Path, folder: Path, **sizes) -> Path:
    """A checkpoint whose settings and weights header agree on a model of ``sizes``, its tensors a sparse hole.

    Nothing but the header is written: the file takes no disk, however big the model.
    """
    from playground.core.limits import expected_shapes
    from playground.core.model import ModelConfig

    shutil.copytree(good, folder)
    (folder / "optimizer.safetensors").unlink()
    state = json.loads((folder / "state.json").read_text())
    state["model"].update(sizes)
    (folder / "state.json").write_text(json.dumps(state))
    write_sparse_safetensors(folder / "model.safetensors", expected_shapes(ModelConfig.from_dict(state["model"])))
    return folder


def write_sparse_safetensors(path: Path, shapes: dict) -> None:
    """A float32 safetensors file with these tensor shapes whose data is a hole: any size, no disk used."""
    header, offset = {}, 0
    for name, shape in shapes.items():
        size = 4 * math.prod(shape)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text)
        f.truncate(8 + len(text) + offset)


def rewrite_session(good: Path, bad: Path, members: dict) -> Path:
    """A copy of the session ``good`` with some members replaced (bytes), tensors stored uncompressed."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = members.get(info.filename, src.read(info.filename))
            method = zipfile.ZIP_DEFLATED if info.filename.endswith(".json") else zipfile.ZIP_STORED
            dst.writestr(info.filename, data, compress_type=method)
    return bad


def hostile_session(good: Path, bad: Path, case: str) -> Path:
    """A copy of the session ``good`` spoilt as ``case`` says (CONFIG_CASES or FILE_CASES)."""
    with zipfile.ZipFile(good) as archive:
        meta = json.loads(archive.read("session.json"))
        weights = archive.read("model.safetensors")
    if case in CONFIG_CASES:
        meta["model"].update(CONFIG_CASES[case][0])
        return rewrite_session(good, bad, {"session.json": json.dumps(meta).encode()})
    return rewrite_session(good, bad, {"model.safetensors": spoilt_weights(weights, FILE_CASES[case][0])})


# --- the child ---------------------------------------------------------------------------------
def run_child(jobs: list[dict], tmp: Path, timeout: float = 240) -> dict:
    """Run the jobs in a capped child process; returns its JSON report."""
    path = tmp / "jobs.json"
    path.write_text(json.dumps(jobs))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    done = subprocess.run([sys.executable, "-m", "tests.hostile_sizes", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def cap_address_space(headroom: int) -> None:
    import resource

    with open("/proc/self/statm", encoding="ascii") as f:
        mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (mapped + headroom, resource.getrlimit(resource.RLIMIT_AS)[1]))


def run_job(job: dict) -> dict:
    from playground.cli import main
    from playground.core.checkpoint import load_checkpoint
    from playground.core.errors import PlaygroundError
    from playground.core.session import load_session

    if job["call"] == "cli":
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(job["argv"])
        return {"code": code, "stdout": out.getvalue()[-2000:], "stderr": err.getvalue()[-2000:]}
    try:
        if job["call"] == "checkpoint":
            load_checkpoint(job["path"], training=job.get("training", False))
        else:
            load_session(job["path"])
    except PlaygroundError as e:
        return {"error": type(e).__name__, "message": str(e)}
    except BaseException as e:  # what the test must see: a crash, or the cap hit by an allocation
        return {"error": type(e).__name__, "message": repr(e)[:2000]}
    return {"error": None, "message": ""}


def main(jobs_file: str) -> int:
    import torch  # noqa: F401  (mapped before the cap, as in any session)

    import playground.cli  # noqa: F401
    import playground.core.session  # noqa: F401

    jobs = json.loads(Path(jobs_file).read_text())
    before = peak_rss()
    cap_address_space(HEADROOM)
    results = {job["id"]: run_job(job) for job in jobs}
    print(json.dumps({"results": results, "rss_before": before, "rss_after": peak_rss()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
