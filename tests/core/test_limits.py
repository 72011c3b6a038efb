"""Hostile sizes: bounds, safetensors headers and memory estimates, checked before any tensor is made."""

import io
import itertools
import json

import pytest
import torch

from playground.core.checkpoint import weights_of
from playground.core.errors import CheckpointError, ConfigError
from playground.core.limits import (MAX_HEADER_BYTES, MAX_TENSORS, SIZE_BOUNDS, available_memory, buffer_bytes,
                                    check_fits, check_sizes, expected_shapes, memory_needed, parameter_count,
                                    read_header)
from playground.core.model import ModelConfig, Transformer, build_model, count_parameters, memory_estimate
from tests.hostile_sizes import (CONFIG_CASES, FILE_CASES, consistent_checkpoint, hostile_checkpoint,
                                 hostile_session, run_child, trained_run, trained_session)

OPTIONS = list(itertools.product(("decoder", "encoder-decoder"), ("gelu", "relu", "swiglu"), ("pre", "post"),
                                 ("learned", "sinusoidal", "rope"), (True, False), (True, False)))
TINY = dict(vocab_size=11, n_layer=2, n_head=2, d_model=8, d_ff=12, block_size=6)


@pytest.mark.parametrize("architecture, activation, norm, position, tie, bias", OPTIONS)
def test_expected_shapes_are_those_of_the_built_model(architecture, activation, norm, position, tie, bias):
    cfg = ModelConfig(**TINY, architecture=architecture, activation=activation, norm=norm, position=position,
                      tie_weights=tie, bias=bias, n_encoder_layer=3 if architecture == "encoder-decoder" else None)
    model = Transformer(cfg)
    assert expected_shapes(cfg) == {name: tuple(t.shape) for name, t in weights_of(model).items()}
    assert parameter_count(cfg) == count_parameters(model)
    assert buffer_bytes(cfg) == sum(b.numel() * b.element_size() for b in model.buffers())
    assert memory_estimate(model, 5)["total"] + buffer_bytes(cfg) == memory_needed(cfg, 5, training=True)


def test_a_hand_checked_parameter_count():
    # 11×8 embedding + 6×8 positions + 2 layers × (8 + 24×8 + 8×8 + 8 + 12×8 + 8×12) + final norm 8
    assert parameter_count(ModelConfig(**TINY)) == 88 + 48 + 2 * 464 + 8 == 1072


@pytest.mark.parametrize("name", sorted(SIZE_BOUNDS))
def test_every_size_is_bounded(name):
    low, high = SIZE_BOUNDS[name]
    cfg = ModelConfig(**{**TINY, "vocab_size": 1 << 22, "d_model": 1 << 16, "n_head": 1024}, n_encoder_layer=1)
    check_sizes(cfg)  # the bounds themselves are allowed
    setattr(cfg, name, high + 1)
    with pytest.raises(ConfigError, match=f"{name} is {high + 1}, outside what the playground allows"):
        check_sizes(cfg)
    with pytest.raises(CheckpointError, match=f"The settings in state.json cannot be used: {name} is"):
        check_sizes(cfg, where="state.json")
    setattr(cfg, name, float(low + 1))
    with pytest.raises(ConfigError, match="not a whole number"):
        check_sizes(cfg)


def header_bytes(header: dict, data: int = 0, length: int | None = None) -> bytes:
    text = json.dumps(header).encode()
    return (len(text) if length is None else length).to_bytes(8, "little") + text + bytes(data)


