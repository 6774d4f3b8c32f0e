"""Shared helpers for make_text.py and make_binary.py (deterministic)."""

import json
import os
import re

from dialogues import DIALOGUES, LANG

HERE = os.path.dirname(os.path.abspath(__file__))

NAMES = {
    "DA-A": {
        "M": "Tanja Kjær Holm",
        "P1": "Søren Ærø",
        "P2": "Mette Lund",
        "P3": "Jonas Bæk",
        "P4": "Åse Møller",
    },
    "DA-B": {
        "M": "Birgitte Østergaard",
        "P1": "Rasmus Højgaard",
        "P2": "Line Sørensen",
        "P3": "Peter Dahl",
        "P4": "Jørgen Ås",
    },
    "DA-C": {
        "M": "Karen Friis",
        "P1": "Mads Kjærgaard",
        "P2": "Sofie Brøndum",
        "P3": "Anders Lykke",
        "P4": "Bjørn Ødum",
    },
    "EN-A": {
        "M": "Sarah Whitfield",
        "P1": "Mark Ellison",
        "P2": "Priya Nair",
        "P3": "Søren Ærø",
        "P4": "Åsa Lindqvist",
    },
    "EN-B": {
        "M": "Helen Brooks",
        "P1": "Tom Gallagher",
        "P2": "Ingrid Ødegård",
        "P3": "Ben Carter",
        "P4": "Zoë Ashworth",
    },
    "EN-C": {
        "M": "Rachel Moore",
        "P1": "Daniel Okafor",
        "P2": "Grete Sørlie",
        "P3": "Liam Walsh",
        "P4": "Bjørk Jónsdóttir",
    },
}


class Seg:
    def __init__(self, text, start, end):
        self.text, self.start, self.end = text, start, end


class Turn:
    def __init__(self, role, speaker, paras):
        self.role, self.speaker, self.paras = role, speaker, paras
        self.segs = []  # list of Seg, per paragraph: self.psegs
        self.psegs = []

    @property
    def start(self):
        return self.segs[0].start

    @property
    def end(self):
        return self.segs[-1].end

    @property
    def text(self):
        return "\n".join(self.paras)


def split_segments(para):
    """Split a paragraph into caption-sized segments (sentences; short ones joined)."""
    sents = re.split(r"(?<=[.!?])\s+", para.strip())
    out = []
    for s in sents:
        if (
            out
            and (len(out[-1].split()) < 4 or len(s.split()) < 3)
            and len(out[-1].split()) + len(s.split()) <= 22
        ):
            out[-1] = out[-1] + " " + s
        else:
            out.append(s)
    return out


def build(dialogue, start, count, names, t0=2.84, labels=None):
    """Turns of dialogue[start:start+count] with speaker labels and times (seconds)."""
    src = DIALOGUES[dialogue][start : start + count]
    t = t0
    turns = []
    for i, (role, paras) in enumerate(src):
        sp = (labels or names)[role] if isinstance((labels or names), dict) else names[role]
        tr = Turn(role, sp, list(paras))
        for para in paras:
            ps = []
            for s in split_segments(para):
                dur = max(0.62, round(len(s.split()) * 0.37 + 0.21 * (len(s) % 3), 2))
                seg = Seg(s, round(t, 3), round(t + dur, 3))
                ps.append(seg)
                tr.segs.append(seg)
                t += dur + 0.27 + 0.11 * (len(s) % 4)
            tr.psegs.append(ps)
            t += 0.4
        turns.append(tr)
        t += 0.55 + 0.3 * (i % 3)
    return turns


def lang(dialogue):
    return LANG[dialogue]


# --- time formats -----------------------------------------------------------


def hms(sec, pad_h=True):
    s = int(sec)
    h, m, s = s // 3600, (s % 3600) // 60, s % 60
    return f"{h:02d}:{m:02d}:{s:02d}" if pad_h else f"{h}:{m:02d}:{s:02d}"


def otter_ts(sec):
    s = int(sec)
    h, m, s = s // 3600, (s % 3600) // 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def mmss(sec):
    s = int(sec)
    return f"{s // 60:02d}:{s % 60:02d}"


def hmsms(sec, sep=".", pad_h=True):
    ms = int(round(sec * 1000))
    h, ms = divmod(ms, 3600000)
    m, ms = divmod(ms, 60000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def write_expected(slug, language, source, turns, filename):
    d = os.path.join(HERE, slug)
    os.makedirs(d, exist_ok=True)
    data = {
        "layout": slug,
        "language": language,
        "source": source,
        "file": filename,
        "turns": [{"speaker": sp, "text": tx, "timestamp": ts} for sp, tx, ts in turns],
    }
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")


def write_text(slug, filename, content, newline="\n", encoding="utf-8"):
    d = os.path.join(HERE, slug)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, filename), "w", encoding=encoding, newline=newline) as f:
        f.write(content)


def merged(turns):
    """Consecutive turns of one speaker merged (for layouts that print the label only on change)."""
    out = []
    for t in turns:
        if out and out[-1].speaker == t.speaker:
            prev = out[-1]
            nt = Turn(prev.role, prev.speaker, prev.paras + t.paras)
            nt.segs = prev.segs + t.segs
            nt.psegs = prev.psegs + t.psegs
            out[-1] = nt
        else:
            out.append(t)
    return out
