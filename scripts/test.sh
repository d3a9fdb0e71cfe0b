#!/usr/bin/env bash
# Runs every test of stocktake: installs what is missing, then the gates
# (go mod tidy -diff, gofmt, go vet with and without -tags netcdf, a pure-Go
# build, staticcheck) and the Go tests (unit, real-data, CDO comparison, HTTP;
# built with -tags netcdf, plus the no-NetCDF stub's tests in the default
# build), then the browser tests when the web front end exists. Reads
# ../shared/data (read-only).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/usr/local/go/bin:$PATH"

# staticcheckVersion is the pinned staticcheck release (it supports Go 1.26).
staticcheckVersion=v0.8.2

echo "== go mod tidy -diff" >&2
go mod tidy -diff
echo "== gofmt" >&2
unformatted=$(gofmt -l cmd internal bench deploy)
if [[ -n $unformatted ]]; then
	echo "gofmt: these files are not formatted (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi
echo "== go vet (default build, and -tags netcdf)" >&2
go vet ./...
go vet -tags netcdf ./...
echo "== pure-Go build (CGO_ENABLED=0, no tags)" >&2
CGO_ENABLED=0 go build -o /dev/null ./cmd/stocktake
echo "== staticcheck $staticcheckVersion" >&2
go run "honnef.co/go/tools/cmd/staticcheck@$staticcheckVersion" -tags netcdf ./...
echo "== go test (default build: the NetCDF stub)" >&2
go test -count=1 -run 'WithoutNetCDF' ./internal/grid ./cmd/stocktake
# The store, ingest, alerts, watch and API tests (and the CLI's
# cross-surface and webhook tests) run twice: on SQLite, then on a
# throwaway PostgreSQL cluster each test binary starts with initdb/pg_ctl
# in a temporary folder and stops at the end (internal/testutil). Set
# STOCKTAKE_TEST_POSTGRES=postgres://... to use an existing server instead.
# With CI=true a missing PostgreSQL fails the run.
export STOCKTAKE_TEST_POSTGRES="${STOCKTAKE_TEST_POSTGRES:-1}"
echo "== go test -tags netcdf (SQLite, then PostgreSQL)" >&2
go test -tags netcdf -count=1 -timeout 20m ./...
if [[ -f web/package.json ]] && grep -q '"test"' web/package.json; then
	echo "== browser tests" >&2
	# One build and one ingest of the shared data for every test file
	# (web/test/server.js); each file serves its own copy of the database.
	seed=$(mktemp -d /tmp/stocktake-e2e-seed.XXXXXX)
	trap 'rm -rf "$seed"' EXIT
	(cd web && STOCKTAKE_E2E_SEED="$seed" npm test)
fi
