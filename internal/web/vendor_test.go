package web

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// vendoredPackage is one lockfile-pinned npm package whose built
// distribution files are committed under assets/vendor, so that `go install`
// gives a working dashboard without npm. Files maps each committed path
// (relative to assets/) to the file of the installed package it must equal,
// relative to web/node_modules/<name>.
type vendoredPackage struct {
	name    string
	license string // the licence the package declares in its package.json
	files   map[string]string
}

// vendoredPackages lists every committed third-party file. uPlot draws the
// charts; d3-array, d3-geo, topojson-client and world-atlas's 1:110m
// countries draw the station map; i18next holds the message catalogs.
var vendoredPackages = []vendoredPackage{
	{"uplot", "MIT", map[string]string{
		UPlotJS:                    "dist/uPlot.iife.min.js",
		UPlotCSS:                   "dist/uPlot.min.css",
		"vendor/uPlot.LICENSE.txt": "LICENSE",
	}},
	{"d3-array", "ISC", map[string]string{
		"vendor/d3-array.min.js":      "dist/d3-array.min.js",
		"vendor/d3-array.LICENSE.txt": "LICENSE",
	}},
	{"d3-geo", "ISC", map[string]string{
		"vendor/d3-geo.min.js":      "dist/d3-geo.min.js",
		"vendor/d3-geo.LICENSE.txt": "LICENSE",
	}},
	{"topojson-client", "ISC", map[string]string{
		"vendor/topojson-client.min.js":      "dist/topojson-client.min.js",
		"vendor/topojson-client.LICENSE.txt": "LICENSE",
	}},
	{"world-atlas", "ISC", map[string]string{
		"vendor/world-atlas-countries-110m.json": "countries-110m.json",
		"vendor/world-atlas.LICENSE.txt":         "LICENSE",
	}},
	{"i18next", "MIT", map[string]string{
		"vendor/i18next.min.js":      "dist/umd/i18next.min.js",
		"vendor/i18next.LICENSE.txt": "LICENSE",
	}},
}

// TestVendorMatchesLockfile checks that the committed third-party files are
// those of the versions web/package-lock.json pins: the version installed in
// web/node_modules must be the locked one, and each committed file (the
// distribution files and the licence) must equal the installed one byte for
// byte. After a change of a pinned package, `npm ci` in web/ and copying the
// files named in vendoredPackages into assets/vendor makes it pass again.
//
// It needs web/node_modules (scripts/setup.sh runs npm ci). Without it the
// test is skipped on a developer's machine and fails in CI (CI=true), where
// setup always installs it.
func TestVendorMatchesLockfile(t *testing.T) {
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readJSON(t, filepath.Join("..", "..", "web", "package-lock.json"), &lock)

	for _, pkg := range vendoredPackages {
		t.Run(pkg.name, func(t *testing.T) {
			nm := filepath.Join("..", "..", "web", "node_modules", pkg.name)
			if _, err := os.Stat(filepath.Join(nm, "package.json")); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("web/node_modules/%s is missing in CI (scripts/setup.sh runs npm ci): %v", pkg.name, err)
				}
				t.Skipf("web/node_modules/%s is missing (run scripts/setup.sh): %v", pkg.name, err)
			}
			locked, ok := lock.Packages["node_modules/"+pkg.name]
			if !ok || locked.Version == "" {
				t.Fatalf("web/package-lock.json pins no version of node_modules/%s", pkg.name)
			}
			var installed struct {
				Name, Version, License string
			}
			readJSON(t, filepath.Join(nm, "package.json"), &installed)
			if installed.Version != locked.Version {
				t.Fatalf("web/node_modules has %s %s, the lockfile pins %s: run npm ci in web/", pkg.name, installed.Version, locked.Version)
			}
			if installed.License != pkg.license {
				t.Errorf("%s %s declares licence %q; the committed licence file is %s's", pkg.name, installed.Version, installed.License, pkg.license)
			}
			for committed, rel := range pkg.files {
				src := filepath.Join(nm, rel)
				want, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				got, err := embedded.ReadFile("assets/" + committed)
				if err != nil {
					t.Errorf("%s is not embedded: %v", committed, err)
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("assets/%s (%d bytes) differs from %s (%d bytes) of %s %s, the version the lockfile pins: copy it again",
						committed, len(got), src, len(want), pkg.name, locked.Version)
				}
			}
		})
	}
}

// TestEveryVendorFileIsPinned checks the converse: every file committed under
// assets/vendor belongs to one of vendoredPackages, so no third-party file
// escapes the lockfile check.
func TestEveryVendorFileIsPinned(t *testing.T) {
	known := map[string]bool{}
	for _, pkg := range vendoredPackages {
		for committed := range pkg.files {
			known[committed] = true
		}
	}
	entries, err := embedded.ReadDir("assets/vendor")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("assets/vendor is empty")
	}
	for _, e := range entries {
		if !known["vendor/"+e.Name()] {
			t.Errorf("assets/vendor/%s is committed but belongs to no pinned package in vendoredPackages", e.Name())
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
