"""Names in Latin script: which words of a text are names, and does the source have each?

Without a tagger, names are told by their shape: an acronym (BERT, GAN), a word with
capitals or digits inside (DeepMind, GPT-3, ResNet-50), a capitalised word inside a sentence
(Google), or one that opens a sentence and is no ordinary opener ("Google built…", not "Using
…"). A name matches the source on whole tokens, with the usual variants: a plural, hyphens
and case ("Cifar10" is CIFAR-10), `CIFAR-{10, 100}` and `CIFAR-10/100` expanded, a family
named by its member ("ResNet" for ResNet-50), and "DETR-style". "ResNets" is not in a source
that has only "LambdaResNets".
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlnews.faithful.words import ACRONYMS, ORDINARY, ORGANISATIONS

# A run of letters, digits, and inner hyphens or dots: "GPT-3", "ResNet-50", "Llama-2-7B".
# A dot joins only when a digit or a small letter follows ("H.264", "Node.js"): in
# "stability.They" it ends a sentence whose space was lost.
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+|\.(?=[a-z0-9])[A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"(?:[.!?:。！？：]|\s[-–—])\s*$|^\s*$")
_VERSION = re.compile(
    r"[a-z]?\d+(?:\.\d+)?[a-z]?|\+\+|x*l|plus|pro|large|base|small|tiny|lite|mini|\d+[a-z]\d*"
)
_BRACES = re.compile(r"([A-Za-z][A-Za-z0-9]*)-\{([^{}]{1,40})\}")
_SLASHED = re.compile(r"\b([A-Za-z][A-Za-z0-9]*-?)(\d+)((?:/\d+)+)\b")
# Words that make a name into a description of something like it: "DETR-style".
_GENERIC = (
    "style",
    "like",
    "based",
    "type",
    "inspired",
    "powered",
    "free",
    "only",
    "level",
    "scale",
    "sized",
    "size",
    "driven",
    "guided",
    "aware",
    "pretrained",
    "specific",
    "family",
    "series",
)


def names(text: str) -> list[tuple[str, int]]:
    """The words of `text` shaped like names, with where each starts."""
    titled = _title_case(text)
    found = []
    for match in TOKEN.finditer(text):
        word = match.group()
        before = text[: match.start()]
        opens = (
            titled
            or bool(_SENTENCE_END.search(before))
            or before.endswith(("\n", "“", '"', "(", "‘", "'", "*", "#"))
        )
        if is_name(word, opens):
            found.append((word, match.start()))
    return found


def is_name(word: str, opens_sentence: bool) -> bool:
    inner_capital = any(c.isupper() for c in word[1:])
    has_digit = any(c.isdigit() for c in word)
    if (inner_capital and not word[1:].islower()) or (has_digit and word[0].isupper()):
        return word not in ("AI", "ML", "I", "II", "III", "US", "OK", "TV", "PhD")  # BERT, DeepMind, GPT-3
    if not word[0].isupper() or len(word) < 2:
        return False
    base = word.casefold()
    if base in ORDINARY or base.removesuffix("s") in ORDINARY:
        return base.removesuffix("'s") in ORGANISATIONS
    if opens_sentence:
        return base in ORGANISATIONS or not (_ordinary_shape(base) or _ordinary_shape(base.removesuffix("s")))
    return True


def _ordinary_shape(word: str) -> bool:
    """An English word by its ending: what opens a sentence and is no name ("Trained", "Results")."""
    return bool(
        re.search(
            r"(?:ing|ed|ly|ers|ies|tion|tions|ment|ments|ity|ness|ive|ous|able|ible|ful|less|ize|ise|"
            r"izes|ises|ized|ised|ical|ally|ence|ance|ship|ism|ists?|ics|ure|ures|ates?|ors)$",
            word,
        )
    )


def missing(name: str, source: str, text: str = "") -> str | None:
    """None if the source has `name`; else the source's longer name that holds it, or ""."""
    keys = source_keys(source)
    for key in variants(name):
        if key in keys:
            return _qualified(name, source, text)
    head, *rest = name.split("-")
    if rest and all(part.islower() for part in rest) and key_of(head) in keys:
        return None  # "RGB-multispectral": a name the source has, and plain words
    spelled = ACRONYMS.get(key_of(name)) or ACRONYMS.get(_singular(key_of(name)))
    if spelled and re.search(spelled, source, re.IGNORECASE):
        return None  # "RL" where the source says "reinforcement learning"
    whole = key_of(name)
    if len(whole) < 3 or whole not in _joined_keys(source):
        return ""
    for key in keys:
        if whole in key and key != whole:
            if _written_apart(source, whole, text):
                return None  # "TUM Mono" for the source's "TUM-Mono"
            if key.startswith(whole) and _VERSION.fullmatch(key[len(whole) :]):
                return None  # "StyleGAN" for StyleGAN2: the family named by its version
            return _longer(source, whole)
    return ""


@lru_cache(maxsize=256)
def _joined_keys(source: str) -> str:
    """The source's keys in one string: a name inside none of them is looked for once."""
    return "\n".join(source_keys(source))


