"""How well the readers split the layout samples: per sample, the share of expected turns read
exactly right (speaker and whitespace-normalised text), also after merging each speaker's
consecutive turns on both sides (caption cues and segments of one speaker are one turn in
qualcode), and the turns with a timestamp left in their text.

    python tests/layouts/evaluate.py [SLUG ...]
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.read import UNKNOWN_SPEAKER, read_transcript

HERE = Path(__file__).resolve().parent
TIME_IN_TEXT = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|#\d|¤<")


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def merged(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for speaker, text in turns:
        if result and result[-1][0] == speaker:
            result[-1] = (speaker, f"{result[-1][1]} {text}")
        else:
            result.append((speaker, text))
    return result


def share(expected: list[tuple[str, str]], read: list[tuple[str, str]]) -> float:
    matcher = difflib.SequenceMatcher(a=expected, b=read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)


def evaluate(folder: Path) -> dict:
    expected_file = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    sample = folder / expected_file["file"]
    expected = [
        (turn["speaker"] or UNKNOWN_SPEAKER, normal(turn["text"]))
        for turn in expected_file["turns"]
    ]
    try:
        parsed = read_transcript(sample)
    except QualcodeError as error:
        return {"slug": folder.name, "error": str(error), "exact": 0.0, "merged": 0.0}
    read = [(turn.speaker, normal(parsed.turn_text(turn))) for turn in parsed.turns]
    expected_times = sum(bool(TIME_IN_TEXT.search(text)) for _, text in expected)
    return {
        "slug": folder.name,
        "layout": parsed.layout,
        "expected": len(expected),
        "read": len(read),
        "exact": share(expected, read),
        "merged": share(merged(expected), merged(read)),
        "times_in_text": sum(bool(TIME_IN_TEXT.search(text)) for _, text in read) - expected_times,
        "read_turns": read,
        "expected_turns": expected,
    }


def main(slugs: list[str]) -> None:
    folders = sorted(p for p in HERE.iterdir() if (p / "expected.json").exists())
    results = [evaluate(f) for f in folders if not slugs or f.name in slugs]
    good = 0
    for r in results:
        ok = max(r["exact"], r["merged"]) >= 0.9 and not r.get("times_in_text")
        good += ok
        line = r.get("error") or (
            f"{r['layout'] or '-':15} read {r['read']:3} of {r['expected']:3}  exact "
            f"{r['exact']:.2f}  merged {r['merged']:.2f}  times left {r['times_in_text']}"
        )
        print(f"{'ok ' if ok else 'BAD'} {r['slug']:24} {line}")
    print(f"{good} of {len(results)} layouts read with >= 90 % of turns right")
    if slugs and len(results) == 1 and "read_turns" in results[0]:
        r = results[0]
        for a, b in zip(r["expected_turns"], r["read_turns"], strict=False):
            mark = "  " if a == b else "!!"
            print(f"{mark} E {a[0]!r}: {a[1][:90]!r}\n{mark} R {b[0]!r}: {b[1][:90]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
