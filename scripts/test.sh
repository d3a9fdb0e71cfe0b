#!/usr/bin/env bash
# Runs every test of stocktake: installs what is missing, then go vet and the
# Go tests (unit, real-data, CDO comparison, HTTP), then the browser tests when
# the web front end exists. Reads ../shared/data (read-only).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/usr/local/go/bin:$PATH"

echo "== go vet" >&2
go vet ./...
# The store, ingest, alerts, watch and API tests (and the CLI's
# cross-surface and webhook tests) run twice: on SQLite, then on a
# throwaway PostgreSQL cluster each test binary starts with initdb/pg_ctl
# in a temporary folder and stops at the end (internal/testutil). Set
# STOCKTAKE_TEST_POSTGRES=postgres://... to use an existing server instead.
# With CI=true a missing PostgreSQL fails the run.
export STOCKTAKE_TEST_POSTGRES="${STOCKTAKE_TEST_POSTGRES:-1}"
echo "== go test (SQLite, then PostgreSQL)" >&2
go test -count=1 -timeout 20m ./...
if [[ -f web/package.json ]] && grep -q '"test"' web/package.json; then
	echo "== browser tests" >&2
	(cd web && npm test)
fi
