"""Writes the plain-text samples (txt, vtt, srt, json, tsv, html, rtf) and their expected.json.

Run: python make_text.py   (deterministic; the generated files are committed)
Each function lays the turns out as the named tool exports them; see README.md for sources.
"""

import json

from common import (
    NAMES,
    build,
    hms,
    hmsms,
    lang,
    merged,
    mmss,
    otter_ts,
    write_expected,
    write_text,
)

NBSP = "\u00a0"


def exp(turns, ts=None):
    """Expected turns: speaker, text (paragraphs joined by newline), timestamp via ts(turn)."""
    return [(t.speaker, t.text, ts(t) if ts else None) for t in turns]


def seg_exp(turns, ts):
    """One expected turn per caption/segment."""
    return [(t.speaker, s.text, ts(s)) for t in turns for s in t.segs]


# --- "name and timestamp on their own line" ---------------------------------


def otter_txt():
    slug, d = "otter-txt", "EN1"
    # an excerpt from late in a long recording: times pass from m:ss to h:mm:ss; an untagged voice
    names = dict(NAMES["EN-A"], P4="Unknown Speaker")
    turns = build(d, 0, 22, names, t0=3471.3)
    out, ex = [], []
    for t in turns:
        # Otter starts a new block (name + time) for every paragraph it makes
        for ps in t.psegs:
            out.append(f"{t.speaker}  {otter_ts(ps[0].start)}  \n{' '.join(s.text for s in ps)}\n")
            ex.append((t.speaker, " ".join(s.text for s in ps), otter_ts(ps[0].start)))
    body = "\n".join(out) + "\nTranscribed by https://otter.ai\n"
    write_text(slug, "sample.txt", body)
    write_expected(
        slug,
        lang(d),
        "Otter.ai Help Center, 'Export conversations' (TXT with speaker names and timestamps); layout checked against "
        "real Otter .txt exports kept in public repositories: 'Name  m:ss  ' (two spaces before and after the "
        "time), text, blank line; 'Unknown Speaker' for untagged voices; footer 'Transcribed by https://otter.ai'",
        ex,
        "sample.txt",
    )


def zoom_txt():
    slug, d = "zoom-txt", "DA3"
    turns = build(d, 0, 23, NAMES["DA-B"], t0=0.0)
    base = 10 * 3600 + 2 * 60 + 31  # meeting started 10:02:31
    out, ex = [], []
    for t in turns:
        for s in t.segs:  # live captions: one entry per caption line
            clock = hms(base + s.start)
            out.append(f"[{t.speaker}] {clock}\n{s.text}\n")
            ex.append((t.speaker, s.text, clock))
    write_text(slug, "sample.txt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Zoom Support, 'Saving captions/live transcript' (meeting_saved_closed_caption.txt); layout checked against a real "
        "file in github.com/datadaveshin/zoom_transcript_filter (input_example.txt): '[Name] HH:MM:SS' wall-clock "
        "time, caption text on the next line, blank line, the same speaker repeated per caption",
        ex,
        "sample.txt",
    )


def happyscribe_txt():
    slug, d = "happyscribe-txt", "EN2"
    turns = build(d, 0, 22, NAMES["EN-B"], t0=0.15)

    def tc(sec):  # HH:MM:SS.FF, frames at 25 fps
        return f"{hms(sec)}.{int((sec % 1) * 25):02d}"

    out, ex = [], []
    for t in turns:
        for ps in t.psegs:  # every paragraph is its own block with its own timecode and speaker
            text = " ".join(s.text for s in ps)
            out.append(f"[{tc(ps[0].start)}] - {t.speaker}\n{text}\n")
            ex.append((t.speaker, text, tc(ps[0].start)))
    write_text(slug, "sample.txt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Happy Scribe TXT export with timecodes and speaker names; layout matched to an export kept in "
        "a public repository ('[00:01:02.02] - Speaker 1', text on the next line, blank line between blocks, "
        "frame-based fraction, a speaker's paragraphs as separate blocks)",
        ex,
        "sample.txt",
    )


def amberscript_txt():
    slug, d = "amberscript-txt", "DA3"
    turns = build(d, 0, 23, NAMES["DA-C"], t0=4.1)
    out = []
    for t in turns:
        out.append(f"{hms(t.start)} {t.speaker}\n" + "\n".join(t.paras) + "\n")
    write_text(slug, "sample.txt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Amberscript help centre, 'Export your file' (Text export with timestamps and speakers: "
        "'HH:MM:SS Speaker' on its own line, text below); layout recalled, not a spec",
        exp(turns, lambda t: hms(t.start)),
        "sample.txt",
    )


