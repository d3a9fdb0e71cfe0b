#!/bin/sh
# Reproduces the grid benchmark of docs/grid.md:
#   bench/grid/run.sh [N] [grid-bench flags...]   (default N=100 daily files)
# It generates N OISST-like daily files from the real file (once, cached in
# $BENCH_DIR, default /tmp/stocktake-grid-bench), builds stocktake with
# -tags netcdf, and then times, on the same compressed files, interleaved and
# -reps times (default 5; medians reported with min and max):
# `stocktake grid mean` with its default worker count and with 1 and 2
# workers (the Go reader in-process), the same with --reader netcdf (netCDF-C
# worker processes, default count and 2),
# the libdeflate and zlib inflate floors, the single-process CDO
# chain, and python3-xarray (open_mfdataset and a per-file loop, import not
# timed). Flag -extras adds one cdo process per file as an extra row.
# Prefix with `nice -n 19` on a shared machine; the output states the load.
set -eu
N=${1:-100}
[ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-/tmp/stocktake-grid-bench}/$N
SRC=${STOCKTAKE_SHARED_DATA:-$ROOT/../shared/data}/noaa-oisst-v2.1/oisst-avhrr-v02r01.20240724.nc
/usr/bin/python3 "$ROOT/bench/grid/gen.py" "$SRC" "$DIR" "$N"
cd "$ROOT"
mkdir -p "$DIR/bin"
go build -tags netcdf -o "$DIR/bin/stocktake" ./cmd/stocktake
go build -tags netcdf -o "$DIR/bin/grid-bench" ./bench/grid
"$DIR/bin/grid-bench" -dir "$DIR" -stocktake "$DIR/bin/stocktake" "$@"
