// Package api is stocktake's HTTP API: JSON (and CSV, PNG, SVG) views of the
// store that mirror the command line, for the web dashboard and for scripts.
//
// Contracts:
//   - Every endpoint is a GET (HEAD works too) under /api/, except /healthz
//     and /metrics. The OpenAPI 3.1 document at /api/openapi.json lists every
//     route with its parameters; unknown query parameters are refused (400),
//     so that a typo never silently changes an answer.
//   - JSON bodies use the same types as the command line's --json output:
//     present.Series, present.Indicator, the records engine's results
//     (named by internal/query, which computes every number this package
//     shows; the package does not import internal/analysis) and the
//     national results (internal/national).
//   - Errors are JSON {"error": "...", "status": N}: 400 for bad parameters,
//     404 for an unknown indicator, dataset or entity, or when nothing is
//     stored for what was asked, 405 for methods other than GET and HEAD, 500
//     for failures of the server itself.
//   - Responses carry a strong ETag (a hash of the body; "-gz" is appended
//     for the gzip-encoded representation) and answer If-None-Match with 304.
//     Data responses are cached by clients for a short time and must be
//     revalidated (Cache-Control: public, max-age=60, must-revalidate).
//     Requests that carry v=<data version> (the X-Stocktake-Data-Version
//     header of any response) matching the current data version are
//     immutable and cached for a year. Record events (/api/events) and the
//     Atom feed (/feed.xml) are Cache-Control: no-cache: clients revalidate
//     them on every use.
//   - Bodies are gzip-encoded when the client accepts gzip and the body is at
//     least 1 KiB of text.
//   - Responses are computed once per data version and kept in memory (up to
//     Options.CacheBytes); the data version is re-read from the store at most
//     once per Options.CheckInterval, and Invalidate drops everything at once
//     (call it after an ingest in the same process). Record events and the
//     feed are read on every request instead: detection writes events
//     without a new data version.
//   - An answer never mixes data versions, and its X-Stocktake-Data-Version
//     names the data it was computed from: a series is cached only when it
//     was read, in one store snapshot, at the cache's version; an answer
//     computed from newer data (an ingest not yet noticed) names that
//     data's version and is not cached (see genCache.read and
//     genCache.consistent).
package api

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
)

// Options configure the API handler. The zero value works.
type Options struct {
	// Logger receives one Info record per request and Error records for
	// failures; nil discards them.
	Logger *slog.Logger
	// Version is the program's version, reported by /healthz, /metrics and
	// the OpenAPI document.
	Version string
	// UI, when not nil, serves every path outside /api/, /healthz and
	// /metrics (the dashboard's static files, mounted at "/").
	UI http.Handler
	// Now returns the current time (data ages in /api/overview); nil means
	// time.Now.
	Now func() time.Time
	// Stations is the GHCN-Daily station archive read by /api/records-set;
	// nil answers 404 there (the other station routes read the store).
	Stations *stations.Archive
	// CheckInterval is how often, at most, the store's dataset versions are
	// re-read to notice an ingest by another process; 0 means one second.
	CheckInterval time.Duration
	// CacheBytes bounds the memory held by cached response bodies; 0 means
	// 32 MiB. Loaded series are cached besides, whatever their size.
	CacheBytes int
	// MaxAge is the max-age of data responses; 0 means 60 seconds.
	MaxAge time.Duration
	// MaxRenders is the number of charts (PNG, SVG) rendered at once, and
	// the number of PNG or SVG requests served at once; a request that finds
	// every slot taken for 250 ms gets 503 with Retry-After. 0 means half
	// the CPUs, at least one.
	MaxRenders int
	// ChartRate is the number of PNG or SVG pictures per second one client
	// (IPv4 address or IPv6 /64) may fetch after a burst of ChartBurst; a
	// request past it gets 429 with Retry-After (chartguard.go). 0 means 2
	// per second; below 0, no per-client limit. ChartBurst 0 means 20.
	ChartRate  float64
	ChartBurst int
	// ChartRateTotal is the number of PNG or SVG pictures per second the
	// server sends to all clients together (burst: one second's worth); a
	// request past it gets 503 with Retry-After. 0 means 10 per CPU
	// (GOMAXPROCS); below 0, no limit.
	ChartRateTotal float64
}

