// Package ingest runs the pipeline fetch → parse → store for a list of
// catalog datasets. Files are fetched and parsed concurrently; the store is
// written by one goroutine, one transaction per dataset, so a failing dataset
// never changes what is stored for it or for any other dataset.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/registry"
	"github.com/stocktake/stocktake/internal/store"
)

// Status is the outcome of one dataset's update.
type Status string

const (
	Ingested    Status = "ingested"     // new bytes stored as a new version
	Unchanged   Status = "unchanged"    // same sha256 as the stored version: nothing written
	NotModified Status = "not-modified" // the server answered 304 to a conditional request
	Skipped     Status = "skipped"      // the file is not in the mirror (and was not asked for by name)
	Failed      Status = "failed"       // fetch, parse or store error; stored data kept as before
)

// Outcome reports what happened to one dataset.
type Outcome struct {
	Dataset  string        `json:"dataset"`
	Status   Status        `json:"status"`
	Rows     int           `json:"rows"`    // values inserted or revised
	Deleted  int           `json:"deleted"` // stored values the new file no longer has
	Source   string        `json:"source,omitempty"`
	SHA256   string        `json:"sha256,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"-"`
	Err      error         `json:"-"`
}

// Options configures Run.
type Options struct {
	// Mirror is a local folder laid out like ../shared/data; when empty the
	// datasets are downloaded from their upstream URLs.
	Mirror string
	// Fetcher downloads upstream files; required when Mirror is empty.
	Fetcher *fetch.Fetcher
	// URLFor returns the address to download a file from; nil means the
	// producer's URL from the catalog. Tests and HTTP mirrors set it.
	URLFor func(catalog.File) string
	// MaxBytes limits a mirror file's size (default 256 MiB).
	MaxBytes int64
	// Explicit marks datasets the user asked for by name: a missing mirror
	// file is then a failure instead of a skip.
	Explicit map[string]bool
	// AllowShrink accepts files that would delete stored data (see
	// store.ErrShrink); by default they fail.
	AllowShrink bool
	// Workers bounds concurrent fetch+parse work (default GOMAXPROCS).
	Workers int
	// OnDone is called (from the writer goroutine) after each dataset.
	OnDone func(Outcome)
	// AfterIngest is called (from the writer goroutine) after a dataset's new
	// version is committed, with the new version's id; it is how record
	// events are detected on every update. Its error is reported in the
	// dataset's Outcome (Status stays Ingested: the data are stored) and
	// logged; the hook must be idempotent, since a later run may repeat it.
	AfterIngest func(ctx context.Context, ds catalog.Dataset, versionID int64) error
	Logger      *slog.Logger
	// Now returns the current time (tests may fix it).
	Now func() time.Time
}

// Select returns the datasets named by ids: dataset ids, indicator ids
// (every dataset that yields the indicator, or just one with "id@version"),
// all datasets when ids is empty. Unknown names are an error.
func Select(ids []string) ([]catalog.Dataset, error) {
	all := catalog.Datasets()
	if len(ids) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if _, ok := catalog.DatasetByID(id); ok {
			want[id] = true
			continue
		}
		// An indicator id, with or without "@version", selects the one
		// dataset 'show' would read it from: the default version unless a
		// version is named. Other versions are picked by "id@version" or by
		// dataset id, so a missing file of a version nobody asked for
		// never fails the update.
		ref, err := catalog.Resolve(id)
		if err != nil {
			if !strings.Contains(id, "@") {
				return nil, fmt.Errorf("--only: %q is neither a dataset id nor an indicator id (see 'stocktake list --datasets')", id)
			}
			return nil, fmt.Errorf("--only: %w", err)
		}
		want[ref.Dataset.ID] = true
	}
	var out []catalog.Dataset
	for _, d := range all {
		if want[d.ID] {
			out = append(out, d)
		}
	}
	return out, nil
}