def trint_txt():
    slug, d = "trint-txt", "EN3"
    turns = build(d, 3, 19, NAMES["EN-C"], t0=61.3)
    out = []
    for t in turns:
        out.append(f"{t.speaker} [{hms(t.start)}]\n" + "\n".join(t.paras) + "\n")
    write_text(
        slug, "sample.txt", "Night team focus group - wellbeing programme\n\n" + "\n".join(out)
    )
    write_expected(
        slug,
        lang(d),
        "Trint export (Text/.txt, speaker names and timecodes on: 'Speaker [HH:MM:SS]' line then text; "
        "title line at top); layout recalled, not a spec",
        exp(turns, lambda t: hms(t.start)),
        "sample.txt",
    )


def atrain_file_id():
    return "2612030914-fokusgr"


def atrain_txt():
    slug, d = "atrain-txt", "DA2"
    labels = {
        "M": "SPEAKER_01",
        "P1": "SPEAKER_00",
        "P2": "SPEAKER_02",
        "P3": "SPEAKER_03",
        "P4": "SPEAKER_04",
    }
    turns = merged(build(d, 0, 23, labels, t0=1.02))
    f = [f"Transcription for {atrain_file_id()}\n"]
    for t in turns:
        f.append("\n" + t.speaker + "\n")
        for s in t.segs:
            f.append(f"[{hms(s.start)}] - {s.text}\n")
    write_text(slug, "sample.txt", "".join(f))
    write_expected(
        slug,
        lang(d),
        "aTrain-core source, aTrain_core/outputs.py create_txt_file (transcription_timestamps.txt): "
        "headline 'Transcription for <id>', speaker label on its own line at each change, '[HH:MM:SS] - text' per segment",
        [(t.speaker, "\n".join(s.text for s in t.segs), hms(t.start)) for t in turns],
        "sample.txt",
    )


def speaker_alone():
    slug, d = "speaker-alone", "EN3"
    labels = {
        "M": "SPEAKER_00",
        "P1": "SPEAKER_02",
        "P2": "SPEAKER_01",
        "P3": "SPEAKER_03",
        "P4": "SPEAKER_04",
    }
    turns = merged(build(d, 0, 22, labels))
    f = ["Transcription for 2612031127-focus_g\n"]
    for t in turns:
        f.append("\n" + t.speaker + "\n")
        for s in t.segs:
            f.append(s.text + "\n")
    write_text(slug, "sample.txt", "".join(f))
    write_expected(
        slug,
        lang(d),
        "aTrain-core source, aTrain_core/outputs.py create_txt_file (transcription.txt, no timestamps): "
        "SPEAKER_xx alone on a line at each speaker change, one segment per line",
        [(t.speaker, "\n".join(s.text for s in t.segs), None) for t in turns],
        "sample.txt",
    )


# --- names with brackets / several words -------------------------------------


def rev_txt():
    slug, d = "rev-txt", "EN1"
    names = {
        "M": "Interviewer (Sarah)",
        "P1": "Mark Ellison",
        "P2": "Priya Nair",
        "P3": "Søren Ærø",
        "P4": "Åsa Lindqvist",
    }
    turns = build(d, 0, 22, names, t0=3486.2)

    def rt(sec):  # Rev: (MM:SS) under an hour, (HH:MM:SS) after
        return mmss(sec) if sec < 3600 else hms(sec)

    out = [f"{t.speaker} ({rt(t.start)}):\n" + "\n\n".join(t.paras) + "\n" for t in turns]
    write_text(
        slug,
        "sample.txt",
        "focus_group_3.m4a (Completed 12/03/26)\nTranscript by Rev.com\n\n" + "\n".join(out),
    )
    write_expected(
        slug,
        lang(d),
        "Rev.com transcript downloads (TXT/DOCX): 'Speaker (MM:SS):' line, text below, "
        "blank line between; header 'file (Completed mm/dd/yy)' and 'Transcript by Rev.com'",
        exp(turns, lambda t: rt(t.start)),
        "sample.txt",
    )


def whisperx_labels():
    return {
        "M": "SPEAKER_00",
        "P1": "SPEAKER_01",
        "P2": "SPEAKER_02",
        "P3": "SPEAKER_03",
        "P4": "SPEAKER_04",
    }


