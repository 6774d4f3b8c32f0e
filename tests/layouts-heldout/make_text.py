"""Write the held-out text samples and their expected.json (run from anywhere)."""

import json
import os
import re

import talks

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- helpers


def timeline(conv, start):
    """Per paragraph (role, turn_index, para_index, text, start_s, end_s)."""
    t = start
    out = []
    for i, (role, paras) in enumerate(conv):
        for j, p in enumerate(paras):
            dur = max(0.9, len(p) / 14.0)
            out.append((role, i, j, p, round(t, 3), round(t + dur, 3)))
            t += dur + 0.35 + (len(p) % 7) * 0.11
        t += 0.4
    return out


def chunks(text, limit=85):
    """Split a paragraph into caption-sized pieces at sentence ends."""
    sents = re.split(r"(?<=[.?!])\s+", text)
    out, cur = [], ""
    for s in sents:
        if cur and len(cur) + 1 + len(s) > limit:
            out.append(cur)
            cur = s
        else:
            cur = (cur + " " + s).strip()
    if cur:
        out.append(cur)
    return out


def cues(conv, start):
    """Caption cues: (role, text, start_s, end_s), one or more per paragraph."""
    out = []
    for role, _i, _j, p, s, e in timeline(conv, start):
        pieces = chunks(p)
        total = sum(len(x) for x in pieces)
        t = s
        for x in pieces:
            d = (e - s) * len(x) / total
            out.append((role, x, round(t, 3), round(t + d - 0.08, 3)))
            t += d
    return out


def hms(s, sep=".", ms=True, hours=True):
    s_int = int(s)
    h, m, sec = s_int // 3600, s_int % 3600 // 60, s_int % 60
    frac = int(round((s - s_int) * 1000))
    if frac == 1000:
        frac = 999
    base = f"{h:02d}:{m:02d}:{sec:02d}" if hours else f"{m:02d}:{sec:02d}"
    return base + (f"{sep}{frac:03d}" if ms else "")


def mss(s):
    s = int(s)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def write(slug, filename, data, layout, language, source, turns, newline="\n", bom=False):
    d = os.path.join(HERE, slug)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        if newline != "\n":
            data = data.replace("\n", newline)
        data = (("\ufeff" if bom else "") + data).encode("utf-8")
    with open(os.path.join(d, filename), "wb") as f:
        f.write(data)
    exp = {
        "layout": layout,
        "language": language,
        "source": source,
        "file": filename,
        "turns": [{"speaker": sp, "text": tx, "timestamp": ts} for sp, tx, ts in turns],
    }
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=1)
        f.write("\n")


def per_turn(conv, start):
    """(role, [paras], first_start, [para starts], [para ends]) per turn."""
    tl = timeline(conv, start)
    out = []
    for i, (role, paras) in enumerate(conv):
        rows = [r for r in tl if r[1] == i]
        out.append((role, paras, rows[0][4], [r[4] for r in rows], [r[5] for r in rows]))
    return out


def label(role):
    return f"SPEAKER_{role:02d}"


# ---------------------------------------------------------------- layouts


def otter_txt():
    names = [
        "Catrin Llewellyn-Jones",
        "Dave Pritchard",
        "Gwen Morgan",
        "Unknown Speaker",
        "Bjørn Sæther",
        "Ama Owusu-Ansah",
    ]
    lines, turns = [], []
    for role, _i, _j, p, s, _e in timeline(talks.B, 9 * 60 + 41.2):
        ts = mss(s)
        lines.append(f"{names[role]}  {ts}  \n{p}\n")
        turns.append((names[role], p, ts))
    text = "\n".join(lines) + "\nTranscribed by https://otter.ai\n"
    write(
        "otter-txt",
        "sample.txt",
        text,
        "otter-txt",
        "en",
        "Otter.ai export as .txt with speaker names and timestamps, mirroring the layout described in "
        "tests/layouts/README.md: 'Name  m:ss  ', text, blank line, one block per paragraph, footer",
        turns,
    )


def whisperx_srt():
    conv = talks.B[7:16]
    out, turns = [], []
    for n, (role, x, s, e) in enumerate(cues(conv, 291.57), 1):
        out.append(f"{n}\n{hms(s, ',')} --> {hms(e, ',')}\n[{label(role)}]: {x}\n")
        turns.append((label(role), x, hms(s, ",")))
    write(
        "whisperx-srt",
        "sample.srt",
        "\n".join(out),
        "whisperx-srt",
        "en",
        "WhisperX utils.py WriteSRT with diarization: cue number, 'HH:MM:SS,mmm --> HH:MM:SS,mmm', "
        "'[SPEAKER_xx]: ' prefixed text, blank line",
        turns,
    )


