"""Units and what they count, in English, Chinese and Japanese: "61.1% top-1 accuracy",
"600M FLOPs", "12 ms", 小时, エポック. Two mentions of one number say the same thing only
where their units agree."""

from __future__ import annotations

import re

_PREFIXES = "kilo|mega|giga|tera|peta|exa|zetta"
# Units, by family: two mentions of a number conflict when they name different units of one
# family (MFLOPs/GFLOPs are one unit at another scale, read into the value).
_UNITS: dict[str, tuple[str, str]] = {
    "flops": (
        "compute",
        r"[kmgtp]?flops?|[kmgt]?macs|mult-adds|multiply-adds|operations|computation|compute|演算|运算量|计算量|計算量",
    ),
    "top-1": ("topk", r"top-?1|トップ1"),
    "ap50": ("metric", r"ap50|ap@0?\.5|ap_?\{?50\}?"),
    "ap75": ("metric", r"ap75|ap_?\{?75\}?"),
    "ns": ("time", r"nanoseconds?|纳秒|ナノ秒"),
    "us": ("time", r"µs|μs|microseconds?|微秒|マイクロ秒"),
    "top-5": ("topk", r"top-?5|トップ5"),
    "ms": ("time", r"milliseconds?|毫秒|ミリ秒"),
    "seconds": ("time", r"secs?|seconds?|秒"),
    "minutes": ("time", r"minutes?|分钟|分間"),
    "hours": ("time", r"hrs?|hours?|小时|小時|時間"),
    "days": ("time", r"days?|天|日間"),
    "weeks": ("time", r"weeks?|周|週間"),
    "months": ("time", r"months?|个月|ヶ月|か月"),
    "years": ("time", r"years?|decades?|centur(?:y|ies)|年"),
    "epochs": ("time", r"epochs?|轮|エポック"),
    "steps": ("time", r"steps?|iterations?|步|迭代|ステップ|反復"),
    "parameters": ("count", r"params?|parameters|parameter (?:count|budget)|参数|パラメータ|パラメーター"),
    "tokens": ("count", r"tokens|词元|トークン"),
    "images": ("count", r"images|photos|pictures|图像|图片|画像|枚|张|張"),
    "videos": ("count", r"videos|clips|视频|動画|ビデオ"),
    "examples": ("count", r"examples|samples|instances|样本|サンプル|例"),
    "languages": ("count", r"languages|语言|言語"),
    "datasets": ("count", r"datasets|benchmarks|数据集|基准|データセット|ベンチマーク"),
    "tasks": ("count", r"tasks|任务|タスク"),
    "layers": ("count", r"layers|层|層|レイヤー"),
    "stages": ("count", r"stages?|段階|阶段"),
    "gpus": ("count", r"gpus|tpus|显卡|GPU"),
    "words": ("count", r"words|词|単語"),
    "sentences": ("count", r"sentences|句子"),
    "requests": ("count", r"requests|queries|请求|查询|リクエスト|クエリ"),
    "models": (
        "count",
        r"models|architectures|classifiers|networks|模型|架构|分类器|モデル|アーキテクチャ|分類器",
    ),
    "classes": ("count", r"classes|categories|类别|クラス|カテゴリ"),
    "frames": ("count", r"frames|帧|フレーム"),
    "users": (
        "count",
        r"users|participants|people|persons|subjects|speakers|annotators|raters|workers|crowdworkers|students"
        r"|respondents|volunteers|patients|players|用户|参与者|受试者|说话人|学生|患者|ユーザー|参加者|話者|人",
    ),
    "countries": ("count", r"countries|国家|カ国|か国"),
    "bytes": ("size", rf"[kmgtpez]?b|(?:[kmgtpez]|{_PREFIXES})?bytes?|字节|バイト"),
    "bits": ("size", rf"[kmg]?bits?|(?:{_PREFIXES})bits?|比特|ビット"),
    "pixels": ("size", r"pixels|[km]?p|像素|画素|ピクセル"),
    "accuracy": ("metric", r"accuracy|准确率|准确度|精度|正解率|正答率|正確度"),
    "error": ("metric", r"error(?: rate)?|错误率|误差|エラー率|誤差"),
    "bleu": ("metric", r"bleu"),
    "fid": ("metric", r"fid"),
    "map": ("metric", r"m?ap|average precision|box ap|mask ap"),
    "miou": ("metric", r"m?iou"),
    "f1": ("metric", r"f1"),
    "psnr": ("metric", r"psnr"),
    "decibels": ("level", r"db|decibels?|分贝|デシベル"),
    "snr": ("metric", r"si-snr|snr|signal[- ]to[- ]noise(?: ratio)?"),
    "sdr": ("metric", r"si-sdr|sdr|signal[- ]to[- ]distortion(?: ratio)?"),
    "pq": ("metric", r"v?pq"),
    "wer": ("metric", r"wer"),
    "perplexity": ("metric", r"perplexity|困惑度"),
    "success": ("metric", r"success(?: rate)?|成功率"),
    "win": ("metric", r"win(?: rate)?|胜率|勝率"),
    "performance": ("metric", r"performance|性能"),
    "speed": (
        "resource",
        r"faster|slower|speed(?:-?up)?s?|fps|frames per second|latency|runtime|throughput"
        r"|速度|加速|快|慢|延迟|高速|遅延|レイテンシ|実行時間|运行时间|運行時間",
    ),
    "memory": ("resource", r"memory|ram|vram|内存|显存|メモリ"),
    "bandwidth": ("resource", r"bandwidth|bitrate|带宽|帯域"),
    "energy": ("resource", r"energy|power|能耗|功耗|电力|エネルギー|電力"),
    "cost": ("resource", r"cost|cheaper|price|成本|费用|コスト"),
    "size": ("resource", r"smaller|larger|size|model size|体积|规模|大小|サイズ|規模"),
}
UNIT_PATTERNS = [
    (name, family, re.compile(rf"(?<![a-z0-9-])(?:{pattern})(?![a-z0-9])"))
    for name, (family, pattern) in _UNITS.items()
]

