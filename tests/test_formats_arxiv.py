"""The arXiv formats: API Atom, OAI-PMH and the metadata snapshot, on real arXiv data.

The classes are used directly rather than through `formats()`, so these tests
do not depend on the other format modules being present.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from lxml import etree

from mlnews.formats import _arxiv
from mlnews.formats.arxiv_atom import ArxivAtom
from mlnews.formats.arxiv_snapshot import ArxivSnapshot
from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.formats.oai_pmh import OaiPmh
from mlnews.items import Item

ATOM = ArxivAtom()
OAI = OaiPmh()
SNAPSHOT = ArxivSnapshot()
ATOM_NS = "{http://www.w3.org/2005/Atom}"
# Small documents in formats no real sample exists for, written from the published schemas.
FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"


def items(parsed: Iterable[Parsed]) -> list[Item]:
    found = list(parsed)
    assert all(isinstance(x, Item) for x in found), [x for x in found if not isinstance(x, Item)]
    return [x for x in found if isinstance(x, Item)]


def by_id(found: Iterable[Item]) -> dict[str, Item]:
    return {item.identifiers[0]: item for item in found}


def head(path: Path) -> bytes:
    return path.read_bytes()[:8192]


@pytest.fixture(scope="module")
def atom_dir(shared_data: Path) -> Path:
    return shared_data / "arxiv" / "api_atom" / "xml"


@pytest.fixture(scope="module")
def oai_dir(shared_data: Path) -> Path:
    return shared_data / "arxiv" / "oai_pmh"


@pytest.fixture(scope="module")
def snapshot_file(shared_data: Path) -> Path:
    return shared_data / "arxiv" / "kaggle_snapshot" / "arxiv-metadata-oai-snapshot.head200.jsonl"


@pytest.fixture(scope="module")
def snapshot(snapshot_file: Path) -> dict[str, Item]:
    return by_id(items(SNAPSHOT.parse(snapshot_file.read_bytes())))


# --- arXiv API Atom ----------------------------------------------------------------


def test_atom_real_responses_count_every_entry(atom_dir: Path) -> None:
    files = sorted(atom_dir.glob("*.xml"))
    assert len(files) == 20
    entries = [e for f in files for e in etree.parse(str(f)).getroot().iter(f"{ATOM_NS}entry")]
    assert len(entries) == 222
    assert len({e.findtext(f"{ATOM_NS}id") for e in entries}) == 106

    papers: list[Item] = []
    errors: list[ParseError] = []
    for path in files:
        try:
            papers.extend(items(ATOM.parse(path.read_bytes())))
        except ParseError as error:
            errors.append(error)
    # 222 entries = 221 papers + the error entry; 106 ids = 105 papers + the error's id.
    assert len(papers) == 221
    assert len(errors) == 1
    assert len({item.identifiers[0] for item in papers}) == 105


def test_atom_keys_and_urls_are_versionless_but_pdf_kept_as_given(atom_dir: Path) -> None:
    for path in atom_dir.glob("q_testing_*.xml"):
        for item in items(ATOM.parse(path.read_bytes())):
            arxiv = item.identifiers[0].removeprefix("arxiv:")
            assert item.identifiers[0].startswith("arxiv:")
            assert _arxiv.version_of(arxiv) is None
            assert item.urls[0] == f"https://arxiv.org/abs/{arxiv}"
            assert item.urls[1].startswith(f"https://arxiv.org/pdf/{arxiv}v")
            assert item.kind == "paper" and item.site == "arXiv"
            assert item.title and "\n" not in item.title and "  " not in item.title
            assert item.raw["arxiv-atom"]["version"].startswith("v")


def test_atom_paper_with_doi_and_journal_ref(atom_dir: Path) -> None:
    item = by_id(items(ATOM.parse((atom_dir / "q_testing_s0_m10_bc5a6c384fe9.xml").read_bytes())))[
        "arxiv:2202.12139"
    ]
    assert item.title == (
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )
    assert item.authors == ["Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"]
    assert item.categories == ["cs.SE", "cs.LG"]
    assert item.identifiers == ["arxiv:2202.12139", "doi:10.1109/icstw55395.2022.00035"]
    assert item.urls == [
        "https://arxiv.org/abs/2202.12139",
        "https://arxiv.org/pdf/2202.12139v1",
        "https://doi.org/10.1109/icstw55395.2022.00035",
    ]
    assert item.published == "2022-02-24T15:05:19Z"
    assert item.updated == "2022-02-24T15:05:19Z"
    assert item.abstract.startswith("Deep Learning (DL) has revolutionized")
    raw = item.raw["arxiv-atom"]
    assert raw["comment"] == "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022"
    assert raw["journal_ref"].startswith("Artificial Intelligence in Software Testing @ 2022 IEEE")
    assert raw["doi"] == "10.1109/ICSTW55395.2022.00035"
    assert raw["primary_category"] == "cs.SE"


def test_atom_id_list_lookup(atom_dir: Path) -> None:
    (item,) = items(ATOM.parse((atom_dir / "id_1605.08386_s0_m100_199195aa31ad.xml").read_bytes()))
    assert item.title == "Heat-bath random walks with Markov bases"
    assert item.authors == ["Caprice Stanley", "Tobias Windisch"]
    assert item.categories == ["math.CO", "math.ST"]
    assert item.identifiers == ["arxiv:1605.08386"]
    assert item.raw["arxiv-atom"]["comment"] == "20 pages, 3 figures"


def test_atom_old_style_id_with_affiliations(atom_dir: Path) -> None:
    path = atom_dir / "id_astro-ph_0601001_s0_m100_3150dca9dc76.xml"
    (item,) = items(ATOM.parse(path.read_bytes()))
    assert item.identifiers == ["arxiv:astro-ph/0601001"]
    assert item.urls == [
        "https://arxiv.org/abs/astro-ph/0601001",
        "https://arxiv.org/pdf/astro-ph/0601001v1",
    ]
    assert item.categories == ["astro-ph"]
    assert item.authors[2] == "B. Scott Gaudi"
    assert item.raw["arxiv-atom"]["authors"][0] == {
        "name": "Andrew Gould",
        "affiliation": ["Ohio State"],
    }
    assert item.raw["arxiv-atom"]["journal_ref"] == "ActaAstron.56:1-50,2006"
    # The summary starts with two spaces in the response.
    assert item.abstract.startswith("We derive the frequencies of hot Jupiters")


def test_atom_versioned_lookup_gives_versionless_key(atom_dir: Path) -> None:
    path = atom_dir / "id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml"
    (item,) = items(ATOM.parse(path.read_bytes()))
    assert item.identifiers[0] == "arxiv:quant-ph/0201082"
    assert item.urls[0] == "https://arxiv.org/abs/quant-ph/0201082"


def test_atom_error_feed_is_a_parse_error(atom_dir: Path) -> None:
    with pytest.raises(ParseError) as caught:
        list(ATOM.parse((atom_dir / "id_abc_s0_m100_b79c8dcf6bc3.xml").read_bytes()))
    assert caught.value.message == "arXiv API error: incorrect id format for abc"
    assert caught.value.record == "https://arxiv.org/api/errors#incorrect_id_format_for_abc"


def test_atom_empty_results_are_no_items(atom_dir: Path) -> None:
    for name in ("id_0000.0000_s0_m100_8b51d9633a68.xml", "id_0808.05394_s0_m100_7b0c7d0a7cdd.xml"):
        assert list(ATOM.parse((atom_dir / name).read_bytes())) == []


def test_atom_broken_xml_reports_its_line() -> None:
    data = b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n</feed>\n'
    with pytest.raises(ParseError) as caught:
        list(ATOM.parse(data))
    assert caught.value.line == 4
    assert caught.value.message.startswith("not well-formed XML")


# The pre-2025 output, as in the arXiv API user manual: http links, "ArXiv Query",
# a versionless entry id, times with a zone offset, the DOI also as a dx.doi.org link,
# and the arxiv namespace declared on each element.
OLD_ATOM = (FIXTURES / "api_atom_pre2025.xml").read_bytes()


def test_atom_pre_2025_format() -> None:
    assert ATOM.sniff(OLD_ATOM)
    (item,) = items(ATOM.parse(OLD_ATOM))
    assert item.identifiers == ["arxiv:hep-ex/0307015", "doi:10.1140/epjc/s2003-01326-x"]
    assert item.urls == [
        "https://arxiv.org/abs/hep-ex/0307015",
        "http://arxiv.org/pdf/hep-ex/0307015v1",
        "https://doi.org/10.1140/epjc/s2003-01326-x",
    ]
    assert item.title == "Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA"
    assert item.published == "2003-07-07T17:46:39Z"
    assert item.categories == ["hep-ex", "hep-ph"]
    assert item.authors == ["H1 Collaboration"]
    assert item.raw["arxiv-atom"]["version"] == "v1"
    assert item.raw["arxiv-atom"]["comment"] == "23 pages, 8 figures and 4 tables"


def test_atom_primary_category_first_without_repeats() -> None:
    data = OLD_ATOM.replace(
        b'term="hep-ex" scheme="http://arxiv.org/schemas/atom"/>\n    <cat',
        b'term="hep-ph" scheme="http://arxiv.org/schemas/atom"/>\n    <cat',
    )
    (item,) = items(ATOM.parse(data))
    assert item.categories == ["hep-ph"]


# --- OAI-PMH -----------------------------------------------------------------------

OAI_COUNTS = {
    "functional_arxiv-physics-hep-ex.xml": 3,
    "functional_arxiv-physics-hep-th.xml": 3,
    "functional_arxiv-single.xml": 1,
    "unit_sample_arxiv_record.xml": 12,
    **{f"unit_sample_arxiv_record{n}.xml": 1 for n in range(11)},
}


def test_oai_every_real_file_parses(oai_dir: Path) -> None:
    assert {p.name for p in oai_dir.glob("*.xml")} == set(OAI_COUNTS)
    for name, count in OAI_COUNTS.items():
        found = items(OAI.parse((oai_dir / name).read_bytes()))
        assert len(found) == count, name
        for item in found:
            arxiv = item.identifiers[0].removeprefix("arxiv:")
            assert item.urls[0] == f"https://arxiv.org/abs/{arxiv}"
            assert item.kind == "paper" and item.site == "arXiv"
            assert item.title and item.authors and item.abstract and item.categories
            assert item.published and item.updated and item.updated >= item.published
            assert item.raw["oai-pmh"]["format"] == "arXiv"


def test_oai_get_record(oai_dir: Path) -> None:
    (item,) = items(OAI.parse((oai_dir / "functional_arxiv-single.xml").read_bytes()))
    assert item.title == "New integrable (3+1)-dimensional systems and contact geometry"
    assert item.authors == ["A. Sergyeyev"]
    assert item.categories == ["math.AP", "hep-th", "math-ph", "math.DG", "math.MP", "nlin.SI"]
    assert item.identifiers == ["arxiv:1401.2122", "doi:10.1007/s11005-017-1013-4"]
    assert item.published == "2014-01-09"
    assert item.updated == "2017-10-23"
    assert item.abstract.startswith("We introduce a novel systematic construction")
    raw = item.raw["oai-pmh"]
    assert raw["identifier"] == "oai:arXiv.org:1401.2122"
    assert raw["sets"] == ["math", "physics:hep-th", "physics:math-ph", "physics:nlin"]
    assert raw["msc-class"] == "37K05 37K10 53D10"
    assert raw["journal-ref"] == "Lett. Math. Phys. 108 (2018), no. 2, 359-376"
    assert raw["comments"].startswith("16 pages, LaTeX, no figures, revised and abridged")


def test_oai_list_records(oai_dir: Path) -> None:
    found = by_id(items(OAI.parse((oai_dir / "functional_arxiv-physics-hep-ex.xml").read_bytes())))
    assert list(found) == ["arxiv:1706.05371", "arxiv:1706.09418", "arxiv:1707.00874"]
    item = found["arxiv:1706.05371"]
    assert item.title == (
        "Evaluation of Silicon Photomultipliers for use as Photosensors in Liquid Xenon Detectors"
    )
    assert item.authors[:2] == ["Tyler Anderson", "Jacob Cutter"]
    assert len(item.authors) == 13
    assert item.categories == ["physics.ins-det", "hep-ex"]
    assert (item.published, item.updated) == ("2017-06-16", "2017-12-12")


def test_oai_record_without_namespace_and_with_several_dois(oai_dir: Path) -> None:
    (item,) = items(OAI.parse((oai_dir / "unit_sample_arxiv_record0.xml").read_bytes()))
    assert item.identifiers == [
        "arxiv:1601.03238",
        "doi:10.1103/physrevd.93.016005",
        "doi:10.1103/physrevd.98.079901",
        "doi:10.1103/physrevd.98.079903",
    ]
    # A keyname with no forenames is the whole name.
    assert item.authors == ["Planck Collaboration", "Jieci Wang", "Zehua Tian", "Jiliang Jing", "Heng Fan"]
    assert item.categories == ["quant-ph", "gr-qc", "hep-th", "chao-dyn", "nlin.CD"]
    # Never revised: no <updated>, so the one version is the latest.
    assert item.published == item.updated == "2016-01-13"


def test_oai_affiliations_suffixes_and_stray_punctuation(oai_dir: Path) -> None:
    found = by_id(items(OAI.parse((oai_dir / "unit_sample_arxiv_record.xml").read_bytes())))
    bicep = found["arxiv:1603.05976"]
    # arXiv filed the ":" of "Keck Array and BICEP2 Collaborations: P. Ade, ..." as an author.
    assert ":" not in bicep.authors
    assert bicep.authors[:3] == ["Keck Array", "BICEP2 Collaborations", "P. Ade"]
    (full,) = items(OAI.parse((oai_dir / "unit_sample_arxiv_record4.xml").read_bytes()))
    assert ":" not in full.authors
    assert len(full.authors) == 65  # 66 <author>s, one of them ":"
    # <keyname>W.</keyname><forenames>R.</forenames><suffix>IV</suffix>
    assert "R. W. IV" in full.authors
    with_affiliation = [item for item in found.values() if "authors" in item.raw["oai-pmh"]]
    assert with_affiliation
    for item in with_affiliation:
        names = [author["name"] for author in item.raw["oai-pmh"]["authors"]]
        assert names == item.authors


# arXivRaw, as export.arxiv.org/oai2?verb=ListRecords&metadataPrefix=arXivRaw returns it;
# facts of 0704.0001 and 0704.0032 from the snapshot and their .abs files.
ARXIV_RAW = (FIXTURES / "oai_pmh_arxivraw_listrecords.xml").read_bytes()


def test_oai_arxiv_raw() -> None:
    assert OAI.sniff(ARXIV_RAW)
    parsed = list(OAI.parse(ARXIV_RAW))
    assert len(parsed) == 3
    first, deleted, second = parsed
    assert isinstance(deleted, Problem)
    assert deleted.record == "oai:arXiv.org:0704.0010"
    assert "deleted" in deleted.message
    assert isinstance(first, Item) and isinstance(second, Item)

    assert first.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert first.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert first.published == "2007-04-02T19:18:42Z"  # first version
    assert first.updated == "2007-07-24T20:10:27Z"  # last version
    assert first.identifiers == ["arxiv:0704.0001", "doi:10.1103/physrevd.76.013009"]
    assert first.categories == ["hep-ph"]
    assert first.abstract.startswith("A fully differential calculation in perturbative")
    raw = first.raw["oai-pmh"]
    assert raw["format"] == "arXivRaw"
    assert raw["submitter"] == "Pavel Nadolsky"
    assert raw["report-no"] == "ANL-HEP-PR-07-12"
    assert raw["versions"] == [
        {"version": "v1", "date": "Mon, 2 Apr 2007 19:18:42 GMT", "size": "443kb"},
        {"version": "v2", "date": "Tue, 24 Jul 2007 20:10:27 GMT", "size": "370kb"},
    ]

    assert second.authors == ["A. Esteban-Pretel", "R. Tomàs", "J. W. F. Valle"]
    assert second.published == second.updated == "2007-04-02T18:35:33Z"


# oai_dc as arXiv serves it: "Surname, Given" creators, the abstract and a "Comment:"
# as descriptions, one date per version, the abs URL and the DOI as identifiers.
OAI_DC = (FIXTURES / "oai_pmh_oai_dc_getrecord.xml").read_bytes()


def test_oai_dublin_core() -> None:
    assert OAI.sniff(OAI_DC)
    (item,) = items(OAI.parse(OAI_DC))
    assert item.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert item.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert item.identifiers == ["arxiv:0704.0001", "doi:10.1103/physrevd.76.013009"]
    assert item.urls[0] == "https://arxiv.org/abs/0704.0001"
    assert item.abstract == (
        "A fully differential calculation in perturbative quantum chromodynamics is presented "
        "for the production of massive photon pairs at hadron colliders."
    )
    assert (item.published, item.updated) == ("2007-04-02", "2007-07-24")
    assert item.categories == ["High Energy Physics - Phenomenology"]
    raw = item.raw["oai-pmh"]
    assert raw["format"] == "oai_dc"
    assert raw["comment"] == "37 pages, 15 figures; published version"
    assert raw["version"] == "v1"
    assert "Phys.Rev.D76:013009,2007" in raw["identifier"]


def oai_error(code: str, message: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-05-01T10:00:00Z</responseDate>
<request verb="ListRecords" metadataPrefix="arXiv" from="2099-01-01">http://export.arxiv.org/oai2</request>
<error code="{code}">{message}</error>
</OAI-PMH>
""".encode()


