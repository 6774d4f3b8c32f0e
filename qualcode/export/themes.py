"""The thematic write-up: per theme what it means, how widely it was raised, where, with which
other themes, how well the coders agreed on it, and a few quotes, cited by pseudonym and group.

Nothing is invented: every number comes from the frequency and co-occurrence reports and the
agreement figures, every quote is the exact text a coder coded (the passage, or the turn when
the whole turn is coded). The researcher edits the result. :mod:`qualcode.export.writeup`
writes it as Markdown, Word or HTML.

What is counted: the participant turns of the transcripts the coder coded (a transcript the
coder never coded is listed as left out, not counted as "no"), a turn coded with a sub-code
once for its theme. Quotes: the longest passage each participant had coded with the theme or
one of its sub-codes, at most ``QUOTES`` per theme, taken so that they cover the groups
(the group with the fewest quotes so far comes first, then the longest passage).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qualcode.agreement import CONFIDENCE, RESAMPLES
from qualcode.analyse.common import CoderChoice, choose_coder, code_table, select_codes
from qualcode.analyse.report import NO_GROUP, cooccurrence, frequency
from qualcode.export.quotes import Quote, quotes
from qualcode.store import Project

QUOTES = 5
SEED = 1  # the bootstrap's, so that the write-up gives the same intervals every time
COOCCURRING = 3  # the themes a theme most often shares turns with
NUMBER_WORDS = "zero one two three four five six seven eight nine ten".split()


@dataclass
class Agreement:
    """The coders' agreement on a theme: Krippendorff's alpha with its bootstrap interval."""

    coders: list[str]
    unit: str
    alpha: float | None
    low: float | None
    high: float | None
    confidence: float
    reading: str


@dataclass
class GroupShare:
    group: str
    participants: int  # who raised the theme
    of_participants: int  # participants of the group (in the transcripts the coder coded)
    turns: int  # participant turns coded with the theme
    of_turns: int


@dataclass
class Theme:
    code: str
    label: str
    description: str
    participants: int
    of_participants: int
    turns: int  # participant turns coded with the theme (or a sub-code)
    of_turns: int
    transcripts: int
    groups: list[GroupShare]
    sub_codes: list[tuple[str, str, int]] = field(default_factory=list)  # key, label, turns
    cooccurring: list[tuple[str, str, int]] = field(default_factory=list)  # key, label, turns
    agreement: Agreement | None = None
    quotes: list[Quote] = field(default_factory=list)

    def prevalence(self) -> str:
        """The theme's spread in words and numbers: 'raised by 14 of 18 participants, in all
        three groups; 62 of 410 participant turns (15 %)'."""
        raised = [share for share in self.groups if share.participants]
        groups = len(self.groups)
        if not raised:
            where = "in no group"
        elif len(raised) == groups:
            where = {1: "in the one group", 2: "in both groups"}.get(
                groups, f"in all {number(groups)} groups"
            )
        else:
            names = ", ".join(share.group for share in raised)
            where = f"in {number(len(raised))} of {number(groups)} groups ({names})"
        percent = f" ({self.turns / self.of_turns:.0%})" if self.of_turns else ""
        return (
            f"raised by {self.participants} of {self.of_participants} participants, {where}; "
            f"{self.turns} of {self.of_turns} participant turns{percent}"
        )


@dataclass
class Writeup:
    coder: CoderChoice
    themes: list[Theme]
    transcripts: list[str]  # counted: the transcripts the coder coded
    left_out: list[str]  # transcripts the coder did not code
    groups: list[str]
    participants: int
    participant_turns: int
    interviewer_turns: int
    agreement_unit: str | None
    agreement_coders: list[str]
    pseudonymized: bool = True

    def methods(self) -> str:
        """A short methods paragraph: what was counted, by whom, and what was left out."""
        groups = ", ".join(self.groups)
        text = [
            f"This write-up covers {len(self.transcripts)} transcript(s) in "
            f"{len(self.groups)} group(s) ({groups}): {self.participants} participants and "
            f"{self.participant_turns} participant turns, coded by {self.coder.name} "
            f"({self.coder.why}).",
            f"The {self.interviewer_turns} interviewer turns are not counted.",
            "A turn coded with a sub-code counts once for its theme.",
        ]
        if self.left_out:
            text.append(
                f"Left out, as {self.coder.name} did not code them: {', '.join(self.left_out)}."
            )
        if self.agreement_unit:
            text.append(
                f"Agreement between {listing(self.agreement_coders)} is Krippendorff's alpha "
                f"over {self.agreement_unit}, with a {CONFIDENCE:.0%} bootstrap interval "
                f"({RESAMPLES:,} resamples, seed {SEED})."
            )
        else:
            text.append("No agreement is given: fewer than two coders coded these transcripts.")
        text.append(
            f"Quotes: the longest passage each participant had coded with the theme, at most "
            f"{QUOTES} per theme, covering the groups; speakers are pseudonymized (P01, P02…) "
            "and cited with their group."
        )
        return " ".join(text)


