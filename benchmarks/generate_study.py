"""Write a synthetic study for the benchmarks: focus-group transcripts, a codebook, codings.

    python benchmarks/generate_study.py FOLDER [--transcripts 1000] [--turns 200] [--seed 1]

Writes ``FOLDER/transcripts/study-0001.txt`` … (Danish-like turns of speakers ``TK`` and
``D1``–``D6``: long turns, backchannels, words drawn from a varied vocabulary that includes the
default codebook's keywords in inflected forms), ``FOLDER/codebook.yaml`` (the five default
themes with three sub-codes each: 20 codes) and ``FOLDER/codings.csv`` (three coders who agree
on most turns and differ on some, about five codings per participant turn in all).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import yaml

from qualcode.codebook import codebook_to_yaml, default_codebook_path, load_codebook

COMMON = (
    "jeg du han hun vi de det der som og at i på med for til af om men så ikke også bare "
    "lige jo nok måske altid aldrig tit sommetider meget lidt mere mindre helt rigtig godt "
    "dårligt svært nemt vigtigt stille travlt hurtigt langsomt nu før efter igen stadig "
    "har havde er var bliver blev kan kunne skal skulle vil ville må gør gjorde siger sagde "
    "tænker tænkte synes syntes ved vidste får fik tager tog går gik kommer kom ser så "
    "firma medarbejder kunde opgave dag uge måned år morgen aften mandag fredag møde mail "
    "telefon kontor hjem familie børn kone mand tid pause arbejde leder chef kollega "
    "netværk gruppe yoga samtale forløb ting måde tanke følelse krop hoved søvn energi"
).split()
INFLECTED = (
    "grænser grænserne satte sætter sagde fra kroppen mærkede mærker opmærksom pauser "
    "pausen prioriterede prioriterer vilkårene arbejdsmængden kravene urimelige chefen "
    "ledelsen fællesskabet netværket gruppen de andre alene genkendte sparring tryghed "
    "ferien fri weekenden aftenen uddelegerede delegerer hjælp ressourcer stressen "
    "symptomerne hjertebanken sov vågnede træt accepterede naturligt skyld skam"
).split()
SYLLABLES = "ka be da fe gi hu jo la mi no pe ra si te vu stor lille gård skov hav by".split()
BACKCHANNELS = ("Ja.", "Mm.", "Nej.", "Præcis.", "Ja, ja.", "Helt enig.", "Okay.")
CODERS = ("coder-a", "coder-b", "coder-c")
SUBCODES = ("a", "b", "c")


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Common words, inflected keyword forms and invented words (names, places, jargon)."""
    invented = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) for _ in range(size)}
    return COMMON * 30 + INFLECTED * 3 + sorted(invented)


def sentence(rng: random.Random, words: list[str]) -> str:
    chosen = rng.choices(words, k=rng.randint(4, 18))
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + rng.choice(".....?!")


def turn_text(rng: random.Random, words: list[str], speaker: str) -> str:
    if speaker != "TK" and rng.random() < 0.2:
        return rng.choice(BACKCHANNELS)
    count = rng.randint(1, 3) if speaker == "TK" else rng.choice((1, 2, 3, 4, 6, 9))
    return " ".join(sentence(rng, words) for _ in range(count))


def study_codebook() -> str:
    """The default themes, each with three sub-codes: 20 codes."""
    book = load_codebook(default_codebook_path())
    for code in book.codes:
        code.children = [
            type(code)(
                key=f"{code.key}.{sub}",
                label={lang: f"{text} ({sub})" for lang, text in code.label.items()},
                keywords={lang: words[i::3] for lang, words in code.keywords.items()},
            )
            for i, sub in enumerate(SUBCODES)
        ]
    return codebook_to_yaml(book)


def generate_study(
    folder: str | Path, transcripts: int = 1000, turns: int = 200, seed: int = 1
) -> Path:
    """Write the study into ``folder`` and return the folder of transcripts."""
    rng = random.Random(seed)
    folder = Path(folder)
    out = folder / "transcripts"
    out.mkdir(parents=True, exist_ok=True)
    words = vocabulary(rng)
    (folder / "codebook.yaml").write_text(study_codebook(), encoding="utf-8")
    keys = [code for code in yaml.safe_load((folder / "codebook.yaml").read_text())["codes"]]
    leaves = [f"{c['key']}.{sub}" for c in keys for sub in SUBCODES] + [c["key"] for c in keys]
    with open(folder / "codings.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript", "turn", "code", "coder"])
        for number in range(1, transcripts + 1):
            name = f"study-{number:04d}"
            speakers = ["TK"] + [f"D{i}" for i in range(1, rng.randint(5, 6) + 1)]
            lines = [f"Fokusgruppe {number}, netværk {number % 3 + 1}", ""]
            for index in range(1, turns + 1):
                speaker = "TK" if index % 5 == 1 else rng.choice(speakers[1:])
                lines += [f"{speaker}: {turn_text(rng, words, speaker)}", ""]
                if speaker != "TK":
                    for code in rng.sample(leaves, rng.choice((1, 2, 2, 3, 3, 4))):
                        for coder in CODERS:
                            if rng.random() < 0.85:
                                writer.writerow([name, index, code, coder])
            (out / f"{name}.txt").write_text("\n".join(lines), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = generate_study(args.folder, args.transcripts, args.turns, args.seed)
    print(f"Wrote {args.transcripts} transcripts x {args.turns} turns to {out}")


if __name__ == "__main__":
    main()