def test_oai_no_records_match_is_an_empty_harvest() -> None:
    assert list(OAI.parse(oai_error("noRecordsMatch", "No records match"))) == []


def test_oai_other_errors_are_parse_errors() -> None:
    with pytest.raises(ParseError) as caught:
        list(OAI.parse(oai_error("badResumptionToken", "The resumptionToken is invalid")))
    assert caught.value.message == "OAI-PMH error badResumptionToken: The resumptionToken is invalid"


def test_oai_unknown_metadata_is_a_problem() -> None:
    data = OAI_DC.replace(b"oai_dc:dc", b"oai_dc:other")
    (problem,) = list(OAI.parse(data))
    assert isinstance(problem, Problem)
    assert "unsupported metadata format <other>" in problem.message


def test_oai_broken_xml_reports_its_line(oai_dir: Path) -> None:
    data = (oai_dir / "functional_arxiv-single.xml").read_bytes().replace(b"</GetRecord>", b"")
    with pytest.raises(ParseError) as caught:
        list(OAI.parse(data))
    assert caught.value.line is not None


# --- metadata snapshot -------------------------------------------------------------


def test_snapshot_all_records(snapshot: dict[str, Item]) -> None:
    assert len(snapshot) == 200
    assert next(iter(snapshot)) == "arxiv:0704.0001"
    assert list(snapshot)[-1] == "arxiv:0704.0200"
    for key, item in snapshot.items():
        assert item.urls[0] == f"https://arxiv.org/abs/{key.removeprefix('arxiv:')}"
        assert item.kind == "paper" and item.site == "arXiv"
        assert item.title and "\n" not in item.title
        assert item.published and item.updated and item.updated >= item.published
        assert item.authors and all(name == name.strip() for name in item.authors)


