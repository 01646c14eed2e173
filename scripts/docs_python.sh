#!/usr/bin/env bash
# Prints the path of a Python that has the document libraries real users'
# files come from, so that the bw-documents and format tests read files
# written by those libraries, not by us: openpyxl (xlsx), xlwt (xls),
# odfpy (ods, odt), python-docx, python-pptx, reportlab (PDF), pypdf (PDF
# encryption), pyarrow (Parquet), msoffcrypto-tool (encrypted OOXML).
# Created once, in a venv under target/ (the tests read BW_DOCS_PYTHON).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/target/docs-venv"
pkgs=(
    "openpyxl==3.1.5"
    "xlwt==1.3.0"
    "odfpy==1.4.1"
    "python-docx==1.1.2"
    "python-pptx==1.0.2"
    "reportlab==4.2.5"
    "pypdf==5.1.0"
    "pyarrow==18.1.0"
    "msoffcrypto-tool==5.4.2"
)
if ! "$venv/bin/python" -c "import openpyxl, xlwt, odf, docx, pptx, reportlab, pypdf, pyarrow, msoffcrypto" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${pkgs[@]}" >&2
fi
echo "$venv/bin/python"
