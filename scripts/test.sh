#!/usr/bin/env bash
# Runs every test of stocktake: installs what is missing, then the gates
# (go mod tidy -diff, gofmt, go vet with and without -tags netcdf, a pure-Go
# build, staticcheck) and the Go tests (unit, real-data, CDO comparison, HTTP;
# built with -tags netcdf, plus the no-NetCDF stub's tests in a build without
# the tag), then the browser tests when the web front end exists. Reads
# ../shared/data (read-only).
#
# Time: each phase prints its wall-clock seconds when it ends, and a table of
# every phase is printed at exit (also when a phase fails), so CI logs show
# where the time goes. Work that does not depend on the phase before it runs
# beside it: staticcheck is compiled while setup downloads, the pure-Go
# build and the no-NetCDF stub's tests run beside go vet -tags netcdf, and
# the browser tests (mostly waiting on Chromium and the server, not on the
# CPU) run in the background from the moment the default build is compiled
# until the Go tests end; their output is printed as one block when they finish, and
# their failure fails the run like any other.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

# staticcheckVersion is the pinned staticcheck release (it supports Go 1.26).
staticcheckVersion=v0.8.2

work=$(mktemp -d /tmp/stocktake-test.XXXXXX)
jobs_to_stop=()
declare -A bg_pid
timings=()
phase_name=""
phase_start=0
run_start=${EPOCHREALTIME/./}

# seconds prints the time since a ${EPOCHREALTIME/./} stamp (microseconds)
# in seconds with one decimal.
seconds() {
	local d=$((${EPOCHREALTIME/./} - $1))
	printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}

# phase ends the running phase (printing its duration) and starts the one
# named by $1 (none when $1 is empty).
phase() {
	if [[ -n $phase_name ]]; then
		local s
		s=$(seconds "$phase_start")
		timings+=("$(printf '%-56s %7s s' "$phase_name" "$s")")
		echo "== $phase_name: ${s} s" >&2
	fi
	phase_name=$1
	phase_start=${EPOCHREALTIME/./}
	[[ -z $phase_name ]] || echo "== $phase_name" >&2
}

# finish stops background jobs still running (after a failure), prints the
# phase table and removes the temporary folder.
finish() {
	local code=$?
	for pid in "${jobs_to_stop[@]}"; do
		kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
	done
	[[ -z $phase_name ]] || timings+=("$(printf '%-56s %7s s (interrupted)' "$phase_name" "$(seconds "$phase_start")")")
	{
		echo "== phase timings (wall clock; phases marked & ran beside the others)"
		printf '   %s\n' "${timings[@]}"
		printf '   %-56s %7s s (exit %d)\n' "total" "$(seconds "$run_start")" "$code"
	} >&2
	rm -rf "$work"
	exit "$code"
}
trap finish EXIT
# A signal ends the run through finish too, so background jobs stop with it.
trap 'exit 130' INT
trap 'exit 143' TERM

# background runs a command in its own process group (so that finish can
# stop all of it), with its output in $work/$1.log and its exit code and
# wall-clock seconds in $work/$1.rc and $work/$1.sec.
background() {
	local name=$1
	shift
	set -m
	(
		start=${EPOCHREALTIME/./}
		rc=0
		"$@" >"$work/$name.log" 2>&1 || rc=$?
		seconds "$start" >"$work/$name.sec"
		echo "$rc" >"$work/$name.rc"
	) &
	set +m
	jobs_to_stop+=("$!")
	bg_pid[$name]=$!
}

# wait_background waits for a job started by background, prints its output
# and records its time; it returns the job's exit code.
wait_background() {
	local name=$1 label=$2
	wait "${bg_pid[$name]}" || true
	echo "== $label (ran in the background): output" >&2
	cat "$work/$name.log" >&2
	timings+=("$(printf '%-56s %7s s' "& $label" "$(cat "$work/$name.sec" 2>/dev/null || echo '?')")")
	local rc
	rc=$(cat "$work/$name.rc" 2>/dev/null || echo 1)
	echo "== $label: exit $rc, $(cat "$work/$name.sec" 2>/dev/null || echo '?') s" >&2
	return "$rc"
}

# staticcheck is compiled once into $work/bin (CGO_ENABLED=0: it needs no C,
# and the pure-Go build below shares those standard-library packages), while
# setup waits on the network and the disk. On a machine whose Go build cache
# is warm this only links; on a fresh machine the compile is unavoidable
# but overlapped.
background staticcheck-install env CGO_ENABLED=0 GOBIN="$work/bin" go install "honnef.co/go/tools/cmd/staticcheck@$staticcheckVersion"