// Server is the API handler. It is safe for concurrent use.
type Server struct {
	st      *store.Store
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []*route
	metrics *metrics
	dataCC  []string // Cache-Control of data responses

	gen      atomic.Pointer[genCache] // the cache of the current data version
	checked  atomic.Int64             // when the data version was last read (Unix ns)
	checking atomic.Bool              // a request is re-reading the data version
	genMu    sync.Mutex               // serialises re-reads and Invalidate
	building atomic.Bool              // a background rebuild for a new data version is running
	spillMu  sync.Mutex               // guards spillDir
	spillDir string                   // private folder of large cached bodies, made on first use
	noSpill  bool                     // the folder could not be made: keep bodies in memory only
	renders  chan struct{}            // one token per chart render in progress (Options.MaxRenders)
	pictures chan struct{}            // one token per PNG or SVG request in progress (Options.MaxRenders)
	chart    chartGates               // admission of PNG and SVG requests (chartguard.go)
	events   eventStamp               // the stored events' stamp, for routes that embed events (eventstamp.go)
}

// New returns the API handler for st (see the package comment for the
// contracts). The handler's dynamic type is *Server, whose Invalidate method
// drops the cached responses after an ingest.
func New(st *store.Store, opts Options) http.Handler { return NewServer(st, opts) }

// NewServer is New with the concrete type.
func NewServer(st *store.Store, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CheckInterval <= 0 {
		opts.CheckInterval = time.Second
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 32 << 20
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = time.Minute
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.MaxRenders <= 0 {
		opts.MaxRenders = defaultMaxRenders()
	}
	s := &Server{st: st, opts: opts, log: opts.Logger, mux: http.NewServeMux(),
		dataCC: []string{"public, max-age=" + strconv.Itoa(int(opts.MaxAge/time.Second)) + ", must-revalidate"}}
	s.renders = make(chan struct{}, opts.MaxRenders)
	s.pictures = make(chan struct{}, opts.MaxRenders)
	s.initChartGates(&opts)
	s.opts = opts
	s.routes = s.routeTable()
	s.metrics = newMetrics(s.routes)
	for _, rt := range s.routes {
		s.mux.Handle(rt.path, s.wrap(rt))
	}
	s.mux.Handle("/api/", s.wrap(notFoundRoute))
	s.mux.Handle("/share/", s.wrap(s.shareRoute())) // share.go: share links with Open Graph tags
	if opts.UI != nil {
		s.mux.Handle("/", s.wrap(&route{path: "/", name: "ui", ui: opts.UI}))
	} else {
		s.mux.Handle("/", s.wrap(notFoundRoute))
	}
	s.gen.Store(s.newCache(0))
	gen, ds, err := s.readGeneration(context.Background())
	if err != nil {
		s.log.Error("reading dataset versions", "err", err)
	}
	c := s.newCache(gen)
	if err == nil {
		c.setDatasets(ds)
	}
	s.gen.Store(c)
	s.checked.Store(time.Now().UnixNano())
	return s
}

// newCache returns the empty response cache of data version gen.
func (s *Server) newCache(gen uint64) *genCache {
	c := newGenCache(gen, s.opts.CacheBytes)
	c.spill = s.spill
	c.st = s.st
	c.recheck = func() { s.checked.Store(0) }
	return c
}

// setDatasets records in c the newest version id of each dataset (from
// readGeneration) and the largest of them.
func (c *genCache) setDatasets(ds map[string]uint64) {
	c.datasets, c.top = ds, 0
	for _, id := range ds {
		c.top = max(c.top, id)
	}
}

// spill writes a large cached body to the server's private folder, made on
// first use, so that it can be sent with sendfile(2).
func (s *Server) spill(e *entry) {
	s.spillMu.Lock()
	if s.spillDir == "" && !s.noSpill {
		dir, err := os.MkdirTemp("", "stocktake-api-")
		if err != nil {
			s.log.Warn("no folder for large cached bodies; serving them from memory", "err", err)
			s.noSpill = true
		}
		s.spillDir = dir
	}
	dir := s.spillDir
	s.spillMu.Unlock()
	if dir != "" {
		spillTo(dir)(e)
	}
}

// Close removes the server's folder of large cached bodies, if it made one.
// Requests still in flight finish from their open files; later large
// bodies are served from memory.
func (s *Server) Close() error {
	s.spillMu.Lock()
	defer s.spillMu.Unlock()
	dir := s.spillDir
	s.spillDir, s.noSpill = "", true
	if dir == "" {
		return nil
	}
	return os.RemoveAll(dir)
}

// ServeHTTP routes the request. Every response carries
// X-Content-Type-Options: nosniff, and a 503 carries Retry-After. Every
// response is counted in /metrics and logged (finish), whoever wrote it: a
// route, a picture gate in front of the chart route, ServeMux itself, or the
// recovery of a panic.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	sw := &respWriter{ResponseWriter: w}
	defer func() { s.finish(sw, r, start, recover()) }()
	if isPicture(r.URL.Path) {
		// Every picture path is the chart route's: its gates' answers
		// are counted there.
		sw.rm = s.metrics.chart
		// Pictures are large (up to about a megabyte): non-drawn sizes are
		// redirected, each client is rate limited, and at most
		// Options.MaxRenders of them are built or sent at once, so that
		// chart traffic cannot take every CPU from the other endpoints
		// (chartguard.go).
		release, ok := s.admitPicture(sw, r)
		if !ok {
			return
		}
		defer release()
	}
	s.mux.ServeHTTP(sw, r)
}

