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

from mlnews import faithful, validate
from mlnews.drafts import Draft, Source
from mlnews.summarise import clauses
from mlnews.summarise.compress import compress, has_markup, has_maths, tidy
from mlnews.summarise.headline import (
    choose_headline,
    gist_like,
    headline_from_title,
    repeats,
    restates,
)
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
from mlnews.summarise.sentences import leans_back, needs_before, points_within
from mlnews.text import POST_LIMIT, cjk_count, is_cjk, mostly_cjk, post_length, prose, split_sentences, squash

_WORD = re.compile(r"\w")
SUMMARY_WORDS = (40, 80)  # what the summary aims at, when the text is long enough to choose
POST_CLAUSE = 140  # the post's second part: a short clause, not a second summary
_MAX_SUMMARY_SENTENCES = 4
_OPENING_SLACK = 10  # words past SUMMARY_WORDS a summary may take to open on a sentence that stands alone
_MAX_SENTENCES = 60  # beyond this a "text" is not an abstract; the rest is not scored


def draft(source: Source) -> Draft:
    """The item's own sentences, picked and trimmed."""
    paper = source.kind == "paper"
    text = prose(source.text, latex=paper)
    if not _WORD.search(text):  # LaTeX that reads as no word at all ("\\0"): kept as it was written
        text = squash(source.text)
    title = prose(source.title, latex=paper)
    sentences = split_sentences(text)[:_MAX_SENTENCES]
    if not paper:
        sentences = _content(sentences)
    if not sentences:
        headline = headline_from_title(title)
        return Draft(headline=headline, summary="", post=make_post(headline, [], source.url))
    roles = pick_roles(sentences, lead_first=not paper)
    chosen = _summary_sentences(sentences, roles)
    parts = _summary_parts(sentences, chosen, paper)
    english = not mostly_cjk(text)
    name = clauses.name_of(sentences[roles.proposal], title) if paper and english else None
    # News and posts lead with what is new; a paper's headline result comes after its proposal.
    result = roles.result if paper else None
    clause = _clause_headline(sentences, roles, result, title, source.kind, parts, name) if english else None
    used: int | None
    if clause is not None:
        headline, used = clause
        if repeats(headline, parts[0]):
            # The summary goes on from what the headline says, told from the other sentences.
            rest = _summary_sentences(sentences, roles, left_out=used)
            parts = _summary_parts(sentences, rest, paper) if rest else parts[1:]
    else:
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
        post=make_post(headline, extra, source.url, paper=paper, name=name, source=source.whole),
    )


# A post's intro and asides, not its content: "I joined Dropbox after ...", "[Updated on 2020-11-12]".
_INTRO = re.compile(
    r"\b(?:I|I['’](?:m|ve|d|ll)|my|me|myself)\b|^\[?\s*updated?\b|\bposted (?:on|by)\b"
    r"|\bhello\b|\bwelcome to\b",
    re.IGNORECASE,
)


def _content(sentences: list[str]) -> list[str]:
    """A page's sentences without its intro and the writer's asides about themselves, when at
    least two others are left to tell."""
    told: list[str] = []
    gone = False
    for sentence in sentences:
        # what leans on a sentence left out goes with it ("This framework would ...")
        gone = bool(_INTRO.search(sentence)) or (gone and _leans_back(sentence))
        if not gone:
            told.append(sentence)
    return told if len(told) >= 2 else sentences


def _clause_headline(
    sentences: list[str],
    roles: Roles,
    result: int | None,
    title: str,
    kind: str,
    parts: list[str],
    name: clauses.Name | None,
) -> tuple[str, int] | None:
    """The first whole-clause headline (`clauses`) that is not the title, nor the summary's opening
    sentence again unless the summary can go on without it; None when no sentence gives one."""
    whole = "\n".join([title, *sentences])
    # Said by the headline, the opening sentence goes when the next one can open the summary.
    following = parts[1] if len(parts) > 1 else ""
    spare = bool(following) and not (
        _leans_back(following) or leans_back(following) or points_within(following, [])
    )
    for headline, used in clauses.candidates(sentences, roles.headline_order, result, name):
        if faithful.check(headline, whole):
            continue  # cut on a misparse: "achieves 20.2 dB on X [and] 17.6 dB" joins two claims
        broken = validate.draft_problems({"headline": headline}, title, kind, "")  # the title again
        if not broken and not restates(headline, title) and (spare or not repeats(headline, parts[0])):
            return headline, used
    return None


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
    key = (roles.proposal, roles.result)
    words = [_word_count(s) for s in sentences]
    # A formula reads badly in a summary: a sentence with one is told only when all have one.
    usable = (
        [i for i, s in enumerate(sentences) if not is_boilerplate(s) and not has_maths(s) and i != left_out]
        or [i for i, s in enumerate(sentences) if not is_boilerplate(s) and i != left_out]
        or [i for i in range(len(sentences)) if i != left_out]
    )
    if sum(words[i] for i in usable) <= high:
        return _without_seams(
            sentences, _standing_first(sentences, usable, words, usable, left_out), key, left_out
        )
    chosen: list[int] = []
    for i in unique([roles.proposal, roles.result, roles.problem]):
        if i is None or i == left_out or has_markup(sentences[i]):
            continue
        if not chosen or sum(words[j] for j in chosen) + words[i] <= high:
            chosen.append(i)
    for i in sorted(usable, key=lambda i: (-roles.central[i], i)):
        if sum(words[j] for j in chosen) >= low:
            break
        if i not in chosen and sum(words[j] for j in chosen) + words[i] <= high:
            chosen.append(i)
    return _without_seams(
        sentences, _standing_first(sentences, sorted(chosen), words, usable, left_out), key, left_out
    )


