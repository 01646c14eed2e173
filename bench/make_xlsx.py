#!/usr/bin/env python3
"""Writes a large xlsx of synthetic customers with openpyxl's write_only mode
(what big exports use), for the spreadsheet reader's throughput and memory
figures (crates/documents/examples/read_sheet.rs).

    "$(bash scripts/docs_python.sh)" bench/make_xlsx.py --size-mb 200 --out bench/data/customers-200mb.xlsx

Rows: id, first and last name, email, phone (typed as a number, as Excel
keeps it), date of birth (date-formatted serial), street, city, postcode,
balance, status, note. Names are built from invented syllables, so most are
unique (the shared-strings table grows as it does for a real customer list).
The row count is calibrated from a small trial file to reach --size-mb.

write_only keeps strings inline in the sheet; Excel itself saves every
string once in xl/sharedStrings.xml, which readers keep in memory.
--shared-strings rewrites the sheet that way (same cells, Excel's layout),
for the reader's memory figure on such files.
"""
import argparse
import datetime
import os
import random
import re
import tempfile
import zipfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

SYLLABLES = ["ka", "lo", "mi", "ren", "ta", "vo", "sel", "dri", "an", "bex", "qui",
             "mar", "tel", "o", "is", "un", "gra", "phe", "zo", "lin", "ev", "cor"]
STREETS = ["Alder", "Birch", "Cedar", "Dunmore", "Elm", "Fenwick", "Garnet", "Hollis",
           "Ivers", "Juniper", "Kestrel", "Larch", "Mercer", "Norbury", "Oakhurst"]
KINDS = ["Street", "Road", "Lane", "Avenue", "Close", "Way"]
CITIES = ["Brackenford", "Corriston", "Dalewick", "Emberly", "Foxhollow", "Glenmarsh",
          "Harrowgate", "Ivybridge", "Kilmorrow", "Lindenport"]
STATUS = ["active", "lapsed", "prospect", "vip", "closed"]
NOTES = ["prefers email", "call after 5pm", "moved recently", "gift order",
         "returns often", "", "", "", "loyalty member", "asked for invoice"]


def word(rng, n):
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def write(path, rows, seed):
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Customers")
    ws.append(["id", "first_name", "last_name", "email", "phone", "dob", "street",
               "city", "postcode", "balance", "status", "note"])
    base = datetime.date(1940, 1, 1)
    for i in range(1, rows + 1):
        first, last = word(rng, rng.randint(2, 3)), word(rng, rng.randint(2, 4))
        dob = WriteOnlyCell(ws, value=base + datetime.timedelta(days=rng.randint(0, 23000)))
        dob.number_format = "yyyy-mm-dd"
        ws.append([
            i, first, last,
            f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.com",
            rng.randint(2000000000, 9999999999),
            dob,
            f"{rng.randint(1, 999)} {rng.choice(STREETS)} {rng.choice(KINDS)}",
            rng.choice(CITIES),
            f"{rng.choice('ABCDEFGH')}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
            round(rng.uniform(-500, 5000), 2),
            rng.choice(STATUS),
            rng.choice(NOTES),
        ])
    wb.save(path)


INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')
SST_NS = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def to_shared_strings(src, dst):
    """Moves the inline strings of src's sheets into xl/sharedStrings.xml."""
    index = {}

    def share(m):
        i = index.setdefault(m.group(2), len(index))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (m.group(1), i)

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            name = item.filename
            if name.startswith("xl/worksheets/"):
                with zin.open(item) as r, zout.open(name, "w", force_zip64=True) as w:
                    rest = b""
                    while True:
                        chunk = r.read(16 << 20)
                        buf = rest + chunk
                        cut = buf.rfind(b"</c>") + 4 if chunk else len(buf)
                        w.write(INLINE.sub(share, buf[:cut]))
                        rest = buf[cut:]
                        if not chunk:
                            break
            elif name == "[Content_Types].xml":
                ct = zin.read(item).replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
                zout.writestr(item, ct)
            elif name == "xl/_rels/workbook.xml.rels":
                rels = zin.read(item).replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
                zout.writestr(item, rels)
            else:
                zout.writestr(item, zin.read(item))
        with zout.open("xl/sharedStrings.xml", "w", force_zip64=True) as w:
            w.write(SST_NS + b' count="%d" uniqueCount="%d">' % (len(index), len(index)))
            for text in index:
                w.write(b"<si><t>" + text + b"</t></si>")
            w.write(b"</sst>")
    return len(index)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, default=200)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared-strings", action="store_true")
    args = ap.parse_args()
    trial_rows = 20000
    with tempfile.TemporaryDirectory() as tmp:
        trial = os.path.join(tmp, "trial.xlsx")
        write(trial, trial_rows, args.seed)
        per_row = os.path.getsize(trial) / trial_rows
    rows = int(args.size_mb * 1e6 / per_row)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    if args.shared_strings:
        inline = args.out + ".inline.xlsx"
        write(inline, rows, args.seed)
        n = to_shared_strings(inline, args.out)
        os.remove(inline)
        print(f"{n} shared strings")
    else:
        write(args.out, rows, args.seed)
    print(f"{args.out}: {rows} rows, {os.path.getsize(args.out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
