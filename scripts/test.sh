#!/usr/bin/env bash
# Runs every test breachwatch has, on a fresh machine: starts a real
# PostgreSQL (installing it from Debian's packages if missing) so the store
# tests run against both SQLite and PostgreSQL, installs a real SMTP server
# (aiosmtpd from PyPI, in a venv under target/) for the notify tests, runs
# the workspace tests,
# then the accuracy gate (scripts/eval.sh: the labelled corpus on seed 1 and
# a fresh seed, and files real tools wrote) and a
# short fuzz run of the chunked-scan invariant.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="$(bash scripts/pg.sh)"
export DATABASE_URL
# The PostgreSQL tests must not skip themselves silently here.
export BW_REQUIRE_POSTGRES=1
trap 'bash scripts/pg.sh stop >/dev/null 2>&1 || true; bash scripts/s3.sh stop >/dev/null 2>&1 || true; bash scripts/spark.sh stop >/dev/null 2>&1 || true; bash scripts/mariadb.sh stop >/dev/null 2>&1 || true; bash scripts/azurite.sh stop >/dev/null 2>&1 || true' EXIT

# An S3-compatible server (s3s-fs from crates.io, built once into
# target/s3s/) for the object-store tests, which must not skip here.
BW_S3_ENDPOINT="$(bash scripts/s3.sh)"
export BW_S3_ENDPOINT
export BW_REQUIRE_S3=1
# The Azure Blob emulator (Azurite, npm, pinned, under target/azurite-node/)
# for the az:// test, likewise required.
BW_AZURITE_ENDPOINT="$(bash scripts/azurite.sh)"
export BW_AZURITE_ENDPOINT
export BW_REQUIRE_AZURITE=1

# A MariaDB server (Debian's mariadb-server, own datadir under /tmp) for
# the database-table tests, which must not skip here.
BW_MYSQL_URL="$(bash scripts/mariadb.sh)"
export BW_MYSQL_URL
export BW_REQUIRE_MYSQL=1

# The sqlite3 CLI writes the `.dump` fixtures the SQL hint tests read;
# Debian's iso-codes is what the detector's country table is checked
# against (crates/detect/src/numeric/countries_gen.rs).
if ! command -v sqlite3 >/dev/null || [ ! -f /usr/share/iso-codes/json/iso_3166-1.json ]; then
    apt-get update -qq >&2
    apt-get install -y -qq sqlite3 iso-codes >&2
fi

BW_SMTP_PYTHON="$(bash scripts/smtp.sh)"
export BW_SMTP_PYTHON
# Files written by the libraries real documents come from (openpyxl,
# python-docx, reportlab, pyarrow...), for the document-format tests.
BW_DOCS_PYTHON="$(bash scripts/docs_python.sh)"
export BW_DOCS_PYTHON
export BW_REQUIRE_DOCS=1
# SheetJS (npm `xlsx`, pinned) under target/sheetjs-node/: it writes the
# xlsb fixtures, which no Python library can.
BW_SHEETJS_DIR="$(bash scripts/sheetjs.sh)"
export BW_SHEETJS_DIR
export BW_REQUIRE_SHEETJS=1
# Likewise the SMTP tests.
export BW_REQUIRE_SMTP=1
# Debian's chromium (+ chromium-driver) and a pinned playwright-core under
# target/browser-node/, for the dashboard browser test; screenshots land
# in target/screenshots/.
BW_CHROMIUM="$(bash scripts/chromium.sh)"
export BW_CHROMIUM
export BW_PLAYWRIGHT_DIR="$PWD/target/browser-node"
# The browser test must not skip itself here.
export BW_REQUIRE_BROWSER=1

# A Spark standalone master and two workers (separate JVMs on 127.0.0.1;
# PySpark 4.x + pandas<3 + pyarrow in a venv under target/, Debian's
# openjdk-17-jre-headless) for the Spark job's test, which must not skip.
spark_env="$(bash scripts/spark.sh)"
while IFS='=' read -r k v; do export "$k=$v"; done <<<"$spark_env"
export BW_REQUIRE_SPARK=1

cargo test --workspace --all-targets --locked

# The accuracy gate reuses the test build (detectors are optimised in dev
# builds too; see [profile.dev.package] in Cargo.toml).
BW_BIN="${CARGO_TARGET_DIR:-target}/debug/breachwatch" bash scripts/eval.sh

bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
