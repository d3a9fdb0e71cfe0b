#!/bin/sh
# Reproduces the station-archive benchmark of docs/stations.md:
#   bench/ghcnd/run.sh [SCALE...]      (default: 0.01, i.e. 1/100 of GHCN-Daily)
# For each scale it writes a synthetic archive in GHCN's .dly layout under
# $BENCH_DIR/SCALE (default /tmp/ghcnd-bench; 1/100 needs about 0.5 GB, 1/10
# about 5 GB), then times DuckDB's own load of the files into Parquet (the
# floor), our ingest, and the record queries, each in its own process with
# its peak memory.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-/tmp/ghcnd-bench}
mkdir -p "$DIR"
cd "$ROOT"
go build -o "$DIR/ghcnd-bench" ./bench/ghcnd
for s in "${@:-0.01}"; do
	echo "== scale $s"
	"$DIR/ghcnd-bench" all -dir "$DIR/$s" -scale "$s"
done