def _qualified(name: str, source: str, text: str) -> str | None:
    """ "WaveGAN" where the source only ever says "Parallel WaveGAN": the longer name, else None.
    Only for names by shape (WaveGAN, BERT); "Transformer" of "Vision Transformer" is a word."""
    if not any(c.isupper() for c in name[1:]) or not text:
        return None
    before = [m for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", source)]
    # "with a Parallel WaveGAN vocoder": a head word inside running text, not a Title Case title
    words = [
        re.search(r"(?<![A-Za-z])[a-z]+ ([A-Z][a-z]+) $", source[max(0, m.start() - 30) : m.start()])
        for m in before
    ]
    if not before or not all(words):
        return None
    heads = {w.group(1) for w in words if w}
    if len(heads) != 1:
        return None
    head = heads.pop()
    if (
        head.casefold() in ORDINARY
        or head.casefold() in ORGANISATIONS
        or f"{head} {name}".casefold() in text.casefold()
    ):
        return None
    return f"{head} {name}"


def _written_apart(source: str, key: str, text: str) -> bool:
    """The text writes with a space what the source joins with a hyphen ("TUM Mono")."""
    folded = text.casefold()
    return any(
        key in key_of(token) and token.replace("-", " ").casefold() in folded
        for token in TOKEN.findall(source)
        if "-" in token
    )


def joined(text: str, source: str) -> str:
    """ "StyleGAN 2" written as the source's "StyleGAN2": one name, not a name and a number."""
    keys = token_keys(source)  # one word there, not two

    def join(match: re.Match[str]) -> str:
        together = match.group(1) + match.group(2)
        return together if key_of(together) in keys else match.group(0)

    text = re.sub(r"\b([A-Za-z][A-Za-z0-9-]*[A-Za-z]) (\d+)\b", join, text)
    # "Wide ResNet" for the source's "WideResNet"
    return re.sub(r"\b([A-Z][A-Za-z0-9]*) ([A-Z][A-Za-z0-9-]*)\b", join, text)


def variants(name: str) -> list[str]:
    """The keys `name` may match: itself, its singular, and without a generic suffix."""
    found = [key_of(name)]
    parts = name.split("-")
    if len(parts) > 1 and parts[-1].casefold() in _GENERIC:
        found.append(key_of("-".join(parts[:-1])))
    singular = [_singular(k) for k in found]
    return [*found, *singular]


_JOINERS = str.maketrans("", "", "-._'")


def key_of(word: str) -> str:
    return word.casefold().translate(_JOINERS)


def _singular(key: str) -> str:
    for ending, replacement in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if key.endswith(ending) and len(key) > len(ending) + 1:
            return key[: -len(ending)] + replacement
    return key


@lru_cache(maxsize=256)
def token_keys(source: str) -> frozenset[str]:
    """The keys of the source's words, as written."""
    return frozenset(key_of(token) for token in TOKEN.findall(source))


@lru_cache(maxsize=256)
def source_keys(source: str) -> frozenset[str]:
    """Every key a name in the source may be written as: tokens, their parts, expansions."""
    text = _BRACES.sub(
        lambda m: " ".join(f"{m.group(1)}-{part.strip()}" for part in m.group(2).split(",")), source
    )
    text = _SLASHED.sub(
        lambda m: " ".join(m.group(1) + n for n in [m.group(2), *m.group(3).split("/")[1:]]), text
    )
    keys: set[str] = set()
    tokens = TOKEN.findall(text)
    for i, token in enumerate(tokens):
        key = key_of(token)
        keys.update((key, _singular(key)))
        parts = token.split("-")
        for n in range(1, len(parts)):
            # "ResNet" of ResNet-50, "DETR" of DETR-style; not "AdaIN" of AdaIN-VC
            head, rest = key_of("-".join(parts[:n])), key_of("-".join(parts[n:]))
            plain = "-".join(parts[n:])
            if _VERSION.fullmatch(rest) or plain.islower() or not token[0].isupper():
                keys.update((head, _singular(head)))
        if i + 1 < len(tokens):
            keys.add(key + key_of(tokens[i + 1]))  # "Vision Transformer" -> "visiontransformer"
        if i + 2 < len(tokens):
            keys.add(key + key_of(tokens[i + 1]) + key_of(tokens[i + 2]))  # "DeepSeek V2 Lite"
    # "Youtube 8M", "Llama 2": a name and its number apart, as YouTube-8M or Llama-2 in the text
    keys.update(
        key_of(a + b) for a, b in re.findall(r"\b([A-Za-z][A-Za-z0-9-]*) (\d+(?:\.\d+)*[A-Za-z]*)\b", text)
    )  # "Qwen 3.5" as Qwen3.5
    return frozenset(k for k in keys if k)


def _longer(source: str, key: str) -> str:
    for token in TOKEN.findall(source):
        if key in key_of(token):
            return str(token)
    return ""


def _title_case(text: str) -> bool:
    """A headline in Title Case: its capitals say nothing about names."""
    words = [w for w in re.findall(r"[A-Za-z][a-z]{3,}", text)]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.6
