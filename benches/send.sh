#!/usr/bin/env bash
# Load benchmark of `leadcheck send` (a script, not a test): send replays N copies of the
# 2.6 KB official chat lead (samples/chat-in-progress.json, each with its own lead_id, so
# per-lead ordering does not serialise them) from an NDJSON file to `leadcheck listen` on
# loopback, C deliveries in flight, both printing a line per delivery (to files). Per run:
# deliveries per second (send's own count, from the first delivery's start to the last
# answer, and the whole command's wall time, reading included), send's p50 / p99 latency,
# send's CPU time per delivery (user + system), and a check that every delivery got a 2xx
# and is in the capture exactly once (counted by `leadcheck stats`). Listen syncs per
# --fsync: with `batch`, each delivery waits for a disk sync, whose cost at the time is shown.
#
# No other tool is needed. Usage:
#   benches/send.sh                          # N=50000 C=50 RUNS=3, listen --fsync batch, never
#   N=20000 MODES=never benches/send.sh
# The capture is written under target/ (a real disk: on a tmpfs, syncs cost nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-50000}
C=${C:-50}
RUNS=${RUNS:-3}
MODES=${MODES:-"batch never"}
PAYLOAD=samples/chat-in-progress.json

# shellcheck source=benches/common.sh
. benches/common.sh # the scripts run from the repository root
bench_setup send

# N leads, one per line: the official example, compact, each with its own lead_id.
"$bin" fmt --compact "$PAYLOAD" > "$work/one.json"
awk -v n="$N" 'NR == 1 {line = $0} END {
    for (i = 1; i <= n; i++) { l = line; sub(/"lead_id":[0-9]+/, "\"lead_id\":" i, l); print l }
}' "$work/one.json" > "$work/leads.jsonl"
bytes=$(head -n 1 "$work/leads.jsonl" | wc -c)

echo "leadcheck send: $N deliveries of $((bytes - 1)) bytes to listen, --concurrency $C, $(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
disk_sync_cost
printf '%-6s %-4s %12s %10s %8s %8s %11s %8s %8s  %s\n' fsync run "deliveries/s" "wall /s" "p50 ms" "p99 ms" "send cpu" 2xx records check
failed=0
for FSYNC in $MODES; do
    for run in $(seq 1 "$RUNS"); do
        start_listen "$FSYNC"
        status=0
        times=$( { TIMEFORMAT='%R %U %S'; time "$bin" send "$addr/" "$work/leads.jsonl" \
            --concurrency "$C" > "$work/sent.txt" 2> "$work/send-stderr.txt" || status=$?; } 2>&1 )
        kill -TERM "$pid"
        wait "$pid" || true
        pid=
        # "50000 deliveries in 6.12 s (8170/s): 50000 2xx; p50 5.2 ms, p99 14 ms"
        summary=$(tail -n 1 "$work/send-stderr.txt")
        rps=$(sed -n 's/.*(\([0-9]*\)\/s).*/\1/p' <<< "$summary")
        ok=$(sed -n 's/.*: \([0-9]*\) 2xx.*/\1/p' <<< "$summary")
        p50=$(sed -n 's/.*p50 \([0-9.]* [m]*s\).*/\1/p' <<< "$summary")
        p99=$(sed -n 's/.*p99 \([0-9.]* [m]*s\).*/\1/p' <<< "$summary")
        read -r wall user sys <<< "$times"
        wall_rps=$(awk -v n="$N" -v w="$wall" 'BEGIN {printf "%.0f", n / w}')
        cpu_us=$(awk -v u="$user" -v s="$sys" -v n="$N" 'BEGIN {printf "%.0f us", (u + s) * 1e6 / n}')
        records=$("$bin" stats "$work/capture.http" 2>/dev/null | awk 'NR == 1 {print $1}' || true)
        check=ok
        if [ "$status" != 0 ] || [ "$ok" != "$N" ] || [ "$records" != "$N" ]; then
            check="FAILED: exit $status, $ok answered 2xx, $records records in the capture: $summary"
            failed=1
        fi
        printf '%-6s %-4s %12s %10s %8s %8s %11s %8s %8s  %s\n' \
            "$FSYNC" "$run" "$rps" "$wall_rps" "${p50% ms}" "${p99% ms}" "$cpu_us" "$ok" "$records" "$check"
    done
done
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
exit $failed
