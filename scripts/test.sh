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
echo "== go test" >&2
go test -count=1 -timeout 20m ./...
if [[ -f web/package.json ]] && grep -q '"test"' web/package.json; then
	echo "== browser tests" >&2
	(cd web && npm test)
fi
