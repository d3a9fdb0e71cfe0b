package web

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// uplotLicense is the committed copy of uPlot's licence, beside its files.
const uplotLicense = "vendor/uPlot.LICENSE.txt"

// TestVendorMatchesLockfile checks that the committed uPlot files are those
// of the version web/package-lock.json pins: the version installed in
// web/node_modules must be the locked one, and each committed file (the two
// distribution files and the licence) must equal the installed one byte for
// byte. After a change of the pinned uPlot, `npm ci` in web/ and copying
// node_modules/uplot/dist/uPlot.iife.min.js, uPlot.min.css and
// node_modules/uplot/LICENSE (as uPlot.LICENSE.txt) into assets/vendor
// makes it pass again.
//
// It needs web/node_modules (scripts/setup.sh runs npm ci). Without it the
// test is skipped on a developer's machine and fails in CI (CI=true), where
// setup always installs it.
func TestVendorMatchesLockfile(t *testing.T) {
	nm := filepath.Join("..", "..", "web", "node_modules", "uplot")
	if _, err := os.Stat(filepath.Join(nm, "package.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("web/node_modules/uplot is missing in CI (scripts/setup.sh runs npm ci): %v", err)
		}
		t.Skipf("web/node_modules/uplot is missing (run scripts/setup.sh): %v", err)
	}

	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readJSON(t, filepath.Join("..", "..", "web", "package-lock.json"), &lock)
	locked, ok := lock.Packages["node_modules/uplot"]
	if !ok || locked.Version == "" {
		t.Fatal("web/package-lock.json pins no version of node_modules/uplot")
	}
	var installed struct {
		Name, Version, License string
	}
	readJSON(t, filepath.Join(nm, "package.json"), &installed)
	if installed.Version != locked.Version {
		t.Fatalf("web/node_modules has uplot %s, the lockfile pins %s: run npm ci in web/", installed.Version, locked.Version)
	}
	if installed.License != "MIT" {
		t.Errorf("uplot %s declares licence %q; the committed licence file is MIT's", installed.Version, installed.License)
	}

	for committed, src := range map[string]string{
		UPlotJS:      filepath.Join(nm, "dist", "uPlot.iife.min.js"),
		UPlotCSS:     filepath.Join(nm, "dist", "uPlot.min.css"),
		uplotLicense: filepath.Join(nm, "LICENSE"),
	} {
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
			t.Errorf("assets/%s (%d bytes) differs from %s (%d bytes) of uplot %s, the version the lockfile pins: copy it again",
				committed, len(got), src, len(want), locked.Version)
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
