package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// reply is what a route handler produces: the whole body (the data are
// small, so every body is built in memory), its media type and the extra
// headers that go with it.
type reply struct {
	body     []byte
	ctype    string
	filename string // Content-Disposition attachment name, "" for inline
	source   string // X-Stocktake-Source header, "" for none
	noStore  bool   // never cache (health, metrics)
}

// entry is a cached reply with its validators and, built on first demand,
// its gzip encoding.
type entry struct {
	reply
	// file, when not "", holds a copy of body on disk, so that the identity
	// encoding of a large body is sent with sendfile(2) instead of being
	// copied through user space (see spillMin). The file is removed when the
	// entry is garbage: an open descriptor still reads it on Linux.
	file   string
	etag   string // strong ETag of the identity encoding, quoted
	gzETag string // etag with "-gz" appended inside the quotes, for the gzip encoding
	gzOnce sync.Once
	gz     []byte // gzip encoding; nil when not worth compressing

	// deps are the datasets the reply was computed from, when tracked is
	// true (the route reads the store only through the cache); an entry
	// whose datasets are all unchanged by an update stays valid for the
	// next data version. Untracked entries are dropped by every update.
	deps    []string
	tracked bool
	// rt and target (path and query) let a rebuild recompute the entry
	// for the next data version (see Server.rebuild).
	rt     *route
	target string
	// versionH, when not nil, is the X-Stocktake-Data-Version header of an
	// answer computed from data newer than its cache's version (the store
	// moved on while it was computed; see genCache.consistent). Such an
	// entry is never kept in the cache.
	versionH []string
}

// newEntry computes the strong ETags of a reply: the first 128 bits of the
// body's sha256, in hex, and the same with "-gz" for the gzip encoding.
func newEntry(rp reply) *entry {
	sum := sha256.Sum256(rp.body)
	h := hex.EncodeToString(sum[:16])
	return &entry{reply: rp, etag: `"` + h + `"`, gzETag: `"` + h + `-gz"`}
}

// spillMin is the body size, in bytes, from which a cached body is also
// written to disk and sent with sendfile(2): below it, the copy through user
// space costs less than opening the file.
const spillMin = 64 << 10

// spillTo returns a spill function that writes entries' bodies into dir.
// Errors leave the entry in memory only (it is still served, by copying).
func spillTo(dir string) func(*entry) {
	return func(e *entry) {
		f, err := os.CreateTemp(dir, "body-*")
		if err != nil {
			return
		}
		_, werr := f.Write(e.body)
		if cerr := f.Close(); werr != nil || cerr != nil {
			os.Remove(f.Name())
			return
		}
		e.file = f.Name()
		runtime.AddCleanup(e, func(name string) { os.Remove(name) }, e.file)
	}
}

// compressible reports whether the media type is text that gzip shrinks.
func compressible(ctype string) bool {
	return !strings.HasPrefix(ctype, "image/png")
}

