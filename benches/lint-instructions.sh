#!/usr/bin/env bash
# What lint costs over validate, in instructions (a script, not a test): the same four runs
# as benches/lint.sh (validate -q, lint -q, validate, lint; the text output to /dev/null),
# each counted by valgrind's cachegrind on one worker (-j1) over the first RECORDS records
# of the M3 capture. A count does not depend on what else the machine is doing, so on a
# shared, noisy machine it tells a change of a point or two that the wall clock cannot.
# The table of leads hashes lead ids with a key chosen at random for each run, which moves
# a count by up to about 0.3 %.
#
# Usage: benches/lint-instructions.sh [RECORDS] [CAPTURE]   (default 10000, M3 generated here)
set -euo pipefail
cd "$(dirname "$0")/.."

RECORDS=${1:-10000}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is missing: install it (Debian/Ubuntu: apt-get install valgrind)" >&2
    exit 2
fi
# shellcheck source=benches/common.sh
. benches/common.sh # the scripts run from the repository root
bench_setup lint-instructions

capture=${2:-}
if [ -z "$capture" ]; then
    capture=$work/m3.jsonl
    python3 benches/harness/gen.py --ndjson 100000 > "$capture"
fi
head -n "$RECORDS" "$capture" > "$work/part.jsonl"
echo "capture: the first $RECORDS records of $capture ($(wc -c < "$work/part.jsonl") bytes)"

count() { # label args...: the instructions of one run, "label count" appended to $work/counts
    local label=$1
    shift
    # Exit 1 (invalid records) is expected of this capture.
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$bin" "$@" -j1 "$work/part.jsonl" > /dev/null 2> "$work/stderr" || true
    local n
    n=$(grep -o 'I *refs: *[0-9,]*' "$work/stderr" | tr -dc '0-9')
    printf '%-12s %15s instructions\n' "$label" "$n"
    echo "$label $n" >> "$work/counts"
}

: > "$work/counts"
count validate-q validate -q
count lint-q lint -q
count validate validate
count lint lint

python3 - "$work/counts" <<'PY'
import sys
n = dict(line.split() for line in open(sys.argv[1]))
n = {k: int(v) for k, v in n.items()}
print()
for mode in ["-q", ""]:
    v, l = n["validate" + mode], n["lint" + mode]
    print(f"lint{mode or ' (text)'} / validate{mode}: x{l / v:.4f} ({(l / v - 1) * 100:+.2f} %)")
PY
