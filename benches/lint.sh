#!/usr/bin/env bash
# What lint costs over validate (a script, not a test): the peer harness's M3 capture
# (100,000 generated Chat payloads, 256 MB, 10 % invalid), checked by `validate` and by
# `lint` (the schema and the rules at their default levels), interleaved (validate, lint,
# validate, lint, ...) so a slower moment of a shared machine hits both. Each pair is run
# with -q (the verdict and the counts) and with the default text output to /dev/null.
# Prints each run's wall and CPU seconds, then per mode the best, median and worst and the
# ratio lint/validate of the medians.
#
# Usage: benches/lint.sh [RUNS] [CAPTURE]   (default 7 runs, the M3 capture generated here)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-7}
# shellcheck source=benches/common.sh
. benches/common.sh # the scripts run from the repository root
bench_setup lint

capture=${2:-}
if [ -z "$capture" ]; then
    capture=$work/m3.jsonl
    python3 benches/harness/gen.py --ndjson 100000 > "$capture"
fi
echo "capture: $capture ($(wc -c < "$capture") bytes, $(wc -l < "$capture") lines)"

timed() { # label args...: one run, "label wall cpu" appended to $work/times
    local label=$1
    shift
    local t
    # Exit 1 (invalid records) is expected of this capture; /usr/bin/time's line comes last
    # on stderr, after the command's.
    /usr/bin/time -f '%e %U %S' "$bin" "$@" > /dev/null 2> "$work/stderr" || true
    t=$(tail -n 1 "$work/stderr")
    echo "$label $t" | awk '{printf "%-16s %6.2f s wall %6.2f s CPU\n", $1, $2, $3 + $4}'
    echo "$label $t" >> "$work/times"
}

: > "$work/times"
for _ in $(seq 1 "$RUNS"); do
    timed validate-q validate -q "$capture"
    timed lint-q lint -q "$capture"
    timed validate validate "$capture"
    timed lint lint "$capture"
done

python3 - "$work/times" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, wall, user, system = line.split()
    runs.setdefault(label, []).append((float(wall), float(user) + float(system)))
print()
print(f"{'':16} {'wall best/median/worst':>26} {'CPU best/median/worst':>26}")
for label, rows in runs.items():
    wall = sorted(r[0] for r in rows)
    cpu = sorted(r[1] for r in rows)
    print(f"{label:16} {wall[0]:8.2f} {statistics.median(wall):8.2f} {wall[-1]:8.2f} "
          f"{cpu[0]:8.2f} {statistics.median(cpu):8.2f} {cpu[-1]:8.2f}")
for mode in ["-q", ""]:
    v, l = runs["validate" + mode], runs["lint" + mode]
    for i, what in [(0, "wall"), (1, "CPU")]:
        ratio = statistics.median(r[i] for r in l) / statistics.median(r[i] for r in v)
        print(f"lint{mode or ' (text)'} / validate{mode}: {what} x{ratio:.3f} ({(ratio - 1) * 100:+.1f} %)")
PY