// gzipped returns the gzip encoding of the body, or nil when the body is
// under 1 KiB or not text.
func (e *entry) gzipped() []byte {
	e.gzOnce.Do(func() {
		if len(e.body) < 1024 || !compressible(e.ctype) {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
		zw.Write(e.body)
		zw.Close()
		e.gz = b.Bytes()
	})
	return e.gz
}

// size is the number of bytes the entry is accounted for in the cache:
// both encodings, the media type and a fixed overhead.
func (e *entry) size() int { return len(e.body) + len(e.gz) + len(e.ctype) + 256 }

// call is one computation in flight that concurrent requests for the same
// key wait for instead of repeating it.
type call struct {
	done chan struct{}
	e    *entry
	err  error
}

// seriesKey names one stored series: dataset, indicator and entity.
type seriesKey struct{ dataset, indicator, entity string }

// loaded is a series read from the store, or the not-found error of the
// read.
type loaded struct {
	se  obs.Series
	src store.Source
	err error
}

// loadedAll is every entity's series of a national indicator, or the
// not-found error of the read.
type loadedAll struct {
	all []obs.Series
	src store.Source
	err error
}

// genCache holds everything computed from one data version: response
// bodies by request key and the series read from the store. When the data
// version changes, a new genCache inherits from the old one what does not
// depend on the datasets that changed (see inherit). Cached series are
// shared and must never be modified.
type genCache struct {
	gen uint64
	// datasets holds, per dataset, the id of its newest version row (see
	// readGeneration); top is the largest of them, the store's Generation
	// when the cache was made. Loads check the data they read against them.
	datasets map[string]uint64
	top      uint64
	st       *store.Store // the store the computations read (nil: no consistency check)
	recheck  func()       // asks the server to re-read the data version soon (nil: nothing)
	spill    func(*entry) // writes a large body to disk (nil: keep in memory only)
	version  string       // dataVersion(gen)
	versionH []string     // the X-Stocktake-Data-Version header value
	maxBytes int

	mu       sync.Mutex
	entries  map[string]*entry
	bytes    int
	inflight map[string]*call

	smu    sync.Mutex
	series map[seriesKey]*loaded
	all    map[string]*loadedAll // by dataset + "\x00" + indicator
	// signs memoises the overview's vital signs (without their age) by
	// dataset and indicator, so that an update recomputes only the signs of
	// the datasets it changed.
	signs map[signKey]signMemo
}

// signKey names one computed vital sign.
type signKey struct{ dataset, indicator string }

// signMemo is a computed vital sign, whether anything is stored for it and
// the date of its latest value (YYYY-MM-DD, YYYY-MM or YYYY).
type signMemo struct {
	sg     Sign
	ok     bool
	latest string
}

// newGenCache returns the empty cache of data version gen, holding up to
// maxBytes of response bodies.
func newGenCache(gen uint64, maxBytes int) *genCache {
	v := dataVersion(gen)
	return &genCache{gen: gen, version: v, versionH: []string{v}, maxBytes: maxBytes, entries: map[string]*entry{}, inflight: map[string]*call{},
		series: map[seriesKey]*loaded{}, all: map[string]*loadedAll{}, signs: map[signKey]signMemo{}}
}

// lookup returns the cached entry for key, if any.
func (c *genCache) lookup(key string) *entry {
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	return e
}

// get returns the cached entry for key, computing it with fn at most once
// at a time per key. Errors are returned to every waiter and not cached.
// rt and target name the request (for a later rebuild); the computation's
// reads through the cache are recorded as the entry's dependencies.
func (c *genCache) get(ctx context.Context, key string, rt *route, target string, fn func(ctx context.Context) (reply, error)) (*entry, bool, error) {
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		c.mu.Unlock()
		return e, true, nil
	}
	if cl, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.e, true, cl.err
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[key] = cl
	c.mu.Unlock()

	dctx, deps := withDeps(ctx)
	rp, err := fn(dctx)
	var newer *view
	if err == nil {
		newer, err = c.consistent(ctx, rt, deps)
	}
	if err == nil {
		cl.e = newEntry(rp)
		cl.e.deps, cl.e.tracked, cl.e.rt, cl.e.target = deps.list(), rt != nil && !rt.untracked, rt, target
		if newer != nil {
			cl.e.versionH = []string{dataVersion(newer.gen)}
		}
		if c.spill != nil && !rp.noStore && newer == nil && len(rp.body) >= spillMin {
			c.spill(cl.e)
		}
	}
	cl.err = err
	c.mu.Lock()
	delete(c.inflight, key)
	if err == nil && !rp.noStore && newer == nil {
		c.put(key, cl.e)
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.e, false, err
}

// put stores e, evicting random entries (Go's map order) until the bodies
// fit in maxBytes. The gzip encoding is not counted until it exists, which
// the bound tolerates: it is smaller than the body. c.mu must be held.
func (c *genCache) put(key string, e *entry) {
	n := e.size() + len(e.body)/4 // room for the gzip encoding to come
	if n > c.maxBytes/4 {
		return // too big to keep: compute it each time
	}
	for k, old := range c.entries {
		if c.bytes+n <= c.maxBytes {
			break
		}
		c.bytes -= old.size() + len(old.body)/4
		delete(c.entries, k)
	}
	c.entries[key] = e
	c.bytes += n
}

// stats returns the number of cached responses and their accounted bytes.
func (c *genCache) stats() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}

