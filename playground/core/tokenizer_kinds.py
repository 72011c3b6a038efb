"""The tokenizer kinds, importable without loading the tokenizers library (fast CLI start)."""

KINDS = ("char", "bpe", "wordpiece", "unigram", "word")
