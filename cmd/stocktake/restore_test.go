package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/testutil"
)

// listRows is the part of 'list --json' a restore must bring back.
type listRows []struct {
	Indicator string  `json:"indicator"`
	First     *string `json:"first"`
	Last      *string `json:"last"`
	Rows      int     `json:"rows"`
}

// TestRestoreCommand: update with the real Mauna Loa file, then with a copy
// cut by 120 lines (--allow-shrink), then 'restore co2.mlo --version' of the
// first version gives back the first listing; flags are checked (exit 2) and
// unknown versions refused (exit 1).
func TestRestoreCommand(t *testing.T) {
	root := testutil.SharedData(t)
	const rel = "noaa-gml/co2_mm_mlo.txt"
	full, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimRight(string(full), "\n"), "\n")
	cut := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cut, "noaa-gml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cut, rel), []byte(strings.Join(lines[:len(lines)-120], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "st.db")
	if r := runCLI(t, db, "update", "--from", root, "--only", "co2.mlo"); r.code != 0 {
		t.Fatalf("update: %d %s", r.code, r.stderr)
	}
	before := runCLI(t, db, "list", "--json")
	if r := runCLI(t, db, "update", "--from", cut, "--only", "co2.mlo", "--allow-shrink"); r.code != 0 {
		t.Fatalf("update --allow-shrink: %d %s", r.code, r.stderr)
	}
	shrunk := decode[listRows](t, runCLI(t, db, "list", "--json").stdout)
	orig := decode[listRows](t, before.stdout)
	if len(shrunk) != 1 || len(orig) != 1 || shrunk[0].Rows != orig[0].Rows-120 {
		t.Fatalf("listing after the cut %+v, before %+v", shrunk, orig)
	}
	// The events of the first scan are historical: listed with --historical.
	retracted := func() (held, gone int) {
		t.Helper()
		r := runCLI(t, db, "events", "--historical", "--limit", "1000", "--json")
		if r.code != 0 {
			t.Fatalf("events: %d %s", r.code, r.stderr)
		}
		for _, e := range decode[struct {
			Events []struct {
				Retracted bool `json:"retracted"`
			} `json:"events"`
		}](t, r.stdout).Events {
			if e.Retracted {
				gone++
			} else {
				held++
			}
		}
		if held+gone == 1000 {
			t.Fatal("1000 events or more: the listing may be cut")
		}
		return held, gone
	}
	heldCut, goneCut := retracted()
	if goneCut == 0 {
		t.Fatalf("the cut retracted no event (%d hold)", heldCut)
	}

	type version struct {
		ID           int64 `json:"id"`
		Current      bool  `json:"current"`
		Restorable   bool  `json:"restorable"`
		RestoredFrom int64 `json:"restored_from"`
	}
	r := runCLI(t, db, "restore", "co2.mlo", "--list", "--json")
	if r.code != 0 {
		t.Fatalf("restore --list: %d %s", r.code, r.stderr)
	}
	vs := decode[struct {
		Dataset  string    `json:"dataset"`
		Versions []version `json:"versions"`
	}](t, r.stdout)
	if vs.Dataset != "noaa-gml-co2-mlo-monthly" || len(vs.Versions) != 2 || !vs.Versions[1].Restorable || vs.Versions[1].Current {
		t.Fatalf("restore --list: %+v", vs)
	}
	first := vs.Versions[1].ID

	r = runCLI(t, db, "restore", "co2.mlo", "--version", itoa64(first), "--json")
	if r.code != 0 {
		t.Fatalf("restore: %d %s", r.code, r.stderr)
	}
	out := decode[restoreOutput](t, r.stdout)
	if out.Unchanged || out.Rows != 120 || out.Deleted != 0 || out.RestoredFrom != first || out.Version <= first {
		t.Errorf("restore output %+v: want 120 values written as a new version", out)
	}
	// Detection ran: every event retracted by the cut holds again.
	if held, gone := retracted(); gone != 0 || held != heldCut+goneCut {
		t.Errorf("after the restore %d events hold and %d are retracted; want %d and 0", held, gone, heldCut+goneCut)
	}
	if after := runCLI(t, db, "list", "--json"); after.stdout != before.stdout {
		t.Errorf("listing after the restore:\n%s\nwant:\n%s", after.stdout, before.stdout)
	}
	// Text output names what was done.
	r = runCLI(t, db, "restore", "noaa-gml-co2-mlo-monthly", "--version", itoa64(out.Version))
	if r.code != 0 || !strings.Contains(r.stdout, "is the current version; nothing changed") {
		t.Errorf("restoring the current version: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, db, "restore", "co2.mlo", "--list")
	if r.code != 0 || !strings.Contains(r.stdout, "restored from version "+itoa64(first)) {
		t.Errorf("restore --list text: %d %q", r.code, r.stdout)
	}

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"restore", "co2.mlo"}, 2, "either --version"},
		{[]string{"restore", "co2.mlo", "--list", "--version", "1"}, 2, "either --version"},
		{[]string{"restore", "co2.mlo", "--version", "0"}, 2, "--version 0"},
		{[]string{"restore", "nonsense", "--version", "1"}, 2, "neither a dataset id nor an indicator id"},
		{[]string{"restore", "co2.mlo", "--version", "9999"}, 1, "has no version 9999"},
		{[]string{"restore", "grid:t2m", "--version", "1"}, 1, "keeps no history"},
	} {
		r := runCLI(t, db, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, c.code, c.msg)
		}
	}
}

// TestBackupCommand: backup writes a private copy that reads like the
// database and refuses to overwrite a file.
func TestBackupCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "st.db")
	if r := runCLI(t, db, "update", "--from", testutil.SharedData(t), "--only", "co2.mlo,ch4.global"); r.code != 0 {
		t.Fatalf("update: %d %s", r.code, r.stderr)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	r := runCLI(t, db, "backup", path, "--json")
	if r.code != 0 {
		t.Fatalf("backup: %d %s", r.code, r.stderr)
	}
	out := decode[struct {
		Backup string `json:"backup"`
		Bytes  int64  `json:"bytes"`
	}](t, r.stdout)
	fi, err := os.Stat(path)
	if err != nil || out.Backup != path || out.Bytes != fi.Size() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup %+v; file %v %v", out, fi, err)
	}
	want := runCLI(t, db, "list", "--json").stdout
	if got := runCLI(t, path, "list", "--json"); got.code != 0 || got.stdout != want || !strings.Contains(want, "co2.mlo") {
		t.Errorf("the copy lists\n%s\nthe database\n%s", got.stdout, want)
	}
	if r := runCLI(t, db, "backup", path); r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("backup over an existing file: %d %q", r.code, r.stderr)
	}
	if r := runCLI(t, db, "backup"); r.code != 2 {
		t.Errorf("backup without PATH: %d", r.code)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
