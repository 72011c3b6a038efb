"""Text from a model: tokens one at a time (greedy, temperature, top-k, top-p) and beam search.

``generate(model, tok, [tok.bos_id], SampleConfig(seed=0))`` gives the same ``TokenStep`` list
every time; ``stream`` yields the same steps one by one, so a view can show each as it comes.

Context overflow. Without the KV cache the model sees the last ``block_size`` tokens (as
nanoGPT does). With the cache, once it holds ``block_size`` positions the last
``block_size // 2`` tokens are fed again into a fresh cache: a recomputation every
``block_size // 2`` tokens instead of every token. The two paths therefore agree exactly only
while the sequence fits in the context. An encoder-decoder stops when its decoder is full.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from .errors import ConfigError
from .i18n import _
from .model import evaluating
from .tokenizer import BOS_ID, BYTE_TOKENS, PAD_ID, SEP_ID, UNK_ID
from .utf8_guard import utf8_guard

BYTE_TOKEN_SET = frozenset(BYTE_TOKENS)
# Special tokens that are never meaningful output: padding, the start marker, the separator
# between a source and its target (always in the prompt), and <unk>, which decodes to nothing.
# <eos> stays: it ends a sequence.
NEVER_SAMPLED = (PAD_ID, UNK_ID, BOS_ID, SEP_ID)


def never_sampled(tokenizer) -> tuple[int, ...]:
    """The ids never drawn: NEVER_SAMPLED, or a pretrained tokenizer's own (GPT-2's ids 0-4 are "!" to "%")."""
    return getattr(tokenizer, "never_sampled", NEVER_SAMPLED)


@dataclass
class SampleConfig:
    max_new_tokens: int = 200  # tokens to generate at most
    temperature: float = 1.0  # logits are divided by it: below 1 sharper, above 1 flatter
    top_k: int | None = None  # draw only from the k most likely tokens; None keeps all
    top_p: float | None = None  # draw only from the most likely tokens whose total reaches p (nucleus)
    greedy: bool = False  # always take the most likely token; temperature, top-k and top-p are ignored
    seed: int | None = None  # same seed, same text; None draws a fresh one
    stop_at_eos: bool = True  # stop once the model emits <eos> (that step is still reported)
    use_cache: bool = True  # keep past keys and values (KV cache) instead of recomputing them
    alternatives: int = 5  # most likely tokens reported with each step, for the inspector

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        checks = [
            (self.max_new_tokens >= 1, _("max_new_tokens must be at least 1")),
            (self.greedy or self.temperature > 0,
             _("temperature must be above 0; to always take the most likely token, turn on greedy")),
            (self.top_k is None or self.top_k >= 1, _("top_k must be at least 1, or None to keep every token")),
            (self.top_p is None or 0 < self.top_p <= 1,
             _("top_p must be above 0 and at most 1, or None to turn nucleus sampling off")),
            (self.alternatives >= 0, _("alternatives must be 0 or more")),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)


@dataclass
class TokenStep:
    position: int  # index of the token in the whole sequence, prompt included
    id: int  # the token id
    text: str  # what the token adds to the decoded output, spacing included ('' for <eos>; see StreamText)
    probability: float  # its probability under the distribution it was drawn from
    alternatives: list[tuple[int, str, float]]  # (id, token, probability) of the likeliest, best first
    logprob: float  # natural log of probability
    token: str = ""  # the token on its own: its decoded text, or its name for a special such as <eos>


def distribution(logits: torch.Tensor, cfg: SampleConfig, allowed: torch.Tensor | None = None,
                 never=NEVER_SAMPLED) -> torch.Tensor:
    """Probabilities (V,) the next token is drawn from: logits / temperature, top-k, top-p.

    The specials in ``never`` (NEVER_SAMPLED, or the tokenizer's ``never_sampled``) get probability 0 everywhere,
    and so do the tokens outside
    ``allowed`` (a bool mask (V,), see Utf8Guard) unless it would leave none. Greedy decoding
    reports the model's own softmax over the other tokens (temperature 1, nothing else filtered).
    """
    logits = guarded(without_specials(logits, never), allowed)
    if cfg.greedy:
        return torch.softmax(logits, dim=-1)
    if cfg.temperature != 1.0:
        logits = logits / cfg.temperature
    if cfg.top_k is not None and cfg.top_k < logits.size(-1):
        top = torch.topk(logits, cfg.top_k)
        logits = torch.full_like(logits, -math.inf).scatter_(-1, top.indices, top.values)
    probs = torch.softmax(logits, dim=-1)
    if cfg.top_p is not None and cfg.top_p < 1.0:
        probs = nucleus(probs, cfg.top_p)
    return probs


def without_specials(logits: torch.Tensor, never=NEVER_SAMPLED) -> torch.Tensor:
    """A copy of logits (..., V) with the ``never`` specials at -inf."""
    logits = logits.clone()
    logits[..., list(never)] = -math.inf
    return logits


def guarded(logits: torch.Tensor, allowed: torch.Tensor | None) -> torch.Tensor:
    """logits (..., V) with the tokens outside ``allowed`` (bool, same shape) at -inf; a row that would
    keep no token is left as it was."""
    if allowed is None:
        return logits
    kept = logits.masked_fill(~allowed.to(logits.device), -math.inf)
    return torch.where(torch.isfinite(kept).any(-1, keepdim=True), kept, logits)


def nucleus(probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """Keep the likeliest tokens until their total reaches top_p (at least one), renormalised.

    probs=[0.5, 0.3, 0.2], top_p=0.7 -> [0.625, 0.375, 0.0]
    """
    sorted_probs, order = torch.sort(probs, descending=True, stable=True)
    before = sorted_probs.cumsum(-1) - sorted_probs  # mass of the tokens likelier than each one
    sorted_probs = sorted_probs.masked_fill(before >= top_p, 0.0)
    kept = torch.zeros_like(probs).scatter_(-1, order, sorted_probs)
    return kept / kept.sum(-1, keepdim=True)


class TokenTexts(dict):
    """id -> the token on its own as text, decoded once per id; special tokens (decoded to '') show their name.

    For tables of alternatives; the text a token adds to the output comes from ``StreamText``.
    """

    def __init__(self, tokenizer):
        super().__init__()
        self.tokenizer = tokenizer

    def __missing__(self, i: int) -> str:
        text = self.tokenizer.decode([i]) or self.tokenizer.id_to_token(i)
        self[i] = text
        return text


class StreamText:
    """The text each new token adds to ``decode(prompt + generated)``, in whole characters.

    A piece is ``decode(context + new ids)`` minus ``decode(context)``, the context being the last
    few ids already shown: the tokenizer's own spacing (WordPiece ``##``, SentencePiece ``▁``,
    the space a word-level decode puts between words and between the prompt and the first
    generated word) comes out as the whole decode gives it, at a cost per token that does not
    grow with the text. So ``"".join(pieces) + flush()`` is ``decode(prompt + generated)`` minus
    ``decode(prompt)``: prompt "Alice", then "would" gives " would".

    A byte token can end inside a UTF-8 character (中 is three byte tokens). The decode then
    ends in one replacement character "\ufffd", which is held back, so that token adds "" and
    the token that completes the character adds it whole; ``flush`` gives what is still held
    once no token follows. A char tokenizer decodes a run of byte tokens as one (one invalid
    byte turns the whole run into replacement characters), so its runs are held until they end,
    up to MAX_RUN tokens; only a longer run can make the pieces differ from the whole decode.

    ``prompt_text`` is the prompt as the user typed it, shown before the pieces. When it ends
    in a space (or is empty) that the decoded prompt does not end in, the first piece's leading
    space is left out, so "Alice " + " would" reads "Alice would".
    """

    MAX_RUN = 64  # byte tokens of a char tokenizer held at most (16 characters or more)
    CONTEXT = 8  # ids already shown that are decoded again with each new one

    def __init__(self, tokenizer, prompt_ids=(), prompt_text: str | None = None):
        self.tokenizer = tokenizer
        self.ids = [int(i) for i in prompt_ids]
        self.shown = len(self.ids)  # ids decoded into the pieces so far; the ones after it are held
        self.owed = 0  # trailing characters of the decoded shown ids held back (a "\ufffd" that may change)
        self._bytes: dict[int, bool] = {}
        self._specials = tokenizer.special_ids()  # no text: decode skips them (GPT-2's <|endoftext|> too)
        self._drop_space = False
        if prompt_text is not None and (not prompt_text or prompt_text[-1].isspace()):
            self._drop_space = not tokenizer.decode(self.ids)[-1:].isspace()

    def add(self, token_id: int) -> str:
        """The text that ``token_id`` adds: '' while it holds part of a character."""
        self.ids.append(int(token_id))
        holding = len(self.ids) - 1 > self.shown
        joins_run = self._is_byte(token_id) or holding and token_id in self._specials  # decode skips specials
        if joins_run and len(self.ids) - self.shown < self.MAX_RUN:
            return ""  # the run's text is known once it ends
        return self._take(final=False)

    def flush(self) -> str:
        """What is still held (bytes that never made a character), once no token follows."""
        if self.shown == len(self.ids) and not self.owed:
            return ""
        return self._take(final=True)

    def _take(self, final: bool) -> str:
        start = self._context_start()
        before = self.tokenizer.decode(self.ids[start:self.shown])
        after = self.tokenizer.decode(self.ids[start:])
        self.shown = len(self.ids)
        shared = len(before) - self.owed
        if not after.startswith(before[:shared]):  # a char run past MAX_RUN, or one begun in the prompt
            shared = next((i for i, (a, b) in enumerate(zip(after, before)) if a != b), min(len(after), shared))
        piece, self.owed = after[shared:], 0
        if not final and piece.endswith("\ufffd"):  # perhaps the start of a character: wait for the rest
            piece, self.owed = piece[:-1], 1
        if self._drop_space and piece:
            self._drop_space = False
            piece = piece[1:] if piece.startswith(" ") else piece
        return piece

    def _context_start(self) -> int:
        """Where to start decoding: at least one shown id with text, never inside a run of byte tokens.

        A decoder treats the first token specially (no space before it), and a char tokenizer
        decodes a run of byte tokens as one, specials between them skipped.
        """
        start = max(0, self.shown - self.CONTEXT)
        while start > 0 and (self._in_run(self.ids[start - 1]) and self._in_run(self.ids[start])
                             or all(i in self._specials for i in self.ids[start:self.shown])):
            start -= 1
        return start

    def _in_run(self, token_id: int) -> bool:
        return self._is_byte(token_id) or self.tokenizer.kind == "char" and token_id in self._specials

    def _is_byte(self, token_id: int) -> bool:
        if token_id not in self._bytes:
            self._bytes[token_id] = (self.tokenizer.kind == "char"
                                     and self.tokenizer.id_to_token(token_id) in BYTE_TOKEN_SET)
        return self._bytes[token_id]


def continued_text(tokenizer, prompt_ids: list[int], ids: list[int], prompt_text: str = "") -> str:
    """prompt_text followed by the text that ids add after prompt_ids, as StreamText gives it.

    A word-level tokenizer: ("Alice", [would]) -> "Alice would".
    """
    text = StreamText(tokenizer, prompt_ids, prompt_text)
    return prompt_text + "".join(text.add(i) for i in ids) + text.flush()


class Context:
    """The decoder's view of the sequence: a KV cache fed one token at a time, or a full recompute.

    ``next_logits`` returns the scores (V,) for the token after everything pushed so far.
    """

    def __init__(self, model, ids: list[int], memory, memory_keep, use_cache: bool):
        self.model, self.ids, self.memory, self.memory_keep = model, ids, memory, memory_keep
        self.block_size = model.cfg.block_size
        self.use_cache = use_cache
        self.cache, self.start = None, 0  # start: positions already in the cache
        self.device = next(model.parameters()).device

    def run(self, idx: torch.Tensor, start: int) -> torch.Tensor:
        h = self.model.decode(idx, self.memory, self.memory_keep, cache=self.cache, start=start)
        return self.model.logits(h[:, -1:])[0, -1]  # only the last position's scores are needed

    def prefill(self, window: list[int]) -> torch.Tensor:
        """Feed window from position 0, into a fresh cache when caching."""
        if self.use_cache:
            self.cache, self.start = self.model.new_cache(), len(window)
        return self.run(torch.tensor([window], dtype=torch.long, device=self.device), 0)

    def first_logits(self) -> torch.Tensor:
        return self.prefill(self.ids[-self.block_size:])

    def push(self, token: torch.Tensor, token_id: int) -> torch.Tensor:
        """Append token (a 1-element tensor, id token_id) and return the next scores."""
        self.ids.append(token_id)
        if not self.use_cache:
            return self.prefill(self.ids[-self.block_size:])
        if self.start < self.block_size:
            self.start += 1
            return self.run(token.view(1, 1), self.start - 1)
        return self.prefill(self.ids[-max(1, self.block_size // 2):])

    def room(self, left: int) -> int:
        """Tokens that can still follow the next one: ``left`` more, fewer when an encoder-decoder's decoder fills."""
        return min(left, self.block_size - len(self.ids)) if self.memory is not None else left

    def decoder_full(self) -> bool:
        """An encoder-decoder cannot slide its window: its decoder stops at block_size tokens."""
        return self.memory is not None and len(self.ids) >= self.block_size


