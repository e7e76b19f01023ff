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


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def checkmarks():
    """Ticks as people type them: ✓ and ✔ after the option, x in lower
    case, "Yes" typed, UNSURE ticked, nothing beside the unticked option."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    table(doc, [
        ("FULL NAME", "Jamie Example"),
        ("DOES INCIDENT RELATE TO DEATH OF CHILD?", "YES ✓   NO"),
        ("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", "Yes"),
        ("DATE OF DEATH", "30/10/2026"),
        ("IS A CORONER INVOLVED?", "YES    NO    UNSURE ✔"),
    ])
    doc.add_paragraph("SECTION 6: CHILD PROTECTION")
    table(doc, [
        ("Was the child known to Social Care prior to the incident?", "YES    NO ✔"),
        ("Was the child on a Child Protection Plan (CPP) at the time or prior to the incident?", "YES     NO x"),
        ("Was the child on a Child In Need (CiN) Plan at the time or prior to the incident?", "NO"),
    ])
    doc.save("pydocx-checkmarks.docx")


def sdt_checkbox(checked):
    from docx.oxml import parse_xml
    glyph = "☒" if checked else "☐"
    return parse_xml(
        f'<w:sdt xmlns:w="{W}" xmlns:w14="{W14}"><w:sdtPr><w14:checkbox>'
        f'<w14:checked w14:val="{1 if checked else 0}"/></w14:checkbox></w:sdtPr>'
        f'<w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>')


def sdt_text(value, extra=""):
    from docx.oxml import parse_xml
    return parse_xml(
        f'<w:sdt xmlns:w="{W}"><w:sdtPr>{extra}</w:sdtPr>'
        f'<w:sdtContent><w:r><w:t xml:space="preserve">{value}</w:t></w:r></w:sdtContent></w:sdt>')


def content_controls():
    """Word's content controls written by hand into python3-docx's XML:
    check boxes, a drop-down, a date picker and an untouched placeholder."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"

    def row(label):
        cells = t.add_row().cells
        cells[0].text = label
        return cells[1].paragraphs[0]

    row("FULL NAME").add_run("Jamie Example")
    row("DATE OF BIRTH")._p.append(sdt_text(
        "04/09/2019", '<w:date w:fullDate="2019-09-04T00:00:00Z"><w:dateFormat w:val="dd/MM/yyyy"/></w:date>'))
    row("GENDER")._p.append(sdt_text(
        "Male", '<w:dropDownList><w:listItem w:displayText="Male" w:value="Male"/><w:listItem w:displayText="Female" w:value="Female"/></w:dropDownList>'))
    row("NATIONALITY")._p.append(sdt_text("Click or tap here to enter text.", "<w:showingPlcHdr/>"))
    para = row("DOES INCIDENT RELATE TO DEATH OF CHILD?")
    para.add_run("YES ")
    para._p.append(sdt_checkbox(False))
    para.add_run(" NO ")
    para._p.append(sdt_checkbox(True))
    para = row("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?")
    para._p.append(sdt_checkbox(False))
    para.add_run(" YES ")
    para._p.append(sdt_checkbox(False))
    para.add_run(" NO")
    doc.save("pydocx-content-controls.docx")


def merged():
    """Merged cells: a heading across the table, a label beside two rows
    of answers merged down, answers spanning two columns."""
    doc = Document()
    t = doc.add_table(rows=6, cols=3)
    t.style = "Table Grid"
    head = t.cell(0, 0).merge(t.cell(0, 2))
    head.text = "SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)"
    t.cell(1, 0).text = "FULL NAME"
    t.cell(1, 1).merge(t.cell(1, 2)).text = "Alex Nurse"
    t.cell(2, 0).text = "JOB TITLE"
    t.cell(2, 1).merge(t.cell(2, 2)).text = "Health Visitor"
    t.cell(3, 0).text = "ORGANISATION"
    t.cell(3, 1).merge(t.cell(3, 2)).text = "County Durham and Darlington NHS Foundation Trust"
    t.cell(4, 0).text = "EMAIL ADDRESS"
    t.cell(4, 1).text = "alex.nurse@nhs.net"
    t.cell(4, 2).text = ""
    t.cell(5, 0).text = "TELEPHONE NUMBER"
    t.cell(5, 1).merge(t.cell(5, 2)).text = "01325 380100"
    doc.save("pydocx-merged.docx")


