"""Builds the .docx and .odt samples (and their expected.json) deterministically.

Run: python make_binary.py   (needs python-docx; the .odt is written by hand with zipfile)
Zip entries get a fixed date and the core properties fixed values, so re-running gives identical files.
"""

import datetime
import io
import os
import zipfile
from xml.sax.saxutils import escape

import docx
from common import HERE, NAMES, build, hms, lang, mmss, otter_ts, write_expected

FIXED = (2026, 12, 3, 9, 0, 0)


def normalise_zip(path):
    """Rewrite a zip with fixed timestamps and sorted-as-written entries (deterministic bytes)."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in items:
            zi = zipfile.ZipInfo(name, FIXED)
            zi.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def new_doc(title):
    d = docx.Document()
    cp = d.core_properties
    cp.author = "qualcode samples"
    cp.last_modified_by = "qualcode samples"
    cp.title = title
    cp.created = datetime.datetime(2026, 12, 3, 9, 0, 0)
    cp.modified = datetime.datetime(2026, 12, 3, 9, 0, 0)
    cp.revision = 1
    return d


def save(d, slug, filename="sample.docx"):
    p = os.path.join(HERE, slug)
    os.makedirs(p, exist_ok=True)
    path = os.path.join(p, filename)
    d.save(path)
    normalise_zip(path)


def otter_docx():
    slug, dl = "otter-docx", "DA4"
    turns = build(dl, 1, 24, NAMES["DA-C"], t0=4.0)
    d = new_doc("Fokusgruppe 4 – selvomsorg")
    d.add_paragraph("Fokusgruppe 4 – selvomsorg", style="Title")
    d.add_paragraph(f"Thu, Dec 03, 2026 9:14AM • {otter_ts(turns[-1].end + 2)}")
    d.add_paragraph("SUMMARY KEYWORDS", style="Heading 2")
    d.add_paragraph(
        "børn, haven, skyldfølelse, beboerne, stress, tegn, kæben, gruppe, telefonen, leder"
    )
    d.add_paragraph("SPEAKERS", style="Heading 2")
    d.add_paragraph(", ".join(dict.fromkeys(t.speaker for t in turns)))
    ex = []
    for t in turns:
        for ps in t.psegs:
            ts = mmss(ps[0].start)
            p = d.add_paragraph()
            r = p.add_run(t.speaker)
            r.bold = True
            p.add_run(f"  {ts}")
            d.add_paragraph(" ".join(s.text for s in ps))
            ex.append((t.speaker, " ".join(s.text for s in ps), ts))
    d.add_paragraph("")
    d.add_paragraph("Transcribed by https://otter.ai")
    save(d, slug)
    write_expected(
        slug,
        lang(dl),
        "Otter.ai Help Center, 'Export conversations' (DOCX: title, date • duration, SUMMARY KEYWORDS, "
        "SPEAKERS, then 'Name  mm:ss' paragraph and text paragraph per block, footer 'Transcribed by "
        "https://otter.ai'); mm:ss zero-padded in DOCX as recalled from exported files",
        ex,
        "sample.docx",
    )


def teams_docx():
    slug, dl = "teams-docx", "EN2"
    turns = build(dl, 0, 22, NAMES["EN-A"], t0=3.0)
    d = new_doc("Wellbeing focus group 2-20261203_140233-Meeting Transcript")
    # every line is its own paragraph and there are no empty paragraphs, as in a real download
    d.add_paragraph("Wellbeing focus group 2-20261203_140233-Meeting Transcript")
    d.add_paragraph("3 December 2026, 02:02pm")
    last = int(turns[-1].end + 4)
    d.add_paragraph(f"{last // 60}m {last % 60}s")
    d.add_paragraph(f"{turns[0].speaker} started transcription")
    ex = []
    for t in turns:
        ts = otter_ts(t.start)
        d.add_paragraph(f"{t.speaker}   {ts}")
        for p in t.paras:  # one entry may hold several lines
            d.add_paragraph(p)
        ex.append((t.speaker, t.text, ts))
    d.add_paragraph(f"{NAMES['EN-A']['P1']} stopped transcription")
    save(d, slug)
    write_expected(
        slug,
        lang(dl),
        "Microsoft Teams meeting transcript 'Download as .docx' (Microsoft Support, 'View live "
        "transcription in Microsoft Teams meetings'); layout checked against a real download converted to text "
        "in a public repository: '<title>-<yyyymmdd_hhmmss>-Meeting Transcript', date, 'Xm Ys', 'Name started "
        "transcription', 'Name   m:ss' (three spaces) with the entry's lines below, no empty lines, 'Name stopped "
        "transcription'",
        ex,
        "sample.docx",
    )


def teams_docx_old():
    slug, dl = "teams-docx-old", "DA2"
    turns = build(dl, 0, 23, NAMES["DA-A"], t0=3.51)

    def tt(sec):  # 0:0:3.510; the milliseconds are not zero-padded (2.090 s is written 0:0:2.90)
        ms = int(round(sec * 1000))
        h, ms = divmod(ms, 3600000)
        m, ms = divmod(ms, 60000)
        s, ms = divmod(ms, 1000)
        return f"{h}:{m}:{s}.{ms}"

    d = new_doc("Fokusgruppe 2")
    ex = []
    for t in turns:
        for s in t.segs:
            # one paragraph per cue, its three lines separated by line breaks, no empty paragraphs
            d.add_paragraph(f"{tt(s.start)} --> {tt(s.end)}\n{t.speaker}\n{s.text}")
            ex.append((t.speaker, s.text, tt(s.start)))
    save(d, slug)
    write_expected(
        slug,
        lang(dl),
        "Older Microsoft Teams/Stream transcript .docx (2021-2022), as in the teams_chat.docx test "
        "document of github.com/Unstructured-IO/unstructured (paragraph text '0:0:0.0 --> 0:0:1.510\\nSome "
        "Body\\nOK. Yeah.') and the Microsoft Graph callTranscript docs ('0:0:0.0 --> 0:0:5.320'): one paragraph "
        "per cue with time range, name and text on three lines; times without zero padding, milliseconds "
        "unpadded ('0:0:2.90' = 2.090 s)",
        ex,
        "sample.docx",
    )


def set_cell(cell, paras, bold=False):
    cell.text = ""
    first = True
    for p in paras:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        r = para.add_run(p)
        r.bold = bold
        first = False


def word_table_2col():
    slug, dl = "word-table-2col", "DA3"
    turns = build(dl, 0, 25, NAMES["DA-B"])
    d = new_doc("Fokusgruppe 3 – transskription")
    d.add_paragraph("Fokusgruppe 3 – transskription", style="Heading 1")
    d.add_paragraph("Interviewer: Birgitte Østergaard. Dato: 03.12.2026. Varighed: 4 min (uddrag).")
    tbl = d.add_table(rows=1, cols=2)
    tbl.style = "Table Grid"
    set_cell(tbl.rows[0].cells[0], ["Person"], bold=True)
    set_cell(tbl.rows[0].cells[1], ["Udsagn"], bold=True)
    for t in turns:
        row = tbl.add_row().cells
        set_cell(row[0], [t.speaker])
        set_cell(row[1], t.paras)
    save(d, slug)
    write_expected(
        slug,
        lang(dl),
        "Word table transcript (speaker | text), NVivo Help 'Import transcripts' / common Nordic "
        "practice; header row 'Person | Udsagn', title and note above the table, multi-paragraph cells",
        [(t.speaker, t.text, None) for t in turns],
        "sample.docx",
    )


def word_table_3col():
    slug, dl = "word-table-3col", "EN4"
    turns = build(dl, 1, 21, NAMES["EN-C"], t0=83.0)
    d = new_doc("Focus group 4 transcript")
    d.add_paragraph("Focus group 4 – teaching staff", style="Heading 1")
    tbl = d.add_table(rows=1, cols=3)
    tbl.style = "Table Grid"
    for c, h in zip(tbl.rows[0].cells, ["Time", "Speaker", "Text"], strict=True):
        set_cell(c, [h], bold=True)
    for t in turns:
        row = tbl.add_row().cells
        set_cell(row[0], [hms(t.start)])
        set_cell(row[1], [t.speaker])
        set_cell(row[2], t.paras)
    save(d, slug)
    write_expected(
        slug,
        lang(dl),
        "Word table transcript (time | speaker | text), the NVivo transcript import layout "
        "(NVivo Help, 'Import audio and video transcripts': columns Timespan, Speaker, Content)",
        [(t.speaker, t.text, hms(t.start)) for t in turns],
        "sample.docx",
    )


def sonix_docx():
    slug, dl = "sonix-docx", "EN2"
    turns = build(dl, 0, 22, NAMES["EN-B"], t0=1.2)
    d = new_doc("focus-group-2.mp3")
    d.add_paragraph("focus-group-2.mp3", style="Title")
    d.add_paragraph("This transcript was exported on December 3, 2026 - view latest version here.")
    for t in turns:
        p = d.add_paragraph()
        r = p.add_run(f"{t.speaker}:")
        r.bold = True
        p.add_run(f" [{hms(t.start)}] " + " ".join(t.paras))
    save(d, slug)
    write_expected(
        slug,
        lang(dl),
        "Sonix.ai DOCX export (speaker names and timestamps on): title, 'This transcript was "
        "exported on ... - view latest version here.', then 'Name: [HH:MM:SS] text' per paragraph",
        [(t.speaker, " ".join(t.paras), hms(t.start)) for t in turns],
        "sample.docx",
    )


def qualcoder_docx():
    slug, dl = "qualcoder-docx", "DA2"
    turns = build(dl, 1, 22, NAMES["DA-B"])
    d = new_doc("Fokusgruppe 2")
    d.add_paragraph("Fokusgruppe 2, medarbejdere, runde 2", style="Heading 1")
    d.add_paragraph("")
    for t in turns:
        d.add_paragraph(f"{t.speaker}: {t.paras[0]}")
        for p in t.paras[1:]:
            d.add_paragraph(p)
    save(d, slug)
    write_expected(
        slug,
        lang(dl),
        "QualCoder manual 'Importing files' / NVivo paragraph-per-turn .docx: heading, then one "
        "paragraph per turn beginning 'Name:', continuation paragraphs without a name",
        [(t.speaker, t.text, None) for t in turns],
        "sample.docx",
    )


def odt():
    slug, dl = "odt", "EN4"
    turns = build(dl, 0, 22, NAMES["EN-B"])
    body = [
        '<text:h text:style-name="Heading_20_1" text:outline-level="1">Focus group 4 – teaching staff</text:h>',
        '<text:p text:style-name="Standard">Transcribed by Helen Brooks, 3 December 2026.</text:p>',
    ]
    for t in turns:
        body.append(
            '<text:p text:style-name="Standard"><text:span text:style-name="T1">'
            f"{escape(t.speaker)}:</text:span> {escape(t.paras[0])}</text:p>"
        )
        for p in t.paras[1:]:
            body.append(f'<text:p text:style-name="Standard">{escape(p)}</text:p>')
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {ns} office:version="1.3">'
        '<office:automatic-styles><style:style style:name="T1" style:family="text">'
        '<style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles>'
        "<office:body><office:text>"
        + "".join(body)
        + "</office:text></office:body></office:document-content>"
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-styles {ns} office:version="1.3"><office:styles>'
        '<style:style style:name="Standard" style:family="paragraph"/>'
        '<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph">'
        '<style:text-properties fo:font-size="16pt" fo:font-weight="bold"/></style:style>'
        "</office:styles></office:document-styles>"
    )
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-meta {ns} office:version="1.3"><office:meta>'
        "<meta:generator>qualcode samples</meta:generator><dc:title>Focus group 4</dc:title>"
        "<meta:creation-date>2026-12-03T09:00:00</meta:creation-date></office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    p = os.path.join(HERE, slug)
    os.makedirs(p, exist_ok=True)
    path = os.path.join(p, "sample.odt")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", content),
            ("styles.xml", styles),
            ("meta.xml", meta),
            ("META-INF/manifest.xml", manifest),
        ]:
            zi = zipfile.ZipInfo(name, FIXED)
            zi.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(zi, data.encode("utf-8"))
    write_expected(
        slug,
        lang(dl),
        "OpenDocument text (ODF 1.3, OASIS): <text:p> paragraphs in content.xml, bold 'Name:' span "
        "at the start of each turn, heading and note above; read via odfpy in Taguette/QualCoder",
        [(t.speaker, t.text, None) for t in turns],
        "sample.odt",
    )


ALL = [
    otter_docx,
    teams_docx,
    teams_docx_old,
    word_table_2col,
    word_table_3col,
    sonix_docx,
    qualcoder_docx,
    odt,
]

if __name__ == "__main__":
    for fn in ALL:
        fn()
    print(f"{len(ALL)} binary layouts written")
