"""Hugging Face GPT-2 folders as users have them on disk, loaded onto the playground's decoder-only model.

A folder holds ``config.json``, ``model.safetensors`` and the tokenizer (``tokenizer.json``, or
``vocab.json`` + ``merges.txt``). GPT-2 is our decoder with learned positions, pre-LN, biases,
a tied head and GPT-2's tanh GELU. Its weights differ only in layout: ``Conv1D`` stores a
linear map as (in, out), so each is transposed, and ``c_attn`` holds q, k and v side by side
as our ``qkv_proj`` does::

    h.0.attn.c_attn.weight (d, 3d)  ->  decoder.0.attn.qkv_proj.weight (3d, d)

Sizes are checked (config, safetensors header, memory) before any tensor is made; pickle
files (``pytorch_model.bin``) are refused, never opened.
"""

import json
import math
import re
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from tokenizers import Tokenizer as HFTokenizer
from tokenizers import AddedToken, decoders, models, pre_tokenizers
from torch.overrides import TorchFunctionMode

from .checkpoint import Checkpoint
from .errors import CheckpointError, ConfigError
from .i18n import _
from .limits import (FLOAT_DTYPES, MAX_TOKENIZER_BYTES, check_file_size, check_fits, check_sizes, header_of_file,
                     json_damage)
from .model import ModelConfig, Transformer
from .tokenizer import Tokenizer, loads_piecewise

