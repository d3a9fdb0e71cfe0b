package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"runtime"
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
	gen      uint64
	datasets map[string]uint64 // per dataset, the hash of its version rows (see readGeneration)
	spill    func(*entry)      // writes a large body to disk (nil: keep in memory only)
	version  string            // dataVersion(gen)
	versionH []string          // the X-Stocktake-Data-Version header value
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
	if err == nil {
		cl.e = newEntry(rp)
		cl.e.deps, cl.e.tracked, cl.e.rt, cl.e.target = deps.list(), rt != nil && !rt.untracked, rt, target
		if c.spill != nil && !rp.noStore && len(rp.body) >= spillMin {
			c.spill(cl.e)
		}
	}
	cl.err = err
	c.mu.Lock()
	delete(c.inflight, key)
	if err == nil && !rp.noStore {
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
// (a cancelled request) are not.
func (c *genCache) loadSeries(ctx context.Context, st *store.Store, dataset, indicator, entity string) (obs.Series, store.Source, error) {
	recordDep(ctx, dataset)
	k := seriesKey{dataset, indicator, entity}
	c.smu.Lock()
	l, ok := c.series[k]
	c.smu.Unlock()
	if ok {
		return l.se, l.src, l.err
	}
	se, src, err := st.SeriesByID(ctx, dataset, indicator, entity)
	if err == nil || errors.Is(err, store.ErrNotFound) {
		c.smu.Lock()
		c.series[k] = &loaded{se, src, err}
		c.smu.Unlock()
	}
	return se, src, err
}

// loadAll returns every entity's series of a national indicator, reading
// them on first use (see loadSeries for what is cached).
func (c *genCache) loadAll(ctx context.Context, st *store.Store, ref catalog.Ref) ([]obs.Series, store.Source, error) {
	recordDep(ctx, ref.Dataset.ID)
	k := ref.Dataset.ID + "\x00" + ref.Indicator.ID
	c.smu.Lock()
	l, ok := c.all[k]
	c.smu.Unlock()
	if ok {
		return l.all, l.src, l.err
	}
	all, src, err := st.AllSeries(ctx, ref)
	if err == nil || errors.Is(err, store.ErrNotFound) {
		c.smu.Lock()
		c.all[k] = &loadedAll{all, src, err}
		c.smu.Unlock()
	}
	return all, src, err
}

// depSet collects the datasets one computation reads.
type depSet struct {
	mu sync.Mutex
	m  map[string]bool
}

type depKey struct{}

// withDeps returns a context whose reads through the cache are recorded in
// the returned set.
func withDeps(ctx context.Context) (context.Context, *depSet) {
	d := &depSet{m: map[string]bool{}}
	return context.WithValue(ctx, depKey{}, d), d
}

// recordDep notes that the computation of ctx read dataset.
func recordDep(ctx context.Context, dataset string) {
	if d, ok := ctx.Value(depKey{}).(*depSet); ok {
		d.mu.Lock()
		d.m[dataset] = true
		d.mu.Unlock()
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
