#!/usr/bin/env bash
# The main job: builds stocktake, ingests every dataset from the local mirror
# (../shared/data by default, or the folder given as $1) and serves the
# dashboard and the API over it, with the station archive. It prints the URL; stop it with Ctrl-C.
# $STOCKTAKE_ADDR sets the address (default 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/usr/local/go/bin:$PATH"
mirror="${1:-../shared/data}"
export STOCKTAKE_DB="${STOCKTAKE_DB:-$PWD/.data/stocktake.db}"
go build -tags netcdf -o bin/stocktake ./cmd/stocktake
bin/stocktake update --from "$mirror"
# The GHCN-Daily station files go into the station archive beside the
# database (station records, national records, records set since a date).
if [[ -d "$mirror/noaa-ghcn-daily" ]]; then
	bin/stocktake stations ingest "$mirror/noaa-ghcn-daily"
fi
exec bin/stocktake serve --addr "${STOCKTAKE_ADDR:-127.0.0.1:8080}" --log-level info
