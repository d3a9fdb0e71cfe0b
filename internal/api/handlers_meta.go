package api

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/buildinfo"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/present"
	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// This file holds the endpoints that are not questions about data: the
// lists of indicators, datasets and versions, events, the feed, health,
// metrics and the OpenAPI document.

// handleIndicators answers GET /api/indicators: the rows of `stocktake list
// --json` (with all=true, also the catalog indicators not stored yet), with
// titles and notes in the request's language.
func handleIndicators(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	all, err := q.boolean("all")
	if err != nil {
		return reply{}, err
	}
	l, err := requestLang(r)
	if err != nil {
		return reply{}, err
	}
	rows, err := qry.Indicators(ctx, s.st, all)
	if err != nil {
		return reply{}, err
	}
	return jsonReply(qry.LocalizeIndicators(l, rows))
}

// handleVersions answers GET /api/versions: the provenance history of
// `stocktake list --datasets --json` (store.Version rows, newest first), for
// one dataset or all.
func handleVersions(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	ds := q.Get("dataset")
	vs, err := s.st.Versions(ctx, ds)
	if err != nil {
		return reply{}, err
	}
	if ds != "" && len(vs) == 0 {
		if _, ok := catalog.DatasetByID(ds); !ok {
			return reply{}, notFound("unknown dataset %q (see /api/datasets)", ds)
		}
	}
	if vs == nil {
		vs = []store.Version{}
	}
	for i := range vs {
		vs[i].Source = publicSource(vs[i].Source)
	}
	return jsonReply(vs)
}

// DatasetInfo is one row of GET /api/datasets: a catalog dataset (or a
// gridded series' dataset), its current stored version (null when nothing
// is stored) and its fetch state (null when it was never fetched from the
// producer, e.g. ingested from a mirror).
type DatasetInfo struct {
	ID         string            `json:"id"`
	Title      string            `json:"title"`
	Producer   string            `json:"producer"`
	Citation   string            `json:"citation,omitempty"`
	Licence    string            `json:"licence"`
	Version    string            `json:"version"`
	URLs       []string          `json:"urls"`
	Indicators []string          `json:"indicators"`
	Current    *store.Version    `json:"current"`
	Fetch      *store.FetchState `json:"fetch"`
}

// handleDatasets answers GET /api/datasets.
func handleDatasets(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	l, err := requestLang(r)
	if err != nil {
		return reply{}, err
	}
	vs, err := s.st.Versions(ctx, "")
	if err != nil {
		return reply{}, err
	}
	states, err := s.st.FetchStates(ctx)
	if err != nil {
		return reply{}, err
	}
	current := map[string]store.Version{}
	for _, v := range vs {
		if _, seen := current[v.Dataset]; !seen && v.Current {
			current[v.Dataset] = v
		}
	}
	fetch := map[string]store.FetchState{}
	for _, f := range states {
		fetch[f.Dataset] = f
	}
	var out []DatasetInfo
	add := func(d DatasetInfo) {
		if v, ok := current[d.ID]; ok {
			v.Source = publicSource(v.Source)
			d.Current = &v
			delete(current, d.ID)
		}
		if f, ok := fetch[d.ID]; ok {
			f.URL = publicSource(f.URL)
			f.LastError = publicSource(f.LastError)
			d.Fetch = &f
		}
		out = append(out, d)
	}
	for _, d := range catalog.Datasets() {
		info := DatasetInfo{ID: d.ID, Title: d.Title, Producer: d.Producer, Citation: d.Citation, Licence: i18n.Text(l, qry.LicenceKey(d.ID), d.Licence),
			Version: d.Version, URLs: []string{}, Indicators: []string{}}
		for _, f := range d.Files {
			info.URLs = append(info.URLs, f.URL)
		}
		for _, ind := range d.Indicators {
			info.Indicators = append(info.Indicators, ind.ID)
		}
		add(info)
	}
	for _, id := range sortedKeys(current) {
		ind := strings.TrimPrefix(id, "grid:")
		ref := present.GridRef(id, ind, "", "")
		add(DatasetInfo{ID: id, Title: ref.Dataset.Title, Producer: ref.Dataset.Producer, Licence: ref.Dataset.Licence,
			Version: ref.Dataset.Version, URLs: []string{}, Indicators: []string{ind}})
	}
	return jsonReply(out)
}

