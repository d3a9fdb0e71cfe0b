package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
)

// cachePolicy says how clients may cache a route's responses.
type cachePolicy int

const (
	// policyData: short max-age plus must-revalidate, immutable for a year
	// when the request names the current data version (v=).
	policyData cachePolicy = iota
	// policyStatic: content fixed for the life of the binary (the OpenAPI
	// document): cached for a day.
	policyStatic
	// policyNone: never cached (health, metrics).
	policyNone
	// policyRevalidate: answers that may change without a new data version
	// (record events are written by detection after an ingest, and by
	// catch-up runs that add no version). They are computed on every request,
	// never kept in the server's cache, and clients must revalidate every time
	// (Cache-Control: no-cache); the ETag makes that a 304 while unchanged.
	policyRevalidate
)

// route is one endpoint: its ServeMux pattern (without a method, which is
// also its OpenAPI path), its documentation and its handler.
type route struct {
	path        string
	name        string // operationId in OpenAPI and the route label in metrics
	tag         string
	summary     string
	description string
	params      []param
	example     string   // a request that answers 200 with the test data, shown in the documentation
	result      any      // a value whose type is the JSON body, for the schema; nil for none
	formats     []string // media types produced besides application/json
	policy      cachePolicy
	// daily routes depend on today's date as well as on the data (data ages):
	// their cache key includes the UTC date.
	daily bool
	// events routes embed stored record events in their answers, which
	// change without a new data version: their cache key includes the
	// events stamp (eventstamp.go).
	events bool
	// untracked routes read the store directly (not only through the
	// cache's loads), so their cached answers are dropped by every update
	// instead of only by updates of the datasets they read.
	untracked bool
	fn        func(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error)
	ui        http.Handler
}

// notFoundRoute answers every path that no route matches.
var notFoundRoute = &route{name: "unmatched"}

// allows reports whether a query parameter is one the route takes (v, the
// data version, is taken by every data route).
func (rt *route) allows(name string) bool {
	if name == "v" && rt.policy == policyData {
		return true
	}
	for _, p := range rt.params {
		if p.name == name && p.in == "query" {
			return true
		}
	}
	return false
}

// queryNames lists the route's query parameters, for error messages.
func (rt *route) queryNames() []string {
	var out []string
	for _, p := range rt.params {
		if p.in == "query" {
			out = append(out, p.name)
		}
	}
	return out
}

// wrap returns the handler of a route: it claims the request for the
// route's metrics (ServeHTTP counts and logs every response, see finish)
// and answers it.
func (s *Server) wrap(rt *route) http.Handler {
	m := s.metrics.forRoute(rt.name)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rw, ok := w.(*respWriter); ok {
			rw.rm = m
		}
		if rt.ui != nil {
			rt.ui.ServeHTTP(w, r)
			return
		}
		s.serve(w, r, rt)
	})
}