def whisperx_srt():
    slug, d = "whisperx-srt", "DA1"
    turns = build(d, 0, 25, whisperx_labels(), t0=0.431)
    out = []
    i = 0
    for t in turns:
        for s in t.segs:
            i += 1
            out.append(
                f"{i}\n{hmsms(s.start, ',')} --> {hmsms(s.end, ',')}\n[{t.speaker}]: {s.text}\n"
            )
    write_text(slug, "sample.srt", "\n".join(out) + "\n")
    write_expected(
        slug,
        lang(d),
        "WhisperX source, whisperx/utils.py WriteSRT/SubtitlesWriter: numbered cues, HH:MM:SS,mmm, "
        "text prefixed '[SPEAKER_xx]: '",
        seg_exp(turns, lambda s: hmsms(s.start, ",")),
        "sample.srt",
    )


def whisperx_vtt():
    slug, d = "whisperx-vtt", "EN2"
    turns = build(d, 0, 22, whisperx_labels(), t0=0.9)

    def vt(sec):  # WriteVTT: always_include_hours False -> MM:SS.mmm under one hour
        return hmsms(sec)[3:] if sec < 3600 else hmsms(sec)

    out = ["WEBVTT\n"]
    for t in turns:
        for s in t.segs:
            out.append(f"{vt(s.start)} --> {vt(s.end)}\n[{t.speaker}]: {s.text}\n")
    write_text(slug, "sample.vtt", "\n".join(out) + "\n")
    write_expected(
        slug,
        lang(d),
        "WhisperX source, whisperx/utils.py WriteVTT: 'WEBVTT', no cue numbers, MM:SS.mmm, "
        "'[SPEAKER_xx]: ' prefix",
        seg_exp(turns, lambda s: vt(s.start)),
        "sample.vtt",
    )


def whisperx_txt():
    slug, d = "whisperx-txt", "DA3"
    turns = build(d, 0, 23, whisperx_labels())
    out = [f"[{t.speaker}]: {s.text}\n" for t in turns for s in t.segs]
    write_text(slug, "sample.txt", "".join(out))
    write_expected(
        slug,
        lang(d),
        "WhisperX source, whisperx/utils.py WriteTXT: one line per segment, '[SPEAKER_xx]: text'",
        seg_exp(turns, lambda s: None),
        "sample.txt",
    )


def names_once():
    slug, d = "names-once", "DA1"
    turns = build(d, 1, 24, NAMES["DA-A"])
    out = []
    for t in turns:
        out.append(f"{t.speaker}: " + "\n\n".join(t.paras) + "\n")
    write_text(slug, "sample.txt", "Fokusgruppe 1, hold B – 3. december 2026\n\n" + "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Plain 'Name: text' transcript as typed by researchers (Taguette/QualCoder import docs: "
        "speaker name and colon at paragraph start); Åse Møller speaks once",
        exp(turns),
        "sample.txt",
    )


def teams_vtt():
    slug, d = "teams-vtt", "EN3"
    turns = build(d, 2, 20, NAMES["EN-B"], t0=5.62)
    out = ["WEBVTT\n"]
    base = "6c3f2a1e-4b7d-4e1a-9f0c-2d8e5b7a9c41"
    n = 0
    for t in turns:
        for s in t.segs:
            n += 1
            out.append(
                f"{base}/{10 + n}-0\n{hmsms(s.start)} --> {hmsms(s.end)}\n<v {t.speaker}>{s.text}</v>\n"
            )
    write_text(slug, "sample.vtt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Microsoft Teams meeting transcript download (.vtt): cue ids '<guid>/<n>-<m>', "
        "HH:MM:SS.mmm, '<v Name>text</v>'",
        seg_exp(turns, lambda s: hmsms(s.start)),
        "sample.vtt",
    )


def zoom_vtt():
    slug, d = "zoom-vtt", "DA1"
    names = {
        "M": "Tanja Kjær Holm (SDU)",
        "P1": "Søren Ærø",
        "P2": "Mette Lund (hun/hende)",
        "P3": "Jonas Bæk",
        "P4": "iPhone",
    }
    turns = build(d, 0, 25, names, t0=3.51)
    out = ["WEBVTT\n"]
    n = 0
    for t in turns:
        for s in t.segs:
            n += 1
            out.append(f"{n}\n{hmsms(s.start)} --> {hmsms(s.end)}\n{t.speaker}: {s.text}\n")
    write_text(slug, "sample.vtt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Zoom cloud recording audio transcript (.vtt), as quoted in github.com/wwsalmon/zoom-transcript-formatter "
        "readme: numbered cues, HH:MM:SS.mmm, "
        "'Display Name: text' (display names may contain brackets; unnamed devices appear as e.g. 'iPhone')",
        seg_exp(turns, lambda s: hmsms(s.start)),
        "sample.vtt",
    )


