"""Write the held-out .docx samples and their expected.json (python-docx)."""

import io
import zipfile

import docx
import talks
from make_text import mss, per_turn, write


def save(doc):
    """Save with fixed zip entry dates so re-running gives the same bytes."""
    doc.core_properties.author = "projekt"
    import datetime

    doc.core_properties.created = datetime.datetime(2026, 3, 11, 9, 0, 0)
    doc.core_properties.modified = datetime.datetime(2026, 3, 11, 9, 0, 0)
    doc.core_properties.last_modified_by = "projekt"
    raw = io.BytesIO()
    doc.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 3, 11, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()


def teams_docx():
    names = [
        "Priya Raman",
        "Gareth Davies-Lloyd",
        "Ólöf Sigurðardóttir",
        "Søren Bækgaard",
        "Tom Ashby (Guest)",
        "Anne-Mette Wøldike Holm",
    ]
    doc = docx.Document()
    for line in [
        "Bookkeeping focus group 2-20260311_150412-Meeting Transcript",
        "11 March 2026, 03:04pm",
        "18m 40s",
        "Priya Raman started transcription",
    ]:
        doc.add_paragraph(line)
    turns = []
    for role, paras, s, _starts, _ends in per_turn(talks.D, 754.2):
        ts = mss(s)
        doc.add_paragraph(f"{names[role]}   {ts}")
        for p in paras:
            doc.add_paragraph(p)
        turns.append((names[role], "\n".join(paras), ts))
    doc.add_paragraph("Priya Raman stopped transcription")
    write(
        "teams-docx",
        "sample.docx",
        save(doc),
        "teams-docx",
        "en",
        "Microsoft Teams transcript download (.docx), mirroring tests/layouts/README.md: "
        "'<title>-<yyyymmdd_hhmmss>-Meeting Transcript', date line, duration, 'X started transcription', "
        "'Name   m:ss' then the entry's lines, 'X stopped transcription'; an external '(Guest)'",
        turns,
    )


def bold_labels_docx():
    labs = ["Interviewer", "Hanne", "Fatima", "Birthe", "Mads-Emil"]
    doc = docx.Document()
    doc.add_heading("Fokusgruppe, hjemmeplejen – gruppe 2", level=1)
    doc.add_paragraph("Dato: 12.03.2026   Sted: Aktivitetscentret, mødelokale 3")
    doc.add_paragraph("Transskriberet af: stud.mag. Louise Aaberg. Deltagernavne er ændret.")
    doc.add_paragraph("")
    turns = []
    for n, (role, paras) in enumerate(talks.C):
        for j, p in enumerate(paras):
            para = doc.add_paragraph()
            if j == 0:
                if n == 9:  # the colon typed outside the bold run
                    para.add_run(labs[role]).bold = True
                    para.add_run(": " + p)
                elif n == 13:  # bold run includes the space
                    para.add_run(labs[role] + ": ").bold = True
                    para.add_run(p)
                else:
                    para.add_run(labs[role] + ":").bold = True
                    para.add_run(" " + p)
            else:
                para.add_run(p)
        if n in (4, 11):
            doc.add_paragraph("")
        turns.append((labs[role], "\n".join(paras), None))
    write(
        "bold-labels-docx",
        "sample.docx",
        save(doc),
        "bold-labels-docx",
        "da",
        "Word transcript typed by hand: bold 'Label:' at the start of a paragraph, normal text after it, "
        "continuation paragraphs unlabelled (QualCoder/NVivo-style docx import)",
        turns,
    )


def word_table_2col():
    names = [
        "Ulla Brøndum (bibliotekar)",
        "Bent Åge Mikkelsen",
        "Khadija Osman",
        "Søs Hjort-Larsen",
        "Nikolaj Friis",
    ]
    doc = docx.Document()
    doc.add_paragraph("Lektiecaféen, Vollsmose Bibliotek").runs[0].bold = True
    doc.add_paragraph("Gruppeinterview med frivillige, 5. marts 2026 kl. 16:30–17:15.")
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    hdr = table.rows[0].cells
    hdr[0].text = "Navn"
    hdr[1].text = "Transskription"
    for c in hdr:
        c.paragraphs[0].runs[0].bold = True
    turns = []
    for role, paras in talks.E_TYPED:
        cells = table.add_row().cells
        cells[0].text = names[role]
        cells[1].text = paras[0]
        for p in paras[1:]:
            cells[1].add_paragraph(p)
        turns.append((names[role], "\n".join(paras), None))
    doc.add_paragraph("")
    doc.add_paragraph("Optagelsen slettet efter transskription, jf. aftale.")
    write(
        "word-table-2col",
        "sample.docx",
        save(doc),
        "word-table-2col",
        "da",
        "Word table transcript (NVivo/Nordic practice), mirroring tests/layouts/README.md: bold title, note, "
        "header row 'Navn | Transskription', one row per turn, multi-paragraph cells, note after the table",
        turns,
    )


if __name__ == "__main__":
    teams_docx()
    bold_labels_docx()
    word_table_2col()
