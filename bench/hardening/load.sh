#!/usr/bin/env bash
# Load test of issue 13, finding 1: the p50/p99 of a cached /api/records
# request alone and while 16 clients request spaghetti charts of distinct
# oversized widths, and the server's peak RSS.
#
# Usage: bench/hardening/load.sh [SECONDS_PER_PHASE]   (default 10)
# Uses $STOCKTAKE_DB or builds a database from ../shared/data.
set -euo pipefail
DUR=${1:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/stocktake-load.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$ROOT"
go build -o "$WORK/stocktake" ./cmd/stocktake
go build -o "$WORK/chartload" ./bench/hardening/chartload
DB=${STOCKTAKE_DB:-$WORK/st.db}
[ -f "$DB" ] || "$WORK/stocktake" --db "$DB" update --from "$ROOT/../shared/data" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WORK/stocktake" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%dT%H:%MZ); $(git rev-parse --short HEAD)"
"$WORK/chartload" -url "http://127.0.0.1:$PORT" -d "${DUR}s" -pid "$PID"
