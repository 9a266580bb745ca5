"""Names written in Chinese or Japanese script: does the English source have what they render?

A name in CJK script is one of three things: a known organisation's usual name (谷歌 is
Google, エヌビディア is NVIDIA), a katakana word, or a run of the characters Chinese uses to
spell foreign names (卡利尼, 斯坦福). Each must render a name of the source: the known ones by
their Latin names, the others by sound (katakana through its romanisation, hanzi through
pinyin), compared as consonant skeletons ("enubidia" and "nvidia" are both n-b-d). A glossary
rendering is a name the curator has allowed.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from mlnews.faithful.names import key_of, token_keys
from mlnews.faithful.units import cjk_script
from mlnews.faithful.words import CJK_NAMES, LOANWORDS

_KATAKANA = re.compile(r"[ァ-ヺー]{2,}(?:・[ァ-ヺー]{2,})*")
# The characters Chinese spells foreign names with: three or more in a row are a name.
_SPELLING = (
    "阿埃艾爱安奥巴拜班邦鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁东杜顿多厄恩尔法范菲费芬冯弗福富盖甘戈格古"
    "哈海汉豪赫亨洪胡华霍基吉加贾杰金卡凯坎康考柯科克肯库奎拉莱赖兰朗劳勒雷里利莉林琳隆卢鲁伦罗洛马迈麦曼梅"
    "蒙米敏莫姆穆纳奈南内尼涅宁纽诺欧帕派潘佩彭皮珀普奇齐乔切琼丘萨塞桑瑟森沙尚舍什施史斯索塔泰坦汤唐特提汀"
    "图托瓦万威韦维温沃乌西希谢辛休雅亚扬耶伊因尤约泽扎詹兹祖佐逊娜丽莎玛琪娅"
)
# What follows a name: "ワシントン大学", "卡利尼等人", "ヒントン氏".
_NAMED = re.compile(
    r"\s?の?(?:研究者|研究陣|研究团队|研究院|大学|大學|工科大学|工業大学|科技大学|理工大学|研究所|研究院|実験室|实验室|研究室|研究チーム|社|公司|氏"
    r"|教授|チーム|团队|ら|等人|等)"
)
_SPELLED = re.compile(f"[{_SPELLING}]{{3,}}")
_KANA = dict(
    zip(
        "アイウエオカキクケコガギグゲゴサシスセソザジズゼゾタチツテトダヂヅデドナニヌネノハヒフヘホバビブベボ"
        "パピプペポマミムメモヤユヨラリルレロワヲンァィゥェォャュョヮヴーッ",
        (
            "a i u e o ka ki ku ke ko ga gi gu ge go sa shi su se so za ji zu ze zo "
            "ta chi tsu te to da ji zu de do na ni nu ne no ha hi fu he ho ba bi bu be bo "
            "pa pi pu pe po ma mi mu me mo ya yu yo ra ri ru re ro wa o n a i u e o ya yu yo wa bu - -"
        )
        .replace("-", "")
        .split(" "),
        strict=True,
    )
)


def problems(text: str, source: str, allowed: str) -> list[tuple[str, str]]:
    """(name, what it renders) for each CJK name in `text` that renders nothing of `source`."""
    if not cjk_script(text):
        return []
    found = []
    keys = token_keys(source)
    covered: list[tuple[int, int]] = []
    for match in _KNOWN.finditer(text):
        name, latin = match.group(), CJK_NAMES[match.group()]
        covered.append((match.start(), match.end()))
        if name not in allowed and not any(key_of(word) in keys for word in latin):
            found.append((name, _say(latin)))
    for match in [*_KATAKANA.finditer(text), *_SPELLED.finditer(text)]:
        if any(a <= match.start() < b for a, b in covered) or match.group() in allowed:
            continue
        if _is_kana(match.group().replace("・", "")) and not _NAMED.match(text, match.end()):
            continue  # katakana is most often a loanword: a name only where a name's word follows
        for part in match.group().split("・"):
            # a loanword before a name's word is a name too: メタの研究チーム is Meta's
            named = bool(_NAMED.match(text, match.end()))
            pieces = _pieces(part) if _is_kana(part) else [part]
            unknown = pieces if named and _is_kana(part) else [p for p in pieces if p not in LOANWORDS]
            for piece in unknown:
                heard = _romaji(piece) if _is_kana(piece) else _pinyin(piece)
                sound = _skeleton(heard)
                # two consonants match too many words: a short name is compared with its vowels
                like = _sounds_like(sound, _skeletons(source)) if len(sound) > 2 else _heard_in(heard, source)
                if len(sound) >= 2 and not like:
                    found.append((part, ""))
                    break
    return list(dict.fromkeys(found))


def _pieces(word: str) -> list[str]:
    """A katakana compound cut at the loanwords it starts with: ファインチューニングタスク is
    ファインチューニング + タスク; what no loanword starts is one piece."""
    pieces, rest = [], word
    while rest:
        known = next((rest[:n] for n in range(len(rest), 1, -1) if rest[:n] in LOANWORDS), "")
        if known:
            pieces.append(known)
            rest = rest[len(known) :]
            continue
        ahead = next(
            (
                i
                for i in range(1, len(rest))
                if any(rest[i : i + n] in LOANWORDS for n in range(2, len(rest) - i + 1))
            ),
            len(rest),
        )
        pieces.append(rest[:ahead])
        rest = rest[ahead:]
    return pieces


def _say(latin: tuple[str, ...]) -> str:
    return (
        latin[0].capitalize()
        if latin[0] not in ("mit", "cmu", "ibm", "eth", "cas", "sjtu")
        else latin[0].upper()
    )


@lru_cache(maxsize=256)
def _skeletons(source: str) -> tuple[str, ...]:
    """The consonant skeletons of the source's words, and of each two in a row."""
    words = [w.casefold() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", source)]
    found = {_skeleton(w) for w in words}
    found |= {_skeleton(a + b) for a, b in pairwise(words)}
    return tuple(s for s in found if len(s) >= 2)


def _sounds_like(sound: str, skeletons: tuple[str, ...]) -> bool:
    for other in skeletons:
        if sound == other or (
            len(sound) >= 4 and (other.startswith(sound) or (sound.startswith(other) and len(other) >= 4))
        ):
            return True
        # four consonants leave room for one slip, not for any word with three of them
        close = 0.75 if len(sound) > 4 else 0.85
        if abs(len(other) - len(sound)) <= 2 and SequenceMatcher(None, sound, other).ratio() >= close:
            return True
    return False


def _heard_in(heard: str, source: str) -> bool:
    words = {w.casefold() for w in re.findall(r"[A-Za-z]{3,}", source)}
    return any(SequenceMatcher(None, heard, word).ratio() >= 0.7 for word in words)


def _skeleton(word: str) -> str:
    """Consonants as a Japanese or Chinese speaker would hear them: l is r, v is b, th is s."""
    word = word.casefold()
    for spelled, heard in (
        ("tion", "shon"),
        ("sion", "shon"),
        ("ph", "f"),
        ("th", "s"),
        ("ck", "k"),
        ("qu", "k"),
        ("x", "ks"),
        ("ce", "se"),
        ("ci", "si"),
        ("cy", "si"),
        ("sh", "s"),
        ("ch", "t"),
        ("ts", "t"),
        ("ji", "zi"),
        ("j", "z"),
        ("dz", "z"),
    ):
        word = word.replace(spelled, heard)
    consonants = word.translate(_HEARD)
    return "".join(c for i, c in enumerate(consonants) if i == 0 or c != consonants[i - 1])


# l is r, v is b, c and q are k; vowels, w, y, h and what is no letter are not heard.
_HEARD: dict[int, str | None] = {ord(c): None for c in map(chr, range(0x250)) if not ("a" <= c <= "z")}
_HEARD.update({ord("l"): "r", ord("v"): "b", ord("c"): "k", ord("q"): "k"})
_HEARD.update({ord(c): None for c in "aeiouwyh"})


def _is_kana(word: str) -> bool:
    return all("ァ" <= c <= "ヺ" or c == "ー" for c in word)


def _romaji(word: str) -> str:
    """Hepburn, near enough: チャ is "cha", not "chiya"; a small vowel replaces the one before."""
    out = ""
    for char in word:
        sound = _KANA.get(char, "")
        if char in "ャュョァィゥェォ" and out and out[-1] in "aeiou":
            out = out[:-1] + (sound[-1] if char in "ャュョ" and out[-2:-1] in ("h", "j") else sound)
        else:
            out += sound
    return out


def _pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin  # its dictionary takes a fifth of a second: only for a candidate

    return "".join(lazy_pinyin(word))


# The known names, longest first; a katakana one stands alone (メタ is no Meta in メタデータ).
_KNOWN = re.compile(
    "|".join(
        rf"(?<![ァ-ヺー]){re.escape(name)}(?![ァ-ヺー])" if _is_kana(name) else re.escape(name)
        for name in sorted(CJK_NAMES, key=len, reverse=True)
    )
)
