"""Tasks: a tokenized corpus or set of examples that hands the trainer batches.

Two kinds: language modelling on one token stream (random windows), and source → target
examples. For a decoder-only model an example is ``<bos> source <sep> target <eos>`` with the
loss on the target only; for an encoder-decoder model the source goes to the encoder and the
decoder reads ``<bos> target`` to predict ``target <eos>``.
"""

from dataclasses import dataclass, field

import numpy as np
import torch

from .datasets import check_source
from .errors import ConfigError
from .i18n import _
from .tokenizer import Tokenizer

IGNORE = -100  # targets with this id do not count in the loss


@dataclass
class LMTask:
    """Language modelling: predict the next token at every position of a window."""

    tokenizer: Tokenizer
    train_ids: np.ndarray  # (N,) uint16/uint32 token stream
    val_ids: np.ndarray
    name: str = "text"
    metric: str = "val_loss"
    kind: str = "lm"
    labels: tuple | None = None

    def check(self, block_size: int) -> None:
        for split, ids in ((_("train"), self.train_ids), (_("validation"), self.val_ids)):
            if len(ids) <= block_size + 1:
                raise ConfigError(_("the {split} text has only {n} tokens; it needs more than the context "
                                    "length {b}: use a longer text or a shorter context").format(
                                        split=split, n=len(ids), b=block_size))

    def batch(self, split: str, batch_size: int, block_size: int, generator: torch.Generator) -> dict:
        ids = self.train_ids if split == "train" else self.val_ids
        starts = torch.randint(len(ids) - block_size - 1, (batch_size,), generator=generator).numpy()
        rows = np.stack([ids[s:s + block_size + 1] for s in starts]).astype(np.int64)
        rows = torch.from_numpy(rows)
        return {"idx": rows[:, :-1], "targets": rows[:, 1:]}


@dataclass
class PairTask:
    """Source → target examples (addition, reversal, translation...), scored by exact match."""

    tokenizer: Tokenizer
    train_pairs: list  # [(source, target)]
    val_pairs: list
    architecture: str = "decoder"
    name: str = "pairs"
    metric: str = "exact_match"
    kind: str = "pairs"
    labels: tuple | None = None  # class labels when the target is one of a fixed set
    _encoded: dict = field(default_factory=dict, repr=False)

    def encoded(self, split: str) -> list[tuple[list[int], list[int]]]:
        if split not in self._encoded:
            pairs = self.train_pairs if split == "train" else self.val_pairs
            srcs = self.tokenizer.encode_batch_ids([s for s, _ in pairs])
            tgts = self.tokenizer.encode_batch_ids([t for _, t in pairs])
            self._encoded[split] = list(zip(srcs, tgts))
        return self._encoded[split]

    def longest(self) -> int:
        """Tokens the model must see at once for the longest example."""
        worst = 0
        for split in ("train", "val"):
            for s, t in self.encoded(split):
                n = len(s) + len(t) + 3 if self.architecture == "decoder" else max(len(s) + 1, len(t) + 1)
                worst = max(worst, n)
        return worst

    def check(self, block_size: int) -> None:
        if not self.train_pairs or not self.val_pairs:
            raise ConfigError(_("the task needs training and validation examples"))
        need = self.longest()
        if need > block_size:
            raise ConfigError(_("the longest example needs {n} tokens but the context length is {b}: "
                                "raise the context length").format(n=need, b=block_size))

    def check_source(self, source: str) -> None:
        """Raise ConfigError saying what is allowed when ``source`` is no input of this built-in task."""
        check_source(self.name, source)

    def rows_prompt(self, sources: list[list[int]]) -> dict:
        tok = self.tokenizer
        if self.architecture == "decoder":
            return {"prompts": [[tok.bos_id] + s + [tok.sep_id] for s in sources]}
        return {"prompts": [[tok.bos_id] for _ in sources], "src": pad_rows([s + [tok.eos_id] for s in sources], tok.pad_id)}

    def batch(self, split: str, batch_size: int, block_size: int, generator: torch.Generator) -> dict:
        examples = self.encoded(split)
        picks = torch.randint(len(examples), (batch_size,), generator=generator).tolist()
        return self.collate([examples[i] for i in picks])

    def collate(self, examples: list) -> dict:
        tok = self.tokenizer
        if self.architecture == "decoder":
            rows, targets = [], []
            for s, t in examples:
                seq = [tok.bos_id] + s + [tok.sep_id] + t + [tok.eos_id]
                rows.append(seq[:-1])
                # predict only the target and <eos>: positions after <sep>
                targets.append([IGNORE] * (len(s) + 1) + t + [tok.eos_id])
            return {"idx": pad_rows(rows, tok.pad_id), "targets": pad_rows(targets, IGNORE)}
        src = pad_rows([s + [tok.eos_id] for s, _ in examples], tok.pad_id)
        idx = pad_rows([[tok.bos_id] + t for _, t in examples], tok.pad_id)
        targets = pad_rows([t + [tok.eos_id] for _, t in examples], IGNORE)
        return {"idx": idx, "targets": targets, "src": src}


def pad_rows(rows: list[list[int]], pad: int) -> torch.Tensor:
    """Right-pad lists of ids into a (B, T) int64 tensor: [[1, 2], [3]] -> [[1, 2], [3, pad]]."""
    width = max(len(r) for r in rows)
    out = torch.full((len(rows), width), pad, dtype=torch.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.int64)
    return out
