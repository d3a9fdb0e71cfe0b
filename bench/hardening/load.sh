#!/usr/bin/env bash
# Load test of issue 13 (finding 1 and the last goal): the p50/p99 of a
# cached /api/records request alone and while 16 clients request spaghetti
# PNGs of distinct oversized widths, the CPU used by the server and by the
# chart load, and the server's peak RSS. Quiet and loaded measurements
# alternate in half-second slices (chartload -slice; the load process is
# stopped with SIGSTOP in quiet slices), so that both see the same background
# load of a shared machine. Each run starts a fresh
# `stocktake serve` (so the load phase includes the one render), and the
# script prints the median of the runs' p99s and p99 ratios.
#
# Usage: bench/hardening/load.sh [SECONDS_PER_PHASE] [RUNS]   (default 8 and 3)
# SCENARIO (environment) chooses the chart load:
#   fair  (default) the realistic attack: 16 clients, each from its own
#         loopback address, each sending 20 requests per second whatever the
#         answers (open loop, at most 4 open), in a process pinned with
#         `taskset -c LAST_CPU`, so that the load generator cannot spread
#         over every core (on another host it would take none).
#   flood the worst case of the first report: 16 clients from one address,
#         each sending its next request as soon as the previous one is
#         answered (closed loop), unwrapped on the same cores: past the rate
#         limit this is a flood of 429s, a generic request flood.
# SERVE_FLAGS (environment) are passed to stocktake serve, e.g.
# SERVE_FLAGS="--chart-rate-total 10" to try another server-wide picture rate.
# Uses $STOCKTAKE_DB or builds a database from ../shared/data.
set -euo pipefail
DUR=${1:-8}
RUNS=${2:-3}
SCENARIO=${SCENARIO:-fair}
SERVE_FLAGS=${SERVE_FLAGS:-}
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
case $SCENARIO in
fair) WRAP="taskset -c $(($(nproc) - 1))"; FLAGS=(-rate 20 -inflight 4 -addrs) ;;
flood) WRAP=""; FLAGS=(-rate 0) ;;
*) echo "load.sh: SCENARIO=$SCENARIO: want fair or flood" >&2; exit 2 ;;
esac
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%dT%H:%MZ); $(git rev-parse --short HEAD); scenario $SCENARIO"
for run in $(seq "$RUNS"); do
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$WORK/stocktake" --db "$DB" serve --addr "127.0.0.1:$PORT" $SERVE_FLAGS >"$WORK/serve.log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
	echo "== run $run: $(uptime | sed 's/^ *//')"
	"$WORK/chartload" -url "http://127.0.0.1:$PORT" -d "${DUR}s" -pid "$PID" -wrap "$WRAP" "${FLAGS[@]}" | tee -a "$WORK/out"
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
done
# The median of each summary field over the runs.
for f in quiet_p99_ms loaded_p99_ms ratio; do
	sed -n "s/.*$f=\([0-9.]*\).*/\1/p" "$WORK/out" | sort -g | awk -v f="$f" '{v[NR]=$1} END {printf "median %s over %d runs: %s\n", f, NR, (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
done
