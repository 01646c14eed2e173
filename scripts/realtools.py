#!/usr/bin/env python3
"""A labelled corpus written by real tools, for the accuracy gate.

The generator's customers (`breachwatch corpus customers --seed N`, each
cell with its kind) are handed to real tools, and what the tools write is
the corpus:

  pg_copy/      pg_dump, plain (COPY blocks)            real PostgreSQL
  pg_inserts/   pg_dump --inserts                       real PostgreSQL
  pg_column_inserts/ pg_dump --column-inserts           real PostgreSQL
  mysqldump/    mysqldump (multi-row INSERTs)           real MariaDB
  mysqldump_complete/ mysqldump --complete-insert --skip-extended-insert
  sqlite_dump/  sqlite3 .dump                           SQLite via Python's sqlite3
  csv_excel/    Python's csv, dialect excel
  csv_tab/      Python's csv, dialect excel-tab, spreadsheet headers
  csv_semicolon/ Python's csv, ';', a European export's headers
  csv_quote_all/ Python's csv, excel with QUOTE_ALL
  mail/         Python's email + mailbox: a support mailbox, plain-text and
                HTML parts (8bit or quoted-printable), CSV attachments

Labels never come from the detector: each is a value the tool was given,
found back in the tool's output by parsing that output (a dump's tuples,
a COPY row's cells, a CSV row the csv module wrote, a mail part decoded),
and checked to decode to the value given (a date column: the ISO date the
database prints). Anything that cannot be found back is an error, not a
missing label. Spans cover the value as written, quotes outside, as in the
generated corpus.

Writes `OUT/<format>/…` with `OUT/<format>/truth.jsonl` (paths relative
to the format directory) and `OUT/truth.jsonl` (relative to OUT), the
files `breachwatch corpus score` reads.

Usage: realtools.py --bw BIN --seed N --out DIR [--count 200]
         [--pg-url URL] [--mysql-url URL] [--require-all]
Without a URL its formats are skipped (with a note), unless --require-all.
"""

import argparse
import csv
import datetime
import email.headerregistry
import email.parser
import email.policy
import email.utils
import html
import io
import json
import mailbox
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from email.message import EmailMessage

TABLE = "customers"
# SQL types per column; everything else is text.
SQL_TYPES = {
    "id": ("integer NOT NULL PRIMARY KEY", "INT NOT NULL PRIMARY KEY", "INTEGER PRIMARY KEY"),
    "loyalty_no": ("bigint", "BIGINT", "INTEGER"),
    "date_of_birth": ("date", "DATE", "TEXT"),
    "created_at": ("timestamp without time zone", "DATETIME(3)", "TEXT"),
    "last_order_no": ("bigint", "BIGINT", "INTEGER"),
}
INT_COLUMNS = {"id", "loyalty_no", "last_order_no"}


def die(msg):
    print(f"realtools: {msg}", file=sys.stderr)
    sys.exit(2)


def note(msg):
    print(f"realtools: {msg}", file=sys.stderr)


def run(cmd, stdin=None, env=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, env=env)
    if p.returncode != 0:
        die(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-2000:]}")
    return p.stdout


DOB_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%B %d, %Y", "%d %B %Y"]


def iso_date(text):
    for f in DOB_FORMATS:
        try:
            return datetime.datetime.strptime(text, f).date().isoformat()
        except ValueError:
            pass
    die(f"unparsed date shape {text!r}")


class Customer:
    def __init__(self, obj):
        self.id = obj["id"]
        self.cells = [(c["column"], c["value"], c["kind"]) for c in obj["cells"]]
        self.full_name = obj["full_name"]
        self.order_no = obj["order_no"]
        self.tracking = obj["tracking"]
        self.sku = obj["sku"]
        self.by_col = {c: (v, k) for c, v, k in self.cells}

    def value(self, col):
        return self.by_col[col][0]

    def db_value(self, col):
        """What the database holds (and prints back) for a column."""
        v = self.value(col)
        if v is None:
            return None
        if col == "date_of_birth":
            return iso_date(v)
        if col == "created_at":
            return v.replace("T", " ").rstrip("Z")
        return v


