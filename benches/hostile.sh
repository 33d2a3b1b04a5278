#!/usr/bin/env bash
# Hostile input at growing sizes (a script, not a test): for each class, the same shape of
# input at 1x, 2x and 4x, and for each the wall time, the time per MB and leadcheck's peak
# memory. Linear time is a constant time per MB; bounded memory is a peak that does not
# follow the input past the stated limits (README, "Limits").
#
#   violations  one payload whose additional_fields hold N objects: N violations, each
#               positioned (one walk of the record for all of them)
#   junk        random bytes (no record at all): every resync moves forward
#   long-line   one line of `[` far past the 64 MiB record limit: skipped, never held
#   deep        records nested 100,000 levels deep, one per line: each refused at level 128
#   tiny        a million `{}` records: per-record cost, and memory that does not grow
#
# Usage: benches/hostile.sh [SCALE]   (SCALE multiplies every size; default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${1:-1}
# shellcheck source=benches/common.sh
. benches/common.sh # the scripts run from the repository root
bench_setup hostile

gen() { # class size-factor file
    python3 - "$1" "$2" "$SCALE" "$3" <<'EOF'
import os, sys
cls, k, scale, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
k = k * scale
with open(out, "wb") as f:
    if cls == "violations":
        n = int(25_000 * k)
        f.write(b'{"lead_id": 1, "lead_type": "Chat", "additional_fields": {')
        f.write(b",".join(b'"field %07d": {"v": 1}' % i for i in range(n)))
        f.write(b"}}\n")
    elif cls == "junk":
        f.write(os.urandom(int(32 << 20) * int(k) if k >= 1 else int((32 << 20) * k)))
    elif cls == "long-line":
        f.write(b"[" * int((80 << 20) * k))
        f.write(b"\n{}\n")
    elif cls == "deep":
        line = b"[" * 100_000 + b"\n"
        f.write(line * int(100 * k))
    elif cls == "tiny":
        f.write(b"{}\n" * int(1_000_000 * k))
EOF
}

echo "leadcheck validate on hostile input, $(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
printf '%-11s %5s %10s %9s %9s %10s  %s\n' class size MB "wall s" "s / MB" "peak MiB" "status: counts"
for class in violations junk long-line deep tiny; do
    for k in 1 2 4; do
        file="$work/$class-$k"
        gen "$class" "$k" "$file"
        mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.1f", b / 1e6}')
        status=0
        /usr/bin/time -f '%e %M' -o "$work/time" "$bin" validate -q "$file" 2> "$work/err" \
            || status=$?
        "$bin" validate "$file" > /dev/null 2> "$work/counts" || true
        read -r wall rss < <(tail -n 1 "$work/time")
        printf '%-11s %4sx %10s %9s %9s %10s  %s: %s\n' "$class" "$k" "$mb" "$wall" \
            "$(awk -v w="$wall" -v m="$mb" 'BEGIN {printf "%.4f", w / m}')" \
            "$(awk -v r="$rss" 'BEGIN {printf "%.1f", r / 1024}')" \
            "$status" "$(tail -n 1 "$work/counts")"
        rm -f "$file"
    done
done