# --- timestamps anywhere ------------------------------------------------------


def timestamp_after_colon():
    slug, d = "timestamp-after-colon", "EN3"
    labels = {"M": "S01", "P1": "S02", "P2": "S03", "P3": "S04", "P4": "S05"}
    turns = build(d, 0, 22, labels, t0=12.0)
    out = []
    for t in turns:
        out.append(f"{t.speaker}: [{hms(t.start)}] " + "\n\n".join(t.paras) + "\n")
    write_text(slug, "sample.txt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Label-colon-timestamp layout ('S01: [00:00:12] text') as written by noScribe with timestamps "
        "and by hand-made transcripts (noScribe source: seg_text = f'{speaker}: {ts}{seg_text}')",
        exp(turns, lambda t: hms(t.start)),
        "sample.txt",
    )


def descript_txt():
    slug, d = "descript-txt", "EN1"
    turns = build(d, 1, 21, NAMES["EN-A"], t0=60.0)
    out = []
    for t in turns:
        paras = []
        for k, ps in enumerate(t.psegs):
            p = " ".join(s.text for s in ps)
            # Descript repeats a timecode at the start of a later paragraph of a long turn
            paras.append(p if k == 0 else f"[{hms(ps[0].start)}] {p}")
        out.append(f"{t.speaker}: [{hms(t.start)}] " + "\n\n".join(paras) + "\n")
    write_text(slug, "sample.txt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "Descript export, Transcript as .txt with 'Speaker labels' and 'Timecodes' "
        "('Name: [HH:MM:SS] text', timecode also at later paragraphs); layout recalled, not a spec",
        exp(turns, lambda t: hms(t.start)),
        "sample.txt",
    )


def f4_txt():
    slug, d = "f4-txt", "DA2"
    labels = {"M": "I", "P1": "B1", "P2": "B2", "P3": "B3", "P4": "B4"}
    turns = build(d, 0, 23, labels, t0=0.0)

    def f4(sec):  # #hh:mm:ss-d# (tenths)
        return f"{hms(sec)}-{int((sec % 1) * 10)}"

    out, ex = [], []
    for t in turns:
        paras = []
        for k, ps in enumerate(t.psegs):
            p = " ".join(s.text for s in ps)
            paras.append(("" if k else f"{t.speaker}: ") + f"{p} #{f4(ps[-1].end)}#")
        out.append("\n\n".join(paras) + "\n")
        ex.append((t.speaker, t.text, f4(t.psegs[0][-1].end)))
    write_text(slug, "sample.txt", "\n".join(out), newline="\r\n")
    write_expected(
        slug,
        lang(d),
        "Dresing & Pehl, Praxisbuch Interview, Transkription & Analyse (f4/f5 simple transcription "
        "rules), as summarised at https://www.schreibbuero-brinkmann.de/transkription-nach-regeln-vereinfacht.html "
        "('Zeitmarken (#00:00:00-0#) an jedem Absatzende'): 'I:'/'B1:' labels, a timestamp #hh:mm:ss-d# at the end of every paragraph, blank line between; "
        "f4 saves Windows line endings",
        ex,
        "sample.txt",
    )


def otranscribe_txt():
    slug, d = "otranscribe-txt", "DA1"
    names = {"M": "Tanja", "P1": "Søren", "P2": "Mette", "P3": "Jonas", "P4": "Åse"}
    turns = build(d, 0, 25, names, t0=22.0)
    out = []
    for t in turns:
        paras = []
        for k, ps in enumerate(t.psegs):
            p = " ".join(s.text for s in ps)
            sep = NBSP if (len(paras) + len(out)) % 3 else " "
            paras.append(f"{mmss(ps[0].start)}{sep}" + (f"{t.speaker}: " if k == 0 else "") + p)
        out.append("\n".join(paras))
    write_text(slug, "sample.txt", "\n\n".join(out) + "\n")
    write_expected(
        slug,
        lang(d),
        "oTranscribe (otranscribe.com) plain-text export: timestamps inserted with the editor "
        "shortcut as 'MM:SS' followed by a no-break space (U+00A0), speaker typed by the user after it",
        exp(turns, lambda t: mmss(t.start)),
        "sample.txt",
    )