def _without_seams(
    sentences: list[str], chosen: list[int], keep: tuple[int | None, ...] = (), said: int | None = None
) -> list[int]:
    """The chosen sentences without one that leans on a sentence left out ("This approach ...",
    "such interactions" after a gap): the sentence before it joins, room made by leaving out one
    that is not in `keep` (the proposal, the result), else the leaning one goes. The first
    sentence of the text leans on nothing, nor does one after `said`, the sentence the headline says."""
    chosen = sorted(chosen)
    words = [_word_count(s) for s in sentences]
    budget = SUMMARY_WORDS[1] + _OPENING_SLACK
    for _ in range(len(sentences)):  # each pass mends one seam; mending one may open another
        i = next((i for i in chosen if _seam(sentences, chosen, i, said)), None)
        if i is None:
            break
        joined = sorted([*chosen, i - 1])
        spare = [j for j in reversed(joined) if j not in (*keep, i, i - 1)]
        room = budget + (_OPENING_SLACK if i in keep else 0)  # the result is worth a longer summary
        while spare and (sum(words[j] for j in joined) > room or len(joined) > _MAX_SUMMARY_SENTENCES):
            joined.remove(spare.pop(0))
        fits = sum(words[j] for j in joined) <= room and len(joined) <= _MAX_SUMMARY_SENTENCES
        mended = not any(_seam(sentences, joined, j, said) for j in joined)  # none opened elsewhere
        if fits and mended and not has_markup(sentences[i - 1]):
            chosen = joined
        elif len(chosen) > 1:
            chosen.remove(i)
        else:
            break
    return chosen


def _seam(sentences: list[str], chosen: list[int], i: int, said: int | None) -> bool:
    """Whether a chosen sentence leans on the one before it in the text, which is not told before
    it: the text's first sentence leans on nothing, and one after `said` leans on the headline."""
    if i == 0 or i - 1 in chosen or i - 1 == said:
        return False
    before = [sentences[j] for j in chosen if j < i]
    return _leans_back(sentences[i]) or points_within(sentences[i], before)


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
        option = _without_seams(sentences, option, (roles.proposal, roles.result), left_out) if option else []
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
    while start > 0 and (_leans_back(sentences[start]) or points_within(sentences[start], [])):
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


def make_post(
    headline: str,
    others: list[str],
    link: str,
    paper: bool = True,
    name: clauses.Name | None = None,
    source: str = "",
) -> str:
    """The headline as a sentence and, room permitting, one more whole sentence (the result first,
    shortened to its main clause if need be): it fits X with the link and ends on a full stop.
    A sentence the faithfulness check doubts against `source`, once shortened, is not told."""
    budget = POST_LIMIT - post_length(" " + link)  # what the post itself may count
    post = _full_stop(_shrink(headline, budget - 1))
    for sentence in others[:4]:
        told = _post_sentence(sentence, paper)
        room = budget - post_length(post) - 1
        if (not told or has_maths(told) or needs_before(told)) or room < 20:
            continue
        if post_length(told) > room and not mostly_cjk(told):
            shorter = clauses.shortened(told, name, room - 1)
            told = _full_stop(shorter) if shorter else ""
        joined = _join(post, told)
        whole = not re.search(r"\bnot only\b", told) or re.search(r"\bbut\b", told)
        fits = whole and gist_like(told) and not repeats(told, post) and post_length(joined) <= budget
        if told and fits and not (source and faithful.check(told, source)):
            return joined
    return post


def _post_sentence(sentence: str, paper: bool) -> str:
    """A sentence as the post tells it: openers and asides gone, the authors as "they"."""
    told = strip_openers(drop_parentheticals(sentence))
    told = third_person(told, our="the") if paper else told
    return _full_stop(capitalise(drop_claim(drop_cjk_claim(told)).strip()))


def _full_stop(text: str) -> str:
    text = text.rstrip(" ,;:")
    if not text or text[-1] in ".!?。！？":
        return text
    return text + ("。" if is_cjk(text[-1]) else ".")


def _shrink(text: str, budget: int) -> str:
    """Cut until X counts no more than `budget` (a link inside counts 23, CJK double)."""
    while text and post_length(text) > budget:
        text = tidy(compress(text, min(len(text) - 1, max(0, budget))))
    return text


def _join(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    return first + ("" if is_cjk(first[-1]) else " ") + second