// loadSeries returns one stored series and its provenance, reading it from
// the store on first use. Not-found answers are cached too; other errors
// (a cancelled request) are not. A series is cached only when it is the
// data of the cache's version (see read).
func (c *genCache) loadSeries(ctx context.Context, st *store.Store, dataset, indicator, entity string) (obs.Series, store.Source, error) {
	k := seriesKey{dataset, indicator, entity}
	c.smu.Lock()
	l, ok := c.series[k]
	c.smu.Unlock()
	if ok {
		recordLoad(ctx, dataset, c.datasets[dataset], nil)
		return l.se, l.src, l.err
	}
	var se obs.Series
	var src store.Source
	current, err := c.read(ctx, st, dataset, func(sn *store.Snapshot) (err error) {
		se, src, err = sn.SeriesByID(ctx, dataset, indicator, entity)
		return err
	})
	if current && (err == nil || errors.Is(err, store.ErrNotFound)) {
		c.smu.Lock()
		c.series[k] = &loaded{se, src, err}
		c.smu.Unlock()
	}
	return se, src, err
}

// loadAll returns every entity's series of a national indicator, reading
// them on first use (see loadSeries for what is cached).
func (c *genCache) loadAll(ctx context.Context, st *store.Store, ref catalog.Ref) ([]obs.Series, store.Source, error) {
	dataset := ref.Dataset.ID
	k := dataset + "\x00" + ref.Indicator.ID
	c.smu.Lock()
	l, ok := c.all[k]
	c.smu.Unlock()
	if ok {
		recordLoad(ctx, dataset, c.datasets[dataset], nil)
		return l.all, l.src, l.err
	}
	var all []obs.Series
	var src store.Source
	current, err := c.read(ctx, st, dataset, func(sn *store.Snapshot) (err error) {
		all, src, err = sn.AllSeries(ctx, ref)
		return err
	})
	if current && (err == nil || errors.Is(err, store.ErrNotFound)) {
		c.smu.Lock()
		c.all[k] = &loadedAll{all, src, err}
		c.smu.Unlock()
	}
	return all, src, err
}

// loadSeriesWindow returns the points of one stored series dated in w.
// When the whole series is cached, the window is cut from it (the points
// are shared, never modified); otherwise only the window is read from the
// store, checked and recorded like loadSeries, and not cached.
func (c *genCache) loadSeriesWindow(ctx context.Context, st *store.Store, dataset, indicator, entity string, w store.Window) (obs.Series, store.Source, error) {
	c.smu.Lock()
	l, ok := c.series[seriesKey{dataset, indicator, entity}]
	c.smu.Unlock()
	if ok {
		recordLoad(ctx, dataset, c.datasets[dataset], nil)
		if l.err != nil {
			return l.se, l.src, l.err
		}
		return cutWindow(l.se, w), l.src, nil
	}
	var se obs.Series
	var src store.Source
	_, err := c.read(ctx, st, dataset, func(sn *store.Snapshot) (err error) {
		se, src, err = sn.SeriesWindow(ctx, dataset, indicator, entity, w)
		return err
	})
	return se, src, err
}