// Invalidate re-reads the data version from the store and, when it
// changed, swaps in the cache of the new version: it keeps the loaded
// series and cached answers of the datasets that did not change, and
// rebuilds the overview and the daily views that were cached before
// swapping, so that no visitor pays for them. Call it after ingesting in
// the same process; ingests by other processes are noticed within
// Options.CheckInterval (and rebuilt in the background, the old version
// being served meanwhile).
func (s *Server) Invalidate() {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	gen, ds, err := s.readGeneration(context.Background())
	if err != nil {
		s.log.Error("reading dataset versions", "err", err)
		return
	}
	s.swapTo(gen, ds)
	s.checked.Store(time.Now().UnixNano())
	// Events written in this process (detection after the ingest) are
	// seen at once too: the next answer that embeds events re-reads their
	// stamp.
	s.events.checked.Store(0)
}

// swapTo builds the cache of data version gen from the current one and
// swaps it in. s.genMu must be held.
func (s *Server) swapTo(gen uint64, ds map[string]uint64) {
	old := s.gen.Load()
	if old != nil && old.gen == gen && old.datasets != nil {
		return
	}
	next := s.newCache(gen)
	next.setDatasets(ds)
	stale := next.inherit(old)
	s.rebuild(next, stale)
	s.gen.Store(next)
	s.metrics.invalidations.Add(1)
}

// rebuild computes in next the overview (with and without the data
// version, as the dashboard and other clients ask for it) and the stale
// daily views and overviews of the previous version. Failures are logged
// and left to the first request.
func (s *Server) rebuild(next *genCache, stale []*entry) {
	targets := []string{"/api/overview", "/api/overview?v=" + next.version}
	for _, e := range stale {
		if e.rt != nil && (e.rt.name == "getDailyYears" || e.rt.name == "getOverview") {
			targets = append(targets, e.target)
		}
	}
	ctx := context.Background()
	seen := map[string]bool{}
	for _, target := range targets {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			continue
		}
		q := r.URL.Query()
		if q.Has("v") {
			// An answer for the previous version is asked again for the new one.
			q.Set("v", next.version)
			r.URL.RawQuery = q.Encode()
		}
		var rt *route
		for _, x := range s.routes {
			if x.name == "getOverview" && r.URL.Path == "/api/overview" {
				rt = x
			} else if x.name == "getDailyYears" && strings.HasPrefix(r.URL.Path, "/api/daily/") {
				rt = x
				r.SetPathValue("id", strings.TrimPrefix(r.URL.Path, "/api/daily/"))
			}
			if rt != nil {
				break
			}
		}
		key := ""
		if rt != nil {
			key = s.cacheKey(rt, r)
		}
		if rt == nil || seen[key] {
			continue
		}
		seen[key] = true
		_, _, err = next.get(ctx, key, rt, r.URL.RequestURI(), func(ctx context.Context) (reply, error) {
			return rt.fn(s, ctx, next, r, query{q})
		})
		if err != nil {
			s.log.Warn("rebuilding a cached answer for the new data version", "target", target, "err", err)
		}
	}
}