class Truth:
    """Labels of one format directory."""

    def __init__(self, fmt):
        self.fmt = fmt
        self.spans = []

    def add(self, path, start, end, kind):
        if end <= start:
            die(f"{self.fmt}/{path}: empty span at {start}")
        self.spans.append({"path": path, "start": start, "end": end, "kind": kind})


def check(cond, what):
    if not cond:
        die(f"cannot find back the value the tool was given: {what}")


# ---------------------------------------------------------------- SQL dumps


def sql_lit(v):
    return "NULL" if v is None else "'" + v.replace("'", "''") + "'"


def insert_statements(customers, dialect):
    cols = [c for c, _, _ in customers[0].cells]
    out = []
    for cu in customers:
        vals = []
        for c in cols:
            v = cu.db_value(c)
            if v is not None and c in INT_COLUMNS:
                vals.append(v)
            elif dialect == "mysql" and v is not None:
                vals.append("'" + v.replace("\\", "\\\\").replace("'", "''") + "'")
            else:
                vals.append(sql_lit(v))
        out.append(f"INSERT INTO {TABLE} ({', '.join(cols)}) VALUES ({', '.join(vals)});")
    return "\n".join(out) + "\n"


def create_table(customers, which):
    cols = [c for c, _, _ in customers[0].cells]
    defs = []
    for c in cols:
        t = SQL_TYPES.get(c)
        if t:
            defs.append(f"{c} {t[which]}")
        else:
            defs.append(f"{c} {('text', 'VARCHAR(255)', 'TEXT')[which]}")
    return f"CREATE TABLE {TABLE} ({', '.join(defs)});\n"


def parse_tuple(data, pos, backslash):
    """One `(v, v, …)` at data[pos]; returns ([(start, end, text|None, quoted)], end)."""
    check(data[pos:pos + 1] == b"(", f"tuple at {pos}")
    pos += 1
    cells = []
    n = len(data)
    while True:
        while data[pos:pos + 1] in (b" ", b"\n"):
            pos += 1
        if data[pos:pos + 1] == b"'":
            start = pos
            pos += 1
            buf = bytearray()
            while True:
                ch = data[pos:pos + 1]
                check(pos < n, "unterminated string")
                if backslash and ch == b"\\":
                    esc = data[pos + 1:pos + 2]
                    buf += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\0", b"Z": b"\x1a"}.get(esc, esc)
                    pos += 2
                elif ch == b"'":
                    if data[pos + 1:pos + 2] == b"'":
                        buf += b"'"
                        pos += 2
                    else:
                        pos += 1
                        break
                else:
                    buf += ch
                    pos += 1
            cells.append((start, pos, buf.decode(), True))
        else:
            start = pos
            while data[pos:pos + 1] not in (b",", b")"):
                check(pos < n, "unterminated tuple")
                pos += 1
            text = data[start:pos].decode().strip()
            cells.append((start, start + len(text), None if text == "NULL" else text, False))
        while data[pos:pos + 1] == b" ":
            pos += 1
        if data[pos:pos + 1] == b",":
            pos += 1
            continue
        check(data[pos:pos + 1] == b")", f"tuple end at {pos}")
        return cells, pos + 1


def insert_rows(data, backslash):
    """Every row of every INSERT into the customers table."""
    rows = []
    pat = re.compile(rb"INSERT INTO [^\n(]*\b" + TABLE.encode() + rb"\b[`\"]?(?: \([^)]*\))? ?VALUES ?")
    for m in pat.finditer(data):
        pos = m.end()
        while True:
            while data[pos:pos + 1] in (b" ", b"\n"):
                pos += 1
            cells, pos = parse_tuple(data, pos, backslash)
            rows.append(cells)
            if data[pos:pos + 1] == b",":
                pos += 1
                continue
            break
    return rows


def copy_rows(data):
    m = re.search(rb"\nCOPY [^\n]*\b" + TABLE.encode() + rb" \([^)]*\) FROM stdin;\n", data)
    check(m, "COPY header")
    pos = m.end()
    rows = []
    while not data.startswith(b"\\.\n", pos):
        end = data.index(b"\n", pos)
        cells = []
        start = pos
        for field in data[pos:end].split(b"\t"):
            text = None
            if field != b"\\N":
                text = re.sub(rb"\\(.)", lambda e: {b"t": b"\t", b"n": b"\n", b"r": b"\r"}.get(e.group(1), e.group(1)), field).decode()
            cells.append((start, start + len(field), text, False))
            start += len(field) + 1
        rows.append(cells)
        pos = end + 1
    return rows


