package main

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/store"
)

// declaredKinds returns the value of every constant of type alerts.Kind
// declared in internal/alerts (its non-test Go files), read from the source
// so that a kind added there without being listed is caught.
func declaredKinds(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "internal", "alerts", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Kind" {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

// TestEventsKindHelp checks that 'events --help' and the error of an
// unknown --kind list every event kind declared in internal/alerts (the
// record kinds, record-month-daily of the stations and every threshold
// kind), and that alerts.EventKinds, from which both are generated, holds
// exactly those.
func TestEventsKindHelp(t *testing.T) {
	kinds := declaredKinds(t)
	for _, k := range []string{"record-all-time", "record-month", "record-month-daily", "record-day", "streak", "year-extreme", "above-1.5-day", "longest-run-above-2.0-days"} {
		if !slices.Contains(kinds, k) {
			t.Fatalf("kind %s not found among the declared kinds %v: the source scan is broken", k, kinds)
		}
	}
	var listed []string
	for _, k := range alerts.EventKinds() {
		listed = append(listed, string(k))
	}
	slices.Sort(kinds)
	slices.Sort(listed)
	if !slices.Equal(kinds, listed) {
		t.Errorf("alerts.EventKinds() = %v, want every declared kind %v", listed, kinds)
	}

	db := filepath.Join(t.TempDir(), "st.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	help := runCLI(t, db, "events", "--help")
	bad := runCLI(t, db, "events", "--kind", "record-week")
	if help.code != 0 || bad.code != 2 || !strings.Contains(bad.stderr, `"record-week"`) {
		t.Fatalf("events --help: exit %d; events --kind record-week: exit %d, %s", help.code, bad.code, bad.stderr)
	}
	for _, k := range kinds {
		// Each kind appears as a whole item of the comma-separated list.
		re := func(s string) bool {
			for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '(' || r == ')' || r == '\n' }) {
				if f == k {
					return true
				}
			}
			return false
		}
		if !re(help.stdout) {
			t.Errorf("events --help does not list kind %s", k)
		}
		if !re(bad.stderr) {
			t.Errorf("events --kind record-week's error does not list kind %s", k)
		}
	}
}