// finish counts and logs one response after ServeHTTP: its status (200 when
// the handler wrote nothing, as net/http answers then) under the route that
// claimed it, or under "unmatched" when none did (ServeMux's redirects to a
// canonical path). A panic of a handler (p, from recover) is logged with its
// stack and answered with 500 when nothing was written yet; a response
// already started cannot be completed, so its connection is aborted
// (http.ErrAbortHandler, which net/http does not log). Either way it is
// counted as a 500.
func (s *Server) finish(w *respWriter, r *http.Request, start time.Time, p any) {
	abort := false
	if p != nil {
		if p != http.ErrAbortHandler {
			s.log.Error("handler panicked", "path", r.URL.RequestURI(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
		if w.status == 0 && p != http.ErrAbortHandler {
			s.writeError(w, r, http.StatusInternalServerError, "internal error")
		} else {
			abort = true
		}
		w.status = http.StatusInternalServerError
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	m := w.rm
	if m == nil {
		m = s.metrics.unmatched
	}
	d := time.Since(start)
	m.observe(status, d)
	lvl := slog.LevelInfo
	if status >= 500 {
		lvl = slog.LevelError
	}
	if s.log.Enabled(r.Context(), lvl) {
		s.log.LogAttrs(r.Context(), lvl, "request", slog.String("method", r.Method), slog.String("path", r.URL.RequestURI()),
			slog.String("route", m.name), slog.Int("status", status), slog.Int("bytes", w.n), slog.Duration("duration", d),
			slog.String("remote", r.RemoteAddr))
	}
	if abort {
		panic(http.ErrAbortHandler)
	}
}

// serve answers one request to an API route and returns the status and the
// number of body bytes written.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt *route) (int, int) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return s.writeError(w, r, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: the API is read-only (GET, HEAD)")
	}
	if rt.fn == nil {
		return s.writeError(w, r, http.StatusNotFound, "no such endpoint: "+r.URL.Path+" (see /api/openapi.json)")
	}
	ctx := r.Context()
	gc := s.current(ctx)
	key := s.cacheKey(rt, r)
	// A cached answer means the same query string was checked before
	// (errors are never cached), so the fast path skips parsing it.
	var e *entry
	hit := true
	if rt.policy != policyRevalidate {
		e = gc.lookup(key)
	}
	if e == nil {
		vals, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return s.writeError(w, r, http.StatusBadRequest, "bad query string: "+err.Error())
		}
		for k, v := range vals {
			if !rt.allows(k) {
				return s.writeError(w, r, http.StatusBadRequest, "unknown parameter "+strconv.Quote(k)+"; "+rt.path+" takes: "+strings.Join(rt.queryNames(), ", "))
			}
			if len(v) > 1 {
				return s.writeError(w, r, http.StatusBadRequest, "parameter "+strconv.Quote(k)+" given more than once")
			}
		}
		if rt.policy == policyRevalidate {
			var rp reply
			if rp, err = rt.fn(s, ctx, gc, r, query{vals}); err == nil {
				e = newEntry(rp)
			}
		} else {
			e, hit, err = s.compute(ctx, &gc, key, rt, r, vals)
		}
		if err != nil {
			status, msg := classify(err)
			if status >= 500 {
				s.log.Error("request failed", "path", r.URL.RequestURI(), "err", err)
			}
			return s.writeError(w, r, status, msg)
		}
	}
	if rt.policy != policyRevalidate {
		s.metrics.cache(hit)
	}
	h := w.Header()
	h["Content-Type"] = []string{e.ctype}
	h["X-Stocktake-Data-Version"] = gc.versionH
	if e.versionH != nil {
		// Computed from data newer than the cache's version (and not
		// cached): it names the version it was computed from.
		h["X-Stocktake-Data-Version"] = e.versionH
	}
	switch {
	case rt.policy == policyNone || e.noStore:
		h["Cache-Control"] = []string{"no-store"}
	case rt.policy == policyStatic:
		h["Cache-Control"] = []string{"public, max-age=86400"}
	case rt.policy == policyRevalidate:
		h["Cache-Control"] = noCacheCC
	// An answer that embeds stored events may change within a data version
	// (eventstamp.go), so it is never immutable.
	case e.versionH == nil && !rt.events && strings.Contains(r.URL.RawQuery, "v="+gc.version) && r.URL.Query().Get("v") == gc.version:
		h["Cache-Control"] = immutableCC
	default:
		h["Cache-Control"] = s.dataCC
	}
	if e.source != "" {
		h["X-Stocktake-Source"] = []string{e.source}
	}
	if e.filename != "" {
		h["Content-Disposition"] = []string{`attachment; filename="` + e.filename + `"`}
	}
	body, etag := e.body, e.etag
	if compressible(e.ctype) {
		h["Vary"] = []string{"Accept-Encoding"}
		if acceptsGzip(r) {
			if gz := e.gzipped(); gz != nil {
				body, etag = gz, e.gzETag
				h["Content-Encoding"] = []string{"gzip"}
			}
		}
	}
	setLangHeaders(h, rt, r)
	if !e.noStore {
		h["Etag"] = []string{etag}
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, e.etag) {
			delete(h, "Content-Type")
			delete(h, "Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified, 0
		}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return http.StatusOK, 0
	}
	if e.file != "" && h["Content-Encoding"] == nil {
		// The identity encoding of a large body: sendfile(2) from its copy
		// on disk (io.Copy reaches net/http's ReaderFrom).
		if f, err := os.Open(e.file); err == nil {
			n, _ := io.Copy(w, f)
			f.Close()
			return http.StatusOK, int(n)
		}
	}
	n, _ := w.Write(body)
	return http.StatusOK, n
}

// compute returns the answer of a cacheable route from the cache *gc. When
// the store changed in the middle of the computation (errChanged), the data
// version is re-read, *gc becomes the new version's cache and the answer is
// computed once more there.
func (s *Server) compute(ctx context.Context, gc **genCache, key string, rt *route, r *http.Request, vals url.Values) (*entry, bool, error) {
	for attempt := 0; ; attempt++ {
		c := *gc
		e, hit, err := c.get(context.WithoutCancel(ctx), key, rt, r.URL.RequestURI(), func(ctx context.Context) (reply, error) {
			return rt.fn(s, ctx, c, r, query{vals})
		})
		if err != errChanged || attempt == 1 {
			return e, hit, err
		}
		s.Invalidate()
		*gc = s.gen.Load()
	}
}

// cacheKey is the key of a request's answer in the cache: path and raw
// query, plus the UTC date for daily routes and the events stamp for
// routes that embed stored events.
func (s *Server) cacheKey(rt *route, r *http.Request) string {
	key := r.URL.Path + "?" + r.URL.RawQuery + langKey(rt, r)
	if rt.daily {
		key += "@" + s.opts.Now().UTC().Format("2006-01-02")
	}
	if rt.events {
		key += "#events=" + s.eventsStamp(r.Context())
	}
	return key
}

// immutableCC is the Cache-Control of responses for a named data version.
var immutableCC = []string{"public, max-age=31536000, immutable"}

// noCacheCC is the Cache-Control of policyRevalidate responses: stored, but
// revalidated with If-None-Match before every use.
var noCacheCC = []string{"no-cache"}

// etagMatches implements If-None-Match's weak comparison against the
// identity ETag: a listed tag matches when it equals it, its gzip variant
// ("-gz" suffix) or either with a W/ prefix; "*" matches anything.
func etagMatches(header, etag string) bool {
	base := strings.Trim(etag, `"`)
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		t = strings.Trim(t, `"`)
		if t == base || t == base+"-gz" {
			return true
		}
	}
	return false
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// writeError writes an errorBody with status (never cached) and returns the
// status and the number of body bytes written.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, msg string) (int, int) {
	b, _ := json.Marshal(errorBody{limitText(msg, maxErrorText), status})
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return status, 0
	}
	n, _ := w.Write(b)
	return status, n
}

// jsonReply encodes v compactly (with a final newline) as an API body.
func jsonReply(v any) (reply, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return reply{}, err
	}
	return reply{body: b.Bytes(), ctype: "application/json; charset=utf-8"}, nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
