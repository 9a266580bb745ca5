"""BibTeX bibliographies (bibtexparser 2), on a fixture of real papers as tools export them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlnews.formats.base import ParseError, Problem
from mlnews.formats.bibtex import Bibtex, authors, latex, published
from mlnews.items import Item

BIBTEX = Bibtex()
FIXTURES = Path(__file__).parent / "fixtures" / "bibtex"


def parse(data: bytes) -> tuple[dict[str, Item], list[Problem]]:
    found = list(BIBTEX.parse(data))
    items = {x.raw["bibtex"]["citekey"]: x for x in found if isinstance(x, Item)}
    problems = [x for x in found if isinstance(x, Problem)]
    assert len(items) + len(problems) == len(found)
    return items, problems


@pytest.fixture(scope="module")
def papers() -> dict[str, Item]:
    items, problems = parse((FIXTURES / "papers.bib").read_bytes())
    assert [(p.line, p.message) for p in problems] == [
        (76, "skipped entry 'notes': it has no url, doi or arXiv eprint to identify it by")
    ]
    return items


def test_acl_anthology_entry(papers: dict[str, Item]) -> None:
    bert = papers["devlin-etal-2019-bert"]
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert.kind == "paper"
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert bert.site.startswith("Proceedings of the 2019 Conference of the North American Chapter")
    assert bert.identifiers == ["arxiv:1810.04805", "doi:10.18653/v1/n19-1423"]
    assert bert.urls == [
        "https://aclanthology.org/N19-1423",
        "https://arxiv.org/abs/1810.04805",
        "https://doi.org/10.18653/v1/n19-1423",
    ]
    assert bert.published == "2019-06"  # month = jun, no day: no day is made up
    # An unescaped % is a percent sign in BibTeX, not a LaTeX comment eating the line.
    assert bert.abstract.endswith(
        "pushing the GLUE score to 80.5% (7.7% point absolute improvement),"
        " MultiNLI accuracy to 86.7% (4.6% absolute improvement)."
    )
    raw = bert.raw["bibtex"]
    assert (raw["type"], raw["citekey"], raw["pages"]) == (
        "inproceedings",
        "devlin-etal-2019-bert",
        "4171--4186",
    )
    assert raw["archiveprefix"] == "arXiv"
    json.dumps(raw)


def test_latex_accents_and_name_orders(papers: dict[str, Item]) -> None:
    objects = papers["zhou2019objects"]
    assert objects.authors == ["Xingyi Zhou", "Dequan Wang", "Philipp Krähenbühl"]
    assert "Łukasz Kaiser" in papers["vaswani2017attention"].authors
    assert authors(r"{Barnes and Noble, Inc.} and de la Fontaine, Jean and Hinton, Jr, G. E.") == [
        "Barnes and Noble, Inc.",
        "Jean de la Fontaine",
        "G. E. Hinton Jr",
    ]
    assert authors("Ba, Jimmy and others") == ["Jimmy Ba"]
    assert latex(r"Bal\'azs K\'egl, Fran\c{c}ois~Fleuret") == "Balázs Kégl, François Fleuret"


def test_arxiv_entries(papers: dict[str, Item]) -> None:
    attention = papers["vaswani2017attention"]
    assert (attention.title, attention.kind) == ("Attention is All you Need", "paper")
    assert attention.site == "Advances in Neural Information Processing Systems"
    assert attention.urls == ["https://arxiv.org/abs/1706.03762"]
    assert attention.identifiers == ["arxiv:1706.03762"]
    assert attention.published == "2017-12"
    assert attention.tags == ["transformer", "attention", "machine translation"]

    # Google Scholar's way: the arXiv id only in the journal field.
    vit = papers["dosovitskiy2020image"]
    assert (vit.site, vit.identifiers, vit.published) == ("arXiv", ["arxiv:2010.11929"], "2020")
    assert len(vit.authors) == 10  # "and others" is not an author

    # @misc is a paper when it carries an eprint; biblatex's @online and date too.
    objects = papers["zhou2019objects"]
    assert (objects.kind, objects.site, objects.published) == ("paper", "arXiv", "2019-04-16")
    ddpm = papers["ho2020denoising"]
    assert (ddpm.kind, ddpm.identifiers, ddpm.published) == (
        "paper",
        ["arxiv:2006.11239"],
        "2020-06-19",
    )


def test_a_book_is_not_a_paper(papers: dict[str, Item]) -> None:
    book = papers["goodfellow2016deep"]
    assert (book.kind, book.site, book.urls, book.published) == (
        "other",
        "MIT Press",
        ["http://www.deeplearningbook.org"],
        "2016",
    )


def test_a_broken_entry_refuses_the_whole_file() -> None:
    with pytest.raises(ParseError) as caught:
        list(BIBTEX.parse((FIXTURES / "broken.bib").read_bytes()))
    assert caught.value.line == 9  # where @inproceedings{he2016deep starts (1-based)
    assert caught.value.message.startswith("cannot read the entry @inproceedings{he2016deep:")
    assert "closing `}`" in caught.value.message


def test_duplicate_field_refuses_the_file() -> None:
    data = b"@misc{a, title={One}, url={https://x.org/a}}\n\n@misc{b,\n title={x},\n title={y}}\n"
    with pytest.raises(ParseError) as caught:
        list(BIBTEX.parse(data))
    assert (caught.value.line, caught.value.message) == (
        3,
        "cannot read the entry @misc{b: field(s) title given twice",
    )


def test_duplicate_citekeys_are_both_imported_with_a_warning() -> None:
    data = (
        b"@string{jmlr = {Journal of Machine Learning Research}}\n"
        b"@article{smith2020, title={First}, doi={10.1000/first}, journal=jmlr}\n"
        b"@article{smith2020, title={Second {GAN}s}, doi={10.1000/second}, journal=jmlr}\n"
    )
    found = list(BIBTEX.parse(data))
    assert [type(x).__name__ for x in found] == ["Item", "Problem", "Item"]
    first, warning, second = found
    assert isinstance(first, Item) and isinstance(second, Item) and isinstance(warning, Problem)
    assert (warning.line, warning.message) == (
        3,
        "citekey 'smith2020' is used again (first on line 2): both entries are imported",
    )
    # The second one is read like any other: braces gone, @string macro resolved.
    assert (second.title, second.site) == ("Second GANs", "Journal of Machine Learning Research")
    assert second.identifiers == ["doi:10.1000/second"]


def test_dates() -> None:
    assert published({"year": "2019", "month": "jun"}) == "2019-06"
    assert published({"year": "2019", "month": "June", "day": "2"}) == "2019-06-02"
    assert published({"year": "2019", "month": "6", "day": "31"}) == "2019-06"
    assert published({"year": "{2019}", "month": "13"}) == "2019"
    assert published({"year": "in press"}) is None
    assert published({"date": "2020-06"}) == "2020-06"


def test_urls_and_dois_as_latex_writes_them() -> None:
    items, _ = parse(
        b"@misc{x, title={X}, howpublished={\\url{https://example.org/a\\_b}},"
        b" doi={https://doi.org/10.48550/arXiv.2101.00001}}\n"
    )
    x = items["x"]
    assert x.urls == [
        "https://example.org/a_b",
        "https://arxiv.org/abs/2101.00001",
        "https://doi.org/10.48550/arxiv.2101.00001",
    ]
    assert x.identifiers == ["arxiv:2101.00001", "doi:10.48550/arxiv.2101.00001"]
    assert x.kind == "paper"


def test_not_utf8_is_a_parse_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        list(BIBTEX.parse(b"@misc{a,\n  author={M\xfcller}, title={x}}\n"))
    assert caught.value.line == 2


def test_sniffing() -> None:
    assert BIBTEX.sniff((FIXTURES / "papers.bib").read_bytes()[:8192])
    assert BIBTEX.sniff(b"\xef\xbb\xbf\n\n@Article(key, title = {x})")
    assert BIBTEX.sniff(b"% JabRef\n%\n\n@comment{jabref-meta: databaseType:bibtex;}")
    assert not BIBTEX.sniff(b"Some notes\n@misc{a, title={x}}")
    assert not BIBTEX.sniff(b'{"version": "https://jsonfeed.org/version/1"}')
    assert not BIBTEX.sniff(b"<rss/>")