def maxqda_txt():
    slug, d = "maxqda-txt", "EN1"
    labels = {"M": "I", "P1": "R1", "P2": "R2", "P3": "R3", "P4": "R4"}
    turns = build(d, 0, 22, labels, t0=5.0)

    def mq(sec):
        return f"{hms(sec)}.{int((sec % 1) * 10)}"

    out = []
    for t in turns:
        out.append(f"{mq(t.start)}{t.speaker}: " + "\n".join(t.paras) + "\n")
    write_text(slug, "sample.txt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "MAXQDA transcript exported as plain text: the time stamp (hh:mm:ss.d) is glued to the "
        "speaker label 'I:'/'R1:' that MAXQDA's transcription mode inserts (qualcode issue 11)",
        exp(turns, lambda t: mq(t.start)),
        "sample.txt",
    )


def transana_txt():
    slug, d = "transana-txt", "DA4"
    names = {"M": "Lærke", "P1": "Mads", "P2": "Søs", "P3": "Anders", "P4": "Bjørn"}
    turns = build(d, 0, 22, names, t0=5.0)
    out = []
    for t in turns:
        paras = []
        for k, ps in enumerate(t.psegs):
            p = " ".join(s.text for s in ps)
            paras.append(
                f"¤<{int(ps[0].start * 1000)}> " + (f"{t.speaker}: " if k == 0 else "") + p
            )
        out.append("\n".join(paras))
    write_text(slug, "sample.txt", "\n\n".join(out) + "\n")
    write_expected(
        slug,
        lang(d),
        "Transana manual, 'Time codes' (time code marks ¤<milliseconds> before the text they start; "
        "plain-text export keeps them)",
        exp(turns, lambda t: str(int(t.psegs[0][0].start * 1000))),
        "sample.txt",
    )


def google_meet_txt():
    slug, d = "google-meet-txt", "EN4"
    turns = build(d, 0, 22, NAMES["EN-C"], t0=1.0)
    out = ["Dec 3, 2026", "Teaching staff focus group - Transcript"]
    ex = []
    next_mark = 0
    for k, t in enumerate(turns):
        ts = None
        if t.start >= next_mark:
            # Meet writes a timestamp line about once a minute, before the next turn that starts after it
            mark = hms(t.start) if k else "00:00:00"
            out += ([] if k == 0 else ["", ""]) + [mark, ""]
            ts = mark
            next_mark = t.start + 60
        out.append(f"{t.speaker}: " + " ".join(t.paras))
        ex.append((t.speaker, " ".join(t.paras), ts))
    out += [
        "",
        "",
        f"Transcription ended after {hms(turns[-1].end + 3)}",
        "",
        "This editable transcript was computer generated and might contain errors. "
        "People can also change the text after it was created.",
    ]
    write_text(slug, "sample.txt", "\n".join(out) + "\n")
    write_expected(
        slug,
        lang(d),
        "Google Meet transcript (Google Docs 'Transcript' document saved as .txt; Google Meet Help, "
        "'Use transcripts with Google Meet'); layout checked against real exports kept in public repositories: "
        "date line, '<title> - Transcript', HH:MM:SS lines about once a minute (two blank lines before, one "
        "after), 'Name: text' lines, footer 'Transcription ended after HH:MM:SS' and the computer-generated note",
        ex,
        "sample.txt",
    )


# --- noScribe ----------------------------------------------------------------


def noscribe_turns(d, start, count, t0):
    labels = {"M": "S00", "P1": "S01", "P2": "S02", "P3": "S03", "P4": "S04"}
    return build(d, start, count, labels, t0=t0)


def noscribe_blocks(turns, inline=True):
    """Group turns into noScribe paragraphs: a short backchannel between two turns of the same
    speaker becomes inline overlapping speech '//S02: Mm.//' inside that speaker's paragraph.
    Consecutive turns of one speaker share a paragraph (noScribe starts a paragraph only on a change)."""
    blocks = []  # each: list of (turn, overlap?)
    i = 0
    while i < len(turns):
        t = turns[i]
        if (
            inline
            and blocks
            and i + 1 < len(turns)
            and len(t.paras) == 1
            and len(t.text.split()) <= 3
            and blocks[-1][-1][0].speaker == turns[i + 1].speaker != t.speaker
        ):
            blocks[-1].append((t, True))
            blocks[-1].append((turns[i + 1], False))
            i += 2
            continue
        if blocks and blocks[-1][-1][0].speaker == t.speaker and not blocks[-1][-1][1]:
            blocks[-1].append((t, False))
        else:
            blocks.append([(t, False)])
        i += 1
    return blocks