def tracked():
    """Tracked changes: an answer retyped (the old words deleted, the new
    inserted), a row inserted and a row deleted."""
    from docx.oxml import parse_xml
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = table(doc, [("FULL NAME", ""), ("GENDER", "Female"), ("GENDER", "Male"), ("POSTCODE", "DL3 6AH")])
    name = t.rows[0].cells[1].paragraphs[0]._p
    name.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="1" w:author="A" w:date="2026-11-02T10:00:00Z"><w:r><w:delText>Jaime Exampel</w:delText></w:r></w:del>'))
    name.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="2" w:author="A" w:date="2026-11-02T10:00:00Z"><w:r><w:t>Jamie Example</w:t></w:r></w:ins>'))
    deleted = t.rows[1]._tr
    deleted.get_or_add_trPr().append(parse_xml(f'<w:del xmlns:w="{W}" w:id="3" w:author="A" w:date="2026-11-02T10:00:00Z"/>'))
    for r in deleted.iter(f"{{{W}}}r"):
        for wt in r.findall(f"{{{W}}}t"):
            wt.tag = f"{{{W}}}delText"
    inserted = t.rows[3]._tr
    inserted.get_or_add_trPr().append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="4" w:author="A" w:date="2026-11-02T10:00:00Z"/>'))
    doc.save("pydocx-tracked.docx")


def blocks_headed():
    """Sections 3 and 4 typed as paragraphs under Word headings: a line
    naming each parent and sibling, then "label: value" lines."""
    doc = Document()
    doc.add_heading("Section 3: Parents/Guardians", level=1)
    doc.add_paragraph("Parent 1")
    for line in ["Parent's last name: Example", "Parent's first name: Morgan", "Date of birth: 12/05/1990", "Relationship to child: Mother"]:
        doc.add_paragraph(line)
    doc.add_paragraph("Parent 2")
    for line in ["Parent's last name: Sample", "Parent's first name: Chris", "Relationship to child: Stepfather"]:
        doc.add_paragraph(line)
    doc.add_heading("Section 4: Siblings", level=1)
    doc.add_paragraph("Sibling 1")
    for line in ["Sibling's last name: Example", "Sibling's first name: Riley", "Date of birth: 03/03/2016", "Relationship to child: Sister", "Gender: Female"]:
        doc.add_paragraph(line)
    doc.save("pydocx-blocks-headed.docx")


def pairs_on_a_line():
    """Section 6 as lines of text with several questions on one line."""
    doc = Document()
    doc.add_heading("SECTION 6: CHILD PROTECTION", level=2)
    doc.add_paragraph("Was the child on a Child Protection Plan (CPP) at the time or prior to the incident? [x] YES [ ] NO")
    doc.add_paragraph("Date Child Protection Plan commenced: 01/02/2026    Date Child Protection Plan ended: 01/08/2026")
    doc.add_paragraph("Were any siblings on a Child In Need Plan at the time or prior to the incident? [x] YES [ ] NO")
    doc.add_paragraph("Name of Sibling: Riley Example   Date CiN commenced: 01/03/2025   Date CiN ended: 01/09/2025")
    doc.save("pydocx-pairs-on-a-line.docx")


