package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/stocktake/stocktake/internal/buildinfo"
)

// /metrics is written with github.com/VictoriaMetrics/metrics: the request
// and cache counters live in a metrics.Set per Server; the Go runtime and
// process metrics (go_*, process_*: CPU, resident memory, open files) come
// from metrics.WriteProcessMetrics; the per-dataset gauges are read from the
// store. No error text is ever put into a metric.

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// datasetMetricsTTL bounds how often a scrape reads the store for the
// per-dataset gauges: scrapes within this time of the last read (and of
// the same data version) reuse its output, so that many scrapers, or one
// scraping often, cost one store read per interval.
const datasetMetricsTTL = 10 * time.Second

// exposeMetadata makes the library write # HELP and # TYPE lines; it is a
// process-wide switch of the library, set once.
var exposeMetadata sync.Once

// routeMetrics are the counters of one route.
type routeMetrics struct {
	set   *vm.Set
	name  string
	hist  *vm.PrometheusHistogram
	codes sync.Map // status code (int) -> *vm.Counter
}

// observe counts one request answered with status after d.
func (m *routeMetrics) observe(status int, d time.Duration) {
	m.hist.Update(d.Seconds())
	c, ok := m.codes.Load(status)
	if !ok {
		name := fmt.Sprintf(`stocktake_http_requests_total{route=%q,code="%d"}`, m.name, status)
		c, _ = m.codes.LoadOrStore(status, m.set.GetOrCreateCounter(name))
	}
	c.(*vm.Counter).Inc()
}

// chartRoute is the name of the chart route (routes.go), whose metrics count
// the answers of the picture gates in front of it (chartguard.go).
const chartRoute = "getChart"

// metrics are the server's counters for /metrics.
type metrics struct {
	set                         *vm.Set
	mu                          sync.Mutex
	routes                      map[string]*routeMetrics
	hits, misses, invalidations *vm.Counter
	started                     time.Time
	// unmatched counts the responses no route claimed (ServeMux's
	// redirects to a canonical path, unknown paths); chart counts the
	// picture gates' answers with the chart route's.
	unmatched, chart *routeMetrics

	dsMu   sync.Mutex // guards the cached dataset gauges below
	dsText []byte     // the per-dataset gauges as last written
	dsGen  uint64     // the data version they were read at
	dsAt   time.Time  // when they were read
}

// newMetrics returns the counters of the routes rs, all listed from the
// start (at zero) so that every route appears in /metrics.
func newMetrics(rs []*route) *metrics {
	exposeMetadata.Do(func() { vm.ExposeMetadata(true) })
	set := vm.NewSet()
	m := &metrics{set: set, routes: map[string]*routeMetrics{}, started: time.Now(),
		hits:          set.NewCounter("stocktake_cache_hits_total"),
		misses:        set.NewCounter("stocktake_cache_misses_total"),
		invalidations: set.NewCounter("stocktake_cache_invalidations_total"),
	}
	for _, r := range rs {
		m.forRoute(r.name)
	}
	m.unmatched, m.chart = m.forRoute(notFoundRoute.name), m.forRoute(chartRoute)
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
	rm := &routeMetrics{set: m.set, name: name,
		hist: m.set.NewPrometheusHistogramExt(fmt.Sprintf(`stocktake_http_request_duration_seconds{route=%q}`, name), latencyBuckets)}
	m.routes[name] = rm
	return rm
}

// cache counts one response served from the cache (hit) or computed.
func (m *metrics) cache(hit bool) {
	if hit {
		m.hits.Inc()
	} else {
		m.misses.Inc()
	}
}

