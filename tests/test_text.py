"""Plain text from what sources give: whitespace and control characters."""

from hypothesis import given
from hypothesis import strategies as st

from mlnews.text import squash, without_controls


def the_rule(text: str) -> str:
    return " ".join(without_controls(text).split())


@given(
    st.text(
        alphabet=st.sampled_from([" ", "a", "é", "\n", "\t", "\x07", "\x7f", "\x85", "\u2009", "\xa0", "Z"])
    )
)
def test_squash_is_one_rule_whatever_the_text(text: str) -> None:
    assert squash(text) == the_rule(text)


def test_squash() -> None:
    assert squash("  Attention is\n   all you need ") == "Attention is all you need"
    assert squash("Bell\x07 and\x00 null") == "Bell and null"
    assert squash("already clean, as most titles are") == "already clean, as most titles are"
    assert squash("Gödel\u2009and\xa0Escher") == "Gödel and Escher"
    assert squash(None) == squash("") == squash("   ") == ""
