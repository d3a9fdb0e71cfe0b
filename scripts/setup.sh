#!/usr/bin/env bash
# Installs what stocktake needs on a fresh Debian 12 machine: Debian packages
# (netCDF-C for the grid reader, CDO/NCO/xarray as peers in tests and
# benchmarks, Chromium for browser tests, Noto CJK fonts for Chinese text in
# charts and pages, PostgreSQL 15 whose initdb and
# pg_ctl the tests use for a throwaway cluster), the front-end packages from the
# lockfile, and the Go modules. Safe to run again: it installs only what is
# missing. Run as root, or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

apt_packages=(gcc pkg-config libnetcdf-dev libhdf5-dev zlib1g-dev libdeflate-dev netcdf-bin cdo nco python3-numpy python3-xarray python3-netcdf4 chromium fonts-noto-cjk sqlite3 postgresql)
# Node.js: keep the one the machine has (this machine kind ships Node 20 with
# npm); install Debian's only when there is none.
command -v npm >/dev/null || apt_packages+=(nodejs npm)
missing=()
for p in "${apt_packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "setup: installing Debian packages: ${missing[*]}" >&2
	sudo_cmd=()
	[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v go >/dev/null || { echo "setup: Go 1.26 or newer is needed at /usr/local/go (https://go.dev/dl/)" >&2; exit 1; }

if [[ -f web/package-lock.json ]]; then
	# npm ci only when the lockfile changed since the last install.
	if ! cmp -s web/package-lock.json web/node_modules/.stocktake-lock 2>/dev/null; then
		(cd web && npm ci --no-audit --no-fund --loglevel=error)
		cp web/package-lock.json web/node_modules/.stocktake-lock
	fi
	# The distribution files of uPlot, d3-array, d3-geo, topojson-client,
	# world-atlas and i18next are committed under internal/web/assets/vendor;
	# internal/web's TestVendorMatchesLockfile compares them with these.
fi
go mod download
