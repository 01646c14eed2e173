"""Writes a customer-like Parquet file of about SIZE bytes with pyarrow, for
the bw-documents Parquet reader's throughput and memory figures.

    python bench/make_parquet.py OUT.parquet [SIZE_MB=1024] [CODEC=snappy]

Run it with the docs Python (`"$(bash scripts/docs_python.sh)"`). The rows
are invented: names, streets and domains drawn from short pools with a
random number mixed in, so values repeat about as much as a real export's
(no column dictionary-encodes to nothing, none is pure noise). Columns:
ids, names, email, a phone as text and as an int64, a date of birth, a
decimal balance, a UTC timestamp, a flag, a nested address struct and a
list of tags; row groups of 1 M rows, pyarrow's default. Vectorised with
pyarrow.compute (no numpy needed): about a minute per GB.
"""

import datetime
import os
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FIRST = """Amara Bram Cecily Dario Elodie Fergus Gwendolyn Hamid Isolde Jarrah Kenji
Lucinda Mateus Nadia Orrin Priya Quentin Rosalind Soren Tamsin Ugo Valentina Wendell
Ximena Yusuf Zofia Anouk Bastien Calla Desmond Eira Florian Greer Hollis Inka Joaquim""".split()
LAST = """Abernathy Blackwood Castellano Dunmore Eriksen Fairweather Galloway Hargreaves
Ibsen Jablonski Kowalczyk Lindqvist Montague Nakashima Okonjo Pemberton Quintero
Rasmussen Szabo Thorne Urquhart Vasquez Whitlock Yamamoto Zielinski Achterberg Bellamy""".split()
STREETS = """Acacia Avenue|Bramble Lane|Cedar Close|Dovecote Road|Elm Row|Foundry Street|
Glebe Terrace|Harbour View|Ivy Court|Juniper Way|Kestrel Drive|Larch Grove|Mill Lane|
Nightingale Walk|Orchard Rise|Priory Road|Quarry Hill|Rowan Crescent""".replace("\n", "").split("|")
CITIES = """Leeds|Bristol|Cork|Lyon|Porto|Utrecht|Graz|Aarhus|Gdansk|Bilbao|Turku|Brno|
Ghent|Malmo|Bergen|Tartu|Ljubljana|Nantes""".replace("\n", "").split("|")
DOMAINS = "example.com example.org example.net mail.example test.example".split()
TAGS = "vip newsletter sms-opt-in churn-risk wholesale b2b returns gift".split()


def pick(pool, n):
    """n random values of `pool` (a pa array)."""
    idx = pc.cast(pc.floor(pc.multiply(pc.random(n), len(pool))), pa.int32())
    return pc.take(pool, idx)


def ints(n, lo, hi):
    return pc.add(pc.cast(pc.floor(pc.multiply(pc.random(n), hi - lo)), pa.int64()), lo)


def batch(start, n):
    first = pick(pa.array(FIRST), n)
    last = pick(pa.array(LAST), n)
    num = pc.cast(ints(n, 1, 10000), pa.string())
    email = pc.binary_join_element_wise(
        pc.utf8_lower(first), ".", pc.utf8_lower(last), num, "@", pick(pa.array(DOMAINS), n), ""
    )
    phone_int = ints(n, 447700900000, 447700999999)
    phone = pc.binary_join_element_wise("+", pc.cast(phone_int, pa.string()), "")
    dob = pc.cast(pc.cast(ints(n, -12000, 12000), pa.int32()), pa.date32())
    created = pc.cast(ints(n, 1_500_000_000_000, 1_760_000_000_000), pa.timestamp("ms", tz="UTC"))
    balance = pc.cast(
        pc.divide(pc.cast(ints(n, -50000, 5000000), pa.float64()), 100.0), pa.decimal128(12, 2)
    )
    street = pc.binary_join_element_wise(
        pc.cast(ints(n, 1, 300), pa.string()), pick(pa.array(STREETS), n), " "
    )
    postcode = pc.cast(ints(n, 10000, 99999), pa.string())
    address = pa.StructArray.from_arrays(
        [street, pick(pa.array(CITIES), n), postcode], names=["street", "city", "postcode"]
    )
    tag_count = 2
    offsets = pa.array(range(0, n * tag_count + 1, tag_count), pa.int32())
    tags = pa.ListArray.from_arrays(offsets, pick(pa.array(TAGS), n * tag_count))
    opt_in = pc.less(pc.random(n), 0.4)
    return pa.table(
        {
            "customer_id": pa.array(range(start, start + n), pa.int64()),
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "phone_digits": phone_int,
            "dob": dob,
            "balance": balance,
            "created": created,
            "marketing_opt_in": opt_in,
            "address": address,
            "tags": tags,
        }
    )


def main():
    out = sys.argv[1]
    target = int(sys.argv[2] if len(sys.argv) > 2 else 1024) * 1_000_000
    codec = sys.argv[3] if len(sys.argv) > 3 else "snappy"
    rows_per_batch = 1 << 20
    first = batch(0, 1)
    writer = pq.ParquetWriter(out, first.schema, compression=codec)
    start = 0
    while True:
        writer.write_table(batch(start, rows_per_batch), row_group_size=rows_per_batch)
        start += rows_per_batch
        # The file grows by whole row groups; stop at the first past the target.
        if os.path.getsize(out) >= target:
            break
    writer.close()
    print(f"{out}: {start} rows, {os.path.getsize(out)} bytes, {codec}", file=sys.stderr)


if __name__ == "__main__":
    main()