def google_meet_txt():
    names = [
        "Siân Rhys-Evans",
        "Dave Pritchard",
        "Gwen Morgan",
        "Mohammed Al-Rashid",
        "Lærke Holm Jensen",
        "Ama Owusu",
    ]
    out = ["Mar 4, 2026", "Garden volunteers – evening session - Transcript", "00:00:00", ""]
    turns = []
    next_mark = 60
    for role, paras, s, _starts, _ends in per_turn(talks.B, 2.0):
        ts = None
        if s >= next_mark:
            mark = int(s)
            out += ["", "", hms(mark, ms=False), ""]
            ts = hms(mark, ms=False)
            next_mark = (mark // 60 + 1) * 60
        elif not turns:
            ts = "00:00:00"
        text = " ".join(paras)
        out.append(f"{names[role]}: {text}")
        turns.append((names[role], "\n".join(paras), ts))
    end = hms(int(per_turn(talks.B, 2.0)[-1][4][-1]) + 3, ms=False)
    out += [
        "",
        "",
        f"Transcription ended after {end}",
        "",
        "This editable transcript was computer generated and might contain errors. "
        "People can also change the text after it was created.",
    ]
    write(
        "google-meet-txt",
        "sample.txt",
        "\n".join(out) + "\n",
        "google-meet-txt",
        "en",
        "Google Meet transcript (Docs) exported as text, mirroring tests/layouts/README.md: date line, "
        "'<title> - Transcript', 'HH:MM:SS' line about once a minute, 'Name: text', "
        "'Transcription ended after …' and the disclaimer",
        turns,
    )


def zoom_txt():
    names = [
        "Mette Skov-Hansen",
        "Poul Erik Vestergaard",
        "Jakob Ågård",
        "Ida Bæk (SDU)",
        "Rasmus Kjær",
    ]
    out, turns = [], []
    base = 14 * 3600 + 3 * 60 + 12
    for role, x, s, _e in cues(talks.A[:15], 0.0):
        ts = hms(base + s, ms=False)
        out.append(f"[{names[role]}] {ts}\n{x}\n")
        turns.append((names[role], x, ts))
    write(
        "zoom-txt",
        "sample.txt",
        "\n".join(out),
        "zoom-txt",
        "da",
        "Zoom saved closed captions .txt, mirroring tests/layouts/README.md: '[Name] HH:MM:SS' wall clock, "
        "caption text on the next line, blank line; written with CRLF line ends",
        turns,
        newline="\r\n",
    )


def f4_txt():
    out, turns = [], []
    for role, paras, _s, _starts, ends in per_turn(talks.A, 3.4):
        lab = "I" if role == 0 else f"B{role}"
        first = None
        for j, p in enumerate(paras):
            e = ends[j]
            ts = f"{hms(e, ms=False)}-{int((e % 1) * 10)}"
            first = first or ts
            trail = " " if (len(p) % 3 == 0) else ""
            out.append((f"{lab}: " if j == 0 else "") + f"{p} #{ts}#{trail}")
            out.append("")
        turns.append((lab, "\n".join(paras), first))
    write(
        "f4-txt",
        "sample.txt",
        "\n".join(out),
        "f4-txt",
        "da",
        "f4/f5transkript simple rules (Dresing & Pehl), mirroring tests/layouts/README.md: 'I:'/'B1:' labels, "
        "'#hh:mm:ss-d#' closing every paragraph, blank line between paragraphs, CRLF",
        turns,
        newline="\r\n",
    )


def speaker_alone():
    out, turns = [], []
    prev = None
    for role, x, _s, _e in cues(talks.A, 0.0):
        if role != prev:
            if prev is not None:
                out.append("")
            out.append(label(role))
            turns.append([label(role), [x], None])
        else:
            turns[-1][1].append(x)
        out.append(x)
        prev = role
    write(
        "speaker-alone",
        "sample.txt",
        "\n".join(out) + "\n\n\n",
        "speaker-alone",
        "da",
        "aTrain/Whisper-style transcription.txt as in tests/layouts/README.md: 'SPEAKER_xx' alone on a line "
        "at each change of speaker, one segment per line below it, no headline, no timestamps",
        [(a, "\n".join(b), c) for a, b, c in turns],
    )


def teams_vtt():
    names = [
        "Lene Damgaard Thomsen",
        "Hanne Ø. Kristensen",
        "Fatima El-Khatib",
        "Birthe Søgaard",
        "Mads-Emil Lund",
    ]
    g = "a41f09c2-7d3e-4b8a-b5e1-93c0d2f6e871"
    out, turns = ["WEBVTT", ""], []
    for n, (role, x, s, e) in enumerate(cues(talks.C[:12], 1.84), 3):
        out += [f"{g}/{n}-{n % 2}", f"{hms(s)} --> {hms(e)}", f"<v {names[role]}>{x}</v>", ""]
        turns.append((names[role], x, hms(s)))
    write(
        "teams-vtt",
        "sample.vtt",
        "\n".join(out),
        "teams-vtt",
        "da",
        "Microsoft Teams transcript download (.vtt), mirroring tests/layouts/README.md: '<guid>/<n>-<m>' cue ids, "
        "'HH:MM:SS.mmm', '<v Name>text</v>'",
        turns,
    )


def noscribe_txt():
    conv = talks.C
    out = [
        "hjemmepleje_gruppe2",
        "",
        "Transcribed with noScribe vers. 0.5",
        "Audio file: D:/Projekt/lydfiler/hjemmepleje_gruppe2.m4a",
        "(Language: auto | Speaker detection: auto | Overlapping speech: yes | Timestamps: no | "
        "Disfluencies: no | Pause marker: no)",
        "",
        "",
        "",
    ]
    turns = []
    i = 0
    while i < len(conv):
        role, paras = conv[i]
        lab = f"S{role:02d}"
        text = " ".join(paras)
        turns.append((lab, "\n".join(paras), None))
        # a short backchannel between two turns of the same speaker goes inline
        while i + 2 < len(conv) and conv[i + 2][0] == role and len(" ".join(conv[i + 1][1])) < 20:
            brole, bparas = conv[i + 1]
            b = " ".join(bparas)
            text += f" //S{brole:02d}: {b} // " + " ".join(conv[i + 2][1])
            turns.append((f"S{brole:02d}", b, None))
            turns.append((lab, "\n".join(conv[i + 2][1]), None))
            i += 2
        out.append(f"{lab}: {text}")
        out.append("")
        i += 1
    write(
        "noscribe-txt",
        "sample.txt",
        "\n".join(out),
        "noscribe-txt",
        "da",
        "noScribe .txt export (timestamps off), mirroring tests/layouts/README.md: title, info block, "
        "three blank lines, 'S00: …' paragraph per speaker change, overlapping speech inline as "
        "'//S00: Mm. //'",
        turns,
    )


def rev_txt():
    names = ["Priya", "Gareth", "Ólöf", "Søren B.", "Tom (Guest)", "Speaker 6"]
    out = ["bookkeeping_group_2.mp3 (Completed 03/11/26)", "Transcript by Rev.com", ""]
    turns = []
    for role, paras, s, _starts, _ends in per_turn(talks.D, 4.0):
        ts = hms(s, ms=False, hours=s >= 3600)
        out.append(f"{names[role]} ({ts}):")
        for p in paras:
            out += [p, ""]
        turns.append((names[role], "\n".join(paras), ts))
    write(
        "rev-txt",
        "sample.txt",
        "\n".join(out),
        "rev-txt",
        "en",
        "Rev .txt transcript download, mirroring tests/layouts/README.md: '<file> (Completed …)', "
        "'Transcript by Rev.com', 'Name (mm:ss):' then paragraphs; an unnamed 'Speaker 6'",
        turns,
    )


def whisperx_json():
    conv = talks.D[:12]
    segs, turns = [], []
    for role, x, s, e in cues(conv, 0.51):
        words = x.split()
        step = (e - s) / max(1, len(words))
        ws = []
        for k, w in enumerate(words):
            if any(c.isdigit() for c in w):
                ws.append({"word": w})  # numerals get no alignment in WhisperX
            else:
                ws.append(
                    {
                        "word": w,
                        "start": round(s + k * step, 3),
                        "end": round(s + (k + 0.8) * step, 3),
                        "score": round(0.5 + (len(w) * 37 % 50) / 100, 3),
                        "speaker": label(role),
                    }
                )
        segs.append({"start": s, "end": e, "text": " " + x, "words": ws, "speaker": label(role)})
        turns.append((label(role), x, f"{s:.3f}".rstrip("0").rstrip(".") if s % 1 else str(s)))
    data = json.dumps({"segments": segs, "language": "en"}, ensure_ascii=False)
    turns = [(a, b, str(seg["start"])) for (a, b, _), seg in zip(turns, segs, strict=False)]
    write(
        "whisperx-json",
        "sample.json",
        data,
        "whisperx-json",
        "en",
        "WhisperX utils.py WriteJSON after assign_word_speakers: segments with start/end/text (leading space)/"
        "words/speaker, 'language'; words with digits have no start/end/score/speaker, as WhisperX leaves "
        "unalignable numerals",
        turns,
    )


def otranscribe_txt():
    names = ["Ulla", "Bent Åge", "Khadija", "Søs", "Nikolaj"]
    out, turns = [], []
    for n, (role, paras, s, starts, _ends) in enumerate(per_turn(talks.E_TYPED, 14.0)):
        for j, p in enumerate(paras):
            sp = "\u00a0" if n == 5 else " "
            ts = hms(starts[j], ms=False, hours=False)
            out.append(f"{ts}{sp}{names[role]}: {p}" if j == 0 else f"{ts} {p}")
            out.append("")
        turns.append((names[role], "\n".join(paras), hms(s, ms=False, hours=False)))
    write(
        "otranscribe-txt",
        "sample.txt",
        "\n".join(out),
        "otranscribe-txt",
        "da",
        "oTranscribe plain-text export of a hand-typed transcript, mirroring tests/layouts/README.md: "
        "'mm:ss Name: text', continuation paragraphs with their own timestamp and no name; one U+00A0 "
        "after a timestamp",
        turns,
    )


def whisperx_txt():
    conv = talks.E[4:14]
    out, turns = [], []
    for role, x, _s, _e in cues(conv, 0.0):
        out.append(f"[{label(role)}]: {x}")
        turns.append((label(role), x, None))
    write(
        "whisperx-txt",
        "sample.txt",
        "\n".join(out) + "\n",
        "whisperx-txt",
        "da",
        "WhisperX utils.py WriteTXT with diarization: '[SPEAKER_xx]: text' one segment per line",
        turns,
    )


def zoom_vtt():
    names = [
        "Eleri Vaughan (Bangor Uni)",
        "Kev",
        "Dafydd ap Rhys",
        "Ffion Hughes",
        "Lars Østergaard",
        "Margaret Ann Pugh",
    ]
    out, turns = ["WEBVTT", ""], []
    for n, (role, x, s, e) in enumerate(cues(talks.F[:13], 2.27), 1):
        out += [str(n), f"{hms(s)} --> {hms(e)}", f"{names[role]}: {x}", ""]
        turns.append((names[role], x, hms(s)))
    write(
        "zoom-vtt",
        "sample.vtt",
        "\n".join(out),
        "zoom-vtt",
        "en",
        "Zoom cloud recording audio transcript (.vtt), mirroring tests/layouts/README.md: numbered cues, "
        "'Name: text' with the display name as set in Zoom",
        turns,
    )


def plain_labels_txt():
    labs = [
        "Interviewer",
        "Participant 1",
        "Participant 2",
        "Participant 3",
        "Participant 4",
        "Participant 5",
    ]
    out = [
        "Llanfair bus users – focus group 3",
        "Date: 12 March 2026",
        "Location: village hall",
        "Moderator: E. Vaughan",
        "Transcribed by: J. Parry (verbatim, names removed)",
        "",
        "",
    ]
    turns = []
    for n, (role, paras) in enumerate(talks.F):
        for j, p in enumerate(paras):
            out.append(f"{labs[role]}: {p}" if j == 0 else p)
            if n in (3, 9):
                out[-1] += "  "
            out.append("")
        if n == 6:
            out += ["", ""]
        turns.append((labs[role], "\n".join(paras), None))
    out.append("[END OF RECORDING]")
    write(
        "plain-labels-txt",
        "sample.txt",
        "\n".join(out) + "\n",
        "plain-labels-txt",
        "en",
        "hand-typed transcript with 'Interviewer:'/'Participant n:' labels and a title block; saved by "
        "Windows Notepad as UTF-8 with BOM",
        turns,
        bom=True,
    )


def happyscribe_txt():
    names = [
        "Eleri Vaughan",
        "Kevin O'Neill",
        "Dafydd ap Rhys",
        "Ffion Hughes-Parry",
        "Lars Østergaard",
        "Margaret Ann Pugh",
    ]
    out, turns = [], []
    for role, _i, _j, p, s, _e in timeline(talks.F, 61.4):
        fr = int((s % 1) * 25)
        ts = f"{hms(s, ms=False)}.{fr:02d}"
        out.append(f"[{ts}] - {names[role]}\n{p}\n")
        turns.append((names[role], p, ts))
    write(
        "happyscribe-txt",
        "sample.txt",
        "\n".join(out),
        "happyscribe-txt",
        "en",
        "Happy Scribe .txt with timecodes and speakers, mirroring tests/layouts/README.md: "
        "'[HH:MM:SS.ff] - Name', text on the next line, blank line, one block per paragraph",
        turns,
    )


ALL = [
    otter_txt,
    whisperx_srt,
    google_meet_txt,
    zoom_txt,
    f4_txt,
    speaker_alone,
    teams_vtt,
    noscribe_txt,
    rev_txt,
    whisperx_json,
    otranscribe_txt,
    whisperx_txt,
    zoom_vtt,
    plain_labels_txt,
    happyscribe_txt,
]

if __name__ == "__main__":
    for fn in ALL:
        fn()