// loadAllWindow is loadSeriesWindow for every entity's series of a
// national indicator, restricted to entities when not nil. As with
// store.AllSeriesWindow, series with no point in w are left out.
func (c *genCache) loadAllWindow(ctx context.Context, st *store.Store, ref catalog.Ref, w store.Window, entities []string) ([]obs.Series, store.Source, error) {
	dataset := ref.Dataset.ID
	c.smu.Lock()
	l, ok := c.all[dataset+"\x00"+ref.Indicator.ID]
	c.smu.Unlock()
	if ok {
		recordLoad(ctx, dataset, c.datasets[dataset], nil)
		if l.err != nil {
			return nil, l.src, l.err
		}
		var keep map[string]bool
		if len(entities) > 0 {
			keep = make(map[string]bool, len(entities))
			for _, e := range entities {
				keep[e] = true
			}
		}
		var out []obs.Series
		for _, se := range l.all {
			if keep != nil && !keep[se.Entity] {
				continue
			}
			if cw := cutWindow(se, w); len(cw.Points) > 0 {
				out = append(out, cw)
			}
		}
		return out, l.src, nil
	}
	var all []obs.Series
	var src store.Source
	_, err := c.read(ctx, st, dataset, func(sn *store.Snapshot) (err error) {
		all, src, err = sn.AllSeriesWindow(ctx, ref, w, entities)
		return err
	})
	return all, src, err
}

// cutWindow returns se with only its points dated in w, sharing the
// points of se (sorted by date).
func cutWindow(se obs.Series, w store.Window) obs.Series {
	pts := se.Points
	i := sort.Search(len(pts), func(i int) bool { return pts[i].Date >= w.From })
	j := sort.Search(len(pts), func(j int) bool { return pts[j].Date > w.To })
	if i >= j {
		se.Points = nil
	} else {
		se.Points = pts[i:j:j]
	}
	return se
}

// view is the data version of a store snapshot: its generation hash and
// the newest version id of each dataset (see generationOf).
type view struct {
	gen      uint64
	datasets map[string]uint64
	top      uint64
}

// read runs f (a read of dataset's data) in one store snapshot, together
// with the dataset's newest version id, and reports whether the data read
// are those of the cache's version. When they are not (an ingest committed
// after the cache's version was read), the snapshot's whole data version is
// recorded on ctx, so that the answer is sent with that version and not
// cached (see consistent), and the server is asked to re-read the data
// version. f's error is returned as it is; a not-found error still counts
// as a read of the dataset.
func (c *genCache) read(ctx context.Context, st *store.Store, dataset string, f func(*store.Snapshot) error) (bool, error) {
	sn, err := st.Snapshot(ctx)
	if err != nil {
		return false, err
	}
	defer sn.Close()
	ferr := f(sn)
	if ferr != nil && !errors.Is(ferr, store.ErrNotFound) {
		return false, ferr
	}
	id, err := sn.DataVersion(ctx, dataset)
	if err != nil {
		return false, err
	}
	// An absent dataset counts as id 0 (nothing stored), which
	// DataVersion also returns for it.
	if c.datasets != nil && uint64(id) == c.datasets[dataset] {
		recordLoad(ctx, dataset, uint64(id), nil)
		return true, ferr
	}
	vs, err := sn.Versions(ctx, "")
	if err != nil {
		return false, err
	}
	v := generationOf(vs)
	recordLoad(ctx, dataset, uint64(id), &v)
	if c.recheck != nil {
		c.recheck()
	}
	return false, ferr
}

// errChanged answers a computation that read data of different versions
// (the store changed in the middle of it): it is retried once on the new
// version, then the client is told to retry.
var errChanged = &apiError{http.StatusServiceUnavailable, "the data changed while the answer was computed; retry"}

// consistent checks that a finished computation read the data of one
// version. It returns nil when everything it read is the cache's version;
// a view when every dataset it read is that newer version's (the answer is
// then sent with that view's data version and not cached); errChanged when
// its reads mix versions. Reads not checked by read (untracked routes, the
// lineage of a value) are checked by re-reading the store's generation:
// unchanged since the cache's version was read means that every read in
// between saw that version, since version ids only grow.
func (c *genCache) consistent(ctx context.Context, rt *route, d *depSet) (*view, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c.st != nil && (d.unchecked || rt != nil && rt.untracked) {
		top, err := c.st.Generation(ctx)
		if err != nil {
			return nil, err
		}
		if uint64(top) != c.top || d.newest != nil {
			if c.recheck != nil {
				c.recheck()
			}
			return nil, errChanged
		}
	}
	if d.newest == nil {
		return nil, nil
	}
	for ds, id := range d.used {
		if d.newest.datasets[ds] != id {
			return nil, errChanged
		}
	}
	return d.newest, nil
}

