#!/usr/bin/env bash
# Writes the corpus's files with tools that are not this project's:
# python3-docx (make.py), pandoc and LibreOffice. Run from this folder.
set -euo pipefail
cd "$(dirname "$0")"
/usr/bin/python3 make.py # the Debian python3, with python3-docx
pandoc -f markdown -t docx -o pandoc-markdown.docx pandoc-markdown.md
pandoc -f html -t docx -o pandoc-html.docx pandoc-html.html
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# LibreOffice drops an HTML form's check boxes on the way to Word: the
# checkboxes file's questions are printed with their options and no ticks.
for name in libreoffice-html libreoffice-checkboxes; do
  cp "$name.html" "$tmp/$name.html"
  soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$tmp" "$tmp/$name.html" >/dev/null 2>&1
  cp "$tmp/$name.docx" "$name.docx"
done
