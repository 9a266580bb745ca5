"""When two mentions of a number say the same thing: the same value (rounded, roughly, or
as a share), of the same kind and units, counting the same noun, in the same role."""

from __future__ import annotations

from mlnews.faithful.quantities import Quantity
from mlnews.faithful.units import family, nouns_units


def same_value(said: Quantity, stated: Quantity) -> bool:
    if said.kind == "month" or stated.kind == "month":
        return said.kind == stated.kind and said.value == stated.value
    if said.kind == stated.kind == "percent" and (said.approx or stated.approx):
        return abs(said.value - stated.value) <= 0.1 * max(said.value, stated.value)  # "a third less"
    if (said.approx or stated.approx) and "percent" not in (said.kind, stated.kind):
        # "an order of magnitude" is 5x to 30x, "more than an order of magnitude" at least 9x
        low = 0.9 if said.hedge == "~" and said.approx else 1 / 2.2
        rough, exact = (said, stated) if said.approx else (stated, said)
        return said.kind == stated.kind == "ratio" and rough.value * low <= exact.value <= rough.value * 3.2
    if {said.kind, stated.kind} == {"ratio", "percent"}:
        # "one tenth" of "10% as much"; "one hundredth" of "99% smaller"; never 4.5% of 4.5x
        ratio, percent = (said, stated) if said.kind == "ratio" else (stated, said)
        share = 100 - percent.value if percent.change else percent.value
        return share > 0 and abs(ratio.value * share - 100) <= 2
    return _close(said, said.value, stated.value, stated.decimals)


def _close(said: Quantity, a: float, b: float, decimals: int) -> bool:
    if a == b:
        return True
    if said.hedge == "~":
        return (
            abs(a - b) <= 0.06 * max(abs(a), abs(b)) + 1e-9
        )  # "about 30%" of 30.87%, "almost twofold" of 1.9
    # "88.6%" of 88.55%; "89%" of 88.55% too, but not "6" of 6.27
    rounds = said.decimals > 0 or a >= 20
    scale = (
        a / float(said.digits) if said.digits.replace(".", "", 1).isdigit() and float(said.digits) else 1.0
    )
    return rounds and said.decimals < decimals and abs(a - b) <= 0.5 * 10 ** (-said.decimals) * scale + 1e-9


def same_kind(said: Quantity, stated: Quantity) -> bool:
    if said.kind == stated.kind or {said.kind, stated.kind} == {"ratio", "percent"}:
        return True
    # A bare number says no kind: "accuracy of 40" may be written "40%"; "3 dB" is no "3x",
    # and "a third of the cost" needs a source that says a third, not one with a 3 in it.
    if said.kind == "ratio" and said.spelled:
        return False
    count = said if said.kind == "count" else stated
    return count.kind == "count" and not count.units


def same_units(said: Quantity, stated: Quantity) -> bool:
    """Both name what they count and share nothing, or name two units of one family: no."""
    if said.units and stated.units and not said.units & stated.units:
        return False
    for unit in said.units:
        kin = {u for u in stated.units if family(u) == family(unit)}
        if kin and unit not in kin:
            return False
    return True


# Nouns that count the same things under another name.
_KIN_NOUNS = [
    {"dataset", "benchmark", "corpora", "corpu"},
    {"image", "photo", "picture"},
    {"example", "sample", "instance"},
    {"participant", "people", "user", "subject", "human", "person"},
    {"paper", "article", "publication"},
    {"model", "network", "architecture"},
    {"method", "approach", "algorithm", "technique"},
]


_PRECISE = frozenset({"users", "countries", "stages"})


def kin(a: str, b: str) -> bool:
    return a == b or any({a, b} <= kin for kin in _KIN_NOUNS)


def same_noun(said: Quantity, stated: Quantity) -> bool:
    """ "100 apps" is not "100 devices": two counts of different things, where both say what."""
    if said.units and stated.noun and not stated.units:
        # "461 categories" (a unit) against "461 indoor scenes" (a noun that is none); of a
        # Chinese or Japanese counter, only those that say what they count (人, か国)
        counted = {
            unit for unit in said.units if family(unit) == "count" and not (said.cjk and unit not in _PRECISE)
        }
        return not counted or bool(counted & nouns_units(stated.noun)) or stated.noun[:5] in said.topic
    if not (said.noun and stated.noun) or said.noun == stated.noun or said.units:
        return True
    if any({said.noun, stated.noun} <= kin for kin in _KIN_NOUNS):
        return True
    return said.noun[:5] in stated.topic or stated.noun[:5] in said.topic


def same_role(said: Quantity, stated: Quantity) -> bool:
    if {said.end, stated.end} == {"from", "to"}:
        return False  # "dropped to 1.47 m/s" where 1.47 m/s is where it started
    if said.condition and stated.condition and said.condition != stated.condition:
        return False  # the result without a thing given as the result with it
    if said.split and stated.split and said.split != stated.split:
        return False  # the dev score given as the test score
    if (said.end == "at" and stated.change) or (stated.end == "at" and said.change):
        return False  # "cut FPR by 95%" where 95% is the TPR it was measured at
    if said.kind == "ratio" or stated.kind == "ratio" or "range" in (said.hedge, stated.hedge):
        return True
    if said.kind == "count" and not any(
        family(u) in ("metric", "resource") for u in said.units | stated.units
    ):
        return True  # "over 8 rollouts" and "with 8 rollouts": a count of things has no role
    return said.change is None or stated.change is None or said.change == stated.change


def rival_units(said: Quantity, other: Quantity) -> bool:
    if other.kind == "count" and not other.units and (other.date or other.spelled):
        return False  # a year, or "one-step": no rival claim
    return bool(said.units & other.units) or not other.units
