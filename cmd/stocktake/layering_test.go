package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"path"
	"strings"
	"testing"
)

// module is the import path of the repository's module.
const module = "github.com/stocktake/stocktake/"

// layers is the declared layer order of the repository's packages, lowest
// first (DEVELOPERS.md describes it). A package may import only packages of
// lower layers: packages of one layer are siblings and never import each
// other. A path ending in "/*" covers the packages directly below it, one
// ending in "/..." every package below it. Every package of the module must
// be covered, so that a new package gets a place on purpose.
//
// The order is that of imports, not of the data flow (fetch → parse → store
// → analyse → present): the analyses and the presentation types are pure
// functions of observations and sit below the store, so that they cannot
// reach the database; the questions (internal/query) read the store and
// call them.
var layers = [][]string{
	// Foundations: types and helpers that import no package of the module.
	{"internal/obs", "internal/provenance", "internal/countries", "internal/testutil", "internal/buildinfo", "internal/web", "internal/i18n", "internal/hdf5"},
	// The declaration of every dataset, beside the downloader (which
	// names the build in its User-Agent).
	{"internal/catalog", "internal/fetch"},
	// Parsing: the shared error type, the text helpers, one package per
	// producer format, and the registry that maps format names to parsers.
	{"internal/parse"},
	{"internal/parse/textutil"},
	{"internal/parse/*", "internal/parse/textutil/parsetest"},
	{"internal/parse/registry"},
	// Pure computations on observations.
	{"internal/analysis", "internal/grid", "internal/warming"},
	{"internal/national"},
	// Goals of the Global Stocktake, beside the presentation types shared
	// by the questions, the CLI and the API.
	{"internal/goals", "internal/present"},
	// The stores: observations and their provenance (SQLite or
	// PostgreSQL), beside the station archive (Parquet queried by DuckDB).
	{"internal/store", "internal/stations"},
	// Writers and event detection: ingest (fetch, parse, store) beside
	// alerts (record events, feed, webhooks); neither imports the other.
	{"internal/ingest", "internal/alerts"},
	// The update loop above both, beside the questions of the CLI and API.
	{"internal/watch", "internal/query"},
	// The HTTP API.
	{"internal/api"},
	// Programs: the command line and the benchmarks' drivers.
	{"cmd/...", "bench/...", "deploy"},
}

// notDirect lists imports that the layer order allows but that a package
// must not make, each with the reason: the command line and the HTTP API
// render answers of the questions (internal/query), which call the
// analyses; they compute no number themselves, so that both surfaces give
// the same answer to one question. internal/alerts, one layer below internal/query, keeps
// importing internal/analysis: detection computes the facts it stores, and
// the questions present them (DEVELOPERS.md, "Layers").
var notDirect = map[string]string{
	"cmd/stocktake -> internal/analysis": "every number the CLI prints comes from internal/query; name what it needs there",
	"internal/api -> internal/analysis":  "every number the API answers comes from internal/query; name what it needs there (internal/query/analysis_types.go)",
}

// allowedUpward lists the imports that break the order today, each with the
// change that removes it.
var allowedUpward = map[string]string{}

// layerOf returns the layer of a package (path relative to the module) and
// whether it is declared.
func layerOf(pkg string) (int, bool) {
	best, found, exact := 0, false, false
	for i, l := range layers {
		for _, p := range l {
			switch {
			case p == pkg:
				best, found, exact = i, true, true
			case exact:
			case strings.HasSuffix(p, "/*") && path.Dir(pkg) == strings.TrimSuffix(p, "/*"),
				strings.HasSuffix(p, "/...") && strings.HasPrefix(pkg, strings.TrimSuffix(p, "...")):
				best, found = i, true
			}
		}
	}
	return best, found
}

// TestLayering checks the import graph of every package of the module
// (non-test files, from `go list`) against the declared layers: no package
// imports one of its own layer or a higher one, except the listed
// exceptions, and no non-test file imports "testing".
func TestLayering(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the imports: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"...").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	used := map[string]bool{}
	listed := map[string]bool{}
	packages := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module)
		packages++
		listed[pkg] = true
		from, ok := layerOf(pkg)
		if !ok {
			t.Errorf("%s is in no layer: add it to layers (cmd/stocktake/layering_test.go) and DEVELOPERS.md", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if imp == "testing" {
				t.Errorf("%s imports \"testing\" in a non-test file", pkg)
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			if why, ok := notDirect[pkg+" -> "+dep]; ok {
				t.Errorf("%s imports %s: %s", pkg, dep, why)
			}
			to, ok := layerOf(dep)
			if !ok || to < from {
				continue // an undeclared dep is reported as a package of its own
			}
			edge := pkg + " -> " + dep
			if _, ok := allowedUpward[edge]; ok {
				used[edge] = true
				continue
			}
			if to == from {
				t.Errorf("%s imports %s, a package of its own layer", pkg, dep)
			} else {
				t.Errorf("%s (layer %d) imports %s (layer %d): a lower package imports a higher one", pkg, from, dep, to)
			}
		}
	}
	if packages < 20 {
		t.Fatalf("go list named %d packages: not the whole module", packages)
	}
	// A rule about a package that go list did not name would check
	// nothing: the package was renamed or moved.
	for edge := range notDirect {
		if pkg, _, _ := strings.Cut(edge, " -> "); !listed[pkg] {
			t.Errorf("notDirect names %s, which go list did not list", pkg)
		}
	}
	for edge := range allowedUpward {
		if !used[edge] {
			t.Errorf("allowed exception %q no longer occurs: remove it from allowedUpward", edge)
		}
	}
}

// TestLayerOf checks the lookup of layers, including the "/*" patterns.
func TestLayerOf(t *testing.T) {
	f := func(pkg string, want int, wantOK bool) {
		t.Helper()
		if got, ok := layerOf(pkg); got != want || ok != wantOK {
			t.Errorf("layerOf(%q) = %d, %v; want %d, %v", pkg, got, ok, want, wantOK)
		}
	}
	f("internal/obs", 0, true)
	f("internal/parse", 2, true)
	f("internal/parse/gml", 4, true)
	f("internal/parse/registry", 5, true)
	f("internal/parse/textutil", 3, true)
	f("internal/parse/textutil/parsetest", 4, true)
	f("internal/store", 9, true)
	f("internal/present", 8, true)
	f("cmd/stocktake", len(layers)-1, true)
	f("bench/api/apiserver", len(layers)-1, true)
	f("benchmark", 0, false)
	f("internal/nosuch", 0, false)
}
