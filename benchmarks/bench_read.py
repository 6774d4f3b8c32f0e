"""Time reading caption files of N and 4N cues, against a baseline measured in the same run.

    python benchmarks/bench_read.py [--cues 25000]

qualcode: ``read_srt`` and ``read_vtt`` of a generated file (two speakers taking turns, every
third cue continuing the same speaker, half of them named by a ``<v>`` voice tag in .vtt, the
rest by a ``Name:`` prefix). Baseline: decoding the same bytes and splitting them into lines.
Prints seconds, the growth from N to 4N cues (4.0 is linear time, 16 quadratic) and the ratio to
the baseline. As in ``timeit``, the garbage collector is paused while timing (its full passes
grow with the number of live objects and blur the growth). Target: growth under 5, well under
a minute in all.
"""

from __future__ import annotations

import argparse
import gc
import time

from qualcode.read.captions import read_srt, read_vtt


def captions(cues: int, vtt: bool) -> bytes:
    """A caption file of ``cues`` cues."""
    parts = ["WEBVTT\n"] if vtt else []
    for i in range(cues):
        speaker = "D1" if i % 3 == 2 else ("TK", "D1")[i % 2]
        seconds = i * 2
        start = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        timing = f"{start}.000 --> {start}.900" if vtt else f"{start},000 --> {start},900"
        words = f"ord nummer {i} om krop og søvn &amp; grænser"
        payload = f"<v {speaker}>{words}" if vtt and i % 2 else f"{speaker}: {words}"
        parts.append(f"{i + 1}\n{timing}\n{payload}\n")
    return "\n".join(parts).encode()


def seconds_of(function, *args) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        function(*args)
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=25_000)
    args = parser.parse_args()
    for suffix, reader in ((".srt", read_srt), (".vtt", read_vtt)):
        times = {}
        for cues in (args.cues, 4 * args.cues):
            data = captions(cues, suffix == ".vtt")
            baseline = seconds_of(lambda d: d.decode("utf-8").splitlines(), data)
            times[cues] = seconds_of(reader, data, f"bench{suffix}")
            print(
                f"{suffix} {cues:,} cues ({len(data) / 1e6:.1f} MB): {times[cues]:.2f} s; "
                f"baseline (decode + split into lines) {baseline:.3f} s; "
                f"ratio {times[cues] / baseline:.0f}"
            )
        print(
            f"{suffix} growth from {args.cues:,} to {4 * args.cues:,} cues: "
            f"{times[4 * args.cues] / times[args.cues]:.1f} (4.0 is linear)"
        )


if __name__ == "__main__":
    main()
