"""chrF: the character n-gram F-score of machine translation (Popović, 2015), as sacreBLEU computes it.

Characters are compared after whitespace is removed, so it needs no word segmentation and suits
Chinese. Statistics are summed over the corpus, then averaged over n-gram orders 1..6; recall weighs
``beta`` (2) times as much as precision. ``corpus_chrf(["小猫看见球。"], ["小猫看见一个球。"])`` is about 33.
"""

from collections import Counter

CHAR_ORDER = 6
BETA = 2
_EPS = 1e-16


def _ngrams(text: str, n: int) -> Counter:
    text = "".join(text.split())
    return Counter(text[i:i + n] for i in range(len(text) - n + 1))


def _statistics(hypothesis: str, reference: str, order: int) -> list[tuple[int, int, int]]:
    """(hypothesis n-grams, reference n-grams, matching n-grams) for n = 1..order."""
    stats = []
    for n in range(1, order + 1):
        hyp, ref = _ngrams(hypothesis, n), _ngrams(reference, n)
        stats.append((sum(hyp.values()), sum(ref.values()), sum((hyp & ref).values())))
    return stats


def corpus_chrf(hypotheses: list[str], references: list[str], order: int = CHAR_ORDER, beta: float = BETA,
                eps_smoothing: bool = False) -> float:
    """chrF in 0..100 of ``hypotheses`` against one reference each (sacreBLEU's ``corpus_chrf`` with
    ``word_order=0``). Orders no hypothesis or reference is long enough for are left out of the average,
    unless ``eps_smoothing`` (sacreBLEU's option: average the F-score of every order, as chrF++.py does)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    totals = [[0, 0, 0] for _ in range(order)]
    for hypothesis, reference in zip(hypotheses, references):
        for total, counts in zip(totals, _statistics(hypothesis, reference, order)):
            for i, count in enumerate(counts):
                total[i] += count
    factor = beta**2
    f_sum = precision_sum = recall_sum = 0.0
    effective = 0
    for n_hyp, n_ref, n_match in totals:
        precision = n_match / n_hyp if n_hyp else _EPS
        recall = n_match / n_ref if n_ref else _EPS
        denominator = factor * precision + recall
        f_sum += (1 + factor) * precision * recall / denominator if denominator else _EPS
        effective += bool(n_hyp and n_ref)
        precision_sum += precision
        recall_sum += recall
    if eps_smoothing:
        return 100 * f_sum / order
    if not effective:
        return 0.0
    precision, recall = precision_sum / effective, recall_sum / effective
    if not precision + recall:
        return 0.0
    return 100 * (1 + factor) * precision * recall / (factor * precision + recall)
