"""What a text model's input starts from when the user typed nothing: a new line, the corpus's own start, a snippet.

An empty prompt used to mean "a new line" for every text. A corpus with no line break (a novel
on one line) never showed its model a new line, and word-level tokenizers drop it altogether,
so the model started from a token it never saw, or from nothing. ``empty_prompt`` starts from
a new line only where the model saw one, and else from the first characters of its own text.
"""

import re
import unicodedata

import numpy as np

from .errors import PlaygroundError
from .recipes import task_from_spec
from .tasks import LMTask
from .token_text import vocab_bytes

NEWLINE = "\n"
START_TOKENS = 8  # the most tokens of the corpus's start it takes to make whole characters (bytes of a BPE)
SNIPPET_TOKENS = 16  # the most tokens of a passage the Inspect panel starts with: a short, readable trace
CLAUSE_SHARE = 0.5  # a snippet ends at its last clause mark if that keeps this share of it
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}  # zero-width joiner and variation selectors: an emoji goes on past them


def _occurs(stream: np.ndarray, ids: list[int]) -> bool:
    """Whether ``ids`` occur one after another somewhere in ``stream``."""
    n = len(ids)
    if not n or len(stream) < n:
        return False
    hits = np.ones(len(stream) - n + 1, dtype=bool)
    for k, token_id in enumerate(ids):
        hits &= stream[k:len(stream) - n + 1 + k] == token_id
    return bool(hits.any())


def corpus_start(task: LMTask) -> tuple[str, list[int]] | None:
    """(text, ids) of the first token(s) of the training text, as many as make whole characters (a BPE may split
    one over bytes); None without training text (a pretrained model) or when they make no whole character."""
    ids = [int(i) for i in task.train_ids[:START_TOKENS]]
    for n in range(1, len(ids) + 1):
        text = task.tokenizer.decode(ids[:n])
        if text.strip() and "\ufffd" not in text:
            return text, ids[:n]
    return None


def empty_prompt(task: LMTask) -> tuple[str, list[int]]:
    """(text, ids) an empty prompt stands for: a new line where the model saw one (or a pretrained model, whose
    training text is not here), else the start of its own text ("話" for a novel on one line)."""
    newline = task.tokenizer.encode_ids(NEWLINE)
    if len(task.train_ids) == 0 or _occurs(task.train_ids, newline):
        return NEWLINE, newline
    return corpus_start(task) or (NEWLINE, newline)


def held_out_line(task: LMTask, n_tokens: int = 256) -> str:
    """A whole line of the held-out text ("the girl sees the dog ." for grammar), for an input to start from where
    the data has no passage of its own (a built-in dataset); "" without held-out text (a pretrained model)."""
    text = task.tokenizer.decode([int(i) for i in task.val_ids[:n_tokens]])
    lines = [line.strip() for line in text.split("\n")]
    whole = [line for line in lines[1:-1] if line]  # the first and last may be cut
    return whole[0] if whole else next((line for line in lines if line), "")


def _cut_ok(text: str, i: int) -> bool:
    """Whether ``text[:i]`` ends between two characters that stand apart: never inside an emoji sequence."""
    after, before = text[i], text[i - 1]
    return not (after in _JOINERS or before == "\u200d" or unicodedata.category(after) in ("Mn", "Me", "Sk")
                or 0x1F3FB <= ord(after) <= 0x1F3FF)  # skin tones belong to the emoji before them


def _word_end(text: str, i: int) -> bool:
    """A word ends at ``i``: a space follows, or a wide character (Chinese, an emoji) is on either side."""
    return text[i].isspace() or any(unicodedata.east_asian_width(c) in "WF" for c in (text[i - 1], text[i]))


def _clause_end(text: str, i: int) -> bool:
    """``text[:i]`` ends a clause: after a closing mark ("，" "。" "：" "!" "”" ")"), a space or the end following."""
    before = text[i - 1]
    return (unicodedata.category(before) in ("Po", "Pe", "Pf") and before not in "'\"#%&*@\\/"
            and (i == len(text) or _word_end(text, i)))