def noscribe_expected(blocks, with_ts):
    ex = []
    for b in blocks:
        first = True
        for t, ov in b:
            ts = hms(t.start) if (with_ts and first) else None
            if ex and not ov and not first and ex[-1][0] == t.speaker:
                ex[-1] = (t.speaker, ex[-1][1] + "\n" + t.text, ex[-1][2])
            else:
                ex.append((t.speaker, t.text, ts))
            first = False
    return ex


def noscribe_txt():
    slug, d = "noscribe-txt", "DA1"
    turns = noscribe_turns(d, 0, 25, 0.0)
    blocks = noscribe_blocks(turns)
    # html_to_text of noScribe's document: title (audio file stem), the grey info paragraph whose <br>s
    # become line breaks, an empty paragraph, then one paragraph per speaker
    paras = [
        "fokusgruppe_1",
        "Transcribed with noScribe vers. 0.6.2\nAudio file: C:/Users/forsker/Interviews/fokusgruppe_1.mp3\n"
        "(Language: Danish | Speaker detection: auto | Overlapping speech: yes | Timestamps: no)",
        "",
    ]
    for b in blocks:
        txt = ""
        for k, (t, ov) in enumerate(b):
            body = " ".join(t.paras)
            if k == 0:
                txt = f"{t.speaker}: {body}"
            elif ov:
                txt += f" //{t.speaker}: {body} //"
            else:
                txt += f" {body}"
        paras.append(txt)
    write_text(slug, "sample.txt", "\n\n".join(paras) + "\n")
    write_expected(
        slug,
        lang(d),
        "noScribe source (kaixxx/noScribe, noScribe.py on_segment and document header; "
        "noScribe/utils.py html_to_text; trans/noScribe.en.yml doc_header): title = audio file stem, grey info "
        "paragraph ('Transcribed with noScribe vers. …', 'Audio file: …', options; its option wording approximated), "
        "an empty paragraph, one paragraph per speaker 'S00: text', overlapping speech inline as "
        "'//S01: Mm. //'",
        noscribe_expected(blocks, False),
        "sample.txt",
    )


def noscribe_html():
    import html as H

    slug, d = "noscribe-html", "EN1"
    turns = noscribe_turns(d, 0, 22, 0.0)
    blocks = noscribe_blocks(turns)
    ps = []
    for b in blocks:
        parts = []
        spk = b[0][0].speaker
        for k, (t, ov) in enumerate(b):
            for j, s in enumerate(t.segs):
                st, en = int(s.start * 1000), int(s.end * 1000)
                txt = H.escape(" " + s.text)
                if k == 0 and j == 0:
                    inner = f'{spk}: <span style="color: #78909C" >[{hms(s.start)}]</span>{txt}'
                    name = spk
                elif ov:
                    inner = H.escape(f" //{t.speaker}:" + " " + s.text) if j == 0 else txt
                    name = "//" + t.speaker
                elif b[k - 1][1] and j == 0:
                    inner = "//" + txt
                    name = spk
                else:
                    inner, name = txt, spk
                parts.append(f'<a name="ts_{st}_{en}_{name}" >{inner}</a>')
        ps.append("<p>" + "".join(parts) + "</p>")
    doc = (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN" "http://www.w3.org/TR/REC-html40/strict.dtd">\n'
        '<html><head><meta name="qrichtext" content="1" /><meta charset="UTF-8" />'
        '<style type="text/css">\np, li { white-space: pre-wrap; }\n</style>'
        '<meta name="audio_source" content="C:/Users/researcher/Interviews/focus_group_1.m4a" /></head>\n'
        "<body style=\"font-family:'Arial'; font-size:12pt; font-weight:400; font-style:normal;\">\n"
        '<div class="WordSection1"><p style="font-weight:600;">focus_group_1</p>\n'
        '<p><span style="color:#909090;font-size:0.8em;">Transcribed with noScribe vers. 0.6.2<br />'
        "Audio file: C:/Users/researcher/Interviews/focus_group_1.m4a<br />"
        "(Language: English | Speaker detection: auto | Overlapping speech: yes | Timestamps: yes)</span></p>\n<p></p>\n"
        + "\n".join(ps)
        + "\n</div></body></html>\n"
    )
    write_text(slug, "sample.html", doc)
    write_expected(
        slug,
        lang(d),
        "noScribe source (kaixxx/noScribe, noScribe.py on_segment and document header; utils.py "
        "html_to_webvtt): title <p> (audio stem), grey info <span> with <br>s, empty <p>, inside div.WordSection1; <p> per speaker, each segment an <a name=\"ts_<start>_<end>_<speaker>\">, 'S00: ' label and "
        "[HH:MM:SS] in a coloured span at paragraph start, overlapping speech '//S01: Mm.//' inline",
        noscribe_expected(blocks, True),
        "sample.html",
    )


