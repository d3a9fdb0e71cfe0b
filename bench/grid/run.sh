#!/bin/sh
# Reproduces the grid benchmark of docs/grid.md:
#   bench/grid/run.sh [N]        (default N=100 daily files)
# It generates N OISST-like daily files from the real file (once, cached in
# $BENCH_DIR, default /tmp/stocktake-grid-bench), then times stocktake with
# 1 and 2 workers, the zlib and libdeflate inflate floors, CDO on the merged file,
# python3-xarray and cdo fldmean per file, all on the same files.
set -eu
N=${1:-100}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-/tmp/stocktake-grid-bench}/$N
SRC=${STOCKTAKE_SHARED_DATA:-$ROOT/../shared/data}/noaa-oisst-v2.1/oisst-avhrr-v02r01.20240724.nc
/usr/bin/python3 "$ROOT/bench/grid/gen.py" "$SRC" "$DIR" "$N"
cd "$ROOT"
go build -tags netcdf -o "$DIR/grid-bench" ./bench/grid
"$DIR/grid-bench" -dir "$DIR"
