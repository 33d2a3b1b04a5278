#!/usr/bin/env bash
# Runs benches/harness/ (a copy of the project's shared benchmark harness: the peer
# validators ajv-cli, Sourcemeta's jsonschema, check-jsonschema, jsonschema-cli, and the
# minimal Rust loop) with leadcheck's rows added, so the whole table comes out of one run.
# See docs/performance.md.
#
#   benches/peers.sh                  # install/verify peers, all measurements (~8 min on 2 cores)
#   benches/peers.sh --only M3,M3v    # any other harness option is passed on (./run.sh --help)
#
# The harness is copied to $BENCH_DIR (default /tmp/leadcheck-bench), where its installs
# and generated data stay between runs, outside the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${BENCH_SRC:-$here/benches/harness}
dir=${BENCH_DIR:-/tmp/leadcheck-bench}
[ -d "$src" ] || { echo "no benchmark harness at $src" >&2; exit 2; }
if [ ! -d "$dir" ]; then
  cp -r "$src" "$dir"
  chmod -R u+w "$dir"
fi
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
lc="$here/target/release/leadcheck"
# Every row validates with the harness's schema ({schema}), as the peers do; leadcheck's
# bundled schema is self-contained too (`leadcheck schema`), and `--schema` takes either.
cd "$dir"
exec ./run.sh \
  --tool "[leadcheck] $lc validate --schema {schema} {file}" \
  --tool "[leadcheck] $lc validate --schema {schema} {files}" \
  --tool "[leadcheck] $lc validate --schema {schema} {ndjson}" \
  --tool "[leadcheck, pipe] cat {ndjson} | $lc validate --schema {schema}" \
  --tool "[leadcheck -j1] $lc validate -j1 --schema {schema} {ndjson}" \
  "$@"