def noscribe_vtt():
    slug, d = "noscribe-vtt", "DA4"
    turns = noscribe_turns(d, 0, 23, 0.0)
    out = [
        "WEBVTT fokusgruppe_4\n",
        "NOTE\nTranscribed with noScribe vers. 0.6.2 Audio file: C:/Users/forsker/Interviews/"
        "fokusgruppe_4.mp3 (Language: Danish | Speaker detection: auto | Timestamps: no)\n",
    ]
    n = 0
    for t in turns:
        for s in t.segs:
            n += 1
            out.append(f"{n}\n{hmsms(s.start)} --> {hmsms(s.end)}\n<v {t.speaker}>{s.text}\n")
    write_text(slug, "sample.vtt", "\n".join(out))
    write_expected(
        slug,
        lang(d),
        "noScribe source, noScribe/utils.py html_to_webvtt: 'WEBVTT <title>', NOTE with the info paragraph, "
        "numbered cues HH:MM:SS.mmm, '<v S00>' voice tag without closing tag",
        seg_exp(turns, lambda s: hmsms(s.start)),
        "sample.vtt",
    )


# --- structured outputs ----------------------------------------------------------


def words_of(seg, speaker, nd=3):
    ws = seg.text.split()
    dur = (seg.end - seg.start) / max(1, len(ws))
    out = []
    for k, w in enumerate(ws):
        st = round(seg.start + k * dur, nd)
        en = round(st + dur * 0.82, nd)
        out.append(
            {
                "word": w,
                "start": st,
                "end": en,
                "score": round(0.62 + ((len(w) * 37 + k * 11) % 37) / 100, 3),
                "speaker": speaker,
            }
        )
    return out


def whisperx_json():
    slug, d = "whisperx-json", "EN4"
    turns = build(d, 0, 22, whisperx_labels(), t0=0.843)
    segs = []
    for t in turns:
        for s in t.segs:
            segs.append(
                {
                    "start": s.start,
                    "end": s.end,
                    "text": " " + s.text,
                    "words": words_of(s, t.speaker),
                    "speaker": t.speaker,
                }
            )
    data = {"segments": segs, "language": "en"}
    write_text(slug, "sample.json", json.dumps(data, ensure_ascii=False))
    write_expected(
        slug,
        lang(d),
        "WhisperX source, whisperx/utils.py WriteJSON (json.dump(result, ensure_ascii=False)) of the "
        "result after assign_word_speakers: segments with start, end, text (leading space), words "
        "(word, start, end, score, speaker) and speaker; word_segments left out to keep the file small",
        seg_exp(turns, lambda s: str(s.start)),
        "sample.json",
    )