def label_words():
    """Labels as people retype them: lower case, abbreviations, colons."""
    doc = Document()
    doc.add_paragraph("Section 1 - About the person completing the form")
    table(doc, [
        ("Full name:", "Alex Nurse"),
        ("Job title:", "Health Visitor"),
        ("E-mail:", "alex.nurse@nhs.net"),
        ("Tel. no:", "01325 380100"),
        ("Date submitted:", "03/11/2026"),
    ])
    doc.add_paragraph("Section 2 - About the child")
    table(doc, [
        ("Full name:", "Jamie Example"),
        ("Date of Birth:", "04/09/2019"),
        ("Gender:", "male"),
        ("Post code:", "dl3 6ah"),
        ("Date of serious incident:", "2 November 2026"),
    ])
    doc.save("pydocx-label-words.docx")


def sibling_plans():
    """Section 6's sibling plan tables filled with two rows each."""
    doc = Document()
    doc.add_paragraph("SECTION 6: CHILD PROTECTION")
    table(doc, [
        ("Was the child known to Social Care prior to the incident?", "YES ☒ NO ☐"),
        ("Were any siblings on a Child Protection Plan at the time or prior to the incident?", "YES ☒ NO ☐"),
    ])
    t = doc.add_table(rows=0, cols=3)
    t.style = "Table Grid"
    for row in [("Name of Sibling", "Date CPP commenced", "Date CPP ended"),
                ("Riley Example", "01/01/2025", "01/07/2025"),
                ("Sam Example", "15/02/2026", "")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.save("pydocx-sibling-plans.docx")


def people_tables():
    """Sections 3 and 4 as tables with a header row, as printed."""
    doc = Document()
    doc.add_paragraph("SECTION 3: PARENTS/GUARDIANS")
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    for row in [("Parent's last name", "Parent's first name", "Date of birth", "Relationship to child"),
                ("Example", "Morgan", "12/05/1990", "Mother"),
                ("Sample", "Chris", "", "Stepfather")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.add_paragraph("SECTION 4: SIBLINGS")
    t = doc.add_table(rows=0, cols=5)
    t.style = "Table Grid"
    for row in [("Sibling's last name", "Sibling's first name", "Date of birth", "Relationship to child", "Gender"),
                ("Example", "Riley", "03/03/2016", "Sister", "Female")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.save("pydocx-people-tables.docx")


def long_text():
    """Sections 8 to 11 written at length, several paragraphs each."""
    doc = Document()
    doc.add_paragraph("SECTION 8: DETAILS OF THE CASE/INCIDENT")
    doc.add_paragraph("On 2 November 2026 Jamie was brought to the emergency department with a head injury.")
    doc.add_paragraph("The explanation given did not match the injury.")
    doc.add_paragraph("SECTION 9: WHY YOU BELIEVE THIS CASE MEETS THE CRITERIA FOR NOTIFICATION?")
    doc.add_paragraph("Serious harm and neglect are suspected.")
    doc.add_paragraph("SECTION 11: AGENCY AUTHORISING OFFICER COMMENT & RECOMMENDATION")
    doc.add_paragraph("Agreed. Notify the partners.")
    doc.save("pydocx-long-text.docx")


def emphasis(run, how):
    from docx.enum.text import WD_COLOR_INDEX
    if how == "bold":
        run.bold = True
    elif how == "highlight":
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def emphasised():
    """An option shown chosen by highlighting or making it bold, the
    others left plain."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, options, chosen, how in [
        ("DOES INCIDENT RELATE TO DEATH OF CHILD?", ["YES", "NO"], "NO", "highlight"),
        ("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", ["YES", "NO"], "YES", "bold"),
    ]:
        cells = t.add_row().cells
        cells[0].text = label
        para = cells[1].paragraphs[0]
        for i, o in enumerate(options):
            if i:
                para.add_run("   ")
            emphasis(para.add_run(o), how if o == chosen else "")
    doc.save("pydocx-emphasised.docx")


def chronology():
    """Not the form: a chronology table, as sometimes sent instead."""
    doc = Document()
    doc.add_heading("Chronology of involvement", level=1)
    t = doc.add_table(rows=0, cols=3)
    t.style = "Table Grid"
    for row in [("Date", "Agency", "Event"),
                ("02/05/2022", "GP", "Registered with the practice"),
                ("14/03/2026", "Police", "Called to the address")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.save("not-the-form-chronology.docx")



def legacy_checkbox(checked):
    """A Word 97 check-box form field (FORMCHECKBOX)."""
    from docx.oxml import parse_xml
    state = '<w:checked/>' if checked else ''
    return [parse_xml(x) for x in (
        f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val=""/><w:enabled/>'
        f'<w:checkBox><w:sizeAuto/><w:default w:val="0"/>{state}</w:checkBox></w:ffData></w:fldChar></w:r>',
        f'<w:r xmlns:w="{W}"><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>',
        f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="end"/></w:r>')]


def form_fields():
    """Ticks as Word 97 check-box form fields, which a PDF printed from the
    document draws as shapes: the PDF's text has the options and no tick."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, yes in [("FULL NAME", None),
                       ("DOES INCIDENT RELATE TO DEATH OF CHILD?", False),
                       ("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", True)]:
        cells = t.add_row().cells
        cells[0].text = label
        para = cells[1].paragraphs[0]
        if yes is None:
            para.add_run("Jamie Example")
            continue
        para.add_run("YES ")
        for r in legacy_checkbox(yes):
            para._p.append(r)
        para.add_run("   NO ")
        for r in legacy_checkbox(not yes):
            para._p.append(r)
    doc.save("pydocx-form-fields.docx")


def options_one_a_line():
    """Each question's options printed one a paragraph below it, as a form
    retyped in Word with its boxes down the page: the answer shown by a
    Word 97 check box before an option, an X typed after one, or an option
    made bold or highlighted; one question with none chosen."""
    doc = Document()
    doc.add_heading("SECTION 2: ABOUT THE CHILD(REN)", level=1)
    doc.add_paragraph("FULL NAME: Jamie Example")
    doc.add_paragraph("GENDER")
    for o in ["Male", "Female", "Other", "Not known"]:
        emphasis(doc.add_paragraph().add_run(o), "bold" if o == "Female" else "")
    doc.add_paragraph("DOES INCIDENT RELATE TO DEATH OF CHILD?")
    for o, ticked in [("YES", False), ("NO", True)]:
        para = doc.add_paragraph()
        for r in legacy_checkbox(ticked):
            para._p.append(r)
        para.add_run(" " + o)
    doc.add_paragraph("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?")
    doc.add_paragraph("YES")
    doc.add_paragraph("NO")
    doc.add_paragraph("IS A CORONER INVOLVED?")
    for o in ["YES", "NO  X", "UNSURE"]:
        doc.add_paragraph(o)
    doc.add_heading("SECTION 5: CASE DETAILS", level=1)
    doc.add_paragraph("What is the main cause of incident")
    for o in ["Accidental Death", "Accidental Injury", "Drug/Solvent misuse", "Natural Causes", "Neglect",
              "Non-Accidental Death", "Non-Accidental Injury", "Road Traffic Accident", "Self Harm",
              "Sudden Infant Death Syndrome", "Suicide", "Not Yet Known", "Other"]:
        emphasis(doc.add_paragraph().add_run(o), "highlight" if o == "Non-Accidental Injury" else "")
    doc.save("pydocx-options-one-a-line.docx")


def symbol_run(para, text, font):
    """Text in a symbol font, as a form's boxes typed in Wingdings: "þ" is a
    ticked box, "¨" an empty one (Wingdings 2: "R" and "£")."""
    from docx.oxml.ns import qn
    run = para.add_run(text)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), font)
    return run


