#!/usr/bin/env bash
# Benchmark of the stocktake HTTP API against nginx serving the same bytes.
#
# Usage: bench/api/run.sh [DURATION_SECONDS]   (default 10; run from anywhere)
#
# It builds the server (`stocktake serve` when the command is wired, else
# bench/api/apiserver, the same handler), uses $STOCKTAKE_DB or builds a
# database from ../shared/data, starts the API on a free loopback port, saves
# the bodies of the benchmarked requests to a folder that nginx serves on
# another, and runs wrk (256 connections) against both, one after
# the other, on loopback. It prints requests/s, p50 and p99 latency and the
# API/nginx throughput ratio per endpoint, then the server's resident memory
# (VmRSS, and VmHWM, the peak) after every indicator's series, the overview,
# every daily view and a few charts have been computed and cached.
#
# Needs: go, wrk and nginx (Debian packages wrk and nginx-light).
set -euo pipefail
DURATION=${1:-10}
CONNS=256
THREADS=$(( $(nproc) > 4 ? 4 : $(nproc) ))
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/stocktake-bench.XXXXXX)
# free_port prints a TCP port nobody listens on.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API=127.0.0.1:$(free_port)
NGX=127.0.0.1:$(free_port)
SERVER_PID= NGINX_PID=
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx curl go python3; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install wrk nginx-light curl)" >&2; exit 1; }
done

cd "$ROOT"
go build -o "$WORK/stocktake" ./cmd/stocktake
go build -o "$WORK/apiserver" ./bench/api/apiserver
DB=${STOCKTAKE_DB:-}
if [ -z "$DB" ]; then
	DB=$WORK/st.db
	echo "building the database from ../shared/data ..." >&2
	"$WORK/stocktake" --db "$DB" update --from "$ROOT/../shared/data" >/dev/null
fi
if "$WORK/stocktake" serve --help >/dev/null 2>&1; then
	SERVER=("$WORK/stocktake" --db "$DB" serve --addr "$API")
	SERVER_NAME="stocktake serve"
else
	SERVER=("$WORK/apiserver" --db "$DB" --addr "$API")
	SERVER_NAME="bench/api/apiserver (stocktake serve not wired yet)"
fi
"${SERVER[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://$API/healthz" >/dev/null && break; sleep 0.1; done
kill -0 "$SERVER_PID" 2>/dev/null || { echo "run.sh: the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }

# The benchmarked requests: name and path.
ENDPOINTS=(
	"series-year /api/series/seaice.south?from=2023-01-01&to=2023-12-31"
	"series-full /api/series/sst.world"
	"records-on /api/records/sst.world?on=2023-08-21"
	"records-year /api/records/seaice.south?year=2023&kind=min&smooth=5d"
)
mkdir -p "$WORK/www"
chmod 755 "$WORK" "$WORK/www"
for e in "${ENDPOINTS[@]}"; do
	set -- $e
	curl -sf "http://$API$2" -o "$WORK/www/$1.json"
done

cat >"$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	default_type application/json;
	server {
		listen $NGX;
		root $WORK/www;
		location / { etag on; }
	}
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 100); do curl -sf "http://$NGX/series-year.json" >/dev/null && break; sleep 0.1; done
# nginx's workers run as an unprivileged user: the files must be readable by
# it, and each must come back whole, or the comparison would time 403s.
for e in "${ENDPOINTS[@]}"; do
	set -- $e
	got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://$NGX/$1.json")
	want="200 $(stat -c %s "$WORK/www/$1.json")"
	[[ $got == "$want" ]] || { echo "run.sh: nginx answered $got for $1.json, want $want" >&2; exit 1; }
done

# run_wrk URL prints "requests/s p50_ms p99_ms".
run_wrk() {
	wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$1" >"$WORK/wrk.out" 2>&1
	if grep -q "Non-2xx" "$WORK/wrk.out"; then
		echo "run.sh: $1 answered errors under load:" >&2
		grep "Non-2xx" "$WORK/wrk.out" >&2
		exit 1
	fi
	awk '
		function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
		/Requests\/sec/ { rps = $2 }
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }' "$WORK/wrk.out"
}

echo "# stocktake API vs nginx: wrk -t$THREADS -c$CONNS -d${DURATION}s on loopback, $(nproc) CPUs; server: $SERVER_NAME"
printf "| endpoint | bytes | API req/s | API p50 ms | API p99 ms | nginx req/s | nginx p50 ms | nginx p99 ms | API/nginx |\n"
printf "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
for e in "${ENDPOINTS[@]}"; do
	set -- $e
	read -r arps ap50 ap99 < <(run_wrk "http://$API$2")
	read -r nrps np50 np99 < <(run_wrk "http://$NGX/$1.json")
	ratio=$(awk -v a="$arps" -v n="$nrps" 'BEGIN { printf "%.2f", (n > 0 ? a / n : 0) }')
	printf "| \`%s\` | %d | %s | %s | %s | %s | %s | %s | %s |\n" "$2" "$(stat -c %s "$WORK/www/$1.json")" "$arps" "$ap50" "$ap99" "$nrps" "$np50" "$np99" "$ratio"
done

# Memory with everything loaded: every indicator's series (every entity of
# the national ones through the rankings), the overview, every daily view.
curl -sf "http://$API/api/indicators" -o "$WORK/ind.json"
python3 - "$WORK/ind.json" >"$WORK/urls" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    ref = r["indicator"] if r["default"] else r["indicator"] + "@" + r["version"]
    if r["national"]:
        print(f"/api/rank/{ref}?top=0")
        print(f"/api/rank/{ref}?top=0&cumulative=true")
    else:
        print(f"/api/series/{ref}")
        if r["frequency"] == "daily":
            print(f"/api/daily/{ref}")
            print(f"/api/daily/{ref}?smooth=5d")
            print(f"/api/chart/{ref}.png?kind=spaghetti")
print("/api/overview")
print("/api/compare?a=CHN&b=USA")
print("/api/pledges")
PY
while read -r u; do curl -s -o /dev/null "http://$API$u"; done <"$WORK/urls"
echo
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
	echo "run.sh: the server exited; its log:" >&2
	tail -20 "$WORK/server.log" >&2
	exit 1
fi
echo "Server memory after loading every series and computing $(wc -l <"$WORK/urls") views:" \
	"$(awk '/VmRSS|VmHWM/ { printf "%s %d MiB  ", $1, $2/1024 }' "/proc/$SERVER_PID/status")"
