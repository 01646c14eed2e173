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
"""
import argparse
import datetime
import os
import random
import tempfile

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, default=200)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    trial_rows = 20000
    with tempfile.TemporaryDirectory() as tmp:
        trial = os.path.join(tmp, "trial.xlsx")
        write(trial, trial_rows, args.seed)
        per_row = os.path.getsize(trial) / trial_rows
    rows = int(args.size_mb * 1e6 / per_row)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    write(args.out, rows, args.seed)
    print(f"{args.out}: {rows} rows, {os.path.getsize(args.out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