def test_snapshot_first_record(snapshot: dict[str, Item]) -> None:
    item = snapshot["arxiv:0704.0001"]
    assert item.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert item.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert item.identifiers == ["arxiv:0704.0001", "doi:10.1103/physrevd.76.013009"]
    assert item.published == "2007-04-02T19:18:42Z"
    assert item.updated == "2007-07-24T20:10:27Z"
    assert item.categories == ["hep-ph"]
    raw = item.raw["arxiv-snapshot"]
    assert raw["submitter"] == "Pavel Nadolsky"
    assert raw["journal-ref"] == "Phys.Rev.D76:013009,2007"
    assert len(raw["versions"]) == 2
    assert "title" not in raw and "abstract" not in raw and "license" not in raw  # null


def test_snapshot_names_categories_and_dois(snapshot: dict[str, Item]) -> None:
    assert snapshot["arxiv:0704.0062"].authors == ["Rastislav Šrámek", "Broňa Brejová", "Tomáš Vinař"]
    assert snapshot["arxiv:0704.0002"].categories == ["math.CO", "cs.CG"]
    # Two DOIs separated by a space (the paper and its erratum).
    assert snapshot["arxiv:0704.0033"].identifiers == [
        "arxiv:0704.0033",
        "doi:10.1364/josaa.23.002578",
        "doi:10.1364/josaa.32.002407",
    ]


