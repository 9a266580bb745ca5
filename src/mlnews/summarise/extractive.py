"""The default summariser: the item's own sentences, picked and trimmed, offline.

No model and no network. The text is split into sentences (`sentences`), each is
scored for the three things an entry tells — the problem, the proposal, the
result — by cue phrases and by how central it is to the text (`roles`,
`centrality`), and the headline is the proposal (or result) sentence reworded
(`headline`, `reword`, `verbs`) and cut back where a clause ends (`compress`).
This module puts the draft together: the headline, a summary paragraph and a post.
"""

from __future__ import annotations

from mlnews.summarise import POST_LIMIT, Draft, Source, post_length
from mlnews.summarise.compress import compress, tidy
from mlnews.summarise.headline import choose_headline, gist_like, headline_from_title, normal
from mlnews.summarise.reword import (
    capitalise,
    drop_cjk_claim,
    drop_claim,
    drop_parentheticals,
    strip_openers,
    third_person,
)
from mlnews.summarise.roles import Roles, is_boilerplate, pick_roles, unique
from mlnews.summarise.sentences import cjk_count, is_cjk, split_sentences
from mlnews.text import squash

SUMMARY_WORDS = (40, 80)  # what the summary aims at, when the text is long enough to choose
POST_CLAUSE = 140  # the post's second part: a short clause, not a second summary
_MAX_SENTENCES = 60  # beyond this a "text" is not an abstract; the rest is not scored


class ExtractiveSummariser:
    name = "extractive"
    description = "The item's own sentences, picked and trimmed: offline, no model."

    def draft(self, source: Source) -> Draft:
        text = squash(source.text)
        title = squash(source.title)
        sentences = split_sentences(text)[:_MAX_SENTENCES]
        if not sentences:
            headline = headline_from_title(title)
            return Draft(headline=headline, summary="", post=make_post(headline, [], source.url))
        roles = pick_roles(sentences, lead_first=source.kind != "paper")
        headline, used = choose_headline(sentences, roles.headline_order, title)
        extra = [sentences[i] for i in roles.post_order if i != used]
        return Draft(
            headline=headline,
            summary=make_summary(sentences, roles),
            post=make_post(headline, extra, source.url),
        )


# ---- the summary --------------------------------------------------------------------------------


def make_summary(sentences: list[str], roles: Roles) -> str:
    """Problem, proposal and result sentences in their order, about 40-80 words; a short text whole."""
    paragraph = ""
    for i in sorted(_summary_sentences(sentences, roles)):
        sentence = capitalise(third_person(strip_openers(sentences[i], light=True)))
        # CJK sentences follow one another without a space.
        paragraph += sentence if not paragraph or is_cjk(paragraph[-1]) else " " + sentence
    return paragraph


def _summary_sentences(sentences: list[str], roles: Roles) -> list[int]:
    """Which sentences the summary tells: the roles, then the most central ones, within SUMMARY_WORDS."""
    low, high = SUMMARY_WORDS
    words = [_word_count(s) for s in sentences]
    usable = [i for i, s in enumerate(sentences) if not is_boilerplate(s)] or list(range(len(sentences)))
    if sum(words[i] for i in usable) <= high:
        return usable
    chosen: list[int] = []
    for i in unique([roles.proposal, roles.result, roles.problem]):
        if not chosen or sum(words[j] for j in chosen) + words[i] <= high:
            chosen.append(i)
    for i in sorted(usable, key=lambda i: (-roles.central[i], i)):
        if sum(words[j] for j in chosen) >= low:
            break
        if i not in chosen and sum(words[j] for j in chosen) + words[i] <= high:
            chosen.append(i)
    return chosen


def _word_count(text: str) -> int:
    # A CJK character carries about as much as an English word, and has no spaces around it.
    return len(text.split()) + cjk_count(text) // 2


# ---- the post -----------------------------------------------------------------------------------


def make_post(headline: str, others: list[str], link: str) -> str:
    """The headline and, room permitting, a short clause from another sentence; fits X with the link."""
    budget = POST_LIMIT - post_length(" " + link)  # what the post itself may count
    post = _shrink(headline, budget)
    for sentence in others[:3]:
        clause = _post_clause(sentence)
        overshoot = post_length(_join(post, clause)) - budget
        if overshoot > 0:  # every character counts at least one, so this many fewer will fit
            clause = capitalise(tidy(compress(clause, len(clause) - overshoot)))
        joined = _join(post, clause)
        if gist_like(clause) and normal(clause) not in normal(post) and post_length(joined) <= budget:
            return joined
    return post


def _post_clause(sentence: str) -> str:
    """A sentence as the post's second part: reworded, without who claims it, cut to POST_CLAUSE."""
    clause = third_person(strip_openers(drop_parentheticals(sentence)), our="the")
    clause = drop_claim(drop_cjk_claim(clause))
    return capitalise(tidy(compress(clause, POST_CLAUSE)))


def _shrink(text: str, budget: int) -> str:
    """Cut until X counts no more than `budget` (a link inside counts 23, CJK double)."""
    while text and post_length(text) > budget:
        text = tidy(compress(text, min(len(text) - 1, max(0, budget))))
    return text


def _join(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    if is_cjk(first[-1]):
        return first + ("" if first[-1] in "。！？" else "。") + second
    return first + ("" if first[-1] in "?!" else ".") + " " + second
