"""The framework matrix (Ritchie & Spencer's framework method, NVivo's framework matrices):
participants in rows, grouped, themes in columns, each cell the participant's coded passages
for that theme (the exact coded text, with its turn) or their number.

Rows are every participant of the transcripts the coder coded, in group, transcript and
first-turn order, also those who raised none of the themes; a passage coded with a theme and
one of its sub-codes is one passage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.analyse.common import CoderChoice, choose_coder, code_table, select_codes
from qualcode.analyse.report import NO_GROUP
from qualcode.export.quotes import pseudonyms, quotes
from qualcode.export.themes import scope
from qualcode.store import Project


@dataclass
class Row:
    group: str
    transcript: str
    participant: str  # the pseudonym, or "transcript · label"
    passages: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # code → (turn, text)


@dataclass
class Framework:
    coder: CoderChoice
    themes: list[tuple[str, str]]  # key, label
    rows: list[Row]
    counts: bool = False
    pseudonymized: bool = False

    def cells(self, row: Row) -> list[str | int]:
        """The row's cells, one per theme: its passages (each "text (turn N)", a blank line
        between them) or their number."""
        found = [row.passages.get(key, []) for key, _ in self.themes]
        if self.counts:
            return [len(passages) for passages in found]
        return [
            "\n\n".join(f"{text.strip()} (turn {turn})" for turn, text in passages)
            for passages in found
        ]

    def describe(self) -> str:
        what = "the number of passages" if self.counts else "the coded passages"
        who = "pseudonymized (P01, P02…)" if self.pseudonymized else "named by transcript and label"
        return (
            f"Participants × themes, coded by {self.coder.name} ({self.coder.why}): each cell "
            f"holds {what} of the participant for the theme (its sub-codes included). "
            f"Participants are {who}; interviewer turns are left out."
        )


def framework(
    project: Project,
    coder: str | None = None,
    codes: list[str] | None = None,
    pseudonymize: bool = False,
    counts: bool = False,
    language: str | None = None,
) -> Framework:
    """The matrix of the top-level themes (or of ``codes``) for the coder's transcripts."""
    choice = choose_coder(project, coder)
    table = select_codes(code_table(project, language), codes)
    themes = [
        (row.code, row.label)
        for row in table.itertuples()
        if (row.code in codes if codes else row.depth == 0)
    ]
    counted = set(scope(project, choice)["transcripts"])
    names = pseudonyms(project) if pseudonymize else {}
    speakers = project.query(
        f"""
        SELECT s.id, s.label, tr.name AS transcript, coalesce(tr."group", '{NO_GROUP}') AS grp
        FROM speakers s JOIN transcripts tr ON tr.id = s.transcript_id
        WHERE s.role = 'participant'
        ORDER BY grp, tr.name, (SELECT min(turn) FROM turns WHERE speaker_id = s.id), s.id
        """
    )
    rows: dict[tuple[str, str], Row] = {}
    for speaker in speakers:
        if speaker["transcript"] not in counted:
            continue
        shown = names.get(speaker["id"]) or f"{speaker['transcript']} · {speaker['label']}"
        key = (speaker["transcript"], names.get(speaker["id"], speaker["label"]))
        rows[key] = Row(speaker["grp"], speaker["transcript"], shown)
    for theme, _ in themes:
        seen: set[tuple[int, int | None, int | None]] = set()
        stream = quotes(project, [theme], choice.name, pseudonymize, language).quotes
        for quote in stream:
            row = rows.get((quote.transcript, quote.speaker))
            if row is None or (quote.turn_id, quote.start, quote.end) in seen:
                continue
            seen.add((quote.turn_id, quote.start, quote.end))
            row.passages.setdefault(theme, []).append((quote.turn, quote.text))
    for row in rows.values():
        for passages in row.passages.values():
            passages.sort()
    return Framework(choice, themes, list(rows.values()), counts, pseudonymize)
