"""An issue as a social-media thread: an opening post linking the issue, then one post per entry.

Every post fits in 280 characters as X counts them (a link is 23, CJK counts double).
A post the curator made too long is cut at a word and marked with an ellipsis rather
than refused: the thread is for pasting, and the file says what to shorten.
"""

from __future__ import annotations

from mlnews.document.safe import plain
from mlnews.render.view import EntryView, IssueView
from mlnews.text import POST_LIMIT, post_length, squash

ELLIPSIS = "…"


def thread(view: IssueView, issue_url: str) -> list[str]:
    entries = [entry for section in view.sections for entry in section.entries]
    total = len(entries) + 1
    posts = [_post(f"{view.labels['thread']} {view.title}", issue_url, 1, total)]
    for number, entry in enumerate(entries, start=2):
        text, mark = _text(entry)
        posts.append(_post(text, entry.entry.link, number, total, mark))
    return posts


def _text(entry: EntryView) -> tuple[str, str]:
    """An entry's post, else its headline, else its title; with the mark it carries if untranslated."""
    for name, text in (("post", squash(entry.entry.post)), ("headline", plain(entry.entry.headline))):
        if text:
            return text, entry.marks.get(name, "")
    return squash(entry.entry.title), ""


def _post(text: str, link: str, number: int, total: int, mark: str = "") -> str:
    """The post with its mark, link and counter; a text too long is cut, never the mark."""
    counter = f"{number}/{total}"
    tail = " ".join(part for part in (mark, link, counter) if part)
    room = POST_LIMIT - post_length(" " + tail)
    if post_length(text) > room:
        text = _cut(text, room - post_length(ELLIPSIS)) + ELLIPSIS
    return f"{text} {tail}"


def _cut(text: str, room: int) -> str:
    words = text.split(" ")
    while words and post_length(" ".join(words)) > room:
        words.pop()
    if words:
        return " ".join(words).rstrip(",;:.-–—")
    cut = ""
    for character in text:  # one long word (or CJK without spaces): cut by character
        if post_length(cut + character) > room:
            break
        cut += character
    return cut
