#!/usr/bin/env bash
# Writes the corpus's files with tools that are not this project's:
# python3-docx (make.py), pandoc and LibreOffice. Run from this folder.
set -euo pipefail
cd "$(dirname "$0")"
/usr/bin/python3 make.py # the Debian python3, with python3-docx
pandoc -f markdown -t docx -o pandoc-markdown.docx pandoc-markdown.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp libreoffice-html.html "$tmp/libreoffice-html.html"
soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$tmp" "$tmp/libreoffice-html.html" >/dev/null
cp "$tmp/libreoffice-html.docx" libreoffice-html.docx