def check_inputs(model, prompt_ids, src_ids) -> None:
    cfg = model.cfg
    if not prompt_ids:
        raise ConfigError(_("the prompt is empty: start it with at least one token, such as <bos>"))
    if any(not 0 <= i < cfg.vocab_size for i in [*prompt_ids, *(src_ids or [])]):
        raise ConfigError(_("the prompt or source has token ids outside the model's vocabulary (0 to {last}); "
                            "use the tokenizer the model was trained with").format(last=cfg.vocab_size - 1))
    if cfg.architecture == "encoder-decoder":
        if not src_ids:
            raise ConfigError(_("an encoder-decoder model needs source tokens: pass src_ids"))
        if len(prompt_ids) > cfg.block_size:
            raise ConfigError(_("the decoder prompt is longer than the context length {b}; shorten it").format(
                b=cfg.block_size))
    elif src_ids is not None:
        raise ConfigError(_("source tokens (src_ids) are only for encoder-decoder models"))


def encode_source(model, src_ids, device):
    """Encoder memory (1, S, d) and its key mask for src_ids, or (None, None) for decoder-only."""
    if src_ids is None:
        return None, None
    return model.encode(torch.tensor([src_ids], dtype=torch.long, device=device))


def new_generator(seed: int | None, device) -> torch.Generator:
    g = torch.Generator(device=device)
    if seed is None:
        g.seed()
    else:
        g.manual_seed(seed)
    return g


