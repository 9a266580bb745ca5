"""The curator's voice: their own past entries, the ones most like an item, as examples.

An entry counts when the curator wrote or edited its headline or summary: in an issue
source (a field compose did not write, or one changed since) or in a past issue imported
into the library (`mlnews import` of published issues keeps their texts as edited). The
examples most like the item, by tf-idf over titles and abstracts, are shown to the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlnews.document.model import normal_key
from mlnews.document.safe import plain
from mlnews.document.source import existing, path_for, read
from mlnews.errors import MlnewsError
from mlnews.library import Library
from mlnews.settings import Config
from mlnews.summarise import Example
from mlnews.weeks import Period, Week

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

DEFAULT_COUNT = 3


@dataclass
class Examples:
    examples: list[Example]
    _vectorizer: TfidfVectorizer | None = None
    _matrix: Any = None

    def like(self, title: str, text: str, count: int = DEFAULT_COUNT) -> tuple[Example, ...]:
        """The `count` examples most like the item, best first (none for the item itself)."""
        if not self.examples or count <= 0:
            return ()
        if self._vectorizer is None:
            return tuple(self.examples[:count])
        query = self._vectorizer.transform([f"{title} {text}"])
        scores = (self._matrix @ query.T).toarray().ravel()
        order = sorted(range(len(self.examples)), key=lambda i: (-scores[i], i))
        # Not the item itself; an untitled item (a past pick whose record is not in) is told by none.
        return tuple(self.examples[i] for i in order if not title or self.examples[i].title != title)[:count]


def gather(issues_dir: Path, library: Library, config: Config, before: Period) -> Examples:
    """Every curator-written entry of the issues before `before`, and of imported issues."""
    found: dict[str, Example] = {}
    abstracts: dict[str, tuple[str, str]] = {}
    for key, title, abstract, name, text in library.curator_texts(config.source_language):
        abstracts[normal_key(key)] = (title, abstract)
        current = found.get(normal_key(key), Example(title, abstract, "", ""))
        if name in ("headline", "summary", "post"):
            fields = {**current.__dict__, name: text}
            found[normal_key(key)] = Example(**fields)
    weeks = [p for p in existing(issues_dir) if isinstance(p, Week)]
    for period in sorted(w for w in weeks if not isinstance(before, Week) or w < before):
        try:
            issue = read(path_for(issues_dir, period)).issue
        except MlnewsError:
            continue
        for entry in issue.entries:
            if entry.untouched("headline") and entry.untouched("summary"):
                continue  # all compose's words: not the curator's voice
            key = normal_key(entry.key)
            if key not in abstracts:
                try:
                    item = library.get(entry.key)
                    abstracts[key] = (item.title, item.abstract)
                except MlnewsError:
                    abstracts[key] = (entry.title, entry.description)
            title, abstract = abstracts[key]
            found[key] = Example(
                title or entry.title, abstract, plain(entry.headline), entry.summary, entry.post
            )
    usable = [e for e in found.values() if e.headline and e.summary]
    if not usable:
        return Examples([])
    from sklearn.feature_extraction.text import TfidfVectorizer  # a second to import: only when drafting

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        matrix = vectorizer.fit_transform([f"{e.title} {e.text}" for e in usable])
    except ValueError:  # only stop words: no vocabulary to compare by
        return Examples(usable[:DEFAULT_COUNT])
    return Examples(usable, vectorizer, matrix)
