package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// sstFile is the mirror path of sst.world's file (catalog dataset
// climate-reanalyzer-sst.world).
const sstFile = "climate-reanalyzer-oisst/oisst2.1_world2_sst_day.json"

// sstVersions writes two mirrors holding the real sst.world file and a copy
// whose 2023-08-01 value (day 213 of the "2023" row) is 0.5 °C higher, and
// returns the mirror folders, the files' sha256 (in the same order) and, by
// sha256, each file's 2023-08-01 value. Only that number's text differs
// between the two files.
func sstVersions(t *testing.T) (dirs, shas [2]string, values map[string]float64) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testutil.SharedData(t), sstFile))
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	const aug1 = 212 // 0-based day of year of 1 August in 2023
	var orig float64
	var changed []byte
	for _, row := range rows {
		var name string
		json.Unmarshal(row["name"], &name)
		if name != "2023" {
			continue
		}
		var data []json.RawMessage
		if err := json.Unmarshal(row["data"], &data); err != nil {
			t.Fatal(err)
		}
		if orig, err = strconv.ParseFloat(string(data[aug1]), 64); err != nil {
			t.Fatalf("2023-08-01 in %s: %v", sstFile, err)
		}
		data[aug1] = json.RawMessage(strconv.FormatFloat(orig+0.5, 'f', -1, 64))
		row["data"], _ = json.Marshal(data)
	}
	if changed, err = json.Marshal(rows); err != nil || orig == 0 {
		t.Fatalf("no 2023 row in %s (%v)", sstFile, err)
	}
	values = map[string]float64{}
	for i, b := range [][]byte{raw, changed} {
		dirs[i] = t.TempDir()
		p := filepath.Join(dirs[i], sstFile)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		shas[i] = hex.EncodeToString(sum[:])
		values[shas[i]] = orig + 0.5*float64(i)
	}
	return dirs, shas, values
}

