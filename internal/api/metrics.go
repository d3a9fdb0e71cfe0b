package api

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// routeMetrics are the counters of one route, updated without locks.
type routeMetrics struct {
	name    string
	buckets []atomic.Uint64 // cumulative counts are computed when written
	count   atomic.Uint64
	sumNs   atomic.Uint64
	codes   sync.Map // status code (int) -> *atomic.Uint64
}

// observe counts one request answered with status after d.
func (m *routeMetrics) observe(status int, d time.Duration) {
	sec := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, sec)
	if i < len(m.buckets) {
		m.buckets[i].Add(1)
	}
	m.count.Add(1)
	m.sumNs.Add(uint64(d))
	c, ok := m.codes.Load(status)
	if !ok {
		c, _ = m.codes.LoadOrStore(status, new(atomic.Uint64))
	}
	c.(*atomic.Uint64).Add(1)
}

// metrics are the server's counters for /metrics.
type metrics struct {
	mu            sync.Mutex
	routes        map[string]*routeMetrics
	order         []string
	hits, misses  atomic.Uint64
	invalidations atomic.Uint64
	started       time.Time
}

// newMetrics returns the counters of the routes rs, all listed from the
// start (at zero) so that every route appears in /metrics.
func newMetrics(rs []*route) *metrics {
	m := &metrics{routes: map[string]*routeMetrics{}, started: time.Now()}
	for _, r := range rs {
		m.forRoute(r.name)
	}
	return m
}

// forRoute returns the counters of the route name, creating them on first
// use.
func (m *metrics) forRoute(name string) *routeMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	if rm, ok := m.routes[name]; ok {
		return rm
	}
	rm := &routeMetrics{name: name, buckets: make([]atomic.Uint64, len(latencyBuckets))}
	m.routes[name] = rm
	m.order = append(m.order, name)
	return rm
}

// cache counts one response served from the cache (hit) or computed.
func (m *metrics) cache(hit bool) {
	if hit {
		m.hits.Add(1)
	} else {
		m.misses.Add(1)
	}
}

