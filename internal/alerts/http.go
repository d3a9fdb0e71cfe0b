package alerts

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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
// (EventsHandler); other paths answer 404.
func Handler(st *store.Store, opt HTTPOptions) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /feed.xml", FeedHandler(st, opt))
	mux.Handle("GET /api/events", EventsHandler(st, opt))
	return mux
}

// Atom 1.0 (RFC 4287) documents.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
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

// FeedHandler serves the events as an Atom 1.0 feed, newest update first.
// ?indicator=ID (repeatable or comma-separated) filters by indicator. Each
// entry's id is the event's tag: URI, so a retraction shows up as an update
// of the same entry (its title and summary then start with "Retracted").
// Historical (baseline) events are not in the feed. An empty feed is dated
// now.
func FeedHandler(st *store.Store, opt HTTPOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := opt.FeedLimit
		if limit <= 0 {
			limit = 100
		}
		inds := indicatorParam(r.URL.Query())
		evs, _, err := List(r.Context(), st, Query{Indicators: inds, Limit: limit})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		base := opt.base(r)
		self := base + r.URL.Path
		if r.URL.RawQuery != "" {
			self += "?" + r.URL.RawQuery
		}
		feedID := "tag:stocktake.github.io,2025:feed"
		title := "stocktake record events"
		if len(inds) > 0 {
			feedID += "/" + strings.Join(inds, ",")
			title += ": " + strings.Join(inds, ", ")
		}
		f := atomFeed{ID: feedID, Title: title, Author: atomPerson{Name: "stocktake"},
			Links:   []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}, {Rel: "alternate", Href: base + "/", Type: "text/html"}},
			Updated: atomTime(time.Now())}
		for i, e := range evs {
			if i == 0 {
				f.Updated = atomTime(e.UpdatedAt)
			}
			title := e.Sentence
			f.Entries = append(f.Entries, atomEntry{
				ID: e.UID, Title: title, Updated: atomTime(e.UpdatedAt), Published: atomTime(e.DetectedAt),
				Links:      []atomLink{{Rel: "alternate", Href: opt.eventURL(base, e), Type: "text/html"}},
				Categories: []atomCategory{{Term: e.Indicator}, {Term: string(e.Kind)}},
				Summary:    atomText{Type: "text", Body: e.Sentence},
			})
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		_, _ = w.Write([]byte(xml.Header))
		enc := xml.NewEncoder(w)
		enc.Indent("", "  ")
		_ = enc.Encode(f)
	})
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func indicatorParam(q url.Values) []string {
	var out []string
	for _, v := range q["indicator"] {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

// EventsPage is the JSON body of /api/events.
type EventsPage struct {
	Events []Event `json:"events"`
	// Next is the cursor of the next page, null on the last page.
	Next *string `json:"next"`
}

// EventsHandler serves GET /api/events: {"events": [...], "next": cursor},
// newest update first. Parameters: limit (1..1000, default 50), cursor (the
// previous page's next), indicator (repeatable or comma-separated), since
// (RFC 3339 time or YYYY-MM-DD: events updated at or after it) and
// historical=1 to include baseline events. Bad parameters answer 400 with
// {"error": "..."}.
func EventsHandler(st *store.Store, opt HTTPOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		query := Query{Indicators: indicatorParam(q), Cursor: q.Get("cursor"), Historical: q.Get("historical") == "1" || q.Get("historical") == "true"}
		fail := func(code int, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
		}
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				fail(http.StatusBadRequest, "limit: want an integer from 1 to 1000")
				return
			}
			query.Limit = n
		}
		if v := q.Get("since"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t, err = time.Parse("2006-01-02", v)
			}
			if err != nil {
				fail(http.StatusBadRequest, "since: want an RFC 3339 time or YYYY-MM-DD")
				return
			}
			query.Since = t
		}
		evs, next, err := List(r.Context(), st, query)
		if err != nil {
			if strings.Contains(err.Error(), "bad cursor") {
				fail(http.StatusBadRequest, err.Error())
				return
			}
			fail(http.StatusInternalServerError, err.Error())
			return
		}
		page := EventsPage{Events: evs}
		if page.Events == nil {
			page.Events = []Event{}
		}
		if next != "" {
			page.Next = &next
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
}