// TestAnswersNeverMixVersions is issue 11's torn read at the level of the
// API: while one goroutine ingests, through the real ingest path,
// alternately the real sst.world file and a copy with another 2023-08-01
// value, readers ask for that day's record and value. Every answer's value
// must be the value of the file whose sha256 it names (in the
// X-Stocktake-Source header and in its JSON), and its
// X-Stocktake-Data-Version must be the data version under which that file
// was the stored one.
//
// The server starts before the first ingest, as `serve` may before
// `update`. With the cache of before this test (series read outside any
// check and cached under the version read earlier), it failed: in one run 3
// of 190 610 answers, the first ones after the first ingest, carried the
// empty store's data version with the file's values.
func TestAnswersNeverMixVersions(t *testing.T) {
	ctx := context.Background()
	dirs, shas, values := sstVersions(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "st.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := ingest.Select([]string{"climate-reanalyzer-sst.world"})
	if err != nil {
		t.Fatal(err)
	}
	// shaOf maps each data version the store went through to the sha256
	// of the file then stored; only the ingesting goroutine writes it.
	var mu sync.Mutex
	shaOf := map[string]string{}
	s := NewServer(st, Options{CheckInterval: 2 * time.Millisecond})
	defer s.Close()
	load := func(i int) error {
		if _, err := ingest.Run(ctx, st, ds, ingest.Options{Mirror: dirs[i%2]}); err != nil {
			return err
		}
		gen, _, err := s.readGeneration(ctx)
		if err != nil {
			return err
		}
		mu.Lock()
		shaOf[dataVersion(gen)] = shas[i%2]
		mu.Unlock()
		return nil
	}
	if err := load(0); err != nil {
		t.Fatal(err)
	}

	type answer struct {
		target, version, header, sha string
		value                        float64
	}
	const updates = 12
	var stop atomic.Bool
	var wg sync.WaitGroup
	var ingestErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer stop.Store(true)
		for i := 1; i <= updates; i++ {
			if ingestErr = load(i); ingestErr != nil {
				return
			}
		}
	}()
	targets := []string{"/api/records/sst.world?on=2023-08-01", "/api/series/sst.world?from=2023-08-01&to=2023-08-01"}
	answers := make([][]answer, 3)
	errs := make(chan error, len(answers))
	for r := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				target := targets[(i+r)%2]
				res := get(t, s, target)
				if res.code != 200 {
					errs <- fmt.Errorf("GET %s: %d %s", target, res.code, res.body)
					return
				}
				var body struct {
					Value  *float64 `json:"value"`
					Points []struct {
						Value float64 `json:"value"`
					} `json:"points"`
					Source struct {
						SHA256 string `json:"sha256"`
					} `json:"source"`
				}
				if err := json.Unmarshal(res.body, &body); err != nil {
					errs <- fmt.Errorf("GET %s: %v", target, err)
					return
				}
				a := answer{target: target, version: res.h.Get("X-Stocktake-Data-Version"), header: res.h.Get("X-Stocktake-Source"), sha: body.Source.SHA256}
				switch {
				case body.Value != nil:
					a.value = *body.Value
				case len(body.Points) == 1:
					a.value = body.Points[0].Value
				default:
					errs <- fmt.Errorf("GET %s: no value in %s", target, res.body)
					return
				}
				answers[r] = append(answers[r], a)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ingestErr != nil {
		t.Fatal(ingestErr)
	}
	n, bad := 0, 0
	for _, as := range answers {
		for _, a := range as {
			n++
			want, known := values[a.sha]
			var problems []string
			if !known {
				problems = append(problems, "unknown sha256")
			} else if a.value != want {
				problems = append(problems, fmt.Sprintf("value %v, but that file's is %v", a.value, want))
			}
			if !strings.HasSuffix(a.header, "sha256="+a.sha) {
				problems = append(problems, "X-Stocktake-Source "+a.header+" names another file")
			}
			if got, ok := shaOf[a.version]; !ok {
				problems = append(problems, "X-Stocktake-Data-Version "+a.version+" is no version the store had")
			} else if got != a.sha {
				problems = append(problems, "X-Stocktake-Data-Version "+a.version+" is the version of the other file")
			}
			if len(problems) > 0 {
				if bad++; bad <= 5 {
					t.Errorf("GET %s (sha256 %.12s): %s", a.target, a.sha, strings.Join(problems, "; "))
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d answers mix versions", bad, n)
	}
	if n < 2*updates {
		t.Fatalf("%d answers during %d updates: the reads did not overlap the updates", n, updates)
	}
	t.Logf("%d answers during %d updates, all consistent: %v", n, updates, bad == 0)
}

// TestLoadAheadOfCache checks what happens when the store moved on since
// the server last read the data version (another process ingested): an
// answer is computed from the newer data, names that data's version, is not
// cached under the old one, and the next request swaps to the new version.
// An untracked route (one that reads the store directly) is recomputed on
// the new version.
func TestLoadAheadOfCache(t *testing.T) {
	ctx := context.Background()
	dirs, shas, values := sstVersions(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "st.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := ingest.Select([]string{"climate-reanalyzer-sst.world"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, st, ds, ingest.Options{Mirror: dirs[0]}); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{CheckInterval: time.Hour})
	defer s.Close()
	old := s.gen.Load()
	if _, err := ingest.Run(ctx, st, ds, ingest.Options{Mirror: dirs[1]}); err != nil {
		t.Fatal(err)
	}
	genB, _, err := s.readGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	target := "/api/series/sst.world?from=2023-08-01&to=2023-08-01"
	var body struct {
		Source struct {
			SHA256 string `json:"sha256"`
		} `json:"source"`
		Points []struct {
			Value float64 `json:"value"`
		} `json:"points"`
	}
	r := getJSON(t, s, target, &body)
	if body.Source.SHA256 != shas[1] || len(body.Points) != 1 || body.Points[0].Value != values[shas[1]] {
		t.Fatalf("answer after the second ingest: %s", r.body)
	}
	if v := r.h.Get("X-Stocktake-Data-Version"); v != dataVersion(genB) {
		t.Errorf("X-Stocktake-Data-Version %s, want the new data's %s (the cache's is %s)", v, dataVersion(genB), old.version)
	}
	if r.h.Get("Cache-Control") == immutableCC[0] {
		t.Error("an answer of another data version is sent as immutable")
	}
	if s.gen.Load() != old || old.lookup(target) != nil {
		t.Fatal("the newer answer was cached under the old data version")
	}
	r = getJSON(t, s, target, &body)
	cur := s.gen.Load()
	if cur.gen != genB || r.h.Get("X-Stocktake-Data-Version") != dataVersion(genB) || cur.lookup(target) == nil {
		t.Fatalf("the next request did not move to the new version: cache %s, header %s", cur.version, r.h.Get("X-Stocktake-Data-Version"))
	}

	// An untracked route, with the store ahead of the cache again.
	if _, err := ingest.Run(ctx, st, ds, ingest.Options{Mirror: dirs[0]}); err != nil {
		t.Fatal(err)
	}
	genC, _, err := s.readGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var vs []store.Version
	r = getJSON(t, s, "/api/versions?dataset=climate-reanalyzer-sst.world", &vs)
	if len(vs) != 3 || vs[0].SHA256 != shas[0] || r.h.Get("X-Stocktake-Data-Version") != dataVersion(genC) {
		t.Fatalf("versions after a third ingest: header %s (want %s), %d versions", r.h.Get("X-Stocktake-Data-Version"), dataVersion(genC), len(vs))
	}
}
