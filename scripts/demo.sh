#!/usr/bin/env bash
# The main job: builds stocktake, ingests every dataset from the local mirror
# (../shared/data by default, or the folder given as $1) and lists what is
# stored, with coverage and source.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/usr/local/go/bin:$PATH"
mirror="${1:-../shared/data}"
export STOCKTAKE_DB="${STOCKTAKE_DB:-$PWD/.data/stocktake.db}"
go build -o bin/stocktake ./cmd/stocktake
bin/stocktake update --from "$mirror"
bin/stocktake list
