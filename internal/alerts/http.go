package alerts

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/stocktake/stocktake/internal/i18n"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/store"
)

// HTTPOptions configures the feed and events handlers.
type HTTPOptions struct {
	// BaseURL is the public address of the server (e.g.
	// "https://stocktake.example.org"); empty derives it from each request's
	// Host header.
	BaseURL string
	// EventPath returns the dashboard path of an event's page, relative to
	// BaseURL; nil means "/?event=<id>".
	EventPath func(Event) string
	// FeedLimit is the number of entries of the feed (default 100).
	FeedLimit int
}

func (o HTTPOptions) base(r *http.Request) string {
	if o.BaseURL != "" {
		return strings.TrimSuffix(o.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (o HTTPOptions) eventURL(base string, e Event) string {
	if o.EventPath != nil {
		return base + o.EventPath(e)
	}
	return base + "/?event=" + strconv.FormatInt(e.ID, 10)
}

// Handler serves GET /feed.xml (FeedHandler) and GET /api/events
// (EventsHandler) on their own, for programs that do not mount the API
// (internal/api serves both routes itself, with its caching conventions);
// other paths answer 404.
func Handler(st *store.Store, opt HTTPOptions) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /feed.xml", FeedHandler(st, opt))
	mux.Handle("GET /api/events", EventsHandler(st, opt))
	return mux
}

// ErrBadParameter is wrapped by the errors of ParseFeedQuery and
// ParseEventsQuery for a parameter that is unknown, repeated or malformed:
// HTTP 400.
var ErrBadParameter = errors.New("bad parameter")

// ErrUnknownIndicator is wrapped by the errors of ParseFeedQuery and
// ParseEventsQuery for an indicator id the catalog does not know: HTTP 404.
var ErrUnknownIndicator = errors.New("unknown indicator")

// badParam returns an error wrapping ErrBadParameter with the message
// formatted from format and args.
func badParam(format string, args ...any) error {
	return &paramError{msg: fmt.Sprintf(format, args...), kind: ErrBadParameter}
}

// paramError is an error about a request's parameters. Its message is meant
// for the client; kind is ErrBadParameter or ErrUnknownIndicator.
type paramError struct {
	msg  string
	kind error
}

func (e *paramError) Error() string { return e.msg }
func (e *paramError) Unwrap() error { return e.kind }

// StatusOf returns the HTTP status of an error returned by ParseFeedQuery or
// ParseEventsQuery: 404 for an unknown indicator, 400 for other parameter
// errors and 500 for anything else.
func StatusOf(err error) int {
	switch {
	case errors.Is(err, ErrUnknownIndicator):
		return http.StatusNotFound
	case errors.Is(err, ErrBadParameter):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// checkParams refuses query parameters outside allowed and repeated ones,
// so that a typo never silently widens what is listed.
func checkParams(v url.Values, allowed ...string) error {
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if !slices.Contains(allowed, k) {
			return badParam("unknown parameter %q; takes: %s", k, strings.Join(allowed, ", "))
		}
		if len(v[k]) > 1 {
			return badParam("parameter %q given more than once", k)
		}
	}
	return nil
}

// indicatorParam reads the comma-separated indicator parameter and checks
// every id against the catalog. Events are raised for an indicator's
// default dataset only, so ids with @VERSION are refused (400); ids the
// catalog does not know are ErrUnknownIndicator (404).
func indicatorParam(v url.Values) ([]string, error) {
	var out []string
	for _, id := range strings.Split(v.Get("indicator"), ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if strings.Contains(id, "@") {
			return nil, badParam("indicator=%q: give indicator ids without @VERSION (events come from each indicator's default dataset)", id)
		}
		if _, err := catalog.Resolve(id); err != nil {
			return nil, &paramError{msg: fmt.Sprintf("unknown indicator %q (see /api/indicators)", id), kind: ErrUnknownIndicator}
		}
		out = append(out, id)
	}
	return out, nil
}

// ParseFeedQuery reads the query of GET /feed.xml: indicator (ids,
// comma-separated) is the only parameter. Errors wrap ErrBadParameter or
// ErrUnknownIndicator (see StatusOf).
func ParseFeedQuery(v url.Values) ([]string, error) {
	if err := checkParams(v, "indicator"); err != nil {
		return nil, err
	}
	return indicatorParam(v)
}

// ParseEventsQuery reads the query of GET /api/events: limit (1 to 1000,
// default 50), cursor (the next value of a previous page), indicator (ids,
// comma-separated), since (RFC 3339 time or YYYY-MM-DD: events updated at or
// after it) and historical (true/false, 1/0, yes/no). Errors wrap
// ErrBadParameter or ErrUnknownIndicator (see StatusOf).
func ParseEventsQuery(v url.Values) (Query, error) {
	var q Query
	if err := checkParams(v, "limit", "cursor", "indicator", "since", "historical"); err != nil {
		return q, err
	}
	inds, err := indicatorParam(v)
	if err != nil {
		return q, err
	}
	q.Indicators = inds
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return q, badParam("limit=%q: want an integer from 1 to 1000", s)
		}
		q.Limit = n
	}
	if s := v.Get("cursor"); s != "" {
		if !validCursor(s) {
			return q, badParam("cursor=%q: want the next value of a previous page (<updated_at>/<id>)", s)
		}
		q.Cursor = s
	}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t, err = time.Parse("2006-01-02", s)
		}
		if err != nil {
			return q, badParam("since=%q: want an RFC 3339 time or YYYY-MM-DD", s)
		}
		q.Since = t
	}
	switch strings.ToLower(v.Get("historical")) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		q.Historical = true
	default:
		return q, badParam("historical=%q: want true or false", v.Get("historical"))
	}
	return q, nil
}