def stream(model, tokenizer, prompt_ids: list[int], cfg: SampleConfig, src_ids: list[int] | None = None,
           prompt_text: str | None = None) -> Iterator[TokenStep]:
    """Yield the generated tokens one at a time; settings are checked before the first one.

    Joined, the steps' texts are ``decode(prompt + generated)`` minus ``decode(prompt)``; with
    ``prompt_text`` (the prompt as typed and shown) the spacing after it is fitted to it (see StreamText).
    """
    cfg.validate()
    check_inputs(model, prompt_ids, src_ids)
    return _stream(model, tokenizer, list(prompt_ids), cfg, src_ids, prompt_text)


def _stream(model, tokenizer, prompt_ids, cfg, src_ids, prompt_text) -> Iterator[TokenStep]:
    with evaluating(model):
        yield from _steps(model, tokenizer, prompt_ids, cfg, src_ids, prompt_text)


@torch.inference_mode()  # on a generator torch enables it only while the generator runs
def _steps(model, tokenizer, prompt_ids, cfg, src_ids, prompt_text) -> Iterator[TokenStep]:
    device = next(model.parameters()).device
    memory, memory_keep = encode_source(model, src_ids, device)
    shown = StreamText(tokenizer, prompt_ids, prompt_text)
    context = Context(model, prompt_ids, memory, memory_keep, cfg.use_cache)
    generator = new_generator(cfg.seed, device)
    texts = TokenTexts(tokenizer)
    eos_id = tokenizer.eos_id if cfg.stop_at_eos else None
    guard = utf8_guard(tokenizer)  # no broken character, no control character in the text
    state = guard.state_after(prompt_ids)
    logits = context.first_logits()
    for n in range(cfg.max_new_tokens):
        left = context.room(cfg.max_new_tokens - n - 1) + 1  # tokens still to come, this one included
        probs = distribution(logits.float(), cfg, guard.allowed(state, left), never_sampled(tokenizer))
        if cfg.greedy:
            token = probs.argmax(-1, keepdim=True)
        else:
            token = torch.multinomial(probs, 1, generator=generator)
        step = token_step(probs, token.item(), len(context.ids), cfg.alternatives, texts)
        state = guard.after(state, step.id)
        last = step.id == eos_id or n + 1 == cfg.max_new_tokens or context.decoder_full()
        step.text = shown.add(step.id) + (shown.flush() if last else "")
        yield step
        if last:
            return
        logits = context.push(token, step.id)


