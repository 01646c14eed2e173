"""breachwatch on Apache Spark: a breach scan of a data lake as one batch job.

The driver runs `breachwatch plan` over the sources (byte-balanced splits of
the listing), makes a DataFrame of the splits, and each task runs the
`breachwatch` binary on its split through `DataFrame.mapInArrow` (so it works
under Spark Connect and Databricks' standard access mode, where RDDs are not
available). The binary reads the objects itself (no Hadoop S3 connector), its
JSON Lines findings come back as Arrow record batches, and Spark writes them
as a Parquet table. See README.md beside this file.

Subcommands:
  scan        SOURCE... --out DIR   findings table (+ per-split status table)
  fingerprints SOURCE... --out DIR  keyed fingerprints of leaked identifiers,
                                    each with its record's other kinds, and
                                    counts of findings in no such record
                                    (`breachwatch scope --emit-fingerprints`)
  join        --leaked DIR --registry DIR --out DIR
                                    leaked fingerprints joined with the
                                    registry's (`registry export --format
                                    parquet`): the affected set and the
                                    unattributed counts, for
                                    `breachwatch incident add-scope`

Nothing here prints a finding's value or a key: findings are redacted by the
binary, fingerprints are keyed hashes, and the registry key reaches the
binary only through the executor's environment (a Spark secret).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

# The variable the binary reads the registry key from. It must reach the
# executors as a Spark secret (spark.executorEnv.*, redacted), never as an
# argument: task arguments show up in the UI and in event logs.
KEY_ENV = "BREACHWATCH_REGISTRY_KEY"

FINDING_FIELDS = [
    ("object", "string"),
    ("version", "string"),
    ("path", "string"),
    ("start", "long"),
    ("end", "long"),
    ("kind", "string"),
    ("score", "double"),
    ("detector", "string"),
    ("excerpt", "string"),
    ("location", "string"),
    ("split", "long"),
]
# Status of each split's task: the binary's exit code, findings, problems.
STATUS_FIELDS = [
    ("split", "long"),
    ("items", "long"),
    ("bytes", "long"),
    ("exit_code", "long"),
    ("findings", "long"),
    ("problems", "string"),
]
# A record's findings of other kinds than email, phone and name, on each of
# its fingerprint rows: kind, detector (a password's hashing), count. Its
# names are rows of their own (`field` "name"), beside its email or phone.
ELEMENTS = "array<struct<kind:string,detector:string,count:bigint>>"
FINGERPRINT_FIELDS = [
    ("fingerprint", "string"),
    ("field", "string"),
    ("exact", "boolean"),
    ("object", "string"),
    ("version", "string"),
    ("path", "string"),
    ("start", "long"),
    ("end", "long"),
    ("record_start", "long"),
    ("record_end", "long"),
    ("elements", ELEMENTS),
    ("split", "long"),
]
# Findings in no record that gave a fingerprint, counted per member, kind
# and detector by the binary: counts, never values.
UNATTRIBUTED_FIELDS = [
    ("object", "string"),
    ("version", "string"),
    ("path", "string"),
    ("kind", "string"),
    ("detector", "string"),
    ("count", "long"),
    ("split", "long"),
]
# One schema for what a task yields: a finding or fingerprint row, or its
# split's status row (`record` tells them apart), so the scan runs once.
ROW_FIELDS = (
    [("record", "string")]
    + FINDING_FIELDS
    + [(n, t) for n, t in STATUS_FIELDS if n != "split"]
    + [("fingerprint", "string"), ("field", "string"), ("exact", "boolean")]
    + [("record_start", "long"), ("record_end", "long"), ("elements", ELEMENTS)]
    + [("count", "long")]
)
# The key under which a finding is one finding, whichever task attempt
# produced it: a retried or speculative attempt yields the same rows.
FINDING_KEY = ["path", "version", "start", "end", "kind"]
FINGERPRINT_KEY = ["path", "version", "start", "end", "field", "fingerprint"]
# A member's count of one kind by one detector is one row, the same in a
# rerun: deduplicated, never summed twice.
UNATTRIBUTED_KEY = ["path", "version", "kind", "detector"]
# A record in a member, as the join tells matched records from the rest.
RECORD_KEY = ["path", "version", "record_start", "record_end"]


def ddl(fields):
    return ", ".join(f"`{n}` {t}" for n, t in fields)


def arrow_schema(fields):
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "long": pa.int64(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
        ELEMENTS: pa.list_(
            pa.struct(
                [("kind", pa.string()), ("detector", pa.string()), ("count", pa.int64())]
            )
        ),
    }
    return pa.schema([(n, types[t]) for n, t in fields])


def run_plan(binary, sources, splits, bw_args, env):
    """`breachwatch plan`: its split lines, and its error lines."""
    cmd = [binary, "plan", *sources, "--splits", str(splits), *bw_args]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 2):
        raise SystemExit(f"breachwatch plan failed ({p.returncode}): {p.stderr.strip()}")
    problems = [l for l in p.stderr.splitlines() if not l.startswith("planned ")]
    return [l for l in p.stdout.splitlines() if l.strip()], problems


def object_of(path, names):
    """The plan item a finding's member path belongs to: the item itself,
    or a member inside it (`item!entry`)."""
    if path in names:
        return path
    cut = path.find("!")
    while cut != -1:
        if path[:cut] in names:
            return path[:cut]
        cut = path.find("!", cut + 1)
    return None


def task_env(home):
    env = dict(os.environ)
    # A scratch data directory per task: the executor's own home may hold
    # canaries or a store this job must not write to.
    env.setdefault("BREACHWATCH_HOME", home)
    return env


def scan_split(binary, line, mode, bw_args, threads, scratch):
    """Runs the binary on one plan line: its rows (an Arrow table in
    ROW_FIELDS) and its split's status row."""
    split = json.loads(line)
    k = int(split["split"])
    versions = {i["name"]: i.get("version") for i in split["items"]}
    work = tempfile.mkdtemp(prefix=f"bw-split{k}-", dir=scratch)
    try:
        plan_file = os.path.join(work, "split.jsonl")
        with open(plan_file, "w") as f:
            f.write(line + "\n")
        if mode == "scan":
            cmd = [binary, "scan", "--plan", plan_file, "--format", "jsonl", "-q"]
        else:
            # scope needs its inputs named; the split's roots, exactly its items.
            roots = split["roots"] or []
            cmd = [binary, "scope", *roots, "--plan", plan_file, "--emit-fingerprints"]
        cmd += ["-j", str(threads), *bw_args]
        env = task_env(os.path.join(work, "home"))
        if split["items"]:
            p = subprocess.run(cmd, capture_output=True, env=env)
            out, err, code = p.stdout, p.stderr.decode("utf-8", "replace"), p.returncode
        else:
            out, err, code = b"", "", 0
        if code not in (0, 1, 2):
            # Killed or crashed: fail the task so that Spark retries it
            # (its partial rows are dropped with it).
            raise RuntimeError(f"split {k}: breachwatch exited {code}: {err[-2000:]}")
        rows = lines_to_table(out, mode, k, versions)
        problems = [l for l in err.splitlines() if l.startswith("breachwatch:")]
        status = {
            "record": "status",
            "split": k,
            "items": len(split["items"]),
            "bytes": int(split.get("bytes") or 0),
            "exit_code": code,
            "findings": rows.num_rows,
            "problems": "\n".join(problems) or None,
        }
        return rows, status
    finally:
        shutil.rmtree(work, ignore_errors=True)