def test_snapshot_author_string_fallback(snapshot_file: Path) -> None:
    """Without authors_parsed, the author string gives the same names."""
    lines = snapshot_file.read_bytes().splitlines()
    for line in lines:
        record = json.loads(line)
        if record["id"] not in ("0704.0001", "0704.0032", "0704.0163", "0704.0177", "0704.0181"):
            continue
        expected = next(iter(items(SNAPSHOT.parse(line)))).authors
        del record["authors_parsed"]
        (item,) = items(SNAPSHOT.parse(json.dumps(record).encode()))
        assert item.authors == expected, record["id"]


def test_snapshot_bad_line_reports_its_number(snapshot_file: Path) -> None:
    lines = snapshot_file.read_bytes().splitlines()
    for bad, message in [
        (b'{"id": "0704.9999", "title": "cut off', "not a JSON line"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'{"title": "No id", "versions": []}', "record has no id"),
        (b'{"id": "0704.9999", "versions": []}', "record has no title"),
        (b'{"id": "not an id", "title": "x"}', "not an arXiv id"),
        (b'{"id": "0704.9999", "title": "x", "versions": "v1"}', "malformed record"),
    ]:
        # A blank line before the bad one still counts in the numbering.
        data = b"\n".join([lines[0], b"", b"  ", lines[1], bad, lines[2]])
        with pytest.raises(ParseError) as caught:
            list(SNAPSHOT.parse(data))
        assert caught.value.line == 5, bad
        assert caught.value.message.startswith(message), caught.value.message