def _runs_on(char: str) -> bool:
    """A character of a script written without spaces (Chinese, Japanese, their full-width marks); not an emoji."""
    return unicodedata.east_asian_width(char) in "WF" and unicodedata.category(char) not in ("So", "Sk")


def one_line(text: str | None) -> str:
    """The first paragraph of ``text`` on one line, for a one-line input box: its wrapped lines joined by spaces
    ("Do you want further\\nexplanation?" -> "Do you want further explanation?"), a blank line ending it."""
    paragraph = re.split(r"\n[ \t\r\u3000]*\n", (text or "").strip(), maxsplit=1)[0]
    joined = ""
    for line in (line.strip() for line in paragraph.splitlines()):
        if line:  # Chinese runs on without a space: "分久必合\\n合久必分" -> "分久必合合久必分"
            run_on = joined and any(_runs_on(c) for c in (joined[-1], line[0]))
            joined += ("" if run_on or not joined else " ") + line
    return joined


def snippet(text: str | None, tokenizer, max_tokens: int = SNIPPET_TOKENS) -> str | None:
    """The longest start of ``text`` (``one_line``) that ends between words and takes at most ``max_tokens`` tokens (between
    characters when no word fits), cut back to the end of its last clause where that keeps at least
    ``CLAUSE_SHARE`` of it; None for no text.

    "the cat sat on the mat" with a word tokenizer and 3 tokens -> "the cat sat";
    "话说天下大势，分久必合" with 8 char tokens -> "话说天下大势，", not "话说天下大势，分"."""
    text = one_line(text)
    if not text or max_tokens < 1:
        return None
    cuts = [i for i in range(len(text), 0, -1) if i == len(text) or _cut_ok(text, i)]
    for words_only in (True, False):
        for i in cuts:
            if (not words_only or i == len(text) or _word_end(text, i)) and text[:i].strip() \
                    and len(tokenizer.encode_ids(text[:i].rstrip())) <= max_tokens:
                return _to_clause_end(text, i, cuts, tokenizer, max_tokens) if words_only else text[:i].rstrip()
    return None


def _to_clause_end(text: str, end: int, cuts: list[int], tokenizer, max_tokens: int) -> str:
    """``text[:end]``, or its longest start that ends a clause, if that keeps ``CLAUSE_SHARE`` of its characters."""
    if end == len(text) or _clause_end(text, end):
        return text[:end].rstrip()
    for i in cuts:
        if i < end * CLAUSE_SHARE:
            break
        if i < end and _clause_end(text, i) and len(tokenizer.encode_ids(text[:i].rstrip())) <= max_tokens:
            return text[:i].rstrip()
    return text[:end].rstrip()


def why_no_new_line(task: LMTask) -> str:
    """Why ``empty_prompt`` did not start from a new line: "dropped" (the tokenizer has no token for it: word-level
    kinds drop whitespace), "no_line_break" (the text has none) or "never_alone" (a new line on its own is a sequence
    of tokens the text never has: a unigram's "▁" + "\\n", where the text has "。\\n")."""
    tokenizer = task.tokenizer
    if NEWLINE not in tokenizer.decode(tokenizer.encode_ids(NEWLINE)):
        return "dropped"
    with_newline = [i for i, data in enumerate(vocab_bytes(tokenizer.kind, tokenizer.vocab())) if b"\n" in data]
    return "never_alone" if np.isin(task.train_ids, with_newline).any() else "no_line_break"


def saved_task(spec: dict, tokenizer) -> LMTask | None:
    """A saved run's text task, rebuilt from its data ``spec`` (a run's task or a checkpoint's); None when the data
    is gone or unnamed (a pretrained model) or is no text."""
    try:
        task = task_from_spec(spec or {}, tokenizer)
    except (PlaygroundError, OSError, ValueError):
        return None
    return task if isinstance(task, LMTask) else None


def saved_empty_prompt(spec: dict, tokenizer) -> tuple[str, list[int]]:
    """``empty_prompt`` for a saved run's model (``saved_task``); a new line when its text is not known."""
    task = saved_task(spec, tokenizer)
    return empty_prompt(task) if task is not None else (NEWLINE, tokenizer.encode_ids(NEWLINE))
