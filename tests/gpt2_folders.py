"""Tiny GPT-2 folders as Hugging Face ``transformers`` writes them, made offline for the tests.

The tokenizer is a small byte-level BPE learnt here (GPT-2's real vocabulary cannot be
downloaded), saved as vocab.json + merges.txt, with <|endoftext|> last as in GPT-2.
"""

import json
import os
from pathlib import Path

import numpy as np
import torch

os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers is imported: no test may reach a hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

END_OF_TEXT = "<|endoftext|>"
CORPUS = ["The quick brown fox jumps over the lazy dog. It's a sunny day, isn't it?",
          "Alice was beginning to get very tired of sitting by her sister on the bank.",
          "滚滚长江东逝水，浪花淘尽英雄。是非成败转头空，青山依旧在，几度夕阳红。",
          "我们在学习语言模型和分词。",
          "Emoji: 🙂 🚀🚀 👩‍💻 🇨🇳 ❤️ ok!", "  leading spaces and\ttabs\nnew lines  "] * 20
TEXTS = {"english": "The lazy fox isn't tired; Alice jumps over 12 dogs.",
         "chinese": "长江东逝水，英雄是非成败，我们学习分词。",
         "emoji": "sunny 🙂🚀 day 👩‍💻 🇨🇳 ❤️!"}
SMALL = dict(n_layer=2, n_head=2, n_embd=32, n_positions=64)


def learn_bpe(folder: Path) -> int:
    """A byte-level BPE over CORPUS saved as vocab.json + merges.txt, <|endoftext|> last as in GPT-2; its size."""
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import decoders, models, pre_tokenizers, trainers

    backend = HFTokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=420, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    backend.train_from_iterator(CORPUS, trainer)
    backend.model.save(str(folder))
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    vocab[END_OF_TEXT] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return len(vocab)


def save_gpt2(folder: Path, vocab_size: int, seed: int = 0, **config):
    """A GPT-2 with every weight random (biases and norms too, so none hides a mistake), saved as safetensors."""
    import transformers

    cfg = transformers.GPT2Config(vocab_size=vocab_size, bos_token_id=vocab_size - 1, eos_token_id=vocab_size - 1,
                                  **{**SMALL, **config})
    torch.manual_seed(seed)
    model = transformers.GPT2LMHeadModel(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.normal_(1.0 if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")) else 0.0, 0.3)
    model.save_pretrained(folder, safe_serialization=True)
    return model


def tiny_gpt2_folder(folder: Path, seed: int = 0) -> Path:
    """A whole GPT-2 folder: config.json, model.safetensors, vocab.json and merges.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    save_gpt2(folder, learn_bpe(folder), seed)
    return folder


def gpt2_sized_tokenizer(size: int = 50257):
    """A byte-level BPE with GPT-2's 50,257 tokens in a fraction of a second: the 256 bytes, pieces of CORPUS's
    UTF-8 cut anywhere (inside characters too) and random byte strings, <|endoftext|> last (no merges: the guard
    reads only the vocabulary)."""
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import decoders, models, pre_tokenizers

    from playground.core.hf_gpt2 import PretrainedTokenizer
    from playground.core.token_text import _byte_of_symbol

    text = "".join(dict.fromkeys(CORPUS)).encode("utf-8")
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 9, 2 * size)
    n = int(lengths.sum())  # random bytes, half of them drawn from the corpus's (lead and continuation bytes)
    drawn = np.where(rng.random(n) < 0.5, rng.choice(np.frombuffer(text, np.uint8), n), rng.integers(0, 256, n))
    data, ends = drawn.astype(np.uint8).tobytes(), np.cumsum(lengths).tolist()
    pieces = dict.fromkeys([bytes([b]) for b in range(256)]
                           + [text[a:a + k] for a in range(len(text)) for k in range(1, 12)]
                           + [data[a:b] for a, b in zip([0, *ends], ends)])
    symbols = {byte: s for s, byte in _byte_of_symbol().items()}
    tokens = [piece.decode("latin-1").translate(symbols) for piece in list(pieces)[:size - 1]]
    assert len(tokens) == size - 1
    backend = HFTokenizer(models.BPE({t: i for i, t in enumerate(tokens)}, []))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.add_special_tokens(["<|endoftext|>"])
    return PretrainedTokenizer(backend, backend.token_to_id("<|endoftext|>"))