def label_rows(truth, path, rows, customers):
    check(len(rows) == len(customers), f"{path}: {len(rows)} rows for {len(customers)} customers")
    by_id = {str(c.id): c for c in customers}
    seen = set()
    for cells in rows:
        cid = cells[0][2]
        check(cid in by_id and cid not in seen, f"{path}: row id {cid}")
        seen.add(cid)
        cu = by_id[cid]
        check(len(cells) == len(cu.cells), f"{path}: row {cid} has {len(cells)} cells")
        for (start, end, text, quoted), (col, _, kind) in zip(cells, cu.cells):
            want = cu.db_value(col)
            if col != "created_at":
                check(text == want, f"{path}: row {cid} {col}: {text!r} != {want!r}")
            if kind:
                if quoted:
                    start, end = start + 1, end - 1
                truth.add(path, start, end, kind)


def pg_dumps(customers, pg_url, out, truths):
    server = run(["psql", pg_url, "-tAc", "SHOW server_version_num"]).decode().strip()
    client = run(["pg_dump", "--version"]).decode()
    m = re.search(r"(\d+)\.\d+", client)
    check(m, f"pg_dump version {client!r}")
    if int(server) // 10000 != int(m.group(1)):
        die(f"pg_dump {m.group(1)} does not match the server ({server}): install its postgresql-client")
    db = f"bw_realtools_{os.getpid()}"
    run(["psql", pg_url, "-v", "ON_ERROR_STOP=1", "-qc", f"DROP DATABASE IF EXISTS {db}"])
    run(["psql", pg_url, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {db}"])
    u = urllib.parse.urlsplit(pg_url)
    db_url = urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + db, u.query, u.fragment))
    try:
        script = "BEGIN;\n" + create_table(customers, 0) + insert_statements(customers, "pg") + "COMMIT;\n"
        run(["psql", db_url, "-v", "ON_ERROR_STOP=1", "-q"], stdin=script.encode())
        for fmt, flags in (("pg_copy", []), ("pg_inserts", ["--inserts"]), ("pg_column_inserts", ["--column-inserts"])):
            data = run(["pg_dump", *flags, db_url])
            path = "customers.sql"
            write(out, fmt, path, data)
            rows = insert_rows(data, False) if flags else copy_rows(data)
            label_rows(truths.setdefault(fmt, Truth(fmt)), path, rows, customers)
    finally:
        run(["psql", pg_url, "-qc", f"DROP DATABASE IF EXISTS {db}"])


def mysql_dump(customers, mysql_url, out, truths):
    u = urllib.parse.urlsplit(mysql_url)
    base = ["--no-defaults", "-h", u.hostname or "127.0.0.1", "-P", str(u.port or 3306), "-u", urllib.parse.unquote(u.username or "")]
    env = dict(os.environ, MYSQL_PWD=urllib.parse.unquote(u.password or ""))
    client = shutil.which("mariadb") or shutil.which("mysql")
    dump = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    check(client and dump, "mariadb/mysqldump on PATH")
    db = f"bw_realtools_{os.getpid()}"
    run([client, *base, "-e", f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4"], env=env)
    try:
        script = create_table(customers, 1) + insert_statements(customers, "mysql")
        run([client, *base, db], stdin=script.encode(), env=env)
        for fmt, flags in (("mysqldump", []), ("mysqldump_complete", ["--complete-insert", "--skip-extended-insert"])):
            data = run([dump, *base, *flags, db], env=env)
            write(out, fmt, "customers.sql", data)
            label_rows(truths.setdefault(fmt, Truth(fmt)), "customers.sql", insert_rows(data, True), customers)
    finally:
        run([client, *base, "-e", f"DROP DATABASE IF EXISTS {db}"], env=env)


def sqlite_dump(customers, out, truths):
    check(shutil.which("sqlite3"), "sqlite3 on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        dbf = os.path.join(tmp, "shop.db")
        con = sqlite3.connect(dbf)
        con.execute(create_table(customers, 2))
        cols = [c for c, _, _ in customers[0].cells]
        con.executemany(
            f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(cols))})",
            [[int(v) if (v is not None and c in INT_COLUMNS) else v for c in cols for v in [cu.db_value(c)]] for cu in customers],
        )
        con.commit()
        con.close()
        data = run(["sqlite3", dbf, ".dump"])
    write(out, "sqlite_dump", "customers.sql", data)
    label_rows(truths.setdefault("sqlite_dump", Truth("sqlite_dump")), "customers.sql", insert_rows(data, False), customers)


