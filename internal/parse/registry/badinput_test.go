package registry_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/registry"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// variant is one bad input derived from a real producer file.
type variant struct {
	name string
	data []byte
}

var number = regexp.MustCompile(`-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?`)

// valueToken finds, from the end of data, the token that spells v (the
// latest value the parser read), so that a variant can replace exactly a
// value the parser uses. ok is false when no token parses to v.
func valueToken(data []byte, v float64) (start, end int, ok bool) {
	locs := number.FindAllIndex(data, -1)
	for i := len(locs) - 1; i >= 0; i-- {
		f, err := strconv.ParseFloat(string(data[locs[i][0]:locs[i][1]]), 64)
		if err == nil && (f == v || math.Abs(f-v) <= 1e-9*math.Max(1, math.Abs(v))) {
			return locs[i][0], locs[i][1], true
		}
	}
	return 0, 0, false
}

func replaceAt(data []byte, start, end int, with string) []byte {
	out := make([]byte, 0, len(data)+len(with))
	out = append(out, data[:start]...)
	out = append(out, with...)
	return append(out, data[end:]...)
}

// lineAround returns the bounds of the line holding offset i.
func lineAround(data []byte, i int) (int, int) {
	s := bytes.LastIndexByte(data[:i], '\n') + 1
	e := bytes.IndexByte(data[i:], '\n')
	if e < 0 {
		return s, len(data)
	}
	return s, i + e + 1
}

// variants returns the bad inputs of one file: structural damage (empty,
// blank, binary, NUL bytes, truncation, a huge field, UTF-16), a repeated
// line, and the latest value replaced by NaN, infinities, overflow and
// missing-value markers. Markers inside the indicator's plausible range
// cannot be told from data by any check and are left out.
func variants(data []byte, latest float64, r catalog.Range) []variant {
	rng := rand.New(rand.NewPCG(1, 2))
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(rng.IntN(256))
	}
	withNUL := append([]byte{}, data...)
	for i := len(withNUL) / 2; i < len(withNUL)/2+64 && i < len(withNUL); i++ {
		withNUL[i] = 0
	}
	u16 := utf16.Encode([]rune(string(data)))
	utf16le := []byte{0xff, 0xfe}
	for _, c := range u16 {
		utf16le = binary.LittleEndian.AppendUint16(utf16le, c)
	}
	vs := []variant{
		{"empty", nil},
		{"blank", []byte("\n\n  \n")},
		{"binary", bin},
		{"nul-bytes", withNUL},
		{"utf16", utf16le},
		{"html-error-page", []byte("<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>\n")},
	}
	for _, frac := range []float64{0.001, 0.1, 0.5} {
		n := int(float64(len(data)) * frac)
		if n > 0 && n < len(data)-1 {
			vs = append(vs, variant{fmt.Sprintf("truncated-%g", frac), data[:n]})
		}
	}
	s, e, ok := valueToken(data, latest)
	if !ok {
		return vs
	}
	huge := strings.Repeat("Z", 1<<20)
	vs = append(vs, variant{"huge-field", replaceAt(data, s, e, huge)})
	ls, le := lineAround(data, s)
	if le-ls < len(data)/2 { // a line-oriented file: repeat the latest line
		dup := append(append(append([]byte{}, data[:le]...), data[ls:le]...), data[le:]...)
		vs = append(vs, variant{"duplicated-line", dup})
	}
	for _, m := range []string{"NaN", "nan", "Inf", "-Inf", "+Infinity", "1e999", "-1e999", "1e30", "-1e30",
		"-999", "-9999", "9999", "99999", "-99.99", "-999.9", "9.96921e+36", "1.0e+20", "abc", "0x1p3", "1_000", "--1", "1.2.3"} {
		if f, err := strconv.ParseFloat(m, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && f >= r.Min && f <= r.Max {
			continue // A plausible number: indistinguishable from data.
		}
		vs = append(vs, variant{"value=" + m, replaceAt(data, s, e, m)})
	}
	return vs
}

