# Shared by benches/listen.sh, send.sh and hostile.sh (sourced, not run, from the repository root).

# The binary ($bin: $LEADCHECK, or a release build made now) and a scratch folder ($work,
# under target/: a real disk, where syncs cost what they cost) removed at exit with the
# listen it ran ($pid).
bench_setup() {
    local target_dir=${CARGO_TARGET_DIR:-target}
    bin=${LEADCHECK:-$target_dir/release/leadcheck}
    if [ -z "${LEADCHECK:-}" ]; then
        cargo build --release --quiet
    fi
    mkdir -p "${BENCH_DIR:-$target_dir}"
    work=$(mktemp -d "${BENCH_DIR:-$target_dir}/$1-bench.XXXXXX")
    pid=
    trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
}

# What a sync costs on this disk now: listen --fsync batch waits for about one and a half.
disk_sync_cost() {
    local dsync
    dsync=$( { TIMEFORMAT=%R; time dd if=/dev/zero of="$work/dsync" bs=4k count=200 oflag=dsync 2>/dev/null; } 2>&1 )
    awk -v s="$dsync" 'BEGIN {printf "disk: a synced 4 KiB write takes %.1f ms (mean of 200)\n", s * 1000 / 200}'
    rm -f "$work/dsync"
}

# Starts `leadcheck listen --fsync MODE` on a free port, capturing into $work/capture.http
# and printing into $work/lines.txt; sets $pid and $addr (http://127.0.0.1:PORT).
start_listen() {
    rm -f "$work/capture.http" "$work/stderr.txt" "$work/lines.txt"
    : > "$work/stderr.txt" # before listen starts: never the last run's address
    "$bin" listen --port 0 --out "$work/capture.http" --fsync "$1" \
        > "$work/lines.txt" 2>> "$work/stderr.txt" &
    pid=$!
    for _ in $(seq 1 600); do
        grep -q '^listening on' "$work/stderr.txt" 2>/dev/null && break
        sleep 0.05
    done
    addr=$(grep -o 'http://[0-9.:]*' "$work/stderr.txt" | head -n 1 || true)
    if [ -z "$addr" ]; then
        echo "listen did not start:" >&2
        cat "$work/stderr.txt" >&2
        exit 2
    fi
}