# ---------------------------------------------------------- delimited files

# Headers as a spreadsheet or a European CRM export names the columns.
SHEET_HEADERS = {
    "id": "ID", "loyalty_no": "Loyalty No", "first_name": "First Name", "last_name": "Last Name",
    "email": "E-mail", "phone": "Mobile", "date_of_birth": "Date of Birth", "address": "Address",
    "country": "Country", "ssn": "SSN", "card_number": "Card Number", "card_cvv": "CVV", "iban": "IBAN",
    "last_login_ip": "Last Login IP", "username": "Username", "password_hash": "Password Hash",
    "passport_no": "Passport No", "drivers_license": "Driver's License", "created_at": "Created",
    "last_order_no": "Last Order", "notes": "Notes",
}
EU_HEADERS = {
    "id": "Kunden-ID", "loyalty_no": "Bonuskarte", "first_name": "Vorname", "last_name": "Nachname",
    "email": "E-Mail", "phone": "Telefon", "date_of_birth": "Geburtsdatum", "address": "Anschrift",
    "country": "Land", "ssn": "SSN", "card_number": "Kartennummer", "card_cvv": "CVC", "iban": "IBAN",
    "last_login_ip": "Letzte IP", "username": "Benutzername", "password_hash": "Passwort-Hash",
    "passport_no": "Reisepass", "drivers_license": "Führerschein", "created_at": "Angelegt",
    "last_order_no": "Letzte Bestellung", "notes": "Bemerkung",
}

CSV_FORMATS = [
    # (format, file, dialect kwargs, headers)
    ("csv_excel", "customers.csv", {"dialect": "excel"}, None),
    ("csv_tab", "customers.tsv", {"dialect": "excel-tab"}, SHEET_HEADERS),
    ("csv_semicolon", "kunden.csv", {"dialect": "excel", "delimiter": ";", "lineterminator": "\n"}, EU_HEADERS),
    ("csv_quote_all", "customers.csv", {"dialect": "excel", "quoting": csv.QUOTE_ALL}, None),
]