def symbol_fonts():
    """Boxes drawn with symbol fonts, as older council templates do: the
    letters þ and ¨ in Wingdings after each option, R and £ in Wingdings 2
    before it, and Wingdings 2 symbols inserted (w:sym)."""
    from docx.oxml import parse_xml
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    cells = t.add_row().cells
    cells[0].text, cells[1].text = "FULL NAME", "Jamie Example"
    cells = t.add_row().cells
    cells[0].text = "DOES INCIDENT RELATE TO DEATH OF CHILD?"
    para = cells[1].paragraphs[0]
    para.add_run("YES ")
    symbol_run(para, "¨", "Wingdings")
    para.add_run("   NO ")
    symbol_run(para, "þ", "Wingdings")
    cells = t.add_row().cells
    cells[0].text = "DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?"
    para = cells[1].paragraphs[0]
    symbol_run(para, "R", "Wingdings 2")
    para.add_run(" YES   ")
    symbol_run(para, "£", "Wingdings 2")
    para.add_run(" NO")
    cells = t.add_row().cells
    cells[0].text = "IS A CORONER INVOLVED?"
    para = cells[1].paragraphs[0]
    for opt, char in [("YES", "F0A3"), ("NO", "F0A3"), ("UNSURE", "F054")]:
        para._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:sym w:font="Wingdings 2" w:char="{char}"/></w:r>'))
        para.add_run(f" {opt}   ")
    doc.save("pydocx-symbol-fonts.docx")


