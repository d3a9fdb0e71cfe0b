#!/usr/bin/env bash
# Fault injection for issue 13. It repeats, against a fresh database built
# from ../shared/data:
#   1. kill -9 at random moments of an ingest, then a clean re-run: the
#      database must open (`stocktake list`) and pass SQLite's integrity check
#      and the re-run must exit 0;
#   2. two concurrent `update`s while `serve` answers /api/records: both exit
#      0 and every API request answers 200;
#   3. the bad-input tables (go test of every parser family, grid, fetch);
#   4. SSRF attempts against a local listener: `webhook add` of loopback,
#      link-local, private and metadata addresses must exit 2, and the
#      listener must receive nothing.
# It prints one line per check and "N passed, M failed"; exit 1 on failure.
#
# Usage: bench/hardening/faults.sh [KILLS]   (default 10; run from anywhere)
set -uo pipefail
KILLS=${1:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/../shared/data
WORK=$(mktemp -d /tmp/stocktake-faults.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PASS=0 FAIL=0
check() { # check NAME COMMAND... : counts and prints the outcome
	local name=$1; shift
	if "$@" >"$WORK/last.log" 2>&1; then PASS=$((PASS + 1)); echo "ok    $name"
	else FAIL=$((FAIL + 1)); echo "FAIL  $name"; tail -5 "$WORK/last.log" | sed 's/^/      /'; fi
}
cd "$ROOT"
go build -tags netcdf -o "$WORK/stocktake" ./cmd/stocktake || exit 1
ST="$WORK/stocktake"
echo "machine: $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ); $(git rev-parse --short HEAD)"

# 1. kill -9 during ingest.
for i in $(seq "$KILLS"); do
	DB="$WORK/kill$i.db"
	"$ST" --db "$DB" update --from "$DATA" >/dev/null 2>&1 &
	P=$!
	sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
	kill -9 "$P" 2>/dev/null; wait "$P" 2>/dev/null
	if [ -e "$DB" ]; then
		check "kill -9 #$i: database readable after the kill" "$ST" --db "$DB" list --datasets
		if command -v sqlite3 >/dev/null; then
			check "kill -9 #$i: SQLite integrity_check ok" bash -c "[ \"\$(sqlite3 '$DB' 'PRAGMA integrity_check')\" = ok ]"
		fi
	else
		echo "note  kill -9 #$i: killed before the database file existed"
	fi
	check "kill -9 #$i: re-run completes" "$ST" --db "$DB" update --from "$DATA"
done

# 2. concurrent updates while serving.
DB="$WORK/serve.db"
"$ST" --db "$DB" update --from "$DATA" --only sst.world >/dev/null 2>&1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ST" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
api_loop() {
	local bad=0 n=0
	while [ ! -f "$WORK/stop" ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/records/sst.world?on=2023-08-21")
		n=$((n + 1)); [ "$code" = 200 ] || bad=$((bad + 1))
	done
	echo "$n requests, $bad not 200" >"$WORK/api.result"; [ "$bad" = 0 ]
}
api_loop & API=$!
"$ST" --db "$DB" update --from "$DATA" >"$WORK/u1.log" 2>&1 & U1=$!
"$ST" --db "$DB" update --from "$DATA" >"$WORK/u2.log" 2>&1 & U2=$!
check "concurrent update 1 exits 0" wait "$U1"
check "concurrent update 2 exits 0" wait "$U2"
touch "$WORK/stop"
check "API answered 200 throughout the updates ($(sleep 0.5; cat "$WORK/api.result" 2>/dev/null))" wait "$API"

# 3. bad-input tables.
check "bad-input table of every parser family" go test -count=1 ./internal/parse/registry -run TestBadInputsLeaveStoreUnchanged
check "grid: truncation, cell values, dimension bound" go test -tags netcdf -count=1 ./internal/grid -run 'Truncated|CellValues|HugeDeclared|BadInput'
check "parsers' own bad-input and fuzz-seed tests" go test -count=1 ./internal/parse/...

# 4. SSRF against a local listener.
LPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -c "
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self): open('$WORK/hits','a').write('x'); self.send_response(200); self.end_headers()
    do_GET = do_POST
    def log_message(self, *a): pass
http.server.HTTPServer(('127.0.0.1', $LPORT), H).serve_forever()" &
PIDS+=($!)
HDB="$WORK/hooks.db"
for target in "http://127.0.0.1:$LPORT/hook" "http://localhost:$LPORT/hook" "http://[::1]:$LPORT/hook" \
	"http://169.254.169.254/latest/meta-data/" "http://10.0.0.1/hook" "http://192.168.1.1/hook" \
	"http://0.0.0.0:$LPORT/hook" "http://[::ffff:127.0.0.1]:$LPORT/hook"; do
	check "webhook add $target refused (exit 2)" bash -c "\"$ST\" --db \"$HDB\" webhook add '$target' --unsigned; [ \$? = 2 ]"
done
check "fetch and webhook SSRF tests (redirects, decompression bomb)" go test -count=1 ./internal/fetch ./internal/alerts -run 'Refuses|Redirect|Bomb|Internal|NoRedirect'
check "the local listener received no request" test ! -e "$WORK/hits"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
