"""Saturation: in transcript order, how many codes of the codebook each transcript added that
no earlier transcript had, and the share of the codebook seen so far; the transcript after
which no new code appeared.

Counted over the transcripts the coder coded (others are listed, not counted as adding
nothing), each code as applied (a sub-code is a code of its own). The order is by name or by
when the transcripts were imported.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qualcode.analyse.common import CoderChoice, choose_coder, code_table
from qualcode.analyse.report import NO_GROUP
from qualcode.errors import QualcodeError
from qualcode.store import Project

ORDERS = {"name": "tr.name", "imported": "tr.imported_at, tr.id"}
COLUMNS = ("position", "transcript", "group", "codes", "new_codes", "new", "seen", "share")


@dataclass
class Saturation:
    coder: CoderChoice
    table: pd.DataFrame
    codebook_size: int
    left_out: list[str]
    order: str

    def saturated_after(self) -> str | None:
        """The last transcript that added a new code, when later transcripts added none."""
        added = self.table[self.table["new_codes"] > 0]
        if added.empty or added.index[-1] == self.table.index[-1]:
            return None
        return str(added["transcript"].iloc[-1])

    def describe(self) -> str:
        text = [
            f"Codes of {self.coder.name} ({self.coder.why}), transcripts in order of "
            f"{'name' if self.order == 'name' else 'import'}: the codes each one added, and "
            f"the share of the codebook's {self.codebook_size} codes seen so far."
        ]
        after = self.saturated_after()
        if after:
            later = (
                len(self.table) - 1 - int(self.table.index[self.table["transcript"] == after][0])
            )
            text.append(f"No new code appeared after {after} ({later} more transcript(s)).")
        elif len(self.table):
            text.append("The last transcript still added codes: no saturation yet.")
        if self.left_out:
            text.append(f"Not coded by {self.coder.name}, left out: {', '.join(self.left_out)}.")
        return " ".join(text)

    def rows(self) -> list[dict]:
        return self.table.to_dict("records")


def saturation(project: Project, coder: str | None = None, order: str = "name") -> Saturation:
    if order not in ORDERS:
        raise QualcodeError(f"the order must be one of {', '.join(ORDERS)}, not {order!r}")
    choice = choose_coder(project, coder)
    transcripts = project.query(
        f"""
        SELECT tr.id, tr.name, coalesce(tr."group", '{NO_GROUP}') AS grp
        FROM transcripts tr ORDER BY {ORDERS[order]}
        """
    )
    order_of = {key: index for index, key in enumerate(code_table(project)["code"])}
    size = len(order_of)
    applied: dict[int, list[str]] = {}
    for row in project.query(
        """
        SELECT DISTINCT t.transcript_id, co.key FROM codings c
        JOIN turns t ON t.id = c.turn_id JOIN codes co ON co.id = c.code_id
        WHERE c.coder_id = ?
        """,
        [choice.id],
    ):
        applied.setdefault(row["transcript_id"], []).append(row["key"])
    for codes in applied.values():
        codes.sort(key=order_of.get)
    seen: set[str] = set()
    rows, left_out = [], []
    for transcript in transcripts:
        codes = applied.get(transcript["id"])
        if not codes:
            left_out.append(transcript["name"])
            continue
        new = [key for key in codes if key not in seen]
        seen.update(new)
        rows.append(
            {
                "position": len(rows) + 1,
                "transcript": transcript["name"],
                "group": transcript["grp"],
                "codes": len(codes),
                "new_codes": len(new),
                "new": ", ".join(new),
                "seen": len(seen),
                "share": round(len(seen) / size, 4) if size else None,
            }
        )
    return Saturation(choice, pd.DataFrame(rows, columns=list(COLUMNS)), size, left_out, order)
