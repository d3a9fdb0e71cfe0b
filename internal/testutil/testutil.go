// Package testutil holds helpers shared by tests: the location of the shared
// real-data folder and the repository root.
package testutil

import (
	"os"
	"path/filepath"
	"runtime"
)

// TB is the part of testing.TB the helpers use. It is declared here so that
// this non-test file need not import package testing; *testing.T,
// *testing.B and *testing.F satisfy it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Root returns the repository root (the folder holding go.mod).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedData returns the absolute path of ../shared/data beside the
// repository, or of $STOCKTAKE_SHARED_DATA when set. It fails the test when the
// folder is missing: CI always has it, so a missing folder is a setup error,
// not a reason to skip.
func SharedData(t TB) string {
	t.Helper()
	dir := os.Getenv("STOCKTAKE_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join(Root(), "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(dir, "SOURCES.md")); err != nil {
		t.Fatalf("shared data folder not found at %s: %v", dir, err)
	}
	return dir
}

// ReadShared returns the bytes of a file under the shared data folder, given
// its mirror path such as "nsidc-g02135/S_seaice_extent_daily_v3.0.csv".
func ReadShared(t TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(SharedData(t), rel))
	if err != nil {
		t.Fatalf("reading shared data: %v", err)
	}
	return b
}