def csv_bytes(customers, kwargs, headers, path, truth):
    """The file Python's csv module writes, with the truth spans of its cells."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, **kwargs)
    cols = [c for c, _, _ in customers[0].cells]
    w.writerow([headers[c] if headers else c for c in cols])
    data = bytearray(buf.getvalue().encode())
    quote_all = kwargs.get("quoting") == csv.QUOTE_ALL
    for cu in customers:
        row = ["" if v is None else v for _, v, _ in cu.cells]
        line_buf = io.StringIO(newline="")
        csv.writer(line_buf, **kwargs).writerow(row)
        line = line_buf.getvalue().encode()
        # Each cell as the writer quotes it on its own; joined, they must be
        # the writer's line, so the offsets below are the writer's.
        encs = []
        for v in row:
            if v == "":
                encs.append(b'""' if quote_all else b"")
                continue
            one = io.StringIO(newline="")
            csv.writer(one, **kwargs).writerow([v])
            encs.append(one.getvalue().encode()[: -len(w.dialect.lineterminator.encode())])
        delim = w.dialect.delimiter.encode()
        check(delim.join(encs) + w.dialect.lineterminator.encode() == line, f"{path}: row {cu.id} cells")
        pos = len(data)
        for enc, (_, v, kind) in zip(encs, cu.cells):
            if kind:
                quoted = enc.startswith(b'"')
                s, e = (pos + 1, pos + len(enc) - 1) if quoted else (pos, pos + len(enc))
                check(enc[s - pos:e - pos].replace(b'""', b'"') == v.encode(), f"{path}: {v!r}")
                truth.add(path, s, e, kind)
            pos += len(enc) + len(delim)
        data += line
    return bytes(data)


def csv_files(customers, out, truths):
    for fmt, path, kwargs, headers in CSV_FORMATS:
        t = truths.setdefault(fmt, Truth(fmt))
        write(out, fmt, path, csv_bytes(customers, kwargs, headers, path, t))


# --------------------------------------------------------------------- mail


class Text:
    """Text built piece by piece, recording where each labelled value went
    (byte offsets of the decoded part)."""

    def __init__(self, escape=None):
        self.parts = []
        self.len = 0
        self.spans = []
        self.escape = escape or (lambda s: s)

    def s(self, text):
        self.parts.append(text)
        self.len += len(text.encode())
        return self

    def l(self, kind, value):
        v = self.escape(value)
        self.spans.append((self.len, self.len + len(v.encode()), kind))
        return self.s(v)

    def text(self):
        return "".join(self.parts)


def esc(s):
    return html.escape(s, quote=True)


def plain_body(cu, agent):
    t = Text()
    v = cu.by_col
    if agent:
        t.s("Hi team,\n\nforwarding a case from the phone queue. Customer: ").l("person_name", cu.full_name)
        t.s("\nPhone: ").l("phone_number", v["phone"][0]).s("\nE-mail: ").l("email", v["email"][0])
        t.s("\nDate of birth (verified): ").l("date_of_birth", v["date_of_birth"][0])
        t.s("\nAddress on file: ").l("street_address", v["address"][0])
        t.s(f"\nOrder {cu.order_no}, item {cu.sku}, tracking {cu.tracking}.\n")
        t.s("The export of the other open cases is attached.\n\nRegards,\nCustomer Care\n")
    else:
        t.s("Hello,\n\nmy name is ").l("person_name", cu.full_name)
        t.s(f" and I ordered {cu.sku} (order {cu.order_no}), but it never arrived; tracking {cu.tracking} has shown nothing for a week.\n")
        t.s("Please call me on ").l("phone_number", v["phone"][0]).s(" or write to ").l("email", v["email"][0]).s(".\n")
        t.s("For the account check, my date of birth is ").l("date_of_birth", v["date_of_birth"][0]).s(".\n")
        t.s("Delivery address: ").l("street_address", v["address"][0]).s("\n\nThanks,\n").l("person_name", v["first_name"][0]).s("\n")
    return t


def html_body(cu, agent):
    t = Text(esc)
    v = cu.by_col
    t.s('<html><body style="font-family:Arial">\n')
    if agent:
        t.s("<p>Hi team,</p>\n<table>\n<tr><th>Customer</th><td>").l("person_name", cu.full_name)
        t.s("</td></tr>\n<tr><th>Phone</th><td>").l("phone_number", v["phone"][0])
        t.s('</td></tr>\n<tr><th>E-mail</th><td><a href="mailto:').l("email", v["email"][0]).s('">').l("email", v["email"][0])
        t.s("</a></td></tr>\n<tr><th>Date of birth</th><td>").l("date_of_birth", v["date_of_birth"][0])
        t.s("</td></tr>\n<tr><th>Address</th><td>").l("street_address", v["address"][0])
        t.s(f"</td></tr>\n</table>\n<p>Order {cu.order_no}, tracking {esc(cu.tracking)}.</p>\n")
    else:
        t.s("<p>Hello,</p>\n<p>my name is <b>").l("person_name", cu.full_name)
        t.s(f"</b> and I ordered {esc(cu.sku)} (order {cu.order_no}), but it never arrived.</p>\n")
        t.s("<p>Please call me on ").l("phone_number", v["phone"][0]).s(' or write to <a href="mailto:').l("email", v["email"][0]).s('">')
        t.l("email", v["email"][0]).s("</a>.</p>\n<p>Date of birth: ").l("date_of_birth", v["date_of_birth"][0])
        t.s("<br>\nDelivery address: ").l("street_address", v["address"][0]).s("</p>\n")
    t.s("</body></html>\n")
    return t


def qp_decode_map(raw):
    """Quoted-printable bytes -> (decoded, raw offset of each decoded byte, one past the end)."""
    out = bytearray()
    where = []
    i = 0
    n = len(raw)
    while i < n:
        b = raw[i:i + 1]
        if b == b"=":
            nxt = raw[i + 1:i + 3]
            if nxt[:1] == b"\n":
                i += 2
                continue
            if nxt == b"\r\n":
                i += 3
                continue
            out += bytes([int(nxt, 16)])
            where.append(i)
            i += 3
        else:
            out += b
            where.append(i)
            i += 1
    where.append(n)
    return bytes(out), where


SUPPORT = "Northwind Customer Care <care@support.northwind-outfitters.example>"


def mail_box(customers, out, truths):
    t = truths.setdefault("mail", Truth("mail"))
    d = os.path.join(out, "mail")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "support.mbox")
    box = mailbox.mbox(path, create=True)
    plans = []
    n_msgs = min(len(customers), 200)
    for i, cu in enumerate(customers[:n_msgs]):
        agent = i % 4 == 3
        qp = i % 2 == 1
        plain, htm = plain_body(cu, agent), html_body(cu, agent)
        m = EmailMessage(policy=email.policy.default)
        name, addr = cu.full_name, cu.value("email")
        cc = None
        if agent:
            m["From"] = SUPPORT
            m["To"] = "cases@support.northwind-outfitters.example"
            # The customer in copy, named as an address book files people
            # ("Last, First", quoted by the package; an encoded word when
            # not ASCII).
            first, last = cu.value("first_name"), cu.value("last_name")
            cc = f"{last}, {first}" if name == f"{first} {last}" else name
            m["Cc"] = email.headerregistry.Address(display_name=cc, addr_spec=addr)
        else:
            m["From"] = email.headerregistry.Address(display_name=name, addr_spec=addr)
            m["To"] = SUPPORT
        m["Subject"] = f"Order {cu.order_no}" + (" - case handover" if agent else " not delivered")
        m["Date"] = email.utils.format_datetime(datetime.datetime(2024, 3, 1 + i % 28, 9 + i % 8, i % 60, tzinfo=datetime.timezone.utc))
        m["Message-ID"] = f"<case-{i + 1}.{cu.order_no}@support.northwind-outfitters.example>"
        # Chosen, not left to the package's heuristic (which picks base64
        # for some long-lined text): the parts are decoded back below.
        cte = "quoted-printable" if qp else "8bit"
        m.set_content(plain.text(), cte=cte)
        m.add_alternative(htm.text(), subtype="html", cte=cte)
        attach = None
        if agent:
            others = [customers[(i * 7 + k) % len(customers)] for k in range(1, 9)]
            at = Truth("attachment")
            fname = "open-cases.csv"
            body = csv_bytes(others, {"dialect": "excel"}, None, fname, at)
            m.add_attachment(body, maintype="text", subtype="csv", filename=fname)
            attach = (fname, at)
        mm = mailbox.mboxMessage(m)
        # A fixed separator date: the same seed gives the same bytes.
        mm.set_from("MAILER-DAEMON", time.gmtime(1709280000 + i * 3600))
        box.add(mm)
        plans.append((m["Message-ID"], cu, plain, htm, attach, cc))
    box.flush()
    box.close()
    data = open(path, "rb").read()
    rel = "support.mbox"
    ids = [data.index(f"Message-ID: {mid}".encode()) for mid, *_ in plans]
    reader = email.parser.BytesParser(policy=email.policy.default)
    check(ids == sorted(ids), "messages in order")
    for n, (mid, cu, plain, htm, attach, cc) in enumerate(plans):
        lo = data.rindex(b"\nFrom ", 0, ids[n]) + 1 if n else 0
        hi = data.index(b"\nFrom ", ids[n]) + 1 if n + 1 < len(plans) else len(data)
        msg = data[lo:hi]
        head_end = msg.index(b"\n\n")
        head = msg[:head_end]
        if b"From: " + SUPPORT.encode() not in head:
            # The sender's name and address in the From header, as the
            # email package wrote them (an RFC 2047 encoded word for a
            # name that is not ASCII: its span is the encoded text).
            fl = re.search(rb"\nFrom: (.*(?:\n[ \t].*)*)", head)
            check(fl, f"message {n + 1} From")
            line, base = fl.group(1), lo + fl.start(1)
            a = line.rindex(b" <")
            name = line[:a]
            if name.startswith(b'"') and name.endswith(b'"'):
                t.add(rel, base + 1, base + a - 1, "person_name")
            else:
                check(name == cu.full_name.encode() or b"=?" in name, f"From name {name!r}")
                t.add(rel, base, base + a, "person_name")
            em = cu.value("email").encode()
            check(line[a + 2:-1] == em, f"From address {line!r}")
            t.add(rel, base + a + 2, base + a + 2 + len(em), "email")
        if cc:
            # The Cc header as written: the display name quoted ("Last,
            # First"), or bare words and encoded words up to the address
            # (which may sit on a folded line of its own).
            fl = re.search(rb"\nCc: (.*(?:\n[ \t].*)*)", head)
            check(fl, f"message {n + 1} Cc")
            line, base = fl.group(1), lo + fl.start(1)
            a = line.rindex(b"<")
            name = line[:a].rstrip()
            parsed = reader.parsebytes(head + b"\n\n")["Cc"].addresses[0]
            check(parsed.display_name == cc, f"Cc name {name!r} reads back as {parsed.display_name!r}")
            if name.startswith(b'"') and name.endswith(b'"'):
                t.add(rel, base + 1, base + len(name) - 1, "person_name")
            else:
                t.add(rel, base, base + len(name), "person_name")
            em = cu.value("email").encode()
            check(line[a + 1:-1] == em and parsed.addr_spec == cu.value("email"), f"Cc address {line!r}")
            t.add(rel, base + a + 1, base + a + 1 + len(em), "email")
        pos = head_end
        for sub, body in ((b"plain", plain), (b"html", htm)):
            ct = msg.index(b"Content-Type: text/" + sub, pos)
            hb = msg.index(b"\n\n", ct) + 2
            headers = msg[ct:hb]
            # The line break before a boundary belongs to the boundary.
            be = msg.index(b"\n--", hb)
            raw = msg[hb:be]
            if b"quoted-printable" in headers:
                dec, where = qp_decode_map(raw)
            else:
                dec, where = raw, list(range(len(raw) + 1))
            want = body.text().encode()
            check(dec == want, f"message {n + 1} {sub.decode()} part decodes to what was given")
            for s, e, kind in body.spans:
                t.add(rel, lo + hb + where[s], lo + hb + where[e - 1] + (3 if raw[where[e - 1]:where[e - 1] + 1] == b"=" else 1), kind)
            pos = be
        if attach:
            fname, at = attach
            for sp in at.spans:
                t.add(f"{rel}!{n + 1}!{fname}", sp["start"], sp["end"], sp["kind"])


# ------------------------------------------------------------------- driver


def write(out, fmt, path, data):
    d = os.path.join(out, fmt)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, path), "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bw", required=True, help="the breachwatch binary")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pg-url")
    ap.add_argument("--mysql-url")
    ap.add_argument("--require-all", action="store_true", help="no format may be skipped")
    a = ap.parse_args()
    raw = run([a.bw, "corpus", "customers", "--seed", str(a.seed), "--count", str(a.count)])
    # The email package draws MIME boundaries from `random`.
    random.seed(a.seed)
    customers = [Customer(json.loads(line)) for line in raw.decode().splitlines() if line.strip()]
    check(customers, "customers")
    os.makedirs(a.out, exist_ok=True)
    truths = {}
    if a.pg_url:
        pg_dumps(customers, a.pg_url, a.out, truths)
    elif a.require_all:
        die("no PostgreSQL URL (--pg-url)")
    else:
        note("no --pg-url: pg_dump formats skipped")
    if a.mysql_url:
        mysql_dump(customers, a.mysql_url, a.out, truths)
    elif a.require_all:
        die("no MariaDB URL (--mysql-url)")
    else:
        note("no --mysql-url: mysqldump format skipped")
    sqlite_dump(customers, a.out, truths)
    csv_files(customers, a.out, truths)
    mail_box(customers, a.out, truths)
    with open(os.path.join(a.out, "truth.jsonl"), "w") as top:
        for fmt, t in sorted(truths.items()):
            with open(os.path.join(a.out, fmt, "truth.jsonl"), "w") as f:
                for s in t.spans:
                    f.write(json.dumps(s) + "\n")
                    top.write(json.dumps(dict(s, path=f"{fmt}/{s['path']}")) + "\n")
            note(f"{fmt}: {len(t.spans)} labels")
    print("\n".join(sorted(truths)))


if __name__ == "__main__":
    main()