def date_pickers():
    """Dates in date-picker content controls whose display format is
    American (M/d/yyyy), as a template made with Word's US defaults shows
    them: the control keeps the date itself (w:fullDate)."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, shown, full in [("FULL NAME", "Jamie Example", None),
                               ("DATE OF BIRTH", "9/4/2019", "2019-09-04"),
                               ("DATE OF INCIDENT", "11/2/2026", "2026-11-02"),
                               ("DATE OF DEATH", "Click or tap to enter a date.", None)]:
        cells = t.add_row().cells
        cells[0].text = label
        para = cells[1].paragraphs[0]
        if full is None and label == "FULL NAME":
            para.add_run(shown)
            continue
        if full is None:  # a date picker left empty: its placeholder
            extra = '<w:showingPlcHdr/><w:date><w:dateFormat w:val="M/d/yyyy"/><w:lid w:val="en-US"/></w:date>'
        else:
            extra = (f'<w:date w:fullDate="{full}T00:00:00Z"><w:dateFormat w:val="M/d/yyyy"/>'
                     '<w:lid w:val="en-US"/><w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
        para._p.append(sdt_text(shown, extra))
    doc.save("pydocx-date-pickers.docx")


def children_columns():
    """Two children side by side, a child a column under "Child 1" and
    "Child 2", as a form widened for a second child: ☐/☒ typed in each
    child's cell, one child's answer left empty."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=3)
    t.style = "Table Grid"
    for row in [("", "Child 1", "Child 2"),
                ("FULL NAME", "Jamie Example", "Alex Example"),
                ("DATE OF BIRTH", "04/09/2019", "12/01/2021"),
                ("GENDER", "Male", "Female"),
                ("DATE OF INCIDENT", "02/11/2026", "02/11/2026"),
                ("DOES INCIDENT RELATE TO DEATH OF CHILD?", "YES ☐ NO ☒", "YES ☒ NO ☐"),
                ("IS A CORONER INVOLVED?", "", "YES ☒ NO ☐ UNSURE ☐")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.save("pydocx-children-columns.docx")


def people_across():
    """The parents' and siblings' tables turned round: a person a column
    under "Parent 1", "Parent 2", their details' labels down the side."""
    doc = Document()
    for heading, rows in [
        ("SECTION 3: PARENTS/GUARDIANS", [("", "Parent 1", "Parent 2"),
                                          ("Parent's last name", "Example", "Sample"),
                                          ("Parent's first name", "Morgan", "Robin"),
                                          ("Date of birth", "01/02/1990", "03/04/1988"),
                                          ("Relationship to child", "Mother", "Father")]),
        ("SECTION 4: SIBLINGS", [("", "Sibling 1", "Sibling 2"),
                                 ("Sibling's last name", "Example", "Example"),
                                 ("Sibling's first name", "Casey", "Drew"),
                                 ("Gender", "Female", "Male"),
                                 ("Relationship to child", "Sister", "")]),
    ]:
        doc.add_paragraph(heading)
        t = doc.add_table(rows=0, cols=3)
        t.style = "Table Grid"
        for row in rows:
            cells = t.add_row().cells
            for i, v in enumerate(row):
                cells[i].text = v
    doc.save("pydocx-people-across.docx")


BOX, TICKED = "\u2610", "\u2612"  # ☐ ☒, as Word's check box symbols type them


def grid(doc, heading, options, ticked, cols=3):
    """A heading row across the table, then the options a cell each with
    a box before each, the ticked ones filled."""
    rows = (len(options) + cols - 1) // cols
    t = doc.add_table(rows=1, cols=cols)
    t.style = "Table Grid"
    head = t.rows[0].cells[0].merge(t.rows[0].cells[cols - 1])
    head.text = heading
    for r in range(rows):
        cells = t.add_row().cells
        for c in range(cols):
            i = r * cols + c
            if i < len(options):
                cells[c].text = (TICKED if options[i] in ticked else BOX) + " " + options[i]
    return t


MAIN_CAUSES = ["Accidental Death", "Accidental Injury", "Drug/Solvent misuse", "Natural Causes", "Neglect",
               "Non-Accidental Death", "Non-Accidental Injury", "Road Traffic Accident", "Self Harm",
               "Sudden Infant Death Syndrome", "Suicide", "Not Yet Known", "Other"]
CHARACTERISTICS = ["Alcohol abuse", "Drug Abuse", "Emotional Abuse", "Physical Abuse", "Sexual Abuse",
                   "Domestic Violence", "Shaken Baby Syndrome", "Recent Neglect", "Long Standing Neglect",
                   "Fabricated Illness", "More than one child abused", "Parental Mental Health",
                   "Parent is in Care", "Parent is Care Leaver", "Child of Teenage Pregnancy",
                   "Serious Illness", "Not Yet Known", "Other"]


def sections_as_tables():
    """The form rebuilt as one table per section, each with its heading in
    its first row: Section 5's main cause and characteristics as grids of
    boxed options, Section 4's siblings a row each under a header row."""
    doc = Document()
    t = table(doc, [("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM", "")] + REFERRER)
    t.rows[0].cells[0].merge(t.rows[0].cells[1]).text = "SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)"
    t = table(doc, [("SECTION 2", "")] + CHILD[:3] + [("NATIONALITY", "British")])
    t.rows[0].cells[0].merge(t.rows[0].cells[1]).text = "SECTION 2: ABOUT THE CHILD(REN)"
    doc.add_paragraph("")
    s4 = doc.add_table(rows=3, cols=7)
    s4.style = "Table Grid"
    s4.rows[0].cells[0].merge(s4.rows[0].cells[6]).text = "SECTION 4: DETAILS OF SIBLINGS"
    for i, h in enumerate(["LAST NAME", "FIRST NAME", "DATE OF BIRTH", "RELATIONSHIP TO CHILD", "GENDER", "ETHNICITY", "NATIONALITY"]):
        s4.rows[1].cells[i].text = h
    for i, v in enumerate(["Example", "Riley", "12/05/2015", "Sister", "Female", "White British", "British"]):
        s4.rows[2].cells[i].text = v
    doc.add_paragraph("")
    doc.add_paragraph("SECTION 5: DETAILS OF CASE")
    grid(doc, "What is the main cause of incident", MAIN_CAUSES, {"Neglect"})
    grid(doc, "What are the characteristics of the case (tick all that apply)", CHARACTERISTICS, {"Recent Neglect", "Parental Mental Health"})
    doc.save("pydocx-sections-as-tables.docx")


def agency_inserted():
    """Section 7 with an agency added as a tracked row insertion and one
    struck out as a tracked row deletion, as a form passed round a team
    with Track Changes on."""
    from docx.oxml import parse_xml
    doc = Document()
    doc.add_paragraph("SECTION 7: AGENCIES INVOLVED WITH THE CHILD AND FAMILY")
    t = doc.add_table(rows=1, cols=4)
    t.style = "Table Grid"
    for i, h in enumerate(["FULL NAME", "ORGANISATION", "START DATE", "END DATE"]):
        t.rows[0].cells[i].text = h
    rows = [("Pat Social", "Darlington Borough Council Children's Services", "01/02/2024", ""),
            ("Nobody Here", "Old Agency Ltd", "01/01/2020", "01/01/2021"),
            ("Sam Teacher", "Harrowgate Hill Primary School", "03/09/2023", "")]
    for row in rows:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    deleted = t.rows[2]._tr
    deleted.get_or_add_trPr().append(parse_xml(f'<w:del xmlns:w="{W}" w:id="11" w:author="B" w:date="2026-11-03T10:00:00Z"/>'))
    for r in deleted.iter(f"{{{W}}}r"):
        for wt in r.findall(f"{{{W}}}t"):
            wt.tag = f"{{{W}}}delText"
    inserted = t.rows[3]._tr
    inserted.get_or_add_trPr().append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="12" w:author="B" w:date="2026-11-03T10:00:00Z"/>'))
    for n, r in enumerate(list(inserted.iter(f"{{{W}}}r"))):
        ins = parse_xml(f'<w:ins xmlns:w="{W}" w:id="{20 + n}" w:author="B" w:date="2026-11-03T10:00:00Z"/>')
        r.addprevious(ins)
        ins.append(r)
    doc.save("pydocx-agency-inserted.docx")


def empty_answers():
    """Answers left empty first, in the middle and last of a section's
    table, each followed by a row that is answered: the next row's words
    are never the empty one's answer."""
    doc = Document()
    doc.add_paragraph("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)")
    table(doc, [("FULL NAME", ""), ("JOB TITLE", "Health Visitor"), ("ORGANISATION", ""),
                ("EMAIL ADDRESS", "alex.nurse@nhs.net"), ("Telephone No.", "")])
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    table(doc, [("FULL NAME", "Jamie Example"), ("DATE OF BIRTH", ""), ("GENDER", "Male"), ("ETHNICITY (if known)", ""),
                ("NATIONALITY", "British"), ("POSTCODE", "")])
    doc.save("pydocx-empty-answers.docx")


def wrapped_labels():
    """A narrow label column, so the questions wrap onto two and three
    lines (and do in a PDF printed from it), and answers long enough to
    wrap too."""
    from docx.shared import Inches
    doc = Document()
    doc.add_paragraph("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)")
    rows = [("FULL NAME", "Alex Nurse"), ("JOB TITLE", "Head of Safeguarding Children and Young People"),
            ("ORGANISATION", "County Durham and Darlington NHS Foundation Trust"), ("EMAIL ADDRESS", "alex.nurse@nhs.net")]
    t = table(doc, rows)
    doc.add_paragraph("SECTION 6: CHILD PROTECTION")
    t2 = table(doc, [
        ("Was the child known to Social Care prior to the incident?", "Yes"),
        ("Was the child on a Child Protection Plan (CPP) at the time or prior to the incident?", "No"),
        ("Were any siblings on a Child Protection Plan at the time or prior to the incident?", "No"),
    ])
    for tt in (t, t2):
        tt.autofit = False
        for row in tt.rows:
            row.cells[0].width, row.cells[1].width = Inches(1.3), Inches(2.2)
    doc.save("pydocx-wrapped-labels.docx")


def mixed_answers():
    """Some yes/no questions answered by typing the word, some by a ticked
    box, some by deleting the other option; an option ticked with its
    "If other, please state" typed beside it."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    table(doc, [("FULL NAME", "Jamie Example"),
                ("DOES INCIDENT RELATE TO DEATH OF CHILD?", "no"),
                ("DOES ALLEGED INCIDENT INVOLVE THE CONDUCT OF A STAFF MEMBER?", f"YES {BOX}   NO {TICKED}")])
    doc.add_paragraph("SECTION 6: CHILD PROTECTION")
    table(doc, [
        ("Was the child known to Social Care prior to the incident?", f"{TICKED} YES  {BOX} NO"),
        ("Was the child on a Child Protection Plan (CPP) at the time or prior to the incident?", "NO"),
        ("Was the child on a Child in Need Plan at the time or prior to the incident?", "Yes"),
    ])
    doc.add_paragraph("SECTION 5: DETAILS OF CASE")
    table(doc, [("What is the main cause of incident", f"{TICKED} Other"), ("If other, please state", "Fall from a window")])
    doc.save("pydocx-mixed-answers.docx")


def two_columns():
    """A two-column form: label, answer, label, answer across each row, as
    council templates lay out the child's details."""
    doc = Document()
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    pairs = [("FULL NAME", "Jamie Example", "DATE OF BIRTH", "04/09/2019"),
             ("GENDER", "Male", "POSTCODE", "DL3 6AH"),
             ("ADDRESS", "7 Sample Road, Darlington", "DATE OF INCIDENT", "02/11/2026")]
    for row in pairs:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.add_paragraph("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM (REFERRING AGENCY)")
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    for row in [("FULL NAME", "Alex Nurse", "JOB TITLE", "Health Visitor"),
                ("ORGANISATION", "County Durham and Darlington NHS Foundation Trust", "EMAIL ADDRESS", "alex.nurse@nhs.net")]:
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    doc.save("pydocx-two-columns.docx")


def tab_separated():
    """Each answer after its label and a tab, in paragraphs, as a form
    retyped with the Tab key; lists typed with semicolons."""
    doc = Document()
    doc.add_paragraph("SECTION 1: ABOUT THE PERSON COMPLETING THE FORM")
    for label, value in [("Full name", "Pat Social"), ("Job title", "Social Worker"), ("Organisation", "Darlington Borough Council"),
                         ("Email", ""), ("Telephone number", "01325 388000")]:
        doc.add_paragraph(f"{label}:\t{value}")
    doc.add_paragraph("SECTION 2: ABOUT THE CHILD(REN)")
    for label, value in [("Full name", "Robin Example"), ("Date of birth", "01/03/2018"), ("Ethnicity", ""),
                         ("Nationality", "British"), ("Postcode", "DL1 5QT")]:
        doc.add_paragraph(f"{label}:\t{value}")
    doc.add_paragraph("SECTION 5: DETAILS OF CASE")
    doc.add_paragraph("What is the main cause of incident:\tNon-Accidental Injury")
    doc.add_paragraph("What are the characteristics of the case (tick all that apply):\tPhysical Abuse; Domestic Violence")
    doc.save("pydocx-tab-separated.docx")


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1:  # only these: python3 make.py sections_as_tables …
        for name in sys.argv[1:]:
            globals()[name]()
        sys.exit()
    typed_x()
    paragraphs()
    glyphs_before()
    stacked()
    next_cell_ticks()
    agencies()
    criteria_and_none_known()
    checkmarks()
    content_controls()
    merged()
    tracked()
    blocks_headed()
    pairs_on_a_line()
    label_words()
    sibling_plans()
    people_tables()
    long_text()
    emphasised()
    chronology()
    form_fields()
    options_one_a_line()
    symbol_fonts()
    date_pickers()
    children_columns()
    people_across()
    sections_as_tables()
    agency_inserted()
    empty_answers()
    wrapped_labels()
    mixed_answers()
    two_columns()
    tab_separated()
