"""The faithfulness check: claims, not tokens, in English, Chinese and Japanese.

Each rule on a small source written here, then the labelled set (`tests/faithful_cases`:
texts about real abstracts of the shared data, written by hand) as `bench/faithful.py`
reads it: the check must keep its precision and not lose recall.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from mlnews import faithful

CASES = Path(__file__).parent / "faithful_cases"
MOBILE = (
    "MicroNet-M1 achieves 61.1% top-1 accuracy on ImageNet with 12 MFLOPs, outperforming "
    "MobileNetV3 by 11.3%. Training takes 30 epochs."
)


def problems(text: str, source: str, allowed: tuple[str, ...] = ()) -> list[str]:
    return [str(p) for p in faithful.check(text, source, allowed)]


@pytest.mark.parametrize(
    "text",
    [
        "MicroNet-M1 beats MobileNetV3 by 61.1%.",  # the accuracy as the margin
        "MicroNet-M1 reaches 61.1% top-5 accuracy.",  # top-1 made top-5
        "MicroNet-M1 needs only 12 GFLOPs.",  # MFLOPs made GFLOPs
        "Training takes 30 hours.",  # epochs made hours
        "MicroNet-M1 reaches 61.1% accuracy with 15 MFLOPs.",  # a number invented
    ],
)
def test_a_number_passes_only_where_the_source_states_it_for_the_same_thing(text: str) -> None:
    assert problems(text, MOBILE)


@pytest.mark.parametrize(
    "text",
    [
        "MicroNet-M1 reaches 61.1% top-1 accuracy on ImageNet using 12 MFLOPs.",
        "It is 11.3% better than MobileNetV3.",
        "It trains for thirty epochs.",
        "MicroNet-M1 在 ImageNet 上以 12 MFLOPs 取得 61.1% 的 top-1 准确率，比 MobileNetV3 高 11.3%。",
        "MicroNet-M1 は ImageNet で top-1 精度 ６１．１％ を達成。",  # full-width digits
    ],
)
def test_a_faithful_paraphrase_or_translation_passes(text: str) -> None:
    assert problems(text, MOBILE) == []


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # paired with another's result: 61.1% goes with 12 MFLOPs, not with 6
        (
            "MicroNet-M1 reaches 61.1% top-1 accuracy with 6 MFLOPs.",
            "At 6 MFLOPs models degrade. MicroNet-M1 achieves 61.1% top-1 accuracy with 12 MFLOPs.",
        ),
        # a list read respectively: 3.9 ms goes with 71.0%
        (
            "It runs in 3.9 ms with 78.2% top-1 accuracy.",
            "Models take 6.7 ms, 5.9 ms and 3.9 ms with 78.2%, 76.5% and 71.0% top-1 accuracy, respectively.",
        ),
        # where a change starts given as where it ends
        ("The scatter drops to 1.47 m/s.", "The scatter improves from 1.47 m/s to 0.78 m/s."),
        # a name the source ties to another number
        (
            "Directional graph networks cut relative error by 8% on the molecular ZINC dataset.",
            "We see a relative error reduction of 8% on the CIFAR10 graph dataset and 11% to 32% on the "
            "molecular ZINC dataset.",
        ),
    ],
)
def test_a_number_moved_to_another_claim_is_caught(text: str, source: str) -> None:
    assert any("belongs to another claim" in p for p in problems(text, source)), problems(text, source)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("It is ten times faster.", "It is an order of magnitude faster."),
        ("It is 1,000 times cheaper.", "It is three orders of magnitude cheaper."),
        ("It needs a tenth of the bandwidth.", "It cuts the bandwidth by 90%."),
        ("带宽只需十分之一。", "It needs one-tenth of the bandwidth."),
        ("帯域幅は十分の一で済む。", "It needs one-tenth of the bandwidth."),
        ("百分之四十的参数被剪掉。", "40% of the parameters are pruned."),
        ("It reaches 1.5 to 3.0 AP more.", "It gains $1.5\\sim3.0$ AP."),
    ],
)
def test_numbers_in_words_fractions_magnitudes_and_cjk_numerals_are_read(text: str, source: str) -> None:
    assert problems(text, source) == []


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("It is a hundred times faster.", "It is 10x faster."),
        ("It needs one-hundredth of the bandwidth.", "It needs a tenth of the bandwidth."),
        ("带宽只需百分之一。", "It needs one-tenth of the bandwidth."),
        ("It is 4.5% faster.", "It is 4.5x faster."),
    ],
)
def test_a_wrong_number_in_words_or_another_kind_is_caught(text: str, source: str) -> None:
    assert problems(text, source)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Results on CIFAR-10 and CIFAR-100.", "Results on CIFAR-{10, 100}."),
        ("Results on CIFAR-10.", "Results on Cifar10."),
        ("A DETR-style detector.", "A detector like DETR."),
        ("ResNets are the baseline.", "The ResNet baseline."),
        ("Google Brain reports it.", "Researchers at Google Brain report it."),
        ("StyleGAN 2 is the generator.", "StyleGAN2 is the generator."),
    ],
)
def test_names_match_with_their_usual_variants(text: str, source: str) -> None:
    assert problems(text, source) == []


def test_a_name_hidden_in_a_longer_one_or_opening_a_sentence_is_caught() -> None:
    assert problems("ResNets are beaten.", "LambdaResNets beat EfficientNets.") == [
        'the name "ResNets" is only part of a longer name in the source; the source says "LambdaResNets"'
    ]
    assert problems("Google built it. It works.", "The authors built it. It works.") == [
        'the name "Google" is not in the source'
    ]
    assert problems("Using it helps. Results improve.", "Using it helps; results improve.") == []


@pytest.mark.parametrize(
    ("text", "source", "found"),
    [
        (
            "谷歌提出了这个方法。",
            "The authors propose the method.",
            'the name "谷歌 (Google)" is not in the source',
        ),
        (
            "エヌビディアのGPUで動く。",
            "It runs on a GPU.",
            'the name "エヌビディア (Nvidia)" is not in the source',
        ),
        ("卡利尼等人提出攻击。", "An attack on InstaHide.", 'the name "卡利尼" is not in the source'),
    ],
)
def test_a_name_in_cjk_script_must_render_a_name_of_the_source(text: str, source: str, found: str) -> None:
    assert problems(text, source) == [found]


def test_a_cjk_name_the_source_or_the_glossary_has_passes() -> None:
    assert problems("谷歌提出了这个方法。", "Google proposes the method.") == []
    assert problems("グーグルの研究。", "A study by Google.") == []
    assert problems("斯坦福的研究。", "A study.", ("斯坦福",)) == []
    assert problems("メタデータを収集する。", "It collects metadata.") == []  # メタ of メタデータ is no Meta


@pytest.mark.parametrize(
    ("text", "source", "found"),
    [
        (
            "It is the best on all benchmarks.",
            "It is competitive on most benchmarks.",
            '"on all" claims more than the source; the source says "It is competitive on most benchmarks."',
        ),
        (
            "It is 10x faster.",
            "It is up to 10x faster.",
            '"10x" drops the source\'s bound; the source says "It is up to 10x faster"',
        ),
        (
            "It outperforms SGD.",
            "It is comparable to SGD in accuracy.",
            '"outperforms SGD" claims more than the source; '
            'the source says "It is comparable to SGD in accuracy."',
        ),
        (
            "它在所有数据集上都最好。",
            "It does well on several datasets.",
            '"所有" claims more than the source',
        ),
    ],
)
def test_a_claim_wider_than_the_source_is_flagged_with_the_source_words(
    text: str, source: str, found: str
) -> None:
    assert any(p.startswith(found) for p in problems(text, source)), problems(text, source)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # a count in words of three or more is a claim; a CJK count of years too
        ("FORCE11 lists seven best practices.", "FORCE11 lists nine best practices for registries."),
        (
            "MIMIC-III 的四项任务在过去十年间没有进展。",
            "Four tasks saw little progress over a 3 year period.",
        ),
        ("UNIX 仅用一半的计算成本。", "UNIX uses only 79% of the computation cost."),
        ("It uses a third less memory.", "It uses 50% less memory."),
        ("Its roots are about a century old.", "Its roots are over 200 years old."),
        # a unit beside a number that counts another thing in the source
        ("Hypersim spans 461 object categories.", "Hypersim has 461 indoor scenes."),
        ("They store 80 exabytes.", "They store 80 Zettabytes."),
        (
            "It reaches a signal-to-noise ratio of 6.01 dB.",
            "It reaches a signal to distortion ratio of 6.01 dB.",
        ),
        (
            "Performers need O(1) time.",
            "A Performer consumes only $O(1)$ memory and still requires $O(L)$ time.",
        ),
        ("Results go up to 1024x1024.", "Results at 32x32, 64x64 and 512x512."),
        ("9人の学生が参加した。", "The report is by 9 teams of students."),
        ("商汤提出了 GLEAN。", "We propose GLEAN."),
    ],
)
def test_counts_units_and_organisations_the_source_does_not_state_are_caught(text: str, source: str) -> None:
    assert problems(text, source)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("It uses a third less memory.", "It uses 33% less memory."),
        ("Two decades of neural-symbolic computing.", "Insights from 20 years of neural-symbolic computing."),
        ("It needs O(1) memory.", "A Performer consumes only $O(1)$ memory during training."),
        ("It models x86 basic blocks.", "It models x86 basic block simulators."),
        ("D²-GMBC walks on rough terrain.", "D$^2$-GMBC walks on rough terrain."),
        ("It matches or exceeds the best methods.", "DefTet matches or exceeds the best methods."),
        ("The field has not been fully explored.", "The challenges have not been identified."),
        ("It works without relying on any annotated data.", "It is self-supervised."),
    ],
)
def test_equal_claims_written_otherwise_pass(text: str, source: str) -> None:
    assert problems(text, source) == []


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # "respectively" over a list of plain words: 68% is the nonlinear models'
        (
            "Linear models reach 68% accuracy.",
            "Linear, nonlinear, and convolutional models attain 32, 68, and 94% accuracy respectively.",
        ),
        # a number stated at another: 33% is at 40% penetration, not at 5%
        (
            "At only 5% penetration, throughput rises by 33%.",
            "Throughput improves from 20% at a 5% penetration rate to 33% at a 40% penetration rate.",
        ),
        # the highest of a list is another
        (
            "Its highest MOS is 4.21.",
            "It achieves MOS of 4.20, 4.18, 4.21, and 4.31 for four speakers, respectively.",
        ),
        # the dev score given as the test score
        ("BRIDGE reaches 71.1% on the Spider test set.", "BRIDGE attains Spider (71.1% dev, 67.5% test)."),
        # the old bound given as the new one
        (
            "The bound goes down to ω < 2.37287.",
            "We show ω < 2.37286. The best bound until now is \\omega<2.37287 [Le Gall'14].",
        ),
        # a Chinese or Japanese clause's name, which the source ties to another number
        (
            "CompGuessWhat?!のゼロショット設定で精度を12.86%向上させた。",
            "It improves accuracy by 8.26% on CompGuessWhat?! zero-shot. "
            "Guesser improves by 12.86% on GuessWhat?!.",
        ),
    ],
)
def test_a_number_moved_by_its_list_partner_rank_split_or_bound_is_caught(text: str, source: str) -> None:
    assert any("belongs to another claim" in p for p in problems(text, source)), problems(text, source)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Exhaustive labelling is unnecessary.", "Exhaustive labelling might be unnecessary."),
        (
            "The system solves the coordination problem.",
            "Our new system could solve the coordination problem.",
        ),
        (
            "It matches a state-of-the-art TTS system in quality.",
            "Its quality approaches a state-of-the-art TTS system.",
        ),
        ("It predicts localization across all tasks.", "It correlates for some but not all tasks."),
        ("Mossad evades any plagiarism detector.", "Mossad defeats four plagiarism detectors."),
        ("DefTet exceeds the fastest methods.", "DefTet matches or exceeds the fastest methods."),
    ],
)
def test_a_dropped_hedge_or_widened_scope_is_flagged(text: str, source: str) -> None:
    assert problems(text, source)


def test_a_negated_scope_word_is_no_claim() -> None:
    assert problems("Parsers do not always respect it.", "Parsers often break the rule.") == []


def _bench() -> ModuleType:
    return _module("faithful_bench", "faithful.py")


def _module(name: str, file: str) -> ModuleType:
    """A script of bench/, imported: the tests read the labelled set and the abstracts as it does."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[1] / "bench" / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_labelled_set_is_large_and_covers_every_category() -> None:
    bench = _bench()
    cases = [c for path in CASES.glob("*.jsonl") for c in bench.read_cases(path)]
    assert len(cases) >= 150
    assert {c["lang"] for c in cases} == {"en", "zh", "ja"}
    unfaithful = {c["category"] for c in cases if not c["faithful"]}
    assert unfaithful >= {
        "number-invented", "number-moved", "number-words", "unit", "name-invented",
        "name-inside", "name-sentence-start", "name-cjk", "scope",
    }  # fmt: skip
    assert {c["category"] for c in cases if c["faithful"]} >= {
        "paraphrase",
        "number-forms",
        "name-variants",
        "translation",
    }


