#!/usr/bin/env bash
# PostgreSQL benchmark: (1) PostgreSQL vs SQLite in the same run, ingest of
# ../shared/data and the API endpoints (bench/pg/main.go, ratios); (2) one
# vs two 'stocktake serve' replicas on one PostgreSQL database under wrk.
#
# Usage: bench/pg/run.sh [DURATION_SECONDS]   (default 10 per wrk run)
#
# Part 2 uses the same client load in both configurations: two wrk
# processes (1 thread, 32 connections each), both against replica A, then
# one against A and one against B, then both against A again; the figure
# is the sum of their requests/s ("one replica" the mean of the two runs). The cluster is a throwaway one (initdb/pg_ctl, as the tests
# use), on the same machine as the servers and wrk: on a 2-core machine the
# replicas, PostgreSQL and wrk share two cores, so this measures whether a
# second replica helps there, not how replicas on separate machines scale.
#
# Needs: go, wrk, curl and Debian's postgresql package (scripts/setup.sh).
set -euo pipefail
DURATION=${1:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/stocktake-bench-pg.XXXXXX)
PIDS=()
cleanup() {
	exec 3>&- 2>/dev/null || true
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
for tool in wrk curl go python3; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install wrk curl)" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cd "$ROOT"
go build -o "$WORK/stocktake" ./cmd/stocktake
go build -o "$WORK/benchpg" ./bench/pg
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$WORK/benchpg" -data "$ROOT/../shared/data" -runs "${RUNS:-3}"

echo
echo "Replicas under wrk (${DURATION} s per run, two wrk clients of 32 connections, requests/s summed):"
echo
mkfifo "$WORK/hold"
exec 3<>"$WORK/hold"
"$WORK/benchpg" -data "$ROOT/../shared/data" -serve <"$WORK/hold" >"$WORK/dsn" 2>"$WORK/cluster.log" &
PIDS+=($!)
for _ in $(seq 600); do [ -s "$WORK/dsn" ] && break; sleep 0.2; done
[ -s "$WORK/dsn" ] || { echo "run.sh: the cluster did not come up:" >&2; cat "$WORK/cluster.log" >&2; exit 1; }
DSN=$(head -1 "$WORK/dsn")
A=127.0.0.1:$(free_port)
B=127.0.0.1:$(free_port)
for addr in "$A" "$B"; do
	"$WORK/stocktake" --db "$DSN" serve --addr "$addr" >"$WORK/serve-$addr.log" 2>&1 &
	PIDS+=($!)
done
for addr in "$A" "$B"; do
	for _ in $(seq 100); do curl -sf "http://$addr/healthz" >/dev/null && break; sleep 0.1; done
done

# rps runs wrk against a URL and prints its requests/s.
rps() { wrk -t1 -c32 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
echo "| request | one replica (before, after) | two replicas | two/one |"
echo "|---|---|---|---|"
for target in /api/indicators "/api/series/sst.world?from=2024-01" /api/series/seaice.south "/api/rank/co2.emissions?year=2023"; do
	for addr in "$A" "$B"; do curl -sf -o /dev/null "http://$addr$target"; done # warm both caches
	# one replica, two replicas, one replica again (the machine's load moves:
	# "one" is the mean of the runs before and after "two").
	pair() { rps "http://$1$target" >"$WORK/p1" & local p=$!; rps "http://$2$target" >"$WORK/p2"; wait "$p"; sleep 0.5
		cat "$WORK/p1" "$WORK/p2" | awk '{s+=$1} END {printf "%.0f", s}'; }
	one1=$(pair "$A" "$A")
	two=$(pair "$A" "$B")
	one2=$(pair "$A" "$A")
	one=$(( (one1 + one2) / 2 ))
	echo "| \`$target\` | $one ($one1, $one2) | $two | $(awk -v a="$one" -v b="$two" 'BEGIN {printf "%.2f×", b/a}') |"
done
