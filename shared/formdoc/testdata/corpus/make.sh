#!/usr/bin/env bash
# Writes the corpus's files with tools that are not this project's:
# python3-docx (make.py), pandoc and LibreOffice. Run from this folder.
set -euo pipefail
cd "$(dirname "$0")"
/usr/bin/python3 make.py # the Debian python3, with python3-docx
pandoc -f markdown -t docx -o pandoc-markdown.docx pandoc-markdown.md
pandoc -f html -t docx -o pandoc-html.docx pandoc-html.html
pandoc -f markdown -t docx -o pandoc-pipe-table.docx pandoc-pipe-table.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# LibreOffice drops an HTML form's check boxes on the way to Word: the
# checkboxes file's questions are printed with their options and no ticks.
for name in libreoffice-html libreoffice-checkboxes; do
  cp "$name.html" "$tmp/$name.html"
  soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$tmp" "$tmp/$name.html" >/dev/null 2>&1
  cp "$tmp/$name.docx" "$name.docx"
done
# The same forms as other tools re-write them: LibreOffice to ODT and back,
# to PDF and to text; pandoc to plain text (a form pasted into an e-mail).
# Their answers are their sources' (the words are the same; checked by
# reading each output), in copies of the sources' expected files.
lo() { soffice --headless --convert-to "$1" --outdir "$tmp" "$2" >/dev/null 2>&1; }
for name in content-controls tracked merged date-pickers; do
  lo odt "pydocx-$name.docx"
  lo docx:"MS Word 2007 XML" "$tmp/pydocx-$name.odt"
  cp "$tmp/pydocx-$name.docx" "libreoffice-odt-$name.docx"
  # LibreOffice 7.4 keeps a retyped answer's tracked change but drops a
  # row's: its copy has both GENDER rows as plain rows, and its answers
  # are written by hand (libreoffice-odt-tracked.expected.json).
  [ "$name" = tracked ] || cp "pydocx-$name.expected.json" "libreoffice-odt-$name.expected.json"
done
for name in typed-x paragraphs glyphs-before form-fields options-one-a-line symbol-fonts children-columns \
    sections-as-tables empty-answers wrapped-labels mixed-answers two-columns; do
  lo pdf "pydocx-$name.docx"
  cp "$tmp/pydocx-$name.pdf" "libreoffice-$name.pdf"
  # Check-box form fields print as shapes, bold and highlighting do not
  # reach a PDF's text, and a symbol font's boxes reach it as letters
  # ("YES ¨ NO þ", without Wingdings installed): those PDFs' answers are
  # written by hand.
  # The sections-as-tables PDF wraps the siblings' header inside words
  # and a ticked option onto a line the text puts a column out: its
  # allowances are written by hand.
  case "$name" in form-fields|options-one-a-line|symbol-fonts|sections-as-tables) ;; *) cp "pydocx-$name.expected.json" "libreoffice-$name.expected.json" ;; esac
done
# Every python3-docx form saved by LibreOffice in its own format (ODT):
# the same words, so the same answers — but for the tracked row, which
# LibreOffice drops (as in libreoffice-odt-tracked above).
for src in pydocx-*.docx; do
  name=${src#pydocx-}; name=${name%.docx}
  lo odt "$src"
  cp "$tmp/pydocx-$name.odt" "libreoffice-as-odt-$name.odt"
  if [ "$name" = tracked ]; then
    cp libreoffice-odt-tracked.expected.json "libreoffice-as-odt-$name.expected.json"
  elif [ "$name" = agency-inserted ]; then
    : # LibreOffice keeps the deleted row as a plain row: its three agencies are written by hand
  else
    cp "pydocx-$name.expected.json" "libreoffice-as-odt-$name.expected.json"
  fi
done
lo "txt:Text (encoded):UTF8" pydocx-typed-x.docx
cp "$tmp/pydocx-typed-x.txt" libreoffice-typed-x.txt
for name in typed-x paragraphs options-one-a-line sections-as-tables agency-inserted empty-answers wrapped-labels mixed-answers two-columns; do
  pandoc -f docx -t plain -o "pandoc-plain-$name.txt" "pydocx-$name.docx"
  # pandoc drops Word 97 check boxes, bold and highlighting: the options
  # file's plain answers are written by hand.
  # pandoc prints a row deleted with tracked changes as a row: the
  # agency-inserted file's three agencies are written by hand.
  case "$name" in options-one-a-line|agency-inserted) ;; *) cp "pydocx-$name.expected.json" "pandoc-plain-$name.expected.json" ;; esac
done
# pandoc's pipe tables through LibreOffice, and the tab-separated form to
# PDF: their answers are written by hand (the PDF's empty telephone and
# wrapped characteristics).
lo pdf pandoc-pipe-table.docx; cp "$tmp/pandoc-pipe-table.pdf" libreoffice-pandoc-pipe-table.pdf
lo odt pandoc-pipe-table.docx; cp "$tmp/pandoc-pipe-table.odt" libreoffice-as-odt-pandoc-pipe-table.odt
lo pdf pydocx-tab-separated.docx; cp "$tmp/pydocx-tab-separated.pdf" libreoffice-tab-separated.pdf
# (No PDF of agency-inserted: its narrow columns print a word's gap apart,
# so its Section 7 is not found and the PDF is refused as not the form —
# nothing read wrong, but nothing to check either.)
# Not the form: random bytes named .docx.
head -c 4096 /dev/urandom > not-the-form-random.docx
