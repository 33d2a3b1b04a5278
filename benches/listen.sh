#!/usr/bin/env bash
# Load benchmark of `leadcheck listen` (a script, not a test): C concurrent clients POST the
# 2.6 KB official chat lead (samples/chat-in-progress.json) N times over loopback, while
# listen stores, syncs, validates and prints each delivery (its output goes to a file).
# For each --fsync mode, RUNS runs: deliveries per second, latency p50 / p99 (from hey),
# listen's CPU time per delivery (user + system: what the machine's load does not change), and
# a check that every 2xx has exactly one record in the capture.
#
# Needs `hey` (Debian: apt-get install -y hey). Usage:
#   benches/listen.sh                    # N=50000 C=50 RUNS=3, modes batch always never
#   N=20000 MODES=batch benches/listen.sh
# The capture is written under target/ (a real disk: on a tmpfs, syncs cost nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-50000}
C=${C:-50}
RUNS=${RUNS:-3}
MODES=${MODES:-"batch always never"}
PAYLOAD=samples/chat-in-progress.json

command -v hey >/dev/null || { echo "needs hey: apt-get install -y hey" >&2; exit 2; }
# shellcheck source=benches/common.sh
. benches/common.sh # the scripts run from the repository root
bench_setup listen

echo "leadcheck listen: $N deliveries of $(wc -c < $PAYLOAD) bytes, $C concurrent clients, $(nproc) cores, load average $(cut -d ' ' -f 1 /proc/loadavg)"
disk_sync_cost
printf '%-7s %-4s %12s %9s %9s %8s %8s %12s  %s\n' fsync run "deliveries/s" "p50 ms" "p99 ms" 2xx records "listen cpu" check
failed=0
for mode in $MODES; do
    for run in $(seq 1 "$RUNS"); do
        start_listen "$mode"
        hey -n "$N" -c "$C" -m POST -T application/json -D "$PAYLOAD" "$addr/" > "$work/hey.txt"
        # listen's CPU time (user + system), from /proc, before it stops.
        ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        kill -TERM "$pid"
        wait "$pid"
        pid=
        rps=$(awk '/Requests\/sec:/ {printf "%.0f", $2}' "$work/hey.txt")
        p50=$(awk '/ 50% in / {printf "%.1f", $3 * 1000}' "$work/hey.txt")
        p99=$(awk '/ 99% in / {printf "%.1f", $3 * 1000}' "$work/hey.txt")
        ok=$(awk '/\[2[0-9][0-9]\]/ {n += $2} END {print n + 0}' "$work/hey.txt")
        records=$("$bin" stats "$work/capture.http" 2>/dev/null | awk 'NR == 1 {print $1}' || true)
        cpu_us=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$ok" \
            'BEGIN {if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "-"}')
        lines=$(grep -c '^#' "$work/lines.txt" || true)
        check=ok
        if [ "$ok" != "$records" ]; then
            check="MISMATCH: $ok answered 2xx, $records records"
            failed=1
        fi
        printf '%-7s %-4s %12s %9s %9s %8s %8s %9s us  %s (%s lines printed)\n' \
            "$mode" "$run" "$rps" "$p50" "$p99" "$ok" "$records" "$cpu_us" "$check" "$lines"
    done
done
exit $failed
