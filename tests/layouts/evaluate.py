"""How well the readers split the layout samples: per sample, the share of expected turns read
exactly right (speaker and whitespace-normalised text), also after merging each speaker's
consecutive turns on both sides (caption cues and segments of one speaker are one turn in
qualcode), the share of those right turns with the right timestamp (compared in seconds:
``00:01:05.250``, ``65.25`` and TSV's ``65250`` are one time), and the turns with a timestamp
left in their text.

    python tests/layouts/evaluate.py [FOLDER] [SLUG ...]

FOLDER: another folder of samples (tests/layouts-heldout: samples written apart from the
readers, that they were not fitted to).
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
MILLISECONDS = ("whisper-tsv", "transana-txt")  # layouts whose times are in milliseconds


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seconds(stamp: str | None, milliseconds: bool) -> float | str | None:
    """A timestamp as seconds (f4's tenth after the dash left out), or as it is."""
    if stamp is None:
        return None
    if milliseconds and stamp.isdigit():
        return int(stamp) / 1000
    value = 0.0
    try:
        for part in re.sub(r"-\d$", "", stamp.strip()).replace(",", ".").split(":"):
            value = value * 60 + float(part)
    except ValueError:
        return stamp
    return round(value, 2)


def merged(turns: list[tuple]) -> list[tuple]:
    """Each speaker's consecutive turns as one, with the first one's time."""
    result: list[tuple] = []
    for speaker, text, stamp in turns:
        if result and result[-1][0] == speaker:
            result[-1] = (speaker, f"{result[-1][1]} {text}", result[-1][2])
        else:
            result.append((speaker, text, stamp))
    return result


def share(expected: list[tuple], read: list[tuple]) -> tuple[float, float]:
    """The share of ``expected`` turns read right, and of those, with the right time."""
    matcher = difflib.SequenceMatcher(
        a=[turn[:2] for turn in expected], b=[turn[:2] for turn in read], autojunk=False
    )
    right = timed = 0
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            right += 1
            timed += expected[block.a + k][2] == read[block.b + k][2]
    return right / len(expected), timed / right if right else 0.0


def evaluate(folder: Path) -> dict:
    expected_file = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    milliseconds = folder.name in MILLISECONDS
    expected = [
        (
            turn["speaker"] or UNKNOWN_SPEAKER,
            normal(turn["text"]),
            seconds(turn["timestamp"], milliseconds),
        )
        for turn in expected_file["turns"]
    ]
    try:
        parsed = read_transcript(folder / expected_file["file"])
    except QualcodeError as error:
        return {
            "slug": folder.name,
            "error": str(error),
            "exact": 0.0,
            "merged": 0.0,
            "timestamps": 0.0,
        }
    read = [
        (turn.speaker, normal(parsed.turn_text(turn)), seconds(turn.timestamp, milliseconds))
        for turn in parsed.turns
    ]
    exact, exact_times = share(expected, read)
    whole, whole_times = share(merged(expected), merged(read))
    # Times in the text beyond those said ("at 7:10"): counted, so that merging turns changes
    # nothing.
    left = sum(len(TIME_IN_TEXT.findall(t[1])) for t in read) - sum(
        len(TIME_IN_TEXT.findall(t[1])) for t in expected
    )
    return {
        "slug": folder.name,
        "layout": parsed.layout,
        "expected": len(expected),
        "read": len(read),
        "exact": exact,
        "merged": whole,
        "timestamps": exact_times if exact >= whole else whole_times,
        "times_in_text": left,
        "read_turns": read,
        "expected_turns": expected,
    }


def main(slugs: list[str]) -> None:
    where = HERE
    if slugs and Path(slugs[0]).is_dir():
        where, slugs = Path(slugs[0]), slugs[1:]
    folders = sorted(p for p in where.iterdir() if (p / "expected.json").exists())
    results = [evaluate(f) for f in folders if not slugs or f.name in slugs]
    good = 0
    for r in results:
        ok = max(r["exact"], r["merged"]) >= 0.9 and r["timestamps"] >= 0.9
        ok = ok and r.get("times_in_text", 0) <= 0
        good += ok
        line = r.get("error") or (
            f"{r['layout'] or '-':15} read {r['read']:3} of {r['expected']:3}  exact "
            f"{r['exact']:.2f}  merged {r['merged']:.2f}  timestamps {r['timestamps']:.2f}  "
            f"times left {r['times_in_text']}"
        )
        print(f"{'ok ' if ok else 'BAD'} {r['slug']:24} {line}")
    print(f"{good} of {len(results)} layouts read with >= 90 % of turns and timestamps right")
    if slugs and len(results) == 1 and "read_turns" in results[0]:
        r = results[0]
        for a, b in zip(r["expected_turns"], r["read_turns"], strict=False):
            mark = "  " if a == b else "!!"
            print(
                f"{mark} E {a[0]!r} {a[2]}: {a[1][:90]!r}\n{mark} R {b[0]!r} {b[2]}: {b[1][:90]!r}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