@pytest.mark.parametrize("case, data, message", [
    ("2^60", header_bytes({}, length=2**60), "header says it is 1,152,921,504,606,846,976 bytes"),
    ("beyond the file", header_bytes({}, length=500), "header says it is 500 bytes long; the file has 10 bytes"),
    ("beyond the limit", (MAX_HEADER_BYTES + 1).to_bytes(8, "little") + bytes(MAX_HEADER_BYTES + 1),
     "a header may have 16,777,216"),
    ("short", b"\x01\x02", "only 2 bytes long"),
    ("not json", header_bytes({}, length=4) + b"{no}", "damaged"),
    ("a list", b"\x02\x00\x00\x00\x00\x00\x00\x00[]", "not a table"),
    ("too many", header_bytes({f"t{i}": {} for i in range(MAX_TENSORS + 2)}), "not a table of at most 100,000"),
    ("unknown type", header_bytes({"w": {"dtype": "X9", "shape": [1], "data_offsets": [0, 4]}}, 4), "unknown type"),
    ("bool shape", header_bytes({"w": {"dtype": "F32", "shape": [True], "data_offsets": [0, 4]}}, 4), "bad shape"),
    ("negative", header_bytes({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, 4), "bad shape"),
    ("lying size", header_bytes({"w": {"dtype": "F32", "shape": [10**9, 10**9], "data_offsets": [0, 4]}}, 4),
     "shape and its number of bytes disagree"),
    ("cut short", header_bytes({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, 8), "cut short"),
])
def test_hostile_headers_are_refused(case, data, message):
    with pytest.raises(CheckpointError, match=message):
        read_header(io.BytesIO(data), len(data), "w.safetensors")


def test_a_good_header_is_read_without_its_tensors():
    data = header_bytes({"__metadata__": {"format": "x"}, "w": {"dtype": "F32", "shape": [2, 2],
                                                                  "data_offsets": [0, 16]}}, 16)
    stream = io.BytesIO(data)
    assert read_header(stream, len(data), "w") == {"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
    assert stream.tell() == len(data) - 16  # the tensor's bytes were not read


def test_settings_too_big_for_any_machine_are_refused_with_the_estimate():
    cfg = ModelConfig(**{**TINY, "n_layer": 1024, "d_model": 1 << 16, "n_head": 64, "d_ff": 1 << 18})
    with pytest.raises(ConfigError, match=r"need about [\d.]+ TiB of memory, but this computer has [\d.]+ [KMGT]iB "
                                          r"available\. Choose fewer layers"):
        check_fits(cfg)
    with pytest.raises(ConfigError, match=r"to train \(batch 32\).* or a smaller batch"):
        check_fits(cfg, batch_size=32, training=True)
    with pytest.raises(ConfigError, match="memory"):
        build_model(cfg)
    assert check_fits(ModelConfig(**TINY)) == memory_needed(ModelConfig(**TINY))
    assert 0 < available_memory() < 1 << 50


def test_the_trainer_refuses_a_batch_too_big_to_train():
    from playground.core.train import TrainConfig, Trainer
    from tests.core.helpers import tiny_text_recipe

    recipe = tiny_text_recipe()
    model = Transformer(recipe.model)
    with pytest.raises(ConfigError, match="to train"):
        Trainer(model, recipe.task, TrainConfig(batch_size=10**12, device="cpu"))
    assert all(p.grad is None for p in model.parameters())  # no training state was made


# --- files, opened in a child process whose address space is capped -----------------------------------
CHECKPOINT_CASES = [*CONFIG_CASES, *FILE_CASES, "pipe tokenizer"]
SESSION_CASES = [*CONFIG_CASES, *FILE_CASES]


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    good = trained_run(tmp / "run")
    session = trained_session(tmp / "good.playground")
    jobs = [{"id": f"checkpoint/{case}", "call": "checkpoint",
             "path": str(hostile_checkpoint(good, tmp / f"c{i}", case))} for i, case in enumerate(CHECKPOINT_CASES)]
    jobs += [{"id": f"session/{case}", "call": "session",
              "path": str(hostile_session(session, tmp / f"s{i}.playground", case))}
             for i, case in enumerate(SESSION_CASES)]
    big = consistent_checkpoint(good, tmp / "big", n_layer=64, d_model=1024, n_head=4, d_ff=4096)
    trainable = consistent_checkpoint(good, tmp / "trainable", n_layer=8, d_model=1024, n_head=4, d_ff=4096)
    jobs += [{"id": "too big to load", "call": "checkpoint", "path": str(big)},
             {"id": "too big to train", "call": "checkpoint", "path": str(trainable), "training": True},
             {"id": "good checkpoint", "call": "checkpoint", "path": str(good)},
             {"id": "good session", "call": "session", "path": str(session)}]
    return run_child(jobs, tmp)


@pytest.mark.parametrize("case", CHECKPOINT_CASES)
def test_hostile_checkpoints_are_refused(opened, case):
    words = {**{k: v[1] for k, v in CONFIG_CASES.items()}, **{k: v[1] for k, v in FILE_CASES.items()},
             "pipe tokenizer": "not a regular file"}[case]
    result = opened["results"][f"checkpoint/{case}"]
    assert result["error"] == "CheckpointError" and words in result["message"], result


@pytest.mark.parametrize("case", SESSION_CASES)
def test_hostile_sessions_are_refused(opened, case):
    words = {**{k: v[1] for k, v in CONFIG_CASES.items()}, **{k: v[1] for k, v in FILE_CASES.items()}}[case]
    result = opened["results"][f"session/{case}"]
    assert result["error"] == "CheckpointError" and words in result["message"], result


def test_a_model_too_big_for_the_memory_is_refused_with_the_estimate(opened):
    # 3.0 GiB of weights, and the file read into memory as they are filled
    loading, training = opened["results"]["too big to load"], opened["results"]["too big to train"]
    assert loading["error"] == "CheckpointError", loading
    assert "needs about 6.0 GiB of memory to load it, but this computer has" in loading["message"], loading
    assert "Open it on a computer with more memory" in loading["message"]
    assert training["error"] == "CheckpointError" and "of memory to train it" in training["message"], training


def test_nothing_big_was_allocated(opened):
    assert opened["results"]["good checkpoint"]["error"] is None  # the cap leaves room for a real model
    assert opened["results"]["good session"]["error"] is None
    grown = opened["rss_after"] - opened["rss_before"]
    assert grown < 200 * 1024**2, f"resident memory grew by {grown / 1024**2:.0f} MB"