def faster_whisper_json():
    slug, d = "faster-whisper-json", "DA3"
    labels = {
        "M": "SPEAKER_01",
        "P1": "SPEAKER_00",
        "P2": "SPEAKER_02",
        "P3": "SPEAKER_03",
        "P4": "SPEAKER_04",
    }
    turns = build(d, 0, 25, labels, t0=0.0)
    segs = []
    n = 0
    for t in turns:
        for s in t.segs:
            segs.append(
                {
                    "id": n + 1,
                    "seek": int(s.start // 30) * 3000,
                    "start": s.start,
                    "end": s.end,
                    "text": " " + s.text,
                    "temperature": 0.0,
                    "avg_logprob": round(-0.18 - (n % 7) * 0.031, 6),
                    "compression_ratio": round(1.31 + (n % 5) * 0.07, 6),
                    "no_speech_prob": round(0.004 + (n % 4) * 0.0071, 6),
                    "speaker": t.speaker,
                }
            )
            n += 1
    data = {
        "text": "".join(" " + s.text for t in turns for s in t.segs),
        "segments": segs,
        "language": "da",
    }
    write_text(slug, "sample.json", json.dumps(data, ensure_ascii=False, indent=2))
    write_expected(
        slug,
        lang(d),
        "whisper-ctranslate2 (faster-whisper CLI) JSON output with speaker diarization: openai-whisper "
        "result keys (text, segments[id, seek, start, end, text, temperature, avg_logprob, compression_ratio, "
        "no_speech_prob], language) plus 'speaker' per segment; tokens left out",
        seg_exp(turns, lambda s: str(s.start)),
        "sample.json",
    )


def whisper_tsv():
    slug, d = "whisper-tsv", "EN3"
    turns = build(d, 0, 22, whisperx_labels(), t0=0.0)
    out = ["start\tend\ttext"]
    for t in turns:
        for s in t.segs:
            out.append(f"{round(1000 * s.start)}\t{round(1000 * s.end)}\t{s.text}")
    write_text(slug, "sample.tsv", "\n".join(out) + "\n")
    write_expected(
        slug,
        lang(d),
        "openai-whisper / WhisperX source, utils.py WriteTSV: header 'start\\tend\\ttext', integer "
        "milliseconds; the writer drops the speaker, so every row is a turn of an unknown speaker (null)",
        [(None, s.text, str(round(1000 * s.start))) for t in turns for s in t.segs],
        "sample.tsv",
    )


# --- other documents ------------------------------------------------------------


def html_doc():
    import html as H

    slug, d = "html", "DA4"
    turns = build(d, 0, 23, NAMES["DA-C"])
    ps = []
    for t in turns:
        ps.append(f"<p><b>{H.escape(t.speaker)}:</b> {H.escape(t.paras[0])}</p>")
        ps += [f"<p>{H.escape(p)}</p>" for p in t.paras[1:]]
    doc = (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n<title>Fokusgruppe 4 – at prioritere sig selv</title>\n'
        "</head>\n<body>\n<h1>Fokusgruppe 4 – at prioritere sig selv</h1>\n<p><i>Transskriberet af Karen Friis, 3. december 2026</i></p>\n"
        + "\n".join(ps)
        + "\n</body>\n</html>\n"
    )
    write_text(slug, "sample.html", doc)
    write_expected(
        slug,
        lang(d),
        "HTML transcript as read by Taguette (convert.py, HTML import) and QualCoder: "
        "one <p> per paragraph, bold 'Name:' at the start of each turn, heading and note above",
        exp(turns),
        "sample.html",
    )


def rtf_escape(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif o < 128:
            out.append(ch)
        elif o < 256:
            out.append(f"\\'{o:02x}")
        else:
            out.append(f"\\u{o}?")
    return "".join(out)


def rtf_doc():
    slug, d = "rtf", "EN4"
    turns = build(d, 0, 22, NAMES["EN-A"])
    lines = [
        r"{\rtf1\ansi\ansicpg1252\deff0\nouicompat\deflang1030{\fonttbl{\f0\fnil\fcharset0 Calibri;}}",
        r"{\*\generator Riched20 10.0.19041}\viewkind4\uc1 ",
        r"\pard\sa200\sl276\slmult1\b\f0\fs28 Focus group 4 \endash  teaching staff\b0\fs22\par",
    ]
    for t in turns:
        lines.append(r"\b " + rtf_escape(t.speaker) + r":\b0  " + rtf_escape(t.paras[0]) + r"\par")
        for p in t.paras[1:]:
            lines.append(rtf_escape(p) + r"\par")
    lines.append("}")
    write_text(slug, "sample.rtf", "\n".join(lines) + "\n", newline="\r\n", encoding="ascii")
    write_expected(
        slug,
        lang(d),
        "RTF as written by WordPad/Word (RTF 1.9 spec): \\par paragraphs, bold 'Name:' runs, "
        "non-ASCII as \\'xx (cp1252) escapes; read via striprtf in Taguette/QualCoder",
        exp(turns),
        "sample.rtf",
    )


ALL = [
    otter_txt,
    zoom_txt,
    happyscribe_txt,
    amberscript_txt,
    trint_txt,
    atrain_txt,
    speaker_alone,
    rev_txt,
    whisperx_srt,
    whisperx_vtt,
    whisperx_txt,
    names_once,
    teams_vtt,
    zoom_vtt,
    timestamp_after_colon,
    descript_txt,
    f4_txt,
    otranscribe_txt,
    maxqda_txt,
    transana_txt,
    google_meet_txt,
    noscribe_txt,
    noscribe_html,
    noscribe_vtt,
    whisperx_json,
    faster_whisper_json,
    whisper_tsv,
    html_doc,
    rtf_doc,
]

if __name__ == "__main__":
    for fn in ALL:
        fn()
    print(f"{len(ALL)} text layouts written")