# Units written as a letter or two, only right after the number: "65 ns", "2h", "5 ms".
_SHORT = re.compile(r"\s?(ms|ns|us|µs|s|h|min)(?![A-Za-z0-9])")
_SHORT_UNITS = {
    "ms": "ms",
    "ns": "ns",
    "us": "us",
    "µs": "us",
    "s": "seconds",
    "h": "hours",
    "min": "minutes",
}
_UNIT_SCALE = {
    "k": 1e3,
    "m": 1e6,
    "g": 1e9,
    "t": 1e12,
    "p": 1e15,
    "e": 1e18,
    "z": 1e21,
    "kilo": 1e3,
    "mega": 1e6,
    "giga": 1e9,
    "tera": 1e12,
    "peta": 1e15,
    "exa": 1e18,
    "zetta": 1e21,
}


def units_of(after: str, words: str, before: str) -> tuple[frozenset[str], float]:
    """The unit words nearest a number (after it, else before; in CJK the nearest either
    side), and the scale a unit's prefix gives ("GFLOPs": 1e9)."""
    cjk = cjk_script(words + before[-3:] + after[:3])
    short = _SHORT.match(after)
    ahead = _found(f"{words} {after}", len(words) + 1)
    if short:  # "65 ns", "400-500 ms/step": the letters, and what else the words after name
        ahead = [(0, _SHORT_UNITS[short.group(1)], 1.0, 2), *(u for u in ahead if u[0] > len(short.group()))]
    behind = _found(before, 0)
    if cjk:
        # the counter right after the number, else the nearest unit either side; of units at
        # one place the longest (词元 "tokens", not 词 "words")
        close = [u for u in ahead if u[0] <= 2] or sorted(
            [*ahead, *((len(before) - p, n, s, w) for p, n, s, w in behind)]
        )
        chosen = sorted((u for u in close if u[0] == close[0][0]), key=lambda u: -u[3])[:1] if close else []
    else:
        chosen = ahead or behind
        if chosen and {n for _p, n, _s, _w in chosen} == {"decibels"}:
            chosen = chosen + behind  # "an SNR of 6.01 dB": a decibel is of what the words before say
    scale = next((s for _p, _n, s, _w in chosen if s != 1.0), 1.0)
    return frozenset(n for _p, n, _s, _w in chosen), scale


def _found(context: str, offset: int) -> list[tuple[int, str, float, int]]:
    """(where, unit, scale) of each unit named in `context`: its start counted from `offset`,
    or its end when `offset` is 0 (a unit before the number)."""
    found: list[tuple[int, str, float, int]] = []
    if not _ANY_UNIT.search(context):
        return found  # most words around a number name no unit: one search, not seventy
    for name, _family, pattern in UNIT_PATTERNS:
        match = pattern.search(context)
        if match:
            word = match.group()
            scale = _scale(name, word)
            found.append((max(0, match.start() - offset) if offset else match.end(), name, scale, len(word)))
    return found


def nouns_units(noun: str) -> frozenset[str]:
    """The units a counted noun is ("image" -> images), none for a noun that is no unit."""
    return frozenset(
        name
        for name, _f, pattern in UNIT_PATTERNS
        if pattern.fullmatch(noun) or pattern.fullmatch(f"{noun}s")
    )


def _scale(name: str, word: str) -> float:
    """ "GFLOPs" 1e9, "80 Zettabytes" 1e21: the prefix of a unit read into its value."""
    if name == "flops" and word[1:] in ("flops", "flop", "macs"):
        return _UNIT_SCALE.get(word[0], 1.0)
    if name in ("bytes", "bits"):
        prefix = re.match(rf"(?:{_PREFIXES})(?=b)|[kmgtpez](?=b)", word)
        return _UNIT_SCALE.get(prefix.group(), 1.0) if prefix else 1.0
    return 1.0


_ANY_UNIT = re.compile("|".join(f"(?:{pattern.pattern})" for _name, _family, pattern in UNIT_PATTERNS))


def is_unit(word: str) -> bool:
    """ "fps", "GPUs", 精度: a word that names a unit (compared as one, never as a name)."""
    return bool(_ANY_UNIT.fullmatch(word.casefold()))


def family(unit: str) -> str:
    return _UNITS[unit][0]


def cjk_script(text: str) -> bool:
    """Any kana or hanzi in it: a number's words are Chinese or Japanese."""
    return bool(_CJK.search(text))


_CJK = re.compile("[\u3040-\u9fff]")