// readsCurrent reports whether every read made so far by the computation
// of ctx is of the cache's data version, so that what it derived may be
// memoised in the cache.
func readsCurrent(ctx context.Context) bool {
	d, ok := ctx.Value(depKey{}).(*depSet)
	if !ok {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.newest == nil
}

// depSet collects the datasets one computation reads and, for the reads
// checked by genCache.read, the version of each dataset they saw.
type depSet struct {
	mu sync.Mutex
	m  map[string]bool
	// used is the newest version id of each dataset as the computation's
	// checked reads saw it.
	used map[string]uint64
	// newest is the data version of the newest snapshot among the reads
	// that found the store ahead of the cache; nil when none did.
	newest *view
	// unchecked is set when the computation read the store directly
	// (recordDep without a checked load).
	unchecked bool
}

type depKey struct{}

// withDeps returns a context whose reads through the cache are recorded in
// the returned set.
func withDeps(ctx context.Context) (context.Context, *depSet) {
	d := &depSet{m: map[string]bool{}, used: map[string]uint64{}}
	return context.WithValue(ctx, depKey{}, d), d
}

// recordDep notes that the computation of ctx read dataset directly from
// the store, a read that genCache.consistent checks afterwards.
func recordDep(ctx context.Context, dataset string) {
	if d, ok := ctx.Value(depKey{}).(*depSet); ok {
		d.mu.Lock()
		d.m[dataset] = true
		d.unchecked = true
		d.mu.Unlock()
	}
}

// recordLoad notes that the computation of ctx read dataset's data of
// version id (its newest version row), from a snapshot whose data version
// is v when that is newer than the cache's (nil otherwise).
func recordLoad(ctx context.Context, dataset string, id uint64, v *view) {
	d, ok := ctx.Value(depKey{}).(*depSet)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m[dataset] = true
	d.used[dataset] = id
	if v != nil && (d.newest == nil || v.top > d.newest.top) {
		d.newest = v
	}
}

// list returns the recorded datasets.
func (d *depSet) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.m))
	for k := range d.m {
		out = append(out, k)
	}
	return out
}

// unchanged reports whether dataset has the same versions in c and old
// (absent from both counts as unchanged: nothing stored then or now).
func (c *genCache) unchanged(old *genCache, dataset string) bool {
	a, okA := c.datasets[dataset]
	b, okB := old.datasets[dataset]
	return okA == okB && a == b
}

// inherit copies from old the loaded series and the tracked responses that
// depend only on datasets whose versions did not change, and returns the
// entries of old that were not copied (to be rebuilt or dropped).
func (c *genCache) inherit(old *genCache) []*entry {
	if old == nil || old.datasets == nil || c.datasets == nil {
		return nil
	}
	old.smu.Lock()
	for k, l := range old.series {
		if c.unchanged(old, k.dataset) {
			c.series[k] = l
		}
	}
	for k, l := range old.all {
		ds, _, _ := strings.Cut(k, "\x00")
		if c.unchanged(old, ds) {
			c.all[k] = l
		}
	}
	for k, m := range old.signs {
		if c.unchanged(old, k.dataset) {
			c.signs[k] = m
		}
	}
	old.smu.Unlock()
	var stale []*entry
	old.mu.Lock()
	defer old.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range old.entries {
		keep := e.tracked
		for _, d := range e.deps {
			keep = keep && c.unchanged(old, d)
		}
		if keep {
			c.put(k, e)
		} else {
			stale = append(stale, e)
		}
	}
	return stale
}