def token_step(probs: torch.Tensor, token_id: int, position: int, n_alternatives: int,
               texts: TokenTexts) -> TokenStep:
    """The step record; alternatives are the top tokens, plus the chosen one when it is not among them."""
    p = probs[token_id].item()
    alternatives = []
    if n_alternatives:
        top = torch.topk(probs, min(n_alternatives, probs.size(-1)))
        ids, values = top.indices.tolist(), top.values.tolist()
        alternatives = [(i, texts[i], q) for i, q in zip(ids, values) if q > 0.0]
        if token_id not in ids:
            alternatives.append((token_id, texts[token_id], p))  # its probability is below all of them
    return TokenStep(position, token_id, texts[token_id], p, alternatives, math.log(p), texts[token_id])


def generate(model, tokenizer, prompt_ids: list[int], cfg: SampleConfig, src_ids: list[int] | None = None,
             prompt_text: str | None = None) -> list[TokenStep]:
    """All the steps of ``stream`` as a list."""
    return list(stream(model, tokenizer, prompt_ids, cfg, src_ids, prompt_text))


def beam_search(model, tokenizer, prompt_ids: list[int], beam_width: int = 4, max_new_tokens: int = 50,
                length_penalty: float = 1.0, src_ids: list[int] | None = None) -> list[tuple[list[int], float]]:
    """Up to beam_width continuations, best first, as (generated ids without <eos>, score).

    The specials in NEVER_SAMPLED are never chosen, nor a token that would break a character
    (see Utf8Guard), as in sampling.

    score = sum of the tokens' log-probabilities / length ** length_penalty, where length counts
    the generated tokens including <eos>; length_penalty=0 ranks by total log-probability.
    """
    if beam_width < 1 or max_new_tokens < 1:
        raise ConfigError(_("beam_width and max_new_tokens must be at least 1"))
    check_inputs(model, prompt_ids, src_ids)
    with evaluating(model):
        return _beam_search(model, tokenizer, list(prompt_ids), beam_width, max_new_tokens,
                            length_penalty, src_ids)


