"""Keys: every form of a reference a user or a source gives names the same item."""

import pytest

from mlnews import identity


@pytest.mark.parametrize(
    "reference",
    [
        "2011.15126",
        "2011.15126v2",
        "arXiv:2011.15126v2",
        "arxiv:2011.15126",
        "https://arxiv.org/abs/2011.15126",
        "http://arxiv.org/abs/2011.15126v1",
        "https://arxiv.org/pdf/2011.15126v2.pdf",
        "https://arxiv.org/pdf/2011.15126",
        "https://arxiv.org/html/2011.15126v2",
        "https://export.arxiv.org/abs/2011.15126",
        "https://www.arxiv.org/abs/2011.15126/",
        "arxiv.org/abs/2011.15126",
        "https://doi.org/10.48550/arXiv.2011.15126",
        "10.48550/ARXIV.2011.15126",
    ],
)
def test_new_style_arxiv_forms(reference: str) -> None:
    assert identity.identify(reference) == "arxiv:2011.15126"


@pytest.mark.parametrize(
    "reference",
    [
        "hep-th/9901001",
        "hep-th/9901001v3",
        "arXiv:hep-th/9901001",
        "https://arxiv.org/abs/hep-th/9901001v1",
        "https://arxiv.org/pdf/hep-th/9901001.pdf",
    ],
)
def test_old_style_arxiv_forms(reference: str) -> None:
    assert identity.identify(reference) == "arxiv:hep-th/9901001"


def test_old_style_subject_class_is_not_part_of_the_id() -> None:
    assert identity.identify("math.GT/0309136") == "arxiv:math/0309136"


def test_five_digit_and_four_digit_new_ids() -> None:
    assert identity.identify("0704.0001v2") == "arxiv:0704.0001"
    assert identity.identify("1501.00001") == "arxiv:1501.00001"


@pytest.mark.parametrize(
    "reference",
    [
        "10.1103/PhysRevD.76.013009",
        "doi:10.1103/physrevd.76.013009",
        "https://doi.org/10.1103/PhysRevD.76.013009",
        "http://dx.doi.org/10.1103/PhysRevD.76.013009",
        "https://doi.org/10.1103%2FPhysRevD.76.013009",
    ],
)
def test_doi_forms(reference: str) -> None:
    assert identity.identify(reference) == "doi:10.1103/physrevd.76.013009"


@pytest.mark.parametrize(
    "reference",
    [
        "https://openreview.net/forum?id=Bkg6RiCqY7",
        "https://openreview.net/pdf?id=Bkg6RiCqY7",
        "openreview:Bkg6RiCqY7",
        "https://openreview.net/forum?id=Bkg6RiCqY7&noteId=xyz123abc",
    ],
)
def test_openreview_forms(reference: str) -> None:
    assert identity.identify(reference) == "openreview:Bkg6RiCqY7"


@pytest.mark.parametrize(
    "url",
    [
        "https://Example.COM/post/",
        "HTTPS://example.com:443/post",
        "http://example.com:80/post#comments",
        "https://example.com/post?utm_source=twitter&utm_medium=social",
        "https://example.com/post?fbclid=abc&ref=hn",
    ],
)
def test_url_canonicalisation(url: str) -> None:
    assert identity.identify(url) == "url:https://example.com/post"


def test_meaningful_query_parameters_are_kept_and_ordered() -> None:
    assert (
        identity.canonical_url("https://example.com/p?b=2&a=1&utm_campaign=x")
        == "https://example.com/p?a=1&b=2"
    )


def test_medium_source_parameter_is_tracking() -> None:
    url = "https://medium.com/analytics-vidhya/akiras-ml-news-week49-2020-1eef6779d2ed?source=collection_archive---------27"
    assert (
        identity.canonical_url(url)
        == "https://medium.com/analytics-vidhya/akiras-ml-news-week49-2020-1eef6779d2ed"
    )


def test_non_default_port_is_kept() -> None:
    assert identity.canonical_url("http://127.0.0.1:8080/feed/") == "https://127.0.0.1:8080/feed"


@pytest.mark.parametrize(
    "junk", ["", "   ", "not a url", "ftp://example.com/x", "javascript:alert(1)", "http://[::1"]
)
def test_junk_is_not_an_identity(junk: str) -> None:
    assert identity.identify(junk) is None


def test_best_key_prefers_arxiv_then_doi_then_openreview_then_url() -> None:
    keys = ["url:https://example.com/a", "openreview:abcdef1", "doi:10.1/x", "arxiv:2011.15126"]
    assert identity.best_key(keys) == "arxiv:2011.15126"
    assert identity.best_key(keys[:3]) == "doi:10.1/x"
    assert identity.best_key(keys[:2]) == "openreview:abcdef1"


def test_normalised_titles_survive_case_accents_latex_and_line_breaks() -> None:
    a = identity.normalise_title("FROST: Faster and more Robust One-shot\n  Semi-supervised Training")
    b = identity.normalise_title("Frost -- faster and more robust one-shot semi-supervised training.")
    assert a == b
    assert identity.normalise_title("Caf\u00e9 $\\alpha$-Nets") == identity.normalise_title("cafe alpha nets")


def test_short_titles_are_not_distinctive() -> None:
    assert not identity.title_is_distinctive(identity.normalise_title("Introduction"))
    assert identity.title_is_distinctive(
        identity.normalise_title("MicroNet: Towards Image Recognition with Extremely Low FLOPs")
    )


def test_arxiv_dois_given_as_doi_keys_are_arxiv_keys() -> None:
    assert identity.identify("doi:10.48550/arXiv.2011.15126") == "arxiv:2011.15126"


def test_sici_dois_keep_their_angle_brackets() -> None:
    a = identity.identify("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0")
    b = identity.identify("10.1002/(SICI)1097-4571(199806)49:8<700::AID-ASI5>3.0.CO;2-1")
    assert a != b
    assert a == "doi:10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"