// mirrorPaths are the catalog's file paths relative to a mirror root
// ("nsidc-g02135/S_seaice_extent_daily_v3.0.csv"), longest first.
var mirrorPaths = sync.OnceValue(func() []string {
	var ps []string
	for _, d := range catalog.Datasets() {
		for _, f := range d.Files {
			ps = append(ps, f.Path)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return len(ps[i]) > len(ps[j]) })
	return ps
})

// absPathRe matches an absolute path in free text: a "/" at the start or
// after a space, quote or parenthesis, up to the next space, quote, colon,
// comma or parenthesis.
var absPathRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|[\s"'(])(/[^\s"':,()]+)`) })

// publicSource rewrites a stored source (a URL, or a mirror file's absolute
// path, several separated by spaces) or an error message for the API, so
// that it does not disclose the server's folders: an absolute path that
// ends with a catalog file's mirror path becomes that path, relative to
// the mirror root; any other absolute path (such as a gridded series'
// daily file) becomes its base name. URLs and other text are unchanged.
func publicSource(s string) string {
	return absPathRe().ReplaceAllStringFunc(s, func(m string) string {
		lead := ""
		if m[0] != '/' {
			lead, m = m[:1], m[1:]
		}
		for _, p := range mirrorPaths() {
			if strings.HasSuffix(m, "/"+p) {
				return lead + p
			}
		}
		return lead + path.Base(m)
	})
}

// handleOpenAPI answers GET /api/openapi.json.
func handleOpenAPI(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	return jsonReply(s.openAPI())
}

// Health is the body of GET /healthz.
type Health struct {
	Status      string `json:"status"`  // "ok", or "unavailable" when the store cannot be read
	Version     string `json:"version"` // the program's version (Options.Version)
	Commit      string `json:"commit"`  // the commit it was built from, or "unknown"
	DataVersion string `json:"data_version"`
	Datasets    int    `json:"datasets"` // datasets with a current version
}

// handleHealth answers GET /healthz: 200 when the store can be read, 503
// otherwise.
func handleHealth(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	vs, err := s.st.Versions(ctx, "")
	if err != nil {
		s.log.Error("health check", "err", err)
		return reply{}, &apiError{http.StatusServiceUnavailable, "store unavailable"}
	}
	n := map[string]bool{}
	for _, v := range vs {
		if v.Current {
			n[v.Dataset] = true
		}
	}
	rp, err := jsonReply(Health{Status: "ok", Version: s.opts.Version, Commit: buildinfo.Read().Commit, DataVersion: gc.version, Datasets: len(n)})
	rp.noStore = true
	return rp, err
}

// handleMetrics answers GET /metrics in the Prometheus text format.
func handleMetrics(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	var b bytes.Buffer
	if err := s.writeMetrics(ctx, &b); err != nil {
		return reply{}, err
	}
	return reply{body: b.Bytes(), ctype: "text/plain; version=0.0.4; charset=utf-8", noStore: true}, nil
}

// handleFeed answers GET /feed.xml: the Atom 1.0 feed of the latest
// delivered record events, optionally for some indicators only.
func handleFeed(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	l, err := requestLang(r)
	if err != nil {
		return reply{}, err
	}
	fq := url.Values{}
	for k, v := range q.Values {
		if k != "lang" {
			fq[k] = v
		}
	}
	inds, err := alerts.ParseFeedQuery(fq)
	if err != nil {
		return reply{}, alertsErr(err)
	}
	opt := alerts.HTTPOptions{}
	evs, _, err := alerts.List(ctx, s.st, alerts.Query{Indicators: inds, Limit: opt.FeedLimitOrDefault()})
	if err != nil {
		return reply{}, err
	}
	return reply{body: opt.FeedXMLIn(r, evs, inds, l), ctype: "application/atom+xml; charset=utf-8"}, nil
}

// alertsErr gives a parameter error of the alerts package the status it
// answers with (400 or 404).
func alertsErr(err error) error {
	status := alerts.StatusOf(err)
	if status >= 500 {
		return err
	}
	return &apiError{status, err.Error()}
}