// TestBadInputsLeaveStoreUnchanged runs every parser family through a
// table of bad inputs derived from its real files: each must end in a clean
// error (a parse error, the plausibility check or the shrink guard), never
// a panic, and leave the stored dataset exactly as it was. It is the
// regression table of findings 4 and 5 (at least 300 cases).
func TestBadInputsLeaveStoreUnchanged(t *testing.T) {
	shared := testutil.SharedData(t)
	ctx := context.Background()
	total, families := 0, map[string]int{}
	for _, ds := range catalog.Datasets() {
		if _, ok := registry.Lookup(ds.Format); !ok {
			continue // gridded formats are read by internal/grid
		}
		f := ds.Files[0]
		real, err := os.ReadFile(filepath.Join(shared, filepath.FromSlash(f.Path)))
		if err != nil {
			continue // not in the mirror (the catalog's test covers that)
		}
		ds := ds
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "st.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		mirror := t.TempDir()
		for _, df := range ds.Files {
			p := filepath.Join(mirror, filepath.FromSlash(df.Path))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(filepath.Join(shared, filepath.FromSlash(df.Path)), p); err != nil {
				t.Fatal(err)
			}
		}
		opts := ingest.Options{Mirror: mirror}
		outs, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, opts)
		if err != nil || len(outs) != 1 || outs[0].Status != ingest.Ingested {
			t.Fatalf("%s: real file: %+v %v", ds.ID, outs, err)
		}
		before := snapshot(t, st, ds)
		// The latest value of the first indicator's first series.
		parsed, err := mustParse(ds, f, real)
		if err != nil {
			t.Fatalf("%s: %v", ds.ID, err)
		}
		latest := parsed.Series[0].Points[len(parsed.Series[0].Points)-1].Value
		var r catalog.Range
		for _, ind := range ds.Indicators {
			if ind.ID == parsed.Series[0].Indicator {
				r, _ = ind.Plausible()
			}
		}
		target := filepath.Join(mirror, filepath.FromSlash(f.Path))
		for _, v := range variants(real, latest, r) {
			total++
			families[ds.Format]++
			os.Remove(target)
			if err := os.WriteFile(target, v.data, 0o644); err != nil {
				t.Fatal(err)
			}
			outs, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, opts)
			if err != nil {
				t.Errorf("%s %s: run error %v", ds.ID, v.name, err)
				continue
			}
			o := outs[0]
			if o.Status != ingest.Failed || o.Error == "" {
				t.Errorf("%s %s: status %s (%s), want a refusal", ds.ID, v.name, o.Status, o.Error)
				// Put the real file back so that later cases start from it.
				os.Remove(target)
				os.Symlink(filepath.Join(shared, filepath.FromSlash(f.Path)), target)
				ingest.Run(ctx, st, []catalog.Dataset{ds}, ingest.Options{Mirror: mirror, AllowShrink: true})
				continue
			}
			if len(o.Error) > 1200 {
				t.Errorf("%s %s: %d-byte error quotes too much input: %.200s", ds.ID, v.name, len(o.Error), o.Error)
			}
			if after := snapshot(t, st, ds); after != before {
				t.Errorf("%s %s: store changed:\n before %s\n after  %s", ds.ID, v.name, before, after)
			}
		}
	}
	t.Logf("%d bad-input cases over %d parser families: %v", total, len(families), families)
	if total < 300 {
		t.Errorf("only %d bad-input cases, want at least 300", total)
	}
}

// mustParse parses one real file with the dataset's parser.
func mustParse(ds catalog.Dataset, f catalog.File, data []byte) (*obs.Parsed, error) {
	fn, ok := registry.Lookup(ds.Format)
	if !ok {
		return nil, fmt.Errorf("no parser %q", ds.Format)
	}
	return fn(f.Path, data, ds.Indicators)
}

// snapshot summarises what the store holds for ds: its current version and
// every series' length and last value.
func snapshot(t *testing.T, st *store.Store, ds catalog.Dataset) string {
	t.Helper()
	v, ok, err := st.CurrentVersion(context.Background(), ds.ID)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "version %v %s;", ok, v.SHA256)
	for _, ind := range ds.Indicators {
		ses, _, err := st.AllSeries(context.Background(), catalog.Ref{Dataset: ds, Indicator: ind})
		if err != nil {
			fmt.Fprintf(&b, " %s: %v;", ind.ID, err)
			continue
		}
		n, last := 0, 0.0
		for _, se := range ses {
			n += len(se.Points)
			if len(se.Points) > 0 {
				last += se.Points[len(se.Points)-1].Value
			}
		}
		fmt.Fprintf(&b, " %s %d series %d points %g;", ind.ID, len(ses), n, last)
	}
	return b.String()
}
