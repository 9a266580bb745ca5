"""How central each sentence is to a text: TF-IDF cosine similarity to the others, summed (degree)."""

from __future__ import annotations

import math
from collections import Counter

from mlnews.summarise.sentences import WORD
from mlnews.text import is_cjk, word_set

STOPWORDS = word_set(
    "a an the and or but of to in on at by for with from as is are was were be been being this that "
    "these those it its we our they their which who whose what when where while than then there here "
    "also can could may might will would should such not no into over under between both each more most "
    "very using use used via based have has had do does did"
)


def _terms(sentence: str) -> Counter[str]:
    """Content words; CJK runs, which have no spaces, as character pairs."""
    terms: Counter[str] = Counter()
    for word in WORD.findall(sentence.lower()):
        if is_cjk(word[0]):
            terms.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif len(word) > 2 and word not in STOPWORDS:
            terms[
                word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 4 else word
            ] += 1
    return terms


def centrality(sentences: list[str]) -> list[float]:
    """How much each sentence shares with the others (TF-IDF cosine, summed), scaled to 0..1."""
    bags = [_terms(s) for s in sentences]
    documents = Counter(term for bag in bags for term in bag)
    idf = {term: math.log((1 + len(bags)) / count) + 1 for term, count in documents.items()}
    vectors = [{term: n * idf[term] for term, n in bag.items()} for bag in bags]
    norms = [math.sqrt(sum(w * w for w in v.values())) or 1.0 for v in vectors]
    degree = [
        sum(
            sum(w * other.get(term, 0.0) for term, w in v.items()) / (norms[i] * norms[j])
            for j, other in enumerate(vectors)
            if j != i
        )
        for i, v in enumerate(vectors)
    ]
    top = max(degree, default=0.0) or 1.0
    return [d / top for d in degree]