// label quotes a label value for the text exposition format (backslash,
// double quote and newline escaped).
func label(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// writeMetrics writes every metric in the Prometheus text exposition format
// (version 0.0.4). Times are Unix seconds; latencies are seconds.
func (s *Server) writeMetrics(ctx context.Context, w io.Writer) error {
	m := s.metrics
	in := buildinfo.Read()
	vm.WriteGaugeUint64(w, "stocktake_build_info{version="+label(s.opts.Version)+",commit="+label(in.Commit)+
		",goversion="+label(in.GoVersion)+"}", 1)
	vm.WriteGaugeUint64(w, "stocktake_start_time_seconds", uint64(m.started.Unix()))
	gc := s.gen.Load()
	entries, bytes := gc.stats()
	vm.WriteGaugeUint64(w, "stocktake_cache_entries", uint64(entries))
	vm.WriteGaugeUint64(w, "stocktake_cache_bytes", uint64(bytes))
	m.set.WritePrometheus(w)
	writeProcessMetrics(w)
	ds, err := m.datasetGauges(ctx, s, gc.gen)
	if err != nil {
		return err
	}
	_, err = w.Write(ds)
	return err
}

// writeProcessMetrics writes the library's Go runtime and process metrics
// and the open and maximum file descriptors, without go_info_ext, whose
// GOROOT label would disclose a server folder.
func writeProcessMetrics(w io.Writer) {
	var b bytes.Buffer
	vm.WriteProcessMetrics(&b)
	vm.WriteFDMetrics(&b)
	for line := range strings.Lines(b.String()) {
		if strings.HasPrefix(line, "go_info_ext") || strings.HasPrefix(line, "# HELP go_info_ext") ||
			strings.HasPrefix(line, "# TYPE go_info_ext") {
			continue
		}
		io.WriteString(w, line)
	}
}

// datasetGauges returns the per-dataset gauges, read from the store at
// most once per datasetMetricsTTL for the data version gen.
func (m *metrics) datasetGauges(ctx context.Context, s *Server, gen uint64) ([]byte, error) {
	m.dsMu.Lock()
	defer m.dsMu.Unlock()
	if m.dsText != nil && m.dsGen == gen && time.Since(m.dsAt) < datasetMetricsTTL {
		return m.dsText, nil
	}
	b, err := s.readDatasetGauges(ctx)
	if err != nil {
		return nil, err
	}
	m.dsText, m.dsGen, m.dsAt = b, gen, time.Now()
	return b, nil
}

// readDatasetGauges reads from the store the freshness of every dataset:
// its current version and, for those fetched from the network, the times
// of the last fetch success and failure.
func (s *Server) readDatasetGauges(ctx context.Context) ([]byte, error) {
	vs, err := s.st.Versions(ctx, "")
	if err != nil {
		return nil, err
	}
	states, err := s.st.FetchStates(ctx)
	if err != nil {
		return nil, err
	}
	type fresh struct {
		retrieved, ingested, success, failure time.Time
		rows, versions                        int
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
	var b bytes.Buffer
	// gauge writes one family: a # HELP and # TYPE line, then one sample
	// per dataset for which value returns ok.
	gauge := func(name, help string, value func(f *fresh) (string, bool)) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
		for _, d := range ds {
			if v, ok := value(byDS[d]); ok {
				fmt.Fprintf(&b, "%s{dataset=%s} %s\n", name, label(d), v)
			}
		}
	}
	unix := func(t time.Time) (string, bool) {
		return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64), !t.IsZero()
	}
	gauge("stocktake_dataset_last_update_timestamp_seconds", "Last successful update of a dataset: the later of its last successful fetch and the ingest of its current version (Unix seconds).",
		func(f *fresh) (string, bool) {
			last := f.ingested
			if f.success.After(last) {
				last = f.success
			}
			return unix(last)
		})
	gauge("stocktake_dataset_fetch_success_timestamp_seconds", "Last successful fetch from the producer (Unix seconds); datasets ingested only from a mirror have none.",
		func(f *fresh) (string, bool) { return unix(f.success) })
	gauge("stocktake_dataset_fetch_failure_timestamp_seconds", "Last failed fetch or ingest (Unix seconds).",
		func(f *fresh) (string, bool) { return unix(f.failure) })
	gauge("stocktake_dataset_retrieved_timestamp_seconds", "When the current version's bytes were retrieved (Unix seconds).",
		func(f *fresh) (string, bool) { s, _ := unix(f.retrieved); return s, f.current })
	gauge("stocktake_dataset_rows", "Observations written by the dataset's current version(s).",
		func(f *fresh) (string, bool) { return strconv.Itoa(f.rows), f.current })
	gauge("stocktake_dataset_versions", "Version rows stored for the dataset (provenance history).",
		func(f *fresh) (string, bool) { return strconv.Itoa(f.versions), true })
	return b.Bytes(), nil
}
