"""The extractive summariser's draft put together: the headline, a summary paragraph and a post.

The text is split into sentences (`mlnews.text`), each is scored for the three things an entry
tells — the problem, the proposal, the result — by cue phrases and by how central it is to the
text (`roles`, `centrality`), and the headline is the proposal (or result) sentence reworded
(`headline`, `reword`, `verbs`) and cut back where a clause ends (`compress`).

The summary opens on a sentence that stands on its own ("However, " and "To this end, "
dropped when what they point back at is left out), and not on the headline again. Only a
paper's abstract is reported in the third person ("we" -> "they"): a post keeps its words.
"""

from __future__ import annotations

import re

from mlnews.drafts import Draft, Source
from mlnews.summarise.compress import compress, tidy
from mlnews.summarise.headline import choose_headline, gist_like, headline_from_title, normal, repeats
from mlnews.summarise.reword import (
    capitalise,
    drop_back_reference,
    drop_cjk_claim,
    drop_claim,
    drop_parentheticals,
    strip_openers,
    third_person,
)
from mlnews.summarise.roles import Roles, is_boilerplate, pick_roles, unique
from mlnews.summarise.sentences import needs_before
from mlnews.text import POST_LIMIT, cjk_count, is_cjk, post_length, split_sentences, squash

SUMMARY_WORDS = (40, 80)  # what the summary aims at, when the text is long enough to choose
POST_CLAUSE = 140  # the post's second part: a short clause, not a second summary
_MAX_SUMMARY_SENTENCES = 4
_OPENING_SLACK = 10  # words past SUMMARY_WORDS a summary may take to open on a sentence that stands alone
_MAX_SENTENCES = 60  # beyond this a "text" is not an abstract; the rest is not scored


def draft(source: Source) -> Draft:
    """The item's own sentences, picked and trimmed."""
    text = squash(source.text)
    title = squash(source.title)
    sentences = split_sentences(text)[:_MAX_SENTENCES]
    if not sentences:
        headline = headline_from_title(title)
        return Draft(headline=headline, summary="", post=make_post(headline, [], source.url))
    paper = source.kind == "paper"
    roles = pick_roles(sentences, lead_first=not paper)
    chosen = _summary_sentences(sentences, roles)
    parts = _summary_parts(sentences, chosen, paper)
    # The sentence the summary opens on may give the headline: the summary then goes on after it.
    headline, used = choose_headline(
        sentences, roles.headline_order, title, parts[0], paper=paper, spare_opening=len(sentences) > 1
    )
    if repeats(headline, parts[0]):
        headline, used, parts = _not_twice(sentences, roles, chosen, (headline, used), title, paper)
    extra = [sentences[i] for i in roles.post_order if i != used]
    return Draft(
        headline=headline,
        summary=_paragraph(parts),
        post=make_post(headline, extra, source.url, paper=paper),
    )


# ---- the summary --------------------------------------------------------------------------------


def _summary_parts(sentences: list[str], chosen: list[int], paper: bool) -> list[str]:
    """The chosen sentences as the summary tells them, in order: a sentence whose neighbour before
    is left out loses what pointed back at it ("However, ", "To this end, ")."""
    parts = []
    for i in sorted(chosen):
        sentence = strip_openers(sentences[i], light=True)
        if i - 1 not in chosen:
            sentence = drop_back_reference(sentence)
        parts.append(capitalise(third_person(sentence) if paper else sentence))
    return parts


def _paragraph(parts: list[str]) -> str:
    paragraph = ""
    for sentence in parts:
        # CJK sentences follow one another without a space.
        paragraph += sentence if not paragraph or is_cjk(paragraph[-1]) else " " + sentence
    return paragraph


def _summary_sentences(sentences: list[str], roles: Roles, left_out: int | None = None) -> list[int]:
    """Which sentences the summary tells: the roles, then the most central ones, within SUMMARY_WORDS."""
    low, high = SUMMARY_WORDS
    words = [_word_count(s) for s in sentences]
    usable = [i for i, s in enumerate(sentences) if not is_boilerplate(s) and i != left_out] or [
        i for i in range(len(sentences)) if i != left_out
    ]
    if sum(words[i] for i in usable) <= high:
        return _standing_first(sentences, usable, words, usable, left_out)
    chosen: list[int] = []
    for i in unique([roles.proposal, roles.result, roles.problem]):
        if i != left_out and (not chosen or sum(words[j] for j in chosen) + words[i] <= high):
            chosen.append(i)
    for i in sorted(usable, key=lambda i: (-roles.central[i], i)):
        if sum(words[j] for j in chosen) >= low:
            break
        if i not in chosen and sum(words[j] for j in chosen) + words[i] <= high:
            chosen.append(i)
    return _standing_first(sentences, sorted(chosen), words, usable, left_out)


def _leans_back(sentence: str) -> bool:
    """Whether a sentence, as the summary tells it, needs the one before it ("It fails on X")."""
    return needs_before(drop_back_reference(strip_openers(sentence, light=True)))