@torch.inference_mode()
def _beam_search(model, tokenizer, prompt_ids, width, max_new_tokens, length_penalty, src_ids):
    device = next(model.parameters()).device
    eos_id, guard = tokenizer.eos_id, utf8_guard(tokenizer)
    states = [guard.state_after(prompt_ids)]  # each beam's place in a UTF-8 character
    memory, memory_keep = encode_source(model, src_ids, device)
    P = len(prompt_ids)
    seqs = torch.tensor([prompt_ids], dtype=torch.long, device=device)  # (beams, T)
    scores = torch.zeros(1, device=device)  # summed log-probability of each beam's generated tokens
    finished: list[tuple[list[int], float]] = []
    alive = True
    for n in range(max_new_tokens):
        if memory is not None and seqs.size(1) > model.cfg.block_size:
            break  # the decoder is full
        allowed = torch.stack([guard.allowed(state, max_new_tokens - n) for state in states])
        logprobs = beam_logprobs(model, seqs, memory, memory_keep, allowed, never_sampled(tokenizer))  # (beams, V)
        norm = (n + 1) ** length_penalty
        rows, new_scores = expand_beams(scores[:, None] + logprobs, width, eos_id, seqs, P, norm, finished)
        if not rows:
            alive = False
            break
        tokens = torch.tensor([[t] for _b, t in rows], dtype=torch.long, device=device)
        seqs = torch.cat((seqs[[b for b, _t in rows]], tokens), dim=1)
        states = [guard.after(states[b], t) for b, t in rows]
        scores = torch.tensor(new_scores, device=device)
        if len(finished) >= width and max(new_scores) / norm <= min(s for _ids, s in finished):
            break  # no live beam beats the worst finished one (the usual early-stopping heuristic)
    if alive:
        norm = (seqs.size(1) - P) ** length_penalty
        finished += [(ids[P:], s / norm) for ids, s in zip(seqs.tolist(), scores.tolist())]
    finished.sort(key=lambda hyp: hyp[1], reverse=True)
    return finished[:width]


def beam_logprobs(model, seqs, memory, memory_keep, allowed=None, never=NEVER_SAMPLED) -> torch.Tensor:
    """Log-probabilities (beams, V) of the next token for every beam, in one batched forward."""
    B = seqs.size(0)
    if memory is not None:
        memory, memory_keep = memory.expand(B, -1, -1), memory_keep.expand(B, -1)
    h = model.decode(seqs[:, -model.cfg.block_size:], memory, memory_keep)
    return torch.log_softmax(guarded(without_specials(model.logits(h[:, -1]).float(), never), allowed), dim=-1)


def expand_beams(total, width, eos_id, seqs, P, norm, finished):
    """Pick the best width continuations of total (beams, V); those ending in <eos> go to finished.

    Returns the live ones as (beam row, token) pairs and their summed log-probabilities.
    """
    V = total.size(-1)
    top = torch.topk(total.view(-1), min(2 * width, total.numel()))  # 2·width: at most width are <eos>
    rows, new_scores = [], []
    for rank, (score, flat) in enumerate(zip(top.values.tolist(), top.indices.tolist())):
        beam, token = divmod(flat, V)
        if score == -math.inf:
            break  # only never-sampled specials are left
        if token == eos_id:
            if rank < width:
                finished.append((seqs[beam, P:].tolist(), score / norm))
            continue
        rows.append((beam, token))
        new_scores.append(score)
        if len(rows) == width:
            break
    return rows, new_scores