// current returns the cache of the current data version, re-reading the
// version from the store when the last read is older than CheckInterval.
// Only one request at a time re-reads; the others use the cache they have.
// A new version is built in the background (see Invalidate) while the
// previous one is still served, unless nothing was cached yet.
func (s *Server) current(ctx context.Context) *genCache {
	now := time.Now().UnixNano()
	if now-s.checked.Load() >= int64(s.opts.CheckInterval) && !s.building.Load() && s.checking.CompareAndSwap(false, true) {
		defer s.checking.Store(false)
		gen, ds, err := s.readGeneration(ctx)
		s.checked.Store(now)
		if err != nil {
			s.log.Error("reading dataset versions", "err", err)
		} else if cur := s.gen.Load(); gen != cur.gen {
			if n, _ := cur.stats(); n == 0 {
				// Nothing to keep warm: swap at once.
				s.genMu.Lock()
				s.swapTo(gen, ds)
				s.genMu.Unlock()
			} else if s.building.CompareAndSwap(false, true) {
				go func() {
					defer s.building.Store(false)
					s.genMu.Lock()
					defer s.genMu.Unlock()
					s.swapTo(gen, ds)
				}()
			}
		}
	}
	return s.gen.Load()
}

// readGeneration reads, in one store snapshot, every dataset version row
// and returns the data version (see generationOf) and the newest version
// id of each dataset (which datasets changed, and what a cached series must
// have been read from).
func (s *Server) readGeneration(ctx context.Context) (uint64, map[string]uint64, error) {
	sn, err := s.st.Snapshot(ctx)
	if err != nil {
		return 0, nil, err
	}
	defer sn.Close()
	vs, err := sn.Versions(ctx, "")
	if err != nil {
		return 0, nil, err
	}
	v := generationOf(vs)
	return v.gen, v.datasets, nil
}

// generationOf hashes the id and current flag of every dataset version
// row: the data version. Every ingest that writes anything adds a version
// row (and a revert to older bytes adds a new one), rows are never deleted
// and a current flag changes only in the ingest that adds a row, so the
// hash changes exactly when the stored data may have changed, and the
// newest version id of a dataset (datasets) changes exactly when that
// dataset's data may have changed.
func generationOf(vs []store.Version) view {
	h := fnv.New64a()
	v := view{datasets: map[string]uint64{}}
	var b [9]byte
	for _, r := range vs {
		binary.LittleEndian.PutUint64(b[:8], uint64(r.ID))
		b[8] = 0
		if r.Current {
			b[8] = 1
		}
		h.Write(b[:])
		id := uint64(r.ID)
		v.datasets[r.Dataset] = max(v.datasets[r.Dataset], id)
		v.top = max(v.top, id)
	}
	v.gen = h.Sum64()
	return v
}

// dataVersion writes a generation as the opaque string clients see.
func dataVersion(gen uint64) string { return fmt.Sprintf("%016x", gen) }

// acceptsGzip reports whether the Accept-Encoding header allows gzip (a
// q=0 weight refuses it).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			p := strings.ReplaceAll(params, " ", "")
			return p != "q=0" && p != "q=0.0" && p != "q=0.00" && p != "q=0.000"
		}
	}
	return false
}
