#!/bin/sh
# Reproduces the store benchmark of docs/store.md:
#   bench/store/run.sh
# It needs the sqlite3 shell (scripts/setup.sh installs it) and the shared
# data folder beside the repository (or $STOCKTAKE_SHARED_DATA). Scratch
# databases go to $BENCH_DIR (default /tmp/stocktake-store-bench).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-/tmp/stocktake-store-bench}
DATA=${STOCKTAKE_SHARED_DATA:-$ROOT/../shared/data}
mkdir -p "$DIR"
cd "$ROOT"
go build -o "$DIR/store-bench" ./bench/store
"$DIR/store-bench" -data "$DATA" -dir "$DIR"