# What the binary prints, per mode: the columns read from each JSON line.
SCAN_JSON = [
    ("path", "string"),
    ("start", "long"),
    ("end", "long"),
    ("kind", "string"),
    ("score", "double"),
    ("detector", "string"),
    ("excerpt", "string"),
]
FINGERPRINT_JSON = [
    ("fingerprint", "string"),
    ("field", "string"),
    ("exact", "boolean"),
    ("path", "string"),
    ("start", "long"),
    ("end", "long"),
    ("record_start", "long"),
    ("record_end", "long"),
    ("elements", ELEMENTS),
    # An unattributed line: `unattributed: true`, kind, detector, count.
    ("unattributed", "boolean"),
    ("kind", "string"),
    ("detector", "string"),
    ("count", "long"),
]


def lines_to_table(out, mode, k, versions):
    """The binary's JSON lines as an Arrow table in ROW_FIELDS, parsed by
    Arrow's JSON reader (C++), not line by line in Python: a dense leak
    has millions of findings per split."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    schema = arrow_schema(ROW_FIELDS)
    if not out.strip():
        return schema.empty_table()
    read = arrow_schema(SCAN_JSON if mode == "scan" else FINGERPRINT_JSON)
    t = pj.read_json(
        pa.BufferReader(out),
        read_options=pj.ReadOptions(block_size=1 << 24),
        parse_options=pj.ParseOptions(explicit_schema=read, unexpected_field_behavior="ignore"),
    )
    n = t.num_rows
    cols = {name: t.column(name) for name in read.names}
    # The plan item each member path belongs to, once per distinct path.
    paths = pc.unique(t.column("path")).to_pylist()
    objects = [object_of(p, versions) for p in paths]
    at = pc.index_in(t.column("path"), value_set=pa.array(paths, pa.string()))
    cols["object"] = pa.array(objects, pa.string()).take(at)
    cols["version"] = pa.array([versions.get(o) for o in objects], pa.string()).take(at)
    if mode == "scan":
        cols["record"] = pa.repeat(pa.scalar("finding"), n)
    else:
        cols["record"] = pc.if_else(
            pc.fill_null(t.column("unattributed"), False), "unattributed", "fingerprint"
        )
    cols["split"] = pa.repeat(pa.scalar(k, pa.int64()), n)
    if mode == "scan" and b'"location":' in out:
        # Document findings only: their place, as a JSON string.
        cols["location"] = pa.array(
            [
                json.dumps(json.loads(l)["location"], sort_keys=True)
                if b'"location":' in l
                else None
                for l in out.splitlines()
                if l.strip()
            ],
            pa.string(),
        )
    arrays = [
        cols[f.name] if f.name in cols else pa.nulls(n, f.type) for f in schema
    ]
    return pa.Table.from_arrays(
        [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays],
        schema=schema,
    )


def rows_to_batch(rows, fields):
    import pyarrow as pa

    schema = arrow_schema(fields)
    cols = {n: [r.get(n) for r in rows] for n, _ in fields}
    return pa.RecordBatch.from_pydict(cols, schema=schema)


def make_task(binary, mode, bw_args, threads):
    """The function mapInArrow runs on each partition of plan lines."""

    def task(batches):
        scratch = tempfile.gettempdir()
        exe = resolve_binary(binary)
        for batch in batches:
            for line in batch.column("plan").to_pylist():
                rows, status = scan_split(exe, line, mode, bw_args, threads, scratch)
                # Bounded batches: a split with millions of findings does
                # not go to Spark as one Arrow buffer.
                yield from rows.to_batches(max_chunksize=100_000)
                yield rows_to_batch([status], ROW_FIELDS)

    return task


def resolve_binary(binary):
    """The binary on this executor: a shipped file (SparkFiles) by its
    name, else the path as given (installed on every node)."""
    try:
        from pyspark import SparkFiles

        shipped = SparkFiles.get(os.path.basename(binary))
        if os.path.exists(shipped):
            os.chmod(shipped, 0o755)
            return shipped
    except Exception:
        pass
    return binary


def check_key_is_secret(spark):
    """The registry key must travel redacted: refuse a run where Spark
    would show it in the UI or event log."""
    conf = spark.conf
    name = f"spark.executorEnv.{KEY_ENV}"
    try:
        value = conf.get(name, None)
    except Exception:
        value = None
    if value is None:
        return
    regex = conf.get("spark.redaction.regex", "(?i)secret|password|token|access[.]?key")
    import re

    if not re.search(regex, name):
        raise SystemExit(
            f"{name} is set but spark.redaction.regex does not cover it: add "
            "'|registry_key' to spark.redaction.regex (or pass it as a secret)"
        )


def parallelism(spark):
    """The cluster's task slots (Spark Connect has no SparkContext: the
    conf, else a small default)."""
    try:
        return max(2, spark.sparkContext.defaultParallelism)
    except Exception:
        return max(2, int(spark.conf.get("spark.default.parallelism", "8")))


def splits_frame(spark, lines):
    """One row per split, spread so that each task gets about one split."""
    rows = [(json.loads(l)["split"], l) for l in lines]
    df = spark.createDataFrame(rows, "split long, plan string")
    return df.repartition(max(1, len(rows)))


def ship(spark, binary):
    """Makes the binary reachable on every executor when asked."""
    try:
        spark.sparkContext.addFile(binary)
    except Exception:
        # Spark Connect: no SparkContext; artifacts are the way.
        spark.addArtifacts(binary, file=True)


def run_tasks(spark, args, mode):
    env = task_env(tempfile.mkdtemp(prefix="bw-driver-"))
    splits = args.splits or parallelism(spark) * 4
    lines, plan_problems = run_plan(args.binary, args.sources, splits, args.bw_arg, env)
    if args.ship_binary:
        ship(spark, args.binary)
    # The dedupe shuffles: one partition per split, not Spark's 200.
    spark.conf.set("spark.sql.shuffle.partitions", str(max(2, len(lines))))
    task = make_task(args.binary, mode, args.bw_arg + args.task_arg, args.task_threads)
    results = splits_frame(spark, lines).mapInArrow(task, ddl(ROW_FIELDS))
    # Written twice (rows, status); the scan runs once. A lost cached
    # block (an executor killed) is recomputed by Spark, not duplicated.
    results = results.persist()
    return results, plan_problems


def write_status(results, out):
    status = (
        results.where("record = 'status'")
        .select(*[n for n, _ in STATUS_FIELDS])
        .dropDuplicates(["split"])
    )
    status.write.mode("overwrite").parquet(os.path.join(out, "splits"))
    return status.orderBy("split").collect()


def report(status, plan_problems, what, n, extra=None):
    errors = [s for s in status if s["exit_code"] == 2 or s["problems"]]
    for line in plan_problems:
        print(f"plan: {line}", file=sys.stderr)
    for s in errors:
        for line in (s["problems"] or "").splitlines():
            print(f"split {s['split']}: {line}", file=sys.stderr)
    print(
        json.dumps(
            {
                "splits": len(status),
                "items": sum(s["items"] for s in status),
                "bytes": sum(s["bytes"] for s in status),
                what: n,
                **(extra or {}),
                "splits_with_errors": len(errors),
                "plan_errors": len(plan_problems),
            }
        )
    )
    return 2 if errors or plan_problems else 0


def cmd_scan(spark, args):
    results, plan_problems = run_tasks(spark, args, "scan")
    findings = (
        results.where("record = 'finding'")
        .select(*[n for n, _ in FINDING_FIELDS])
        .dropDuplicates(FINDING_KEY)
    )
    findings.write.mode("overwrite").parquet(os.path.join(args.out, "findings"))
    status = write_status(results, args.out)
    n = spark.read.parquet(os.path.join(args.out, "findings")).count()
    return report(status, plan_problems, "findings", n)


def cmd_fingerprints(spark, args):
    check_key_is_secret(spark)
    results, plan_problems = run_tasks(spark, args, "fingerprints")
    fps = (
        results.where("record = 'fingerprint'")
        .select(*[n for n, _ in FINGERPRINT_FIELDS])
        .dropDuplicates(FINGERPRINT_KEY)
    )
    fps.write.mode("overwrite").parquet(os.path.join(args.out, "fingerprints"))
    loose = (
        results.where("record = 'unattributed'")
        .select(*[n for n, _ in UNATTRIBUTED_FIELDS])
        .dropDuplicates(UNATTRIBUTED_KEY)
    )
    loose.write.mode("overwrite").parquet(os.path.join(args.out, "unattributed"))
    status = write_status(results, args.out)
    n = spark.read.parquet(os.path.join(args.out, "fingerprints")).count()
    from pyspark.sql import functions as F

    counted = spark.read.parquet(os.path.join(args.out, "unattributed"))
    u = counted.agg(F.sum("count").alias("n")).collect()[0]["n"] or 0
    return report(status, plan_problems, "fingerprints", n, {"unattributed": u})


def read_leaked(spark, path):
    """The fingerprints table; one written before records were carried
    (no record span, no elements) reads as one record per finding with
    nothing else in it."""
    from pyspark.sql import functions as F

    leaked = spark.read.parquet(path)
    carried = [("record_start", "long"), ("record_end", "long"), ("elements", ELEMENTS)]
    for name, typ in [("version", "string"), *carried]:
        if name not in leaked.columns:
            leaked = leaked.withColumn(name, F.lit(None).cast(typ))
    return leaked.select(
        "fingerprint",
        "field",
        "exact",
        "path",
        # Local files have no version: "" so that record keys compare equal.
        F.coalesce("version", F.lit("")).alias("version"),
        "start",
        "end",
        F.coalesce("record_start", "start").alias("record_start"),
        F.coalesce("record_end", "end").alias("record_end"),
        "elements",
    )


def read_loose(spark, args):
    """Counts of findings in no fingerprinted record (`fingerprints`'
    OUT/unattributed): kind, detector, count. None when a fingerprints
    run from before them left no such table and none was named."""
    path = args.unattributed or os.path.join(
        os.path.dirname(args.leaked.rstrip("/")), "unattributed"
    )
    try:
        return spark.read.parquet(path).select("kind", "detector", "count")
    except Exception as e:
        if args.unattributed or "PATH_NOT_FOUND" not in str(e):
            raise
        # Only a table from before records were carried may lack it: from
        # a newer one (moved, renamed) the counts exist somewhere, and
        # dropping them would drop elements that can turn "not required"
        # into "assess".
        if "elements" in spark.read.parquet(args.leaked).columns:
            raise SystemExit(
                f"join: no {path} beside {args.leaked}, whose fingerprints step "
                "wrote one: name it with --unattributed"
            )
        print(f"join: no {path}: no counts of findings outside records", file=sys.stderr)
        return None


def cmd_join(spark, args):
    """Leaked fingerprints x the registry's fingerprint table: a
    distributed join (both sides range-partitioned on the fingerprint), not
    a broadcast of a registry that may not fit an executor. A match is
    exact when the leaked form is exact and the registry's entry is not a
    variant (the rule `breachwatch scope` applies).

    Per customer, `kinds` is the union of the other kinds of every record
    the customer was matched in (what scope reports as exposed), and
    `person_name` when one of those records' names is the customer's
    (`name`: exact or variant, as scope weighs it). A record
    in which no fingerprint matched anyone is no customer's: its findings
    are summed, per kind and detector, with the binary's counts of findings
    in no fingerprinted record, into the unattributed lines. Records are
    taken once each (by member, version and span) before summing, and the
    binary's counts once per member, kind and detector: a rerun task's rows
    are never counted twice."""
    from pyspark.sql import functions as F

    leaked = read_leaked(spark, args.leaked)
    table = spark.read.parquet(args.registry)
    contacts = F.col("field").isin("email", "phone")
    registry = table.where(contacts)
    parts = args.partitions or parallelism(spark) * 2
    # Name rows (`"field":"name"`) are not joined on the fingerprint: a
    # common name is many customers', and a name counts only for the
    # customer its record's email or phone matched (below).
    names = leaked.where(F.col("field") == "name")
    leaked = leaked.where(contacts).repartitionByRange(parts, "fingerprint")
    registry = registry.repartitionByRange(parts, "fingerprint")
    m = leaked.join(registry, on=["fingerprint", "field"], how="inner").withColumn(
        "exact_match", F.col("exact") & ~F.col("variant")
    )
    # Read three times (customers, their names, matched records): joined once.
    m = m.persist()
    # Scope's rule for a name: it is the record's customer's only when the
    # record's own email or phone matched that customer; a name matching
    # nobody, or only someone else, adds nothing. So: each (record,
    # customer) the contacts matched x that customer's name fingerprints
    # in the registry (two at most: exact, variant) x the record's name
    # rows. Bounded by the contact matches, whatever the name's frequency.
    named = (
        m.select(*RECORD_KEY, "customer_id")
        .distinct()
        .join(
            table.where(F.col("field") == "name").select(
                "customer_id", "fingerprint", F.col("variant").alias("name_variant")
            ),
            on="customer_id",
        )
        .join(
            names.select(*RECORD_KEY, "fingerprint", F.col("exact").alias("name_leaked_exact")),
            on=[*RECORD_KEY, "fingerprint"],
        )
        .groupBy("customer_id")
        .agg(F.max(F.col("name_leaked_exact") & ~F.col("name_variant")).alias("name_exact"))
    )
    email = F.col("field") == "email"
    phone = F.col("field") == "phone"
    span = F.concat_ws(":", "path", "start", "end")
    affected = m.groupBy("customer_id").agg(
        F.first("country").alias("country"),
        F.first("region").alias("region"),
        F.max(F.when(email, F.col("exact_match"))).alias("email_exact"),
        F.max(phone).alias("phone"),
        F.countDistinct(F.when(email, span)).alias("email_occurrences"),
        F.countDistinct(F.when(phone, span)).alias("phone_occurrences"),
        F.array_sort(F.array_distinct(F.flatten(F.collect_list("elements.kind")))).alias(
            "kinds"
        ),
    )
    named_kinds = F.array_sort(F.array_union("kinds", F.array(F.lit("person_name"))))
    affected = affected.join(named, on="customer_id", how="left").select(
        "customer_id",
        "country",
        "region",
        F.when(F.col("email_exact"), F.lit("exact"))
        .when(F.col("email_exact").isNotNull(), F.lit("variant"))
        .alias("email"),
        "phone",
        F.when(F.col("name_exact"), F.lit("exact"))
        .when(F.col("name_exact").isNotNull(), F.lit("variant"))
        .alias("name"),
        "email_occurrences",
        "phone_occurrences",
        F.when(F.col("name_exact").isNotNull(), named_kinds).otherwise(F.col("kinds")).alias("kinds"),
    )
    affected.write.mode("overwrite").parquet(os.path.join(args.out, "affected"))

    # Records no customer was matched in: their findings are unattributed.
    records = (
        leaked.where(F.size("elements") > 0)
        .select(*RECORD_KEY, "elements")
        .dropDuplicates(RECORD_KEY)
    )
    unmatched = records.join(m.select(*RECORD_KEY).distinct(), on=RECORD_KEY, how="left_anti")
    counts = unmatched.select(F.explode("elements").alias("e")).select(
        F.col("e.kind").alias("kind"),
        F.col("e.detector").alias("detector"),
        F.col("e.count").alias("count"),
    )
    loose = read_loose(spark, args)
    if loose is not None:
        counts = counts.unionByName(loose)
    # A row per kind and detector: small, collected.
    unattributed = (
        counts.groupBy("kind", "detector")
        .agg(F.sum("count").alias("count"))
        .orderBy("kind", "detector")
        .collect()
    )

    # The file `breachwatch incident add-scope ID FILE` loads, streamed to
    # the driver a partition at a time (millions of customers fit a file,
    # not a collect()); the unattributed counts after the customers.
    n = 0
    with open(os.path.join(args.out, "affected.jsonl"), "w") as f:
        table = spark.read.parquet(os.path.join(args.out, "affected")).orderBy("customer_id")
        for r in table.toLocalIterator():
            f.write(json.dumps(r.asDict(), sort_keys=True) + "\n")
            n += 1
        for r in unattributed:
            line = {"unattributed": True, **r.asDict()}
            f.write(json.dumps(line, sort_keys=True) + "\n")
    m.unpersist()
    total = sum(r["count"] for r in unattributed)
    print(json.dumps({"affected": n, "unattributed": total}))
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(prog="breachwatch_job.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("scan", "fingerprints"):
        s = sub.add_parser(name)
        s.add_argument("sources", nargs="+", help="paths or URLs (s3://bucket/prefix)")
        s.add_argument("--out", required=True, help="output directory (Parquet tables)")
        s.add_argument("--binary", default="breachwatch", help="the breachwatch binary")
        s.add_argument(
            "--ship-binary",
            action="store_true",
            help="send --binary to the executors (else it must be on every node)",
        )
        s.add_argument("--splits", type=int, help="default: 4 x default parallelism")
        s.add_argument("--task-threads", type=int, default=1, help="binary threads per task")
        s.add_argument(
            "--bw-arg",
            action="append",
            default=[],
            help="extra argument for plan and each task (e.g. --bw-arg=--endpoint=URL)",
        )
        s.add_argument(
            "--task-arg",
            action="append",
            default=[],
            help="extra argument for each task only (e.g. --task-arg=--phone-regions=GB)",
        )
    j = sub.add_parser("join")
    j.add_argument("--leaked", required=True, help="fingerprints table (the fingerprints step)")
    j.add_argument("--registry", required=True, help="`registry export --format parquet` output")
    j.add_argument(
        "--unattributed",
        help="the fingerprints step's unattributed table (default: beside --leaked)",
    )
    j.add_argument("--out", required=True)
    j.add_argument("--partitions", type=int)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName(f"breachwatch-{args.cmd}").getOrCreate()
    try:
        if args.cmd == "scan":
            return cmd_scan(spark, args)
        if args.cmd == "fingerprints":
            return cmd_fingerprints(spark, args)
        return cmd_join(spark, args)
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