phase "setup (scripts/setup.sh)"
scripts/setup.sh

phase "gates: go mod tidy -diff, gofmt"
go mod tidy -diff
unformatted=$(gofmt -l cmd internal bench deploy)
if [[ -n $unformatted ]]; then
	echo "gofmt: these files are not formatted (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi

phase "go vet (default build)"
go vet ./...

# The browser tests start now: go vet compiled every package the default
# build of stocktake imports, so their `go build` compiles only the main
# package and links, instead of compiling the tree beside go vet.
browser=0
if [[ -f web/package.json ]] && grep -q '"test"' web/package.json; then
	browser=1
	# One build and one ingest of the shared data for every test file
	# (web/test/server.js); each file serves its own copy of the database.
	seed="$work/e2e-seed"
	# npm test's command (web/package.json) with two test files at a time:
	# each file waits mostly on its own Chromium and server, so two of them
	# share the cores better than one after the other.
	browser_cmd=$(cd web && node -p "require('./package.json').scripts.test")
	browser_cmd=${browser_cmd/#node --test /node --test --test-concurrency=2 }
	background browser env -C web STOCKTAKE_E2E_SEED="$seed" bash -c "$browser_cmd"
fi

# The pure-Go build (CGO_ENABLED=0, no tags) and the tests of the no-NetCDF
# stub, which run in that build, share nothing with the cgo builds that
# follow (they compile every package again without cgo, into cache entries
# of their own): they run beside go vet -tags netcdf, in the gaps its
# dependency chain and final links leave on the cores, instead of after
# it. The stub (no "netcdf" tag) is the same code with and without cgo; it
# is tested in the pure-Go build, which links without DuckDB. Their output
# and exit code are reported like a phase's before the Go tests start.
background puregotest bash -c '
	set -e
	echo "== pure-Go build (CGO_ENABLED=0, no tags)"
	CGO_ENABLED=0 go build -o /dev/null ./cmd/stocktake
	echo "== go test (no netcdf tag: the NetCDF stub, CGO_ENABLED=0)"
	CGO_ENABLED=0 go test -count=1 -run WithoutNetCDF ./internal/grid ./cmd/stocktake
'

phase "go vet -tags netcdf"
go vet -tags netcdf ./...

phase "waiting for the pure-Go build and the no-netcdf tests"
if ! wait_background puregotest "pure-Go build and go test (no netcdf tag, CGO_ENABLED=0)"; then
	exit 1
fi

# staticcheck runs beside the tests (it took 142 s alone on a fresh clone,
# 2026-12-02); its result is waited for, and fails the run, at the end.
if ! wait_background staticcheck-install "staticcheck install"; then
	echo "staticcheck could not be installed" >&2
	exit 1
fi
background staticcheck "$work/bin/staticcheck" -tags netcdf ./...

# The store, ingest, alerts, watch and API tests (and the CLI's
# cross-surface and webhook tests) run twice: on SQLite, then on a
# throwaway PostgreSQL cluster each test binary starts with initdb/pg_ctl
# in a temporary folder and stops at the end (internal/testutil). Set
# STOCKTAKE_TEST_POSTGRES=postgres://... to use an existing server instead.
# With CI=true a missing PostgreSQL fails the run.
export STOCKTAKE_TEST_POSTGRES="${STOCKTAKE_TEST_POSTGRES:-1}"
# Most test binaries link DuckDB's static C++ library; GNU gold links them in
# about 60% of the CPU time of the default BFD linker (measured: 10 s instead
# of 17 s per binary). It changes how the test binaries are linked only, not
# what is compiled or run; without ld.gold the default linker is used.
ldflags=()
if command -v ld.gold >/dev/null; then
	ldflags=(-ldflags=-extldflags=-fuse-ld=gold)
fi
phase "go test -tags netcdf (SQLite, then PostgreSQL)"
go test -tags netcdf "${ldflags[@]}" -count=1 -timeout 20m ./...

phase "waiting for staticcheck $staticcheckVersion"
if ! wait_background staticcheck "staticcheck $staticcheckVersion"; then
	exit 1
fi

if ((browser)); then
	phase "waiting for the browser tests"
	if ! wait_background browser "browser tests (web: npm test)"; then
		exit 1
	fi
fi
phase ""