// validCursor reports whether c has the form List writes for its next page:
// a timestamp in the alert tables' format, "/", and a positive event id.
func validCursor(c string) bool {
	t, id, ok := strings.Cut(c, "/")
	if !ok {
		return false
	}
	if _, err := time.Parse(time.RFC3339Nano, t); err != nil {
		return false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0
}

// Atom 1.0 (RFC 4287) documents.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

// FeedLimitOrDefault returns the number of feed entries: FeedLimit, or 100
// when it is not positive.
func (o HTTPOptions) FeedLimitOrDefault() int {
	if o.FeedLimit <= 0 {
		return 100
	}
	return o.FeedLimit
}

// emptyFeedUpdated dates a feed without entries. A fixed date (rather than
// the time of the request) keeps the body, and so its ETag, the same until
// an event appears.
var emptyFeedUpdated = time.Unix(0, 0)

// FeedXML writes the Atom 1.0 document of evs (newest update first) as
// served at r, filtered by inds: the self link is r's URL under the base
// address. The body depends only on evs, inds and the request's address,
// so equal inputs give equal bytes (a stable ETag).
func (o HTTPOptions) FeedXML(r *http.Request, evs []Event, inds []string) []byte {
	return o.FeedXMLIn(r, evs, inds, "")
}

// FeedXMLIn is FeedXML in language lang: the feed carries xml:lang, its
// title is in lang and each entry's title and summary is the event's
// sentence in lang (SentenceIn). An empty lang writes FeedXML's English
// feed without xml:lang.
func (o HTTPOptions) FeedXMLIn(r *http.Request, evs []Event, inds []string, lang i18n.Lang) []byte {
	evs = Localize(evs, lang)
	base := o.base(r)
	self := base + r.URL.Path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	feedID := "tag:stocktake.github.io,2025:feed"
	title := "stocktake " + i18n.Pick(lang, "record events", "紀錄事件", "纪录事件")
	if len(inds) > 0 {
		feedID += "/" + strings.Join(inds, ",")
		title += ": " + strings.Join(inds, ", ")
	}
	f := atomFeed{ID: feedID, Title: title, Lang: string(lang), Author: atomPerson{Name: "stocktake"},
		Links:   []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}, {Rel: "alternate", Href: base + "/", Type: "text/html"}},
		Updated: atomTime(emptyFeedUpdated)}
	for i, e := range evs {
		if i == 0 {
			f.Updated = atomTime(e.UpdatedAt)
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: e.UID, Title: e.Sentence, Updated: atomTime(e.UpdatedAt), Published: atomTime(e.DetectedAt),
			Links:      []atomLink{{Rel: "alternate", Href: o.eventURL(base, e), Type: "text/html"}},
			Categories: []atomCategory{{Term: e.Indicator}, {Term: string(e.Kind)}},
			Summary:    atomText{Type: "text", Body: e.Sentence},
		})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	_ = enc.Encode(f)
	b.WriteByte('\n')
	return b.Bytes()
}

// FeedHandler serves the events as an Atom 1.0 feed, newest update first
// (see FeedXML). ?indicator=ID,... filters by indicator. Each entry's id is
// the event's tag: URI, so a retraction shows up as an update of the same
// entry (its title and summary then start with "Retracted"). Historical
// (baseline) events are not in the feed. Errors are JSON {"error",
// "status"}: 400 for unknown or repeated parameters, 404 for an unknown
// indicator.
func FeedHandler(st *store.Store, opt HTTPOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inds, err := ParseFeedQuery(r.URL.Query())
		if err != nil {
			writeError(w, StatusOf(err), err.Error())
			return
		}
		evs, _, err := List(r.Context(), st, Query{Indicators: inds, Limit: opt.FeedLimitOrDefault()})
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		_, _ = w.Write(opt.FeedXML(r, evs, inds))
	})
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeError writes the API's error body, {"error": msg, "status": code},
// never cached.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(struct {
		Error  string `json:"error"`
		Status int    `json:"status"`
	}{msg, code})
}

// EventsPage is the JSON body of /api/events.
type EventsPage struct {
	Events []Event `json:"events"`
	// Next is the cursor of the next page, null on the last page.
	Next *string `json:"next"`
}

// NewEventsPage returns the body of /api/events for one List result:
// events never null, next null on the last page.
func NewEventsPage(evs []Event, next string) EventsPage {
	page := EventsPage{Events: evs}
	if page.Events == nil {
		page.Events = []Event{}
	}
	if next != "" {
		page.Next = &next
	}
	return page
}

// EventsHandler serves GET /api/events: {"events": [...], "next": cursor},
// newest update first, with the parameters of ParseEventsQuery. Errors are
// JSON {"error", "status"}: 400 for bad, unknown or repeated parameters,
// 404 for an unknown indicator.
func EventsHandler(st *store.Store, opt HTTPOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query, err := ParseEventsQuery(r.URL.Query())
		if err != nil {
			writeError(w, StatusOf(err), err.Error())
			return
		}
		evs, next, err := List(r.Context(), st, query)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(NewEventsPage(evs, next))
	})
}
