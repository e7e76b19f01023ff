#!/usr/bin/env python3
"""Writes referral forms the way other tools and people write them, for the
reader's corpus test (TestCorpus). The answers each file should read as are
written by hand in <name>.expected.json beside it, not by the reader.

Needs python3-docx (Debian). Run from this folder with the Debian python3 (make.sh does)
"""
from docx import Document
from docx.shared import Pt

CHILD = [
    ("FULL NAME", "Jamie Example"),
    ("DATE OF BIRTH", "04/09/2019"),
    ("GENDER", "Male"),
    ("ADDRESS", "7 Sample Road, Darlington"),
    ("POSTCODE", "DL3 6AH"),
    ("DATE OF INCIDENT", "02/11/2026"),
]
REFERRER = [
    ("FULL NAME", "Alex Nurse"),
    ("JOB TITLE", "Health Visitor"),
    ("ORGANISATION", "County Durham and Darlington NHS Foundation Trust"),
    ("EMAIL ADDRESS", "alex.nurse@nhs.net"),
    ("Telephone No.", "01325 380100"),
]


def table(doc, rows):
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, value in rows:
        cells = t.add_row().cells
        cells[0].text, cells[1].text = label, value
    return t


def typed_x():
    """A two-column table, ticks typed as X beside the option."""
    doc = Document()
    doc.add_paragraph("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)")
    table(doc, REFERRER)
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    table(doc, CHILD + [
        ("DOES INCIDENT RELATE TO DEATH OF CHILD?", "YES     NO X"),
        ("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", "X YES   NO"),
    ])
    doc.add_paragraph("SECTION 6: CHILD PROTECTION")
    table(doc, [
        ("Was the child known to Social Care prior to the incident?", "YES X  NO"),
        ("Was the child on a Child Protection Plan (CPP) at the time or prior to the incident?", "YES  NO X"),
    ])
    doc.save("pydocx-typed-x.docx")


def paragraphs():
    """Headings and 'Label: value' paragraphs, as a form retyped in Word."""
    doc = Document()
    doc.add_heading("Section 1: About the person completing the form", level=1)
    for label, value in REFERRER:
        doc.add_paragraph(f"{label}: {value}")
    doc.add_heading("Section 2: About the child", level=1)
    for label, value in CHILD:
        doc.add_paragraph(f"{label}: {value}")
    doc.add_paragraph("Does incident relate to death of child? [ ] YES [x] NO")
    doc.add_heading("Section 5: Case details", level=1)
    doc.add_paragraph("What is the main cause of incident: Neglect")
    doc.add_paragraph("What are the characteristics of the case (tick all that apply): Neglect, Other")
    doc.add_paragraph("If other, please state: Poor home conditions")
    doc.add_heading("Section 12: Any other review pending or complete?", level=1)
    doc.add_paragraph("ANY OTHER REVIEW PENDING OR COMPLETE?")
    doc.add_paragraph("A MARAC was held in October.")
    doc.save("pydocx-paragraphs.docx")


def glyphs_before():
    """Tick glyphs before their options, in the answer cell."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    table(doc, CHILD + [
        ("DOES INCIDENT RELATE TO DEATH OF CHILD?", "☐ YES ☒ NO"),
        ("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", "☒ YES ☐ NO"),
    ])
    doc.save("pydocx-glyphs-before.docx")


def stacked():
    """Two labels stacked in one cell beside their two answers stacked in
    one cell, the first answer left as an empty form field (en spaces)."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    cells = t.add_row().cells
    cells[0].text = "FULL NAME"
    cells[1].text = "Jamie Example"
    cells[2].text = "GENDER"
    cells[3].text = "Male"
    cells = t.add_row().cells
    cells[0].text = "DATE OF BIRTH"
    cells[0].add_paragraph("AGE AT TIME OF INCIDENT")
    cells[1].text = "\u2002\u2002\u2002\u2002\u2002"
    cells[1].add_paragraph("7")
    cells[2].text = "ETHNICITY (if known)"
    cells[2].add_paragraph("NATIONALITY")
    cells[3].text = "White British"
    cells[3].add_paragraph("\u2002\u2002\u2002\u2002\u2002")
    doc.save("pydocx-stacked.docx")


def next_cell_ticks():
    """Options in one cell, ticks typed in the next cell; answers typed as
    words; dates written the ways people write them."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=3)
    t.style = "Table Grid"
    for label, a, b in [
        ("FULL NAME", "Jamie Example", ""),
        ("DATE OF BIRTH", "4th September 2019", ""),
        ("DATE OF INCIDENT", "02.11.26", ""),
        ("DOES INCIDENT RELATE TO DEATH OF CHILD?", "No", ""),
        ("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", "YES\nNO", "\n✓"),
    ]:
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, a, b
    doc.save("pydocx-next-cell.docx")


def agencies():
    """Section 7 with more rows than printed, a blank row between."""
    doc = Document()
    doc.add_paragraph("SECTION 7: OTHER AGENCIES INVOLVED")
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    for row in [("FULL NAME", "ORGANISATION", "START DATE", "END DATE"),
                ("PC Example", "Durham Constabulary", "14/03/2026", ""),
                ("", "", "", ""),
                ("Dr Example", "Example Medical Practice", "02/05/2022", "14/03/2026"),
                ("School Nurse", "Example Primary School", "01/09/2025", "")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.save("pydocx-agencies.docx")


def criteria_and_none_known():
    """The criteria boxes ticked with typed X in the third column, the
    referrer's YES/NO questions, and Section 12's "unaware of any other
    reviews" answered with a tick."""
    doc = Document()
    t = doc.add_table(rows=0, cols=3)
    t.style = "Table Grid"
    for row in [("1.", "You believe it is known or suspected that a child has been abused or neglected, which meet the following criteria:", "X"),
                ("2.", "The child dies or is seriously harmed* in the local authority area", "X"),
                ("3.", "Does not meet criteria for Notification but there is learning to be explored (to be referred to the Learning and Development Group).", "")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.add_paragraph("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)")
    table(doc, [("FULL NAME", "Alex Nurse"),
                ("YOU DETERMINE THE CASE MEETS THE CRITERIA FOR NOTIFICATION (to be referred to Statutory Safeguarding Partners)", "YES ☒ NO ☐")])
    doc.add_paragraph("SECTION 12: ANY OTHER REVIEW PENDING OR COMPLETE?")
    table(doc, [("Please indicate if you are unaware of any other reviews ongoing (do not leave blank).", "☒")])
    doc.save("pydocx-criteria.docx")


if __name__ == "__main__":
    typed_x()
    paragraphs()
    glyphs_before()
    stacked()
    next_cell_ticks()
    agencies()
    criteria_and_none_known()