def test_on_the_labelled_set_the_check_is_precise_and_catches_most(shared_data: Path) -> None:
    bench = _bench()
    cases = bench.load(CASES, shared_data)
    overall, by_category, _ = bench.score(cases)
    # Floors under what bench/faithful.py measures (precision .99, recall .92 on 666 cases when
    # written): a change that loses either fails here; the goals themselves are the bench's.
    assert overall.precision >= 0.97
    assert overall.recall >= 0.89
    for name, score in by_category.items():
        assert score.faithful == 0 or score.flagged_faithful / score.faithful <= 0.1, name


def test_sentences_copied_from_real_abstracts_are_never_flagged(shared_data: Path) -> None:
    """The offline drafter copies the abstract's sentences: a flag on one is a false alarm."""
    drafts = _module("drafts_bench", "drafts.py")
    items = drafts.real_items(shared_data)[::5]  # a fifth of the 782: every kind of abstract, quickly
    from mlnews.compose.drafting import source_for
    from mlnews.compose.examples import Examples
    from mlnews.summarise.extractive import ExtractiveSummariser

    drafter = ExtractiveSummariser()
    flagged = []
    for item in items:
        source = source_for(item, Examples([]))  # as compose gives it
        draft = drafter.draft(source)
        for text in (draft.headline, draft.summary, draft.post):
            flagged += [(item.key, str(p)) for p in faithful.check(text, source.whole)]
    assert len(items) > 100 and flagged == []