def test_snapshot_blank_lines_and_crlf_are_fine(snapshot_file: Path) -> None:
    lines = snapshot_file.read_bytes().splitlines()[:3]
    data = b"\r\n\r\n".join(lines) + b"\r\n\n"
    assert len(items(SNAPSHOT.parse(data))) == 3
    assert list(SNAPSHOT.parse(b"")) == []


def test_rfc2822_dates() -> None:
    assert _arxiv.rfc2822_date("Mon, 2 Apr 2007 19:18:42 GMT") == "2007-04-02T19:18:42Z"
    assert _arxiv.rfc2822_date("Tue, 24 Jul 2007 20:10:27 GMT") == "2007-07-24T20:10:27Z"
    # Not the fixed shape: the general parser takes over.
    assert _arxiv.rfc2822_date("Mon, 2 Apr 2007 21:18:42 +0200") == "2007-04-02T19:18:42Z"
    assert _arxiv.rfc2822_date("") is None


def test_split_authors() -> None:
    assert _arxiv.split_authors("A. One, B. Two and C. Three") == ["A. One", "B. Two", "C. Three"]
    assert _arxiv.split_authors("A. One, B. Two, and C. Three") == ["A. One", "B. Two", "C. Three"]
    assert _arxiv.split_authors("John Smith, Jr. and Ann Lee") == ["John Smith Jr.", "Ann Lee"]
    assert _arxiv.split_authors(
        'Peter Brommer and Franz G\\"ahler (Institut f\\"ur Theoretische und\n'
        '  Angewandte Physik, Universit\\"at Stuttgart)'
    ) == ["Peter Brommer", "Franz Gähler"]