CONFIG_FILE, WEIGHTS_FILE = "config.json", "model.safetensors"
MAX_CONFIG_BYTES = 1024**2  # GPT-2's config.json is under 1 KB
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".h5", ".msgpack")
END_OF_TEXT = "<|endoftext|>"
ACTIVATIONS = {"gelu_new": "gelu_tanh", "gelu_pytorch_tanh": "gelu_tanh", "gelu": "gelu", "relu": "relu"}
GPT2_DEFAULTS = {"n_layer": 12, "n_head": 12, "n_embd": 768, "n_positions": 1024, "vocab_size": 50257,
                 "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}
# GPT-2 settings the core has no counterpart for, with the value it can run: anything else is refused.
FIXED_SETTINGS = {"add_cross_attention": False, "scale_attn_weights": True, "scale_attn_by_inverse_layer_idx": False,
                  "reorder_and_upcast_attn": False}
IGNORED_TENSORS = (".attn.bias", ".attn.masked_bias")  # old files keep the causal mask buffer: not weights


class PretrainedTokenizer(Tokenizer):
    """A model folder's byte-level BPE: one special token, ``<|endoftext|>``, which ends a text and
    starts one, none of the playground's own (``<pad>``, ``<sep>``...), so no id is held back from sampling."""

    never_sampled = ()

    def __init__(self, backend: HFTokenizer, end_id: int | None, merges: list[tuple[str, str]] | None = None):
        super().__init__(backend, "bpe")
        self._end_id = end_id
        self._merges = merges  # as read from the folder: listing them from the backend (to_str) holds the GIL
        self._vocab: list[str] | None = None

    @property
    def pad_id(self) -> int:
        return self._end_id or 0

    @property
    def bos_id(self) -> int | None:
        return self._end_id

    @property
    def eos_id(self) -> int | None:
        return self._end_id

    @property
    def unk_id(self) -> None:
        return None  # every byte has a token

    @property
    def sep_id(self) -> None:
        return None

    def stats(self, text: str) -> dict:
        return {**super().stats(text), "unk_rate": 0.0}  # byte-level: nothing is unknown

    def vocab(self) -> list[str]:
        if self._vocab is None:  # 50,257 tokens: listed once, as the vocabulary never changes
            self._vocab = super().vocab()
        return list(self._vocab)


def is_model_folder(path) -> bool:
    """A Hugging Face model folder (a config.json) rather than a playground checkpoint (a state.json)."""
    path = Path(path)
    return path.is_dir() and (path / CONFIG_FILE).is_file() and not (path / "state.json").exists()


# --- config ------------------------------------------------------------------------------------
def model_folder_files() -> str:
    """What a Hugging Face GPT-2 folder must hold, for the messages that refuse a folder."""
    return _("config.json, model.safetensors and its tokenizer (tokenizer.json, or vocab.json and merges.txt)")


def read_config(folder: Path) -> dict:
    path = folder / CONFIG_FILE
    if not path.exists():
        raise CheckpointError(_("{p} is not a Hugging Face model folder: it has no config.json. A model folder holds "
                                "{files}.").format(p=folder, files=model_folder_files()))
    check_file_size(path, MAX_CONFIG_BYTES, _("read as a model's config.json"))
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise CheckpointError(_("cannot read {f} ({e})").format(f=path, e=e.strerror or e)) from None
    except ValueError as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise CheckpointError(_("{p} is damaged ({why}): use the config.json that came with the model").format(
            p=path, why=json_damage(e))) from None
    if not isinstance(config, dict):
        raise CheckpointError(_("{p} is not a model's settings (a JSON object)").format(p=path))
    return config


def _refuse_field(where, field: str, value, what: str) -> CheckpointError:
    return CheckpointError(_("{p}: {field} = {value} is not supported: {what}").format(
        p=where, field=field, value=json.dumps(value), what=what))


def model_config(config: dict, where) -> ModelConfig:
    """The ModelConfig a GPT-2 config.json describes; a setting the core cannot express is refused by name."""
    model_type = config.get("model_type")
    if model_type != "gpt2":
        raise _refuse_field(where, "model_type", model_type, _("only GPT-2 models (model_type \"gpt2\") can be "
                                                                "opened"))
    for field, value in FIXED_SETTINGS.items():
        if config.get(field, value) != value:
            raise _refuse_field(where, field, config[field], _("the playground's GPT runs with {field} = "
                                                               "{value}").format(field=field, value=json.dumps(value)))
    sizes = {}
    for field in ("n_layer", "n_head", "n_embd", "n_positions", "vocab_size"):
        value = config.get(field, GPT2_DEFAULTS[field])
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _refuse_field(where, field, value, _("it must be a positive whole number"))
        sizes[field] = value
    n_inner = config.get("n_inner")
    if n_inner is not None and (not isinstance(n_inner, int) or isinstance(n_inner, bool) or n_inner < 1):
        raise _refuse_field(where, "n_inner", n_inner, _("it must be a positive whole number or null"))
    activation = config.get("activation_function", GPT2_DEFAULTS["activation_function"])
    if activation not in ACTIVATIONS:
        raise _refuse_field(where, "activation_function", activation, _("the playground has {names}").format(
            names=", ".join(ACTIVATIONS)))
    eps = config.get("layer_norm_epsilon", GPT2_DEFAULTS["layer_norm_epsilon"])
    if not isinstance(eps, (int, float)) or not math.isclose(eps, 1e-5, rel_tol=1e-9):
        raise _refuse_field(where, "layer_norm_epsilon", eps, _("the playground's layer norms use 1e-5, as GPT-2"))
    if sizes["n_embd"] % sizes["n_head"]:
        raise _refuse_field(where, "n_head", sizes["n_head"], _("n_embd ({d}) must divide by it").format(
            d=sizes["n_embd"]))
    fields = dict(architecture="decoder", vocab_size=sizes["vocab_size"], n_layer=sizes["n_layer"],
                  n_head=sizes["n_head"], d_model=sizes["n_embd"], d_ff=n_inner or 4 * sizes["n_embd"],
                  block_size=sizes["n_positions"], dropout=0.0, activation=ACTIVATIONS[activation], norm="pre",
                  position="learned", tie_weights=bool(config.get("tie_word_embeddings", True)), bias=True)
    try:
        return ModelConfig(**fields)
    except ConfigError as e:
        raise CheckpointError(_("{p}: {e}").format(p=where, e=e)) from None


# --- weights -----------------------------------------------------------------------------------
def weight_names(cfg: ModelConfig) -> dict[str, tuple[str, tuple[int, ...], bool]]:
    """GPT-2 tensor name -> (our name, its shape in the file, transposed?), without the "transformer." prefix."""
    d, ff, V = cfg.d_model, cfg.d_ff, cfg.vocab_size
    names = {"wte.weight": ("tok_emb.weight", (V, d), False), "wpe.weight": ("pos_emb.weight", (cfg.block_size, d),
                                                                             False),
             "ln_f.weight": ("final_norm.weight", (d,), False), "ln_f.bias": ("final_norm.bias", (d,), False)}
    conv1d = {"attn.c_attn": ("attn.qkv_proj", d, 3 * d), "attn.c_proj": ("attn.out_proj", d, d),
              "mlp.c_fc": ("mlp.up_proj", d, ff), "mlp.c_proj": ("mlp.down_proj", ff, d)}
    for i in range(cfg.n_layer):
        ours = f"decoder.{i}."
        for theirs, norm in (("ln_1", "norm1"), ("ln_2", "norm2")):
            for part in ("weight", "bias"):
                names[f"h.{i}.{theirs}.{part}"] = (f"{ours}{norm}.{part}", (d,), False)
        for theirs, (name, n_in, n_out) in conv1d.items():
            names[f"h.{i}.{theirs}.weight"] = (f"{ours}{name}.weight", (n_in, n_out), True)  # Conv1D: (in, out)
            names[f"h.{i}.{theirs}.bias"] = (f"{ours}{name}.bias", (n_out,), False)
    if not cfg.tie_weights:
        names["lm_head.weight"] = ("lm_head.weight", (V, d), False)
    return names


def check_header(header: dict[str, dict], cfg: ModelConfig, where) -> tuple[str, dict]:
    """(name prefix, GPT-2 name -> entry) after checking the header names GPT-2's tensors with the config's shapes."""
    prefix = "transformer." if any(name.startswith("transformer.") for name in header) else ""
    expected = weight_names(cfg)
    found = {}
    for name, entry in header.items():
        short = name.removeprefix(prefix)
        if short not in expected and (name.endswith(IGNORED_TENSORS) or name == "lm_head.weight"):
            continue  # a mask buffer, or the tied head saved anyway: not read
        found[short] = entry
    missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
    wrong = [n for n in expected if n in found and tuple(found[n]["shape"]) != expected[n][1]]
    if missing or extra or wrong:
        details = [_("{n} has shape {a} in the weights but {b} in config.json").format(
            n=n, a=tuple(found[n]["shape"]), b=expected[n][1]) for n in wrong[:3]]
        if missing:
            details.append(_("missing: {names}").format(names=", ".join(missing[:3])))
        if extra:
            details.append(_("unexpected: {names}").format(names=", ".join(extra[:3])))
        raise CheckpointError(_("The weights in {p} are not the GPT-2 model its config.json describes ({details}). "
                                "Use the files that came together.").format(p=where, details="; ".join(details)))
    not_float = [n for n in expected if found[n]["dtype"] not in FLOAT_DTYPES]
    if not_float:
        raise CheckpointError(_("tensor {n} in {p} is not made of floating-point numbers").format(n=not_float[0],
                                                                                                   p=where))
    return prefix, found


READ_CHUNK_ELEMENTS = 1 << 20  # 4 MB of float32 a read


def fill_from_file(model: Transformer, path: Path, prefix: str) -> None:
    """Copy GPT-2's tensors into the model one at a time (transposing Conv1D), refusing NaN or infinity."""
    params = model.state_dict()
    try:
        with safe_open(str(path), framework="pt") as f, torch.no_grad():
            for theirs, (ours, _shape, transposed) in weight_names(model.cfg).items():
                name = theirs if theirs == "lm_head.weight" else prefix + theirs  # the head is outside "transformer."
                # Row blocks of at most READ_CHUNK_ELEMENTS: safetensors holds the GIL while it reads, and GPT-2's
                # token embeddings in one read (154 MB) froze the window for 0.2-0.6 s while a worker loaded them.
                part, dest = f.get_slice(name), params[ours]
                rows = part.get_shape()[0]
                step = max(1, READ_CHUNK_ELEMENTS // max(1, dest.numel() // max(rows, 1)))
                for start in range(0, rows, step):
                    t = part[start:start + step]
                    if not torch.isfinite(t).all():
                        raise CheckpointError(_("tensor {n} in {p} contains NaN or infinite values").format(
                            n=name, p=path))
                    if transposed:  # Conv1D (in, out): these rows are columns of our (out, in) weight
                        dest[:, start:start + step].copy_(t.t())
                    else:
                        dest[start:start + step].copy_(t)
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(_("{f} is damaged or not a safetensors file ({e})").format(f=path, e=e)) from None


class SkipInit(TorchFunctionMode):
    """Leaves out ``torch.nn.init``'s calls: every weight is read from the file afterwards.

    On the meta device ``normal_`` goes through torch's Python references, whose first call imports
    torch._dynamo and sympy (some 800 modules: seconds on 2 busy cores, much of it holding the GIL).
    """

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__module__", None) == "torch.nn.init":
            return args[0] if args else (kwargs or {}).get("tensor")
        return func(*args, **(kwargs or {}))


def empty_model(cfg: ModelConfig) -> Transformer:
    """A model with uninitialised weights (every one is then read from the file): no time spent on random init."""
    with torch.device("meta"), SkipInit():
        model = Transformer(cfg)
    # torch.empty for each tensor, not model.to_empty(): the first empty_like of a meta tensor imports some 500 of
    # torch's modules (0.6 s, holding the GIL for much of it), which froze the window while a worker loaded a folder.
    for module in model.modules():
        for name, p in list(module._parameters.items()):
            if p is not None:
                module._parameters[name] = torch.nn.Parameter(torch.empty(p.shape, dtype=p.dtype),
                                                              requires_grad=p.requires_grad)
        for name, b in list(module._buffers.items()):
            if b is not None:
                module._buffers[name] = torch.empty(b.shape, dtype=b.dtype)
    if cfg.tie_weights:
        model.lm_head.weight = model.tok_emb.weight  # to_empty makes the tied tensor twice
    model.compute_position_tables()  # no file holds them: the sinusoids and RoPE angles are computed
    return model


# --- tokenizer ---------------------------------------------------------------------------------
# Every option of tokenizers' BPE model a tokenizer.json may set; a model with any other key is built by tokenizers alone.
BPE_OPTIONS = ("dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix", "fuse_unk", "byte_fallback",
               "ignore_merges")
ADDED_TOKEN_OPTIONS = ("single_word", "lstrip", "rstrip", "normalized", "special")


def load_tokenizer(folder: Path, config: dict) -> PretrainedTokenizer:
    """GPT-2's byte-level BPE from tokenizer.json, or else from vocab.json + merges.txt.

    The files are read in Python a token or a merge at a time, then handed to tokenizers as a dict and a list:
    its own readers (``from_file``) hold the GIL for the whole file, 0.2-0.3 s for GPT-2, and froze the window
    while a worker opened a folder. The one call left, ``models.BPE(vocab, merges)``, is about half as long.
    """
    file = folder / "tokenizer.json"
    vocab_file, merges_file = folder / "vocab.json", folder / "merges.txt"
    try:
        if file.is_file():
            check_file_size(file, MAX_TOKENIZER_BYTES, _("read as a tokenizer"))
            text, data = read_json(file)
            check_byte_level(data, file)
            backend, merges = backend_from_document(data, text)
        elif vocab_file.is_file() and merges_file.is_file():
            for path in (vocab_file, merges_file):
                check_file_size(path, MAX_TOKENIZER_BYTES, _("read as a tokenizer"))
            _text, vocab = read_json(vocab_file)
            merges = read_merges(merges_file)
            if not isinstance(vocab, dict) or not all(isinstance(i, int) for i in vocab.values()):
                raise CheckpointError(_("{p} is not a vocabulary (an object of tokens and their ids)").format(
                    p=vocab_file))
            backend = HFTokenizer(models.BPE(vocab, merges))
            backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
            backend.decoder = decoders.ByteLevel()
            if backend.token_to_id(END_OF_TEXT) is not None:
                backend.add_special_tokens([END_OF_TEXT])
        else:
            raise CheckpointError(_("{p} has no tokenizer: it needs tokenizer.json, or vocab.json and merges.txt, "
                                    "next to config.json").format(p=folder))
    except CheckpointError:
        raise
    except ValueError as e:  # a damaged JSON file or text that is not UTF-8: where, in the UI's language
        raise CheckpointError(_("The tokenizer in {p} is damaged ({why}): use the files that came with the "
                                "model").format(p=folder, why=json_damage(e))) from None
    except Exception as e:  # noqa: BLE001 - the tokenizers library raises a bare Exception for a damaged file
        raise CheckpointError(_("The tokenizer in {p} cannot be read ({e}): use the files that came with the "
                                "model").format(p=folder, e=e)) from None
    end_id = backend.token_to_id(END_OF_TEXT)
    if end_id is None and isinstance(config.get("eos_token_id"), int):
        end_id = config["eos_token_id"]
    return PretrainedTokenizer(backend, end_id, merges)


def read_json(path: Path) -> tuple[str, object]:
    """A tokenizer's JSON file, its text and its value (``loads_piecewise``); a damaged one is refused saying where
    it breaks, by line and column (the piecewise reader does not say: json's own reading of the text finds it)."""
    text = None
    try:
        text = path.read_text(encoding="utf-8")
        return text, loads_piecewise(text)
    except ValueError as e:
        damage = e
        if text is not None:
            try:
                json.loads(text)
            except ValueError as exact:
                damage = exact
        raise CheckpointError(_("{p} is damaged ({why}): use the files that came with the model").format(
            p=path, why=json_damage(damage))) from None


# A merges.txt line of two tokens and one space (a Windows line end's "\r" not part of the second); no "#version" line.
MERGE_LINE = re.compile(r"^(?!#version)([^ \n]*) ([^ \n]*?)\r?$", re.MULTILINE)
MERGES_SLICE_CHARS = 1 << 15


def read_merges(path: Path) -> list[tuple[str, str]]:
    """merges.txt as tokenizers reads it: a pair a line, split at its one space; a "#version" line left out.

    The pairs come from a regular expression, a slice of lines at a time (~1 ms each; the loop over GPT-2's
    50,000 lines ran 40-120 ms of Python); a file where a line does not match is read line by line to say which.
    """
    text = path.read_text(encoding="utf-8")
    merges, start = [], 0
    while start < len(text):  # a slice of lines at a time: the pass holds the interpreter lock
        end = text.find("\n", start + MERGES_SLICE_CHARS) + 1 or len(text)
        merges += MERGE_LINE.findall(text, start, end)
        start = end
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if len(merges) == lines - len(re.findall("^#version", text, re.MULTILINE)):
        return merges
    return merges_line_by_line(path, text)


def merges_line_by_line(path: Path, text: str) -> list[tuple[str, str]]:
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    merges = []
    for number, line in enumerate(lines, 1):
        line = line.removesuffix("\r")
        if line.startswith("#version"):
            continue
        pair = line.split(" ")
        if len(pair) != 2:
            raise CheckpointError(_("{p}, line {n}: a merge is two tokens with one space between them").format(
                p=path, n=number))
        merges.append((pair[0], pair[1]))
    return merges


def backend_from_document(data: dict, text: str) -> tuple[HFTokenizer, list[tuple[str, str]]]:
    """The tokenizer a tokenizer.json describes: its small parts built by tokenizers, then its BPE from a dict
    and a list (see ``load_tokenizer``). A model or an added token this does not know is left to tokenizers."""
    model = data["model"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) if isinstance(m, str) else m
              for m in model.get("merges") or []]
    backend = _backend_in_pieces(data, merges)
    return (backend or HFTokenizer.from_str(text)), merges


def _backend_in_pieces(data: dict, merges: list) -> HFTokenizer | None:
    """The tokenizer with an empty BPE read by tokenizers, then the real one set; None where that may differ."""
    model, added = data["model"], data.get("added_tokens") or []
    if not (set(model) <= {"type", "vocab", "merges", *BPE_OPTIONS} and isinstance(model.get("vocab"), dict)
            and all(isinstance(m, tuple) and len(m) == 2 and all(isinstance(p, str) for p in m) for m in merges)
            and isinstance(added, list) and all(isinstance(t, dict) and isinstance(t.get("content"), str)
                                                and set(t) <= {"id", "content", *ADDED_TOKEN_OPTIONS} for t in added)):
        return None
    backend = HFTokenizer.from_str(json.dumps({**data, "added_tokens": [], "model": {**model, "vocab": {},
                                                                                      "merges": []}}))
    backend.model = models.BPE(model["vocab"], merges, **{k: model[k] for k in BPE_OPTIONS if model.get(k) is not None})
    for token in added:
        added_token = AddedToken(token["content"], **{k: token[k] for k in ADDED_TOKEN_OPTIONS if k in token})
        backend.add_special_tokens([added_token]) if token.get("special") else backend.add_tokens([added_token])
        if backend.token_to_id(token["content"]) != token.get("id"):  # not the id tokenizers would give it
            return None
    return backend


def check_byte_level(data: dict, where) -> None:
    """A tokenizer.json must be byte-level BPE, as GPT-2's is: the views show its tokens as bytes."""
    def has_byte_level(part) -> bool:
        if not isinstance(part, dict):
            return False
        return part.get("type") == "ByteLevel" or any(has_byte_level(p) for p in part.get("pretokenizers", []))

    model = data.get("model") if isinstance(data, dict) else None
    if not isinstance(model, dict) or model.get("type") != "BPE" or not has_byte_level(data.get("pre_tokenizer")):
        raise CheckpointError(_("{p} is not a byte-level BPE tokenizer (GPT-2's kind): the playground cannot show "
                                "its tokens").format(p=where))


# --- the one call --------------------------------------------------------------------------------
def refuse_pickles(folder: Path) -> None:
    """No weights but a pickle file: say how to convert it (loading it would run whatever code it holds)."""
    if (folder / WEIGHTS_FILE).is_file():
        return
    if (folder / (WEIGHTS_FILE + ".index.json")).is_file():
        raise CheckpointError(_(
            "{p} holds its weights in several files (model.safetensors.index.json), which the playground does not "
            "read. Join them into one: in Python, AutoModelForCausalLM.from_pretrained(FOLDER).save_pretrained("
            "FOLDER, safe_serialization=True, max_shard_size=\"100GB\").").format(p=folder))
    pickles = sorted(p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if pickles:
        raise CheckpointError(_(
            "{p} holds its weights as {f}, a pickle file, which the playground never opens (loading one can run any "
            "code). Convert it to safetensors where you trust the file: in Python, "
            "AutoModelForCausalLM.from_pretrained(FOLDER).save_pretrained(FOLDER, safe_serialization=True) "
            "writes model.safetensors.").format(p=folder, f=pickles[0]))
    raise CheckpointError(_("{p} has no model.safetensors next to its config.json").format(p=folder))


def load_gpt2(folder, device: str | torch.device = "cpu") -> Checkpoint:
    """A GPT-2 folder as a Checkpoint (model in eval mode, tokenizer, state saying where it came from).

    Refused with a CheckpointError that says what to do: pickle weights, settings the core cannot
    express, a header that disagrees with config.json, or a model too large for the memory here.
    """
    folder = Path(folder)
    config = read_config(folder)
    cfg = model_config(config, folder / CONFIG_FILE)
    check_sizes(cfg, folder / CONFIG_FILE)  # before a table of every layer's tensors is made
    refuse_pickles(folder)
    weights = folder / WEIGHTS_FILE
    header, _size = header_of_file(weights)
    prefix, found = check_header(header, cfg, weights)
    largest = max(entry["data_offsets"][1] - entry["data_offsets"][0] for entry in found.values())
    check_fits(cfg, extra_bytes=2 * largest, where=folder)  # tensors are read one at a time
    tokenizer = load_tokenizer(folder, config)
    if tokenizer.vocab_size != cfg.vocab_size:
        raise _refuse_field(folder / CONFIG_FILE, "vocab_size", cfg.vocab_size, _(
            "its tokenizer has {n} tokens: use the tokenizer that came with the model").format(n=tokenizer.vocab_size))
    model = empty_model(cfg)
    fill_from_file(model, weights, prefix)
    model.weights_read_only = True  # shown, never trained here (Workspace.refuse_pretrained): snapshots share them
    state = {"task": {}, "pretrained": {"folder": str(folder.resolve()), "model_type": "gpt2"}}
    return Checkpoint(model.to(device).eval(), tokenizer, state, None)
