#!/usr/bin/env bash
# What lint costs over validate (a script, not a test): the peer harness's M3 capture
# (100,000 generated Chat payloads, 256 MB, 10 % invalid), checked by `validate` and by
# `lint` (the schema and the rules at their default levels), interleaved (validate, lint,
# validate, lint, ...) so a slower moment of a shared machine hits both. Each pair is run
# with -q (the verdict and the counts) and with the default text output to /dev/null.
# Prints each run's wall and CPU seconds, then per mode the best, median and worst, the
# ratio lint/validate of the medians and the range of each round's own ratio.
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

# Timed here, not by /usr/bin/time: its hundredths of a second are 4 % of a run that takes
# a quarter of a second on a fast machine. Wall time by the monotonic clock, CPU time
# (user + system) by getrusage, both to the microsecond.
python3 - "$bin" "$capture" "$RUNS" <<'PY'
import resource, statistics, subprocess, sys, time

bin, capture, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
modes = [
    ("validate-q", ["validate", "-q"]),
    ("lint-q", ["lint", "-q"]),
    ("validate", ["validate"]),
    ("lint", ["lint"]),
]
times = {label: [] for label, _ in modes}
for _ in range(runs):
    for label, args in modes:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # Exit 1 (invalid records) is expected of this capture.
        subprocess.run([bin, *args, capture], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        times[label].append((wall, cpu))
        print(f"{label:16} {wall:7.3f} s wall {cpu:7.3f} s CPU", flush=True)

print()
print(f"{'':16} {'wall best/median/worst':>26} {'CPU best/median/worst':>26}")
for label, rows in times.items():
    wall = sorted(r[0] for r in rows)
    cpu = sorted(r[1] for r in rows)
    print(f"{label:16} {wall[0]:8.3f} {statistics.median(wall):8.3f} {wall[-1]:8.3f} "
          f"{cpu[0]:8.3f} {statistics.median(cpu):8.3f} {cpu[-1]:8.3f}")
for mode in ["-q", ""]:
    v, l = times["validate" + mode], times["lint" + mode]
    for i, what in [(0, "wall"), (1, "CPU")]:
        ratio = statistics.median(r[i] for r in l) / statistics.median(r[i] for r in v)
        # Each round's own ratio: how far one pair of runs can be from the medians'.
        pairs = sorted(b[i] / a[i] for a, b in zip(v, l))
        print(f"lint{mode or ' (text)'} / validate{mode}: {what} x{ratio:.3f} "
              f"({(ratio - 1) * 100:+.1f} %; rounds {(pairs[0] - 1) * 100:+.1f} to "
              f"{(pairs[-1] - 1) * 100:+.1f} %)")
PY