// labelEscaper escapes a label value for the text exposition format.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// escapeLabel escapes a label value for the text exposition format.
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// writeMetrics writes every metric in the Prometheus text exposition format
// (version 0.0.4). Times are Unix seconds; latencies are seconds.
func (s *Server) writeMetrics(ctx context.Context, w io.Writer) error {
	m := s.metrics
	m.mu.Lock()
	names := append([]string(nil), m.order...)
	m.mu.Unlock()
	sort.Strings(names)

	fmt.Fprintf(w, "# HELP stocktake_build_info Version of the running stocktake.\n# TYPE stocktake_build_info gauge\n")
	fmt.Fprintf(w, "stocktake_build_info{version=\"%s\",go=\"%s\"} 1\n", escapeLabel(s.opts.Version), runtime.Version())
	fmt.Fprintf(w, "# HELP stocktake_start_time_seconds When the API handler was created (Unix seconds).\n# TYPE stocktake_start_time_seconds gauge\n")
	fmt.Fprintf(w, "stocktake_start_time_seconds %d\n", m.started.Unix())

	fmt.Fprintf(w, "# HELP stocktake_http_requests_total HTTP requests by route and status code.\n# TYPE stocktake_http_requests_total counter\n")
	for _, n := range names {
		rm := m.routes[n]
		var codes []int
		rm.codes.Range(func(k, _ any) bool { codes = append(codes, k.(int)); return true })
		sort.Ints(codes)
		for _, c := range codes {
			v, _ := rm.codes.Load(c)
			fmt.Fprintf(w, "stocktake_http_requests_total{route=\"%s\",code=\"%d\"} %d\n", escapeLabel(n), c, v.(*atomic.Uint64).Load())
		}
	}
	fmt.Fprintf(w, "# HELP stocktake_http_request_duration_seconds Time to answer HTTP requests, by route.\n# TYPE stocktake_http_request_duration_seconds histogram\n")
	for _, n := range names {
		rm := m.routes[n]
		count := rm.count.Load()
		var cum uint64
		for i, le := range latencyBuckets {
			cum += rm.buckets[i].Load()
			fmt.Fprintf(w, "stocktake_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", escapeLabel(n), le, cum)
		}
		fmt.Fprintf(w, "stocktake_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", escapeLabel(n), count)
		fmt.Fprintf(w, "stocktake_http_request_duration_seconds_sum{route=\"%s\"} %g\n", escapeLabel(n), float64(rm.sumNs.Load())/1e9)
		fmt.Fprintf(w, "stocktake_http_request_duration_seconds_count{route=\"%s\"} %d\n", escapeLabel(n), count)
	}

	gc := s.gen.Load()
	entries, bytes := gc.stats()
	fmt.Fprintf(w, "# HELP stocktake_cache_hits_total Responses served from the in-memory cache.\n# TYPE stocktake_cache_hits_total counter\nstocktake_cache_hits_total %d\n", m.hits.Load())
	fmt.Fprintf(w, "# HELP stocktake_cache_misses_total Responses computed because they were not cached.\n# TYPE stocktake_cache_misses_total counter\nstocktake_cache_misses_total %d\n", m.misses.Load())
	fmt.Fprintf(w, "# HELP stocktake_cache_entries Responses held in the cache.\n# TYPE stocktake_cache_entries gauge\nstocktake_cache_entries %d\n", entries)
	fmt.Fprintf(w, "# HELP stocktake_cache_bytes Bytes accounted to cached responses.\n# TYPE stocktake_cache_bytes gauge\nstocktake_cache_bytes %d\n", bytes)
	fmt.Fprintf(w, "# HELP stocktake_cache_invalidations_total Times the cache was dropped because the data changed (or Invalidate was called).\n# TYPE stocktake_cache_invalidations_total counter\nstocktake_cache_invalidations_total %d\n", m.invalidations.Load())

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "# HELP go_memstats_heap_inuse_bytes Bytes in in-use heap spans.\n# TYPE go_memstats_heap_inuse_bytes gauge\ngo_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
	fmt.Fprintf(w, "# HELP go_memstats_sys_bytes Bytes obtained from the operating system.\n# TYPE go_memstats_sys_bytes gauge\ngo_memstats_sys_bytes %d\n", ms.Sys)
	fmt.Fprintf(w, "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())

	// Per-dataset freshness from the store: the current version of every
	// dataset and the fetch state of those fetched from the network.
	vs, err := s.st.Versions(ctx, "")
	if err != nil {
		return err
	}
	states, err := s.st.FetchStates(ctx)
	if err != nil {
		return err
	}
	type fresh struct {
		retrieved, ingested, success, failure time.Time
		rows                                  int
		versions                              int
		current                               bool
	}
	byDS := map[string]*fresh{}
	get := func(ds string) *fresh {
		f, ok := byDS[ds]
		if !ok {
			f = &fresh{}
			byDS[ds] = f
		}
		return f
	}
	for _, v := range vs {
		f := get(v.Dataset)
		f.versions++
		if v.Current {
			f.current = true
			f.rows += v.Rows
			if v.Retrieved.After(f.retrieved) {
				f.retrieved = v.Retrieved
			}
			if v.Ingested.After(f.ingested) {
				f.ingested = v.Ingested
			}
		}
	}
	for _, st := range states {
		f := get(st.Dataset)
		f.success, f.failure = st.LastSuccess, st.LastFailure
	}
	ds := sortedKeys(byDS)
	unix := func(t time.Time) string { return fmt.Sprintf("%.3f", float64(t.UnixMilli())/1000) }
	fmt.Fprintf(w, "# HELP stocktake_dataset_last_update_timestamp_seconds Last successful update of a dataset: the later of its last successful fetch and the ingest of its current version (Unix seconds).\n# TYPE stocktake_dataset_last_update_timestamp_seconds gauge\n")
	for _, d := range ds {
		f := byDS[d]
		last := f.ingested
		if f.success.After(last) {
			last = f.success
		}
		if !last.IsZero() {
			fmt.Fprintf(w, "stocktake_dataset_last_update_timestamp_seconds{dataset=\"%s\"} %s\n", escapeLabel(d), unix(last))
		}
	}
	fmt.Fprintf(w, "# HELP stocktake_dataset_fetch_success_timestamp_seconds Last successful fetch from the producer (Unix seconds); datasets ingested only from a mirror have none.\n# TYPE stocktake_dataset_fetch_success_timestamp_seconds gauge\n")
	for _, d := range ds {
		if f := byDS[d]; !f.success.IsZero() {
			fmt.Fprintf(w, "stocktake_dataset_fetch_success_timestamp_seconds{dataset=\"%s\"} %s\n", escapeLabel(d), unix(f.success))
		}
	}
	fmt.Fprintf(w, "# HELP stocktake_dataset_fetch_failure_timestamp_seconds Last failed fetch or ingest (Unix seconds).\n# TYPE stocktake_dataset_fetch_failure_timestamp_seconds gauge\n")
	for _, d := range ds {
		if f := byDS[d]; !f.failure.IsZero() {
			fmt.Fprintf(w, "stocktake_dataset_fetch_failure_timestamp_seconds{dataset=\"%s\"} %s\n", escapeLabel(d), unix(f.failure))
		}
	}
	fmt.Fprintf(w, "# HELP stocktake_dataset_retrieved_timestamp_seconds When the current version's bytes were retrieved (Unix seconds).\n# TYPE stocktake_dataset_retrieved_timestamp_seconds gauge\n")
	for _, d := range ds {
		if f := byDS[d]; f.current {
			fmt.Fprintf(w, "stocktake_dataset_retrieved_timestamp_seconds{dataset=\"%s\"} %s\n", escapeLabel(d), unix(f.retrieved))
		}
	}
	fmt.Fprintf(w, "# HELP stocktake_dataset_rows Observations written by the dataset's current version(s).\n# TYPE stocktake_dataset_rows gauge\n")
	for _, d := range ds {
		if f := byDS[d]; f.current {
			fmt.Fprintf(w, "stocktake_dataset_rows{dataset=\"%s\"} %d\n", escapeLabel(d), f.rows)
		}
	}
	fmt.Fprintf(w, "# HELP stocktake_dataset_versions Version rows stored for the dataset (provenance history).\n# TYPE stocktake_dataset_versions gauge\n")
	for _, d := range ds {
		fmt.Fprintf(w, "stocktake_dataset_versions{dataset=\"%s\"} %d\n", escapeLabel(d), byDS[d].versions)
	}
	return nil
}