// recordSuccess stores the time of a successful update of a dataset (its
// fetch state: last success, last failure and error, shown by /api/datasets
// and /metrics). A download also keeps its ETag and Last-Modified for the
// next conditional request; a mirror read records only the time, so the
// validators of the last download stay valid.
func recordSuccess(ctx context.Context, st *store.Store, dataset string, v store.VersionInfo, opts Options) error {
	if opts.Mirror != "" {
		return st.RecordMirrorSuccess(ctx, dataset, v.Source, opts.Now())
	}
	return st.RecordFetchSuccess(ctx, dataset, v.Source, v.ETag, v.LastModified, opts.Now())
}

// prepared is a dataset fetched and parsed, ready to store.
type prepared struct {
	index   int
	ds      catalog.Dataset
	version store.VersionInfo
	parsed  *obs.Parsed
	// files are the version's files with their own checksums, recorded
	// with store.RecordVersionFiles once the version is stored.
	files []store.VersionFile
	out   Outcome
	start time.Time
}

// Run updates each dataset and returns one Outcome per dataset, in the order
// given. It returns an error only when the store itself fails (not for a
// dataset's bad file, which is reported in its Outcome).
func Run(ctx context.Context, st *store.Store, datasets []catalog.Dataset, opts Options) ([]Outcome, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = 256 << 20
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opts.Mirror == "" && opts.Fetcher == nil {
		return nil, errors.New("ingest: no mirror folder and no fetcher")
	}
	jobs := make(chan int)
	results := make(chan prepared)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- prepare(ctx, st, i, datasets[i], opts)
			}
		}()
	}
	go func() {
		for i := range datasets {
			select {
			case jobs <- i:
			case <-ctx.Done():
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	outcomes := make([]Outcome, len(datasets))
	done := make([]bool, len(datasets))
	var storeErr error
	for p := range results {
		if p.parsed != nil && storeErr == nil {
			res, err := st.Ingest(ctx, p.version, p.parsed, store.Replace)
			switch {
			case err != nil:
				p.out.Status, p.out.Err = Failed, err
				if ctx.Err() != nil {
					storeErr = ctx.Err()
				}
			case res.Unchanged:
				p.out.Status = Unchanged
			default:
				p.out.Status, p.out.Rows, p.out.Deleted = Ingested, res.Rows, res.Deleted
				// Each file's own checksum, for lineage of multi-file
				// datasets (the version's checksum is a hash of hashes).
				if ferr := st.RecordVersionFiles(ctx, res.VersionID, p.files); ferr != nil {
					p.out.Error = "recording the files' checksums: " + ferr.Error()
					opts.Logger.Warn("recording version files failed", "dataset", p.ds.ID, "err", ferr)
				}
				if opts.AfterIngest != nil {
					if herr := opts.AfterIngest(ctx, p.ds, res.VersionID); herr != nil {
						p.out.Error = "after ingest: " + herr.Error()
						opts.Logger.Warn("after-ingest hook failed", "dataset", p.ds.ID, "err", herr)
					}
				}
			}
			if err == nil {
				if ferr := recordSuccess(ctx, st, p.ds.ID, p.version, opts); ferr != nil {
					storeErr = ferr
				}
			}
		}
		if p.out.Err != nil {
			p.out.Status = Failed
			p.out.Error = p.out.Err.Error()
			// The caller reports failures (update's table and summary, watch's
			// log); this line is for debugging only.
			opts.Logger.Debug("update failed", "dataset", p.ds.ID, "err", p.out.Err)
			src := firstURL(p.ds)
			if opts.Mirror != "" {
				src = filepath.Join(opts.Mirror, p.ds.Files[0].Path)
			}
			_ = st.RecordFetchFailure(ctx, p.ds.ID, src, opts.Now(), p.out.Error)
		} else {
			opts.Logger.Info("updated", "dataset", p.ds.ID, "status", p.out.Status, "rows", p.out.Rows)
		}
		p.out.Duration = time.Since(p.start)
		outcomes[p.index] = p.out
		done[p.index] = true
		if opts.OnDone != nil {
			opts.OnDone(p.out)
		}
	}
	for i, ok := range done {
		if !ok {
			outcomes[i] = Outcome{Dataset: datasets[i].ID, Status: Failed, Err: ctx.Err(), Error: fmt.Sprint(ctx.Err())}
		}
	}
	if storeErr == nil {
		storeErr = ctx.Err()
	}
	return outcomes, storeErr
}

func firstURL(d catalog.Dataset) string {
	if len(d.Files) == 0 {
		return ""
	}
	return d.Files[0].URL
}

// prepare fetches and parses every file of a dataset. When the bytes are
// those of the stored current version, parsing is skipped.
func prepare(ctx context.Context, st *store.Store, index int, ds catalog.Dataset, opts Options) prepared {
	p := prepared{index: index, ds: ds, out: Outcome{Dataset: ds.ID}, start: time.Now()}
	parser, ok := registry.Lookup(ds.Format)
	if !ok {
		p.out.Err = fmt.Errorf("%s: no parser for format %q", ds.ID, ds.Format)
		return p
	}
	cur, hasCur, err := st.CurrentVersion(ctx, ds.ID)
	if err != nil {
		p.out.Err = err
		return p
	}
	var state store.FetchState
	if opts.Mirror == "" && hasCur && len(ds.Files) == 1 {
		if state, err = st.GetFetchState(ctx, ds.ID); err != nil {
			p.out.Err = err
			return p
		}
	}
	type file struct {
		res  fetch.Result
		data []byte
	}
	files := make([]file, 0, len(ds.Files))
	for _, f := range ds.Files {
		var res fetch.Result
		var err error
		if opts.Mirror != "" {
			res, err = fetch.ReadMirror(opts.Mirror, f.Path, opts.MaxBytes)
			if errors.Is(err, fetch.ErrNotInMirror) && !opts.Explicit[ds.ID] {
				p.out.Status, p.out.Error = Skipped, err.Error()
				return p
			}
		} else {
			url := f.URL
			if opts.URLFor != nil {
				url = opts.URLFor(f)
			}
			res, err = opts.Fetcher.Get(ctx, fetch.Request{URL: url, BrowserUA: ds.BrowserUA, ETag: state.ETag, LastModified: state.LastModified})
		}
		if err != nil {
			p.out.Err = fmt.Errorf("%s: %w", ds.ID, err)
			return p
		}
		if res.NotModified {
			p.out.Status, p.out.Source = NotModified, res.Source
			if err := st.RecordFetchSuccess(ctx, ds.ID, res.Source, state.ETag, state.LastModified, opts.Now()); err != nil {
				p.out.Err = err
			}
			return p
		}
		files = append(files, file{res: res, data: res.Body})
	}
	// The version's checksum is the file's sha256; for a multi-file dataset it
	// is the sha256 of the files' checksums in catalog order.
	var sum string
	var size int64
	var sources []string
	if len(files) == 1 {
		h := sha256.Sum256(files[0].data)
		sum = hex.EncodeToString(h[:])
	} else {
		outer := sha256.New()
		for _, f := range files {
			h := sha256.Sum256(f.data)
			outer.Write(h[:])
		}
		sum = hex.EncodeToString(outer.Sum(nil))
	}
	for _, f := range files {
		size += int64(len(f.data))
		sources = append(sources, f.res.Source)
		h := sha256.Sum256(f.data)
		p.files = append(p.files, store.VersionFile{Path: f.res.Source, SHA256: hex.EncodeToString(h[:]), Size: int64(len(f.data))})
	}
	p.out.SHA256, p.out.Source = sum, strings.Join(sources, " ")
	p.version = store.VersionInfo{
		Dataset: ds.ID, ProducerVersion: ds.Version, Source: p.out.Source, SHA256: sum, Size: size,
		Retrieved: files[0].res.Retrieved, ETag: files[0].res.ETag, LastModified: files[0].res.LastModified,
		AllowShrink: opts.AllowShrink,
	}
	if hasCur && cur.SHA256 == sum {
		p.out.Status = Unchanged
		_ = recordSuccess(ctx, st, ds.ID, p.version, opts)
		return p
	}
	merged := &obs.Parsed{}
	for i, f := range files {
		parsed, err := parser(displayName(ds.Files[i], opts.Mirror), f.data, ds.Indicators)
		if err != nil {
			p.out.Err = err
			return p
		}
		merged.Series = append(merged.Series, parsed.Series...)
		merged.Climatologies = append(merged.Climatologies, parsed.Climatologies...)
	}
	if err := checkIndicators(ds, merged); err != nil {
		p.out.Err = err
		return p
	}
	if err := checkPlausible(ds, merged, displayName(ds.Files[0], opts.Mirror)); err != nil {
		p.out.Err = err
		return p
	}
	p.parsed = merged
	return p
}

// checkPlausible fails on the first value outside its indicator's
// plausible range (catalog.Indicator.Plausible), naming the file, the
// series, the date and the value: such a value is a damaged row or a
// missing-value marker the parser did not know, never data.
func checkPlausible(ds catalog.Dataset, p *obs.Parsed, file string) error {
	ranges := map[string]catalog.Range{}
	for _, ind := range ds.Indicators {
		if r, ok := ind.Plausible(); ok {
			ranges[ind.ID] = r
		}
	}
	for _, se := range p.Series {
		r, ok := ranges[se.Indicator]
		if !ok {
			continue
		}
		// Derived values (shares computed from a sum) may pass a bound by a
		// rounding error; 1e-9 of the bound is allowed.
		lo, hi := r.Min-1e-9*math.Max(1, math.Abs(r.Min)), r.Max+1e-9*math.Max(1, math.Abs(r.Max))
		for _, pt := range se.Points {
			if pt.Value < lo || pt.Value > hi || math.IsNaN(pt.Value) {
				name := se.Indicator
				if se.Entity != "" {
					name += " " + se.Entity
				}
				return fmt.Errorf("%s: %s on %s: %v %s is outside the plausible range %v to %v; a damaged row or a missing-value marker written an unexpected way, not a measurement",
					file, name, pt.Date.Format(se.Frequency), pt.Value, se.Unit, r.Min, r.Max)
			}
		}
	}
	return nil
}

// displayName is the file name used in parse errors: the mirror path when
// reading a mirror, the URL otherwise.
func displayName(f catalog.File, mirror string) string {
	if mirror != "" {
		return f.Path
	}
	return f.URL
}

// checkIndicators verifies that a parsed dataset yields exactly the catalog's
// indicators, each with at least one point, so that a producer changing its
// layout is caught at ingest instead of leaving an indicator silently empty.
func checkIndicators(ds catalog.Dataset, p *obs.Parsed) error {
	declared := map[string]catalog.Indicator{}
	for _, ind := range ds.Indicators {
		declared[ind.ID] = ind
	}
	points := map[string]int{}
	for _, s := range p.Series {
		ind, ok := declared[s.Indicator]
		if !ok {
			return fmt.Errorf("%s: parser produced undeclared indicator %q", ds.ID, s.Indicator)
		}
		if s.Unit != ind.Unit || s.Frequency != ind.Frequency {
			return fmt.Errorf("%s: indicator %s parsed as %s %s, catalog says %s %s", ds.ID, s.Indicator, s.Unit, s.Frequency, ind.Unit, ind.Frequency)
		}
		points[s.Indicator] += len(s.Points)
	}
	for _, ind := range ds.Indicators {
		if points[ind.ID] == 0 {
			return fmt.Errorf("%s: no data found for indicator %s (column %q): the file's layout may have changed", ds.ID, ind.ID, ind.Column)
		}
	}
	return nil
}