def test_split_dois() -> None:
    assert _arxiv.split_dois("10.1000/A, 10.1000/b;10.1000/c 10.1000/b") == [
        "10.1000/a",
        "10.1000/b",
        "10.1000/c",
    ]
    assert _arxiv.split_dois(None) == []


# --- sniffing ----------------------------------------------------------------------


def other_kinds(shared_data: Path) -> list[Path]:
    feeds = shared_data / "feeds" / "real_world"
    return [
        *sorted(feeds.glob("*.atom")),
        *sorted(feeds.glob("*.rss")),
        *sorted(feeds.glob("*.json")),
        *sorted(feeds.glob("*.opml")),
        feeds / "bio.rdf",
    ]


def test_sniff_own_files_only(shared_data: Path, atom_dir: Path, oai_dir: Path, snapshot_file: Path) -> None:
    own: dict[Format, list[Path]] = {
        ATOM: sorted(atom_dir.glob("*.xml")),
        OAI: sorted(oai_dir.glob("*.xml")),
        SNAPSHOT: [snapshot_file],
    }
    others = other_kinds(shared_data)
    assert len(others) > 25
    for fmt, paths in own.items():
        for path in paths:
            assert fmt.sniff(head(path)), (fmt.name, path.name)
        for other_fmt, other_paths in own.items():
            if other_fmt is not fmt:
                for path in other_paths:
                    assert not fmt.sniff(head(path)), (fmt.name, path.name)
        for path in others:
            assert not fmt.sniff(head(path)), (fmt.name, path.name)