def _not_twice(
    sentences: list[str],
    roles: Roles,
    chosen: list[int],
    headline: tuple[str, int | None],
    title: str,
    paper: bool,
) -> tuple[str, int | None, list[str]]:
    """The headline and the summary's sentences when the summary would open on what the headline
    says: the summary opens on what comes before that sentence (the problem), else goes on after
    it (a sentence leaning back then leans on the headline), else the headline is another."""
    parts = _summary_parts(sentences, chosen, paper)
    left_out = chosen[0]
    others = [i for i, s in enumerate(sentences) if i != left_out and not is_boilerplate(s)]
    rest = _summary_sentences(sentences, roles, left_out=left_out) if others else []
    for option in (_opened_by_context(sentences, chosen, roles), rest):
        told = _summary_parts(sentences, option, paper) if option else []
        leaning = bool(option) and option[0] not in (0, left_out + 1) and _leans_back(sentences[option[0]])
        if told and not leaning and not repeats(headline[0], told[0]):
            return headline[0], headline[1], told
    other, used = choose_headline(sentences, roles.headline_order, title, parts[0], paper=paper)
    if other and not repeats(other, parts[0]):
        return other, used, parts
    return headline[0], headline[1], parts


def _opened_by_context(sentences: list[str], chosen: list[int], roles: Roles) -> list[int]:
    """The summary with the sentences before its first one, from the nearest that stands alone,
    making room by leaving out sentences that are neither the proposal nor the result ([] if none)."""
    start = chosen[0] - 1
    while start > 0 and _leans_back(sentences[start]):
        start -= 1
    before = list(range(start, chosen[0]))
    if start < 0 or any(is_boilerplate(sentences[i]) for i in before):
        return []
    words = [_word_count(s) for s in sentences]
    kept = list(chosen)
    spare = [i for i in reversed(kept) if i not in (roles.proposal, roles.result, kept[0])]
    while spare and (
        sum(words[i] for i in before + kept) > SUMMARY_WORDS[1] + _OPENING_SLACK
        or len(before) + len(kept) > _MAX_SUMMARY_SENTENCES
    ):
        kept.remove(spare.pop(0))
    if sum(words[i] for i in before + kept) > SUMMARY_WORDS[1] + _OPENING_SLACK:
        return []
    return before + kept if len(before) + len(kept) <= _MAX_SUMMARY_SENTENCES else []


def _standing_first(
    sentences: list[str], chosen: list[int], words: list[int], usable: list[int], said: int | None
) -> list[int]:
    """The summary opens on a sentence that needs none before it: "However, such methods fail" takes
    the sentences before it along, room permitting, or gives way to the next one (or, alone, to
    those before it). One that leans on `said`, the sentence the headline says, may open it:
    the headline is what it points back at."""
    budget = SUMMARY_WORDS[1] + _OPENING_SLACK
    while chosen and chosen[0] > 0 and chosen[0] - 1 != said and _leans_back(sentences[chosen[0]]):
        start = chosen[0] - 1
        while start > 0 and _leans_back(sentences[start]):
            start -= 1
        before = list(range(start, chosen[0]))
        if not set(before) <= set(usable):
            before = []
        if (
            before
            and sum(words[j] for j in before + chosen) <= budget
            and (len(before) + len(chosen) <= _MAX_SUMMARY_SENTENCES)
        ):
            return before + chosen
        if len(chosen) > 1:
            chosen = chosen[1:]
        elif before and sum(words[j] for j in before) <= budget:
            return before[:_MAX_SUMMARY_SENTENCES]
        else:
            break
    return chosen


def _word_count(text: str) -> int:
    # A CJK character carries about as much as an English word, and has no spaces around it.
    return len(text.split()) + cjk_count(text) // 2


# ---- the post -----------------------------------------------------------------------------------


def make_post(headline: str, others: list[str], link: str, paper: bool = True) -> str:
    """The headline and, room permitting, a short clause from another sentence; fits X with the link."""
    budget = POST_LIMIT - post_length(" " + link)  # what the post itself may count
    post = _shrink(headline, budget)
    for sentence in others[:3]:
        whole = _post_clause(sentence, paper)
        clause = capitalise(tidy(compress(whole, POST_CLAUSE)))
        if not _stands_alone(clause, whole):
            continue
        overshoot = post_length(_join(post, clause)) - budget
        if overshoot > 0:  # every character counts at least one, so this many fewer will fit
            clause = capitalise(tidy(compress(clause, len(clause) - overshoot)))
        joined = _join(post, clause)
        if gist_like(clause) and normal(clause) not in normal(post) and post_length(joined) <= budget:
            return joined
    return post


def _post_clause(sentence: str, paper: bool) -> str:
    """A sentence as the post's second part: reworded, without who claims it (not yet cut)."""
    clause = strip_openers(drop_parentheticals(sentence))
    clause = third_person(clause, our="the") if paper else clause
    return drop_claim(drop_cjk_claim(clause))


# Words that open a phrase leading into the main clause: "By combining X, the method ...".
_LEAD_IN = re.compile(
    r"^(?:by|to|due to|despite|unlike|in contrast to|in order to|given|after|before|while|although|though"
    r"|whereas|because|since|compared (?:with|to)|based on|instead of|following|using|through|without"
    r"|motivated by|inspired by|like)\b",
    re.IGNORECASE,
)  # not "in", "on", "for": "In all of them the loss falls" needs no comma before its main clause


def _stands_alone(clause: str, whole: str) -> bool:
    """Whether a cut clause still says something: not a lead-in cut where its main clause would
    begin ("By combining X with Y"), not "not only X" without its "but"."""
    rest = squash(whole)[len(clause) :].lstrip()
    if rest.startswith(",") and _LEAD_IN.match(clause):
        return False
    return not (re.search(r"\bnot only\b", clause) and not re.search(r"\bbut\b", clause))


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