def listing(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def themes(
    project: Project,
    coder: str | None = None,
    codes: list[str] | None = None,
    unit: str = "turn",
    language: str | None = None,
) -> Writeup:
    """The write-up of the top-level themes (or of ``codes``), in codebook order."""
    from qualcode.analyse.project_agreement import UNIT_DESCRIPTIONS

    choice = choose_coder(project, coder)
    where = scope(project, choice)
    if language is None and len(set(where["languages"].values())) == 1:
        language = next(iter(where["languages"].values()))  # one language: its labels
    table = select_codes(code_table(project, language), codes)
    chosen = [row for row in table.itertuples() if (row.code in codes if codes else row.depth == 0)]
    counted = set(where["transcripts"])
    per_transcript = frequency(project, "transcript", choice.name, True, None, language)
    by_code = _counts(per_transcript, where["group_of"])
    together = cooccurrence(project, choice.name, True, None, language).table.set_index("code")
    labels = dict(zip(table["code"], table["label"], strict=True))
    descriptions = {code.key: code.description for code, _ in project.codebook().walk()}
    coders = _coders(project)
    agreement = _agreement(project, coders, unit) if len(coders) >= 2 else {}
    result = []
    for row in chosen:
        counts = by_code.get(row.code, Counter())
        shares = [
            GroupShare(
                group,
                counts[("participants", group)],
                where["per_group"][group][0],
                counts[("participant_turns", group)],
                where["per_group"][group][1],
            )
            for group in where["groups"]
        ]
        theme = Theme(
            row.code,
            row.label,
            descriptions.get(row.code, ""),
            counts["participants"],
            where["participants"],
            counts["participant_turns"],
            where["participant_turns"],
            counts["transcripts"],
            shares,
        )
        theme.sub_codes = [
            (key, labels[key], by_code.get(key, Counter())["participant_turns"])
            for key in row.sub_codes
        ]
        if row.code in together.index:
            pairs = [
                (key, labels.get(key, key), int(together.loc[row.code, key]))
                for key in together.columns
                if key not in ("label", row.code, *row.sub_codes) and key in labels
            ]
            above = _ancestors(row, table)
            pairs = [pair for pair in pairs if pair[2] > 0 and pair[0] not in above]
            theme.cooccurring = sorted(pairs, key=lambda pair: -pair[2])[:COOCCURRING]
        theme.agreement = agreement.get(row.code)
        theme.quotes = _illustrations(project, choice, row.code, counted, language)
        result.append(theme)
    return Writeup(
        choice,
        result,
        where["transcripts"],
        where["left_out"],
        where["groups"],
        where["participants"],
        where["participant_turns"],
        where["interviewer_turns"],
        UNIT_DESCRIPTIONS[unit] if agreement else None,
        coders if agreement else [],
    )


def _ancestors(row: Any, table) -> set[str]:
    """The codes above ``row`` in the tree (a sub-code's theme is not 'co-occurring')."""
    parents = dict(zip(table["code"], table["parent"], strict=True))
    found, key = set(), parents.get(row.code)
    while isinstance(key, str):
        found.add(key)
        key = parents.get(key)
    return found


def scope(project: Project, choice: CoderChoice) -> dict[str, Any]:
    """The transcripts the coder coded, their groups, participants and turns."""
    rows = project.query(
        f"""
        SELECT tr.name, tr.language, coalesce(tr."group", '{NO_GROUP}') AS grp,
               EXISTS (SELECT 1 FROM codings c JOIN turns t ON t.id = c.turn_id
                       WHERE t.transcript_id = tr.id AND c.coder_id = :coder) AS coded,
               (SELECT count(*) FROM speakers s
                WHERE s.transcript_id = tr.id AND s.role = 'participant') AS participants,
               (SELECT count(*) FROM turns t JOIN speakers s ON s.id = t.speaker_id
                WHERE t.transcript_id = tr.id AND s.role = 'participant') AS participant_turns,
               (SELECT count(*) FROM turns t JOIN speakers s ON s.id = t.speaker_id
                WHERE t.transcript_id = tr.id AND s.role = 'interviewer') AS interviewer_turns
        FROM transcripts tr ORDER BY tr.name
        """,
        {"coder": choice.id},
    )
    counted = [row for row in rows if row["coded"]]
    per_group: dict[str, list[int]] = {}
    for row in counted:
        totals = per_group.setdefault(row["grp"], [0, 0])
        totals[0] += row["participants"]
        totals[1] += row["participant_turns"]
    return {
        "transcripts": [row["name"] for row in counted],
        "group_of": {row["name"]: row["grp"] for row in counted},
        "languages": {row["name"]: row["language"] for row in counted},
        "left_out": [row["name"] for row in rows if not row["coded"]],
        "groups": sorted(per_group),
        "per_group": {group: tuple(totals) for group, totals in per_group.items()},
        "participants": sum(row["participants"] for row in counted),
        "participant_turns": sum(row["participant_turns"] for row in counted),
        "interviewer_turns": sum(row["interviewer_turns"] for row in counted),
    }


def _counts(report, group_of: dict[str, str]) -> dict[str, Counter]:
    """Per code, summed over the counted transcripts (``group_of``: their groups) of a
    by-transcript frequency report: participants who raised it (a speaker belongs to one
    transcript, so they add up), participant turns and transcripts, in all and per group
    (keys ``("participants", group)`` and ``("participant_turns", group)``)."""
    totals: dict[str, Counter] = {}
    for row in report.table.itertuples():
        group = group_of.get(row.transcript)
        if group is None:
            continue
        total = totals.setdefault(row.code, Counter())
        for name, value in (
            ("participants", row.participants),
            ("participant_turns", row.participant_turns),
        ):
            total[name] += int(value)
            total[(name, group)] += int(value)
        total["transcripts"] += int(row.transcripts)
    return totals


def _coders(project: Project) -> list[str]:
    """The coders who coded anything, consensus coders aside."""
    rows = project.query(
        """
        SELECT name FROM coders
        WHERE id NOT IN (SELECT coder_id FROM consensus_coders)
          AND EXISTS (SELECT 1 FROM codings WHERE coder_id = coders.id)
        ORDER BY name
        """
    )
    return [row["name"] for row in rows]


def _agreement(project: Project, coders: list[str], unit: str) -> dict[str, Agreement]:
    """Krippendorff's alpha per code (sub-codes counted in their themes) with its interval."""
    from qualcode.analyse.project_agreement import project_agreement

    result = project_agreement(project, coders, unit, rollup=True, ci=True, seed=SEED)
    found = {}
    for row in result["codes"]:
        interval = row.get("intervals", {}).get("krippendorff_alpha", {})
        found[row["code"]] = Agreement(
            coders,
            result["unit_description"],
            row["krippendorff_alpha"],
            interval.get("low"),
            interval.get("high"),
            result["intervals"]["confidence"],
            row["reading"],
        )
    return found


def _illustrations(
    project: Project, choice: CoderChoice, code: str, counted: set[str], language: str | None
) -> list[Quote]:
    """Up to QUOTES quotes of the theme (or its sub-codes): each participant's longest coded
    passage, taken group by group (the group with the fewest quotes so far first, then the
    longest passage), pseudonymized."""
    longest: dict[str, Quote] = {}
    for quote in quotes(project, [code], choice.name, pseudonymize=True, language=language).quotes:
        if quote.role != "participant" or quote.transcript not in counted:
            continue
        best = longest.get(quote.speaker)
        if best is None or len(quote.text.strip()) > len(best.text.strip()):
            longest[quote.speaker] = quote
    candidates = sorted(
        longest.values(), key=lambda q: (-len(q.text.strip()), q.transcript, q.turn)
    )
    taken: list[Quote] = []
    per_group: Counter = Counter()
    while candidates and len(taken) < QUOTES:
        pick = min(candidates, key=lambda q: per_group[q.group or NO_GROUP])
        candidates.remove(pick)
        per_group[pick.group or NO_GROUP] += 1
        taken.append(pick)
    return taken