def test_atom_sniff_rejects_arxiv_rss_listings() -> None:
    # rss.arxiv.org's Atom listings share the arXiv namespace but are announcement feeds.
    listing = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>http://rss.arxiv.org/atom/cs.LG</id>
  <title>cs.LG updates on arXiv.org</title>
  <link href="http://rss.arxiv.org/atom/cs.LG" rel="self" type="application/atom+xml"/>
</feed>
"""
    assert not ATOM.sniff(listing)
    assert not ATOM.sniff(b"<rss version='2.0'><channel><link>https://arxiv.org/api/x</link>")


def test_snapshot_sniff_on_a_cut_first_line(snapshot_file: Path) -> None:
    assert SNAPSHOT.sniff(snapshot_file.read_bytes()[:600])
    assert SNAPSHOT.sniff(b"\n\n" + snapshot_file.read_bytes()[:600])
    assert not SNAPSHOT.sniff(b'{"id": 1, "name": "x"}\n')
    assert not SNAPSHOT.sniff(b'{"title": "An item", "kind": "paper", "urls": []}\n')
    assert not SNAPSHOT.sniff(b"")
    # An mlnews export line, cut short, that holds a snapshot record in its raw field.
    nested = b'{"format":"mlnews-item/1","title":"x","raw":{"arxiv-snapshot":' + head(snapshot_file)
    assert not SNAPSHOT.sniff(nested[:8192])
