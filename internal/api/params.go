package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// apiError is an error with the HTTP status it answers with.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &apiError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

// classify maps an error to its status and the message shown to the client:
// the store's ErrNotFound and the analyses' ErrNoData are 404 (nothing
// stored for what was asked), a cancelled request 503, anything else 500
// with a generic message (the error itself is logged).
func classify(err error) (int, string) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.msg
	case errors.Is(err, store.ErrNotFound), errors.Is(err, analysis.ErrNoData):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "request cancelled"
	}
	return http.StatusInternalServerError, "internal error"
}

// analysisErr classifies an error returned by an analysis function called
// with stored data: ErrNoData stays a 404, and any other error comes from
// the request's parameters (an impossible rule, a date after as_of), so it
// is a 400.
func analysisErr(err error) error {
	if err == nil || errors.Is(err, analysis.ErrNoData) {
		return err
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return err
	}
	return badRequest("%v", err)
}

// query is a request's query string, already checked for unknown and
// repeated parameters.
type query struct{ url.Values }

// date reads a date parameter (YYYY-MM-DD, YYYY-MM or YYYY, meaning its
// first day); ok is false when the parameter is absent.
func (q query) date(name string) (d obs.Date, ok bool, err error) {
	v := q.Get(name)
	if v == "" {
		return 0, false, nil
	}
	d, err = obs.ParseDate(v)
	if err != nil {
		return 0, false, badRequest("%s: %v", name, err)
	}
	return d, true, nil
}

// dateEnd reads a date parameter that closes a range: a year or a month
// means its last day ("2023" is 2023-12-31, "2023-02" is 2023-02-28).
func (q query) dateEnd(name string) (obs.Date, bool, error) {
	d, ok, err := q.date(name)
	if !ok || err != nil {
		return d, ok, err
	}
	y, m, _ := d.YMD()
	switch len(q.Get(name)) {
	case 4:
		d = obs.NewDate(y, 12, 31)
	case 7:
		d = obs.NewDate(y, m, obs.DaysIn(y, m))
	}
	return d, true, nil
}

// integer reads an integer parameter within [lo, hi]; ok is false when it
// is absent.
func (q query) integer(name string, lo, hi int) (n int, ok bool, err error) {
	v := q.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, false, badRequest("%s=%q: want an integer from %d to %d", name, v, lo, hi)
	}
	return n, true, nil
}

// integerOr reads an integer parameter within [lo, hi], or def when it is
// absent.
func (q query) integerOr(name string, lo, hi, def int) (int, error) {
	n, ok, err := q.integer(name, lo, hi)
	if !ok {
		n = def
	}
	return n, err
}

// number reads a decimal parameter; ok is false when it is absent.
func (q query) number(name string) (x float64, ok bool, err error) {
	v := q.Get(name)
	if v == "" {
		return 0, false, nil
	}
	x, err = strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, false, badRequest("%s=%q: want a number", name, v)
	}
	return x, true, nil
}

// boolean reads true/false (also 1/0, yes/no); absent is false.
func (q query) boolean(name string) (bool, error) {
	switch strings.ToLower(q.Get(name)) {
	case "", "false", "0", "no":
		return false, nil
	case "true", "1", "yes":
		return true, nil
	}
	return false, badRequest("%s=%q: want true or false", name, q.Get(name))
}

// enum reads a parameter that takes one of allowed; absent is def.
func (q query) enum(name, def string, allowed ...string) (string, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", badRequest("%s=%q: want one of %s", name, v, strings.Join(allowed, ", "))
}

// list reads a comma-separated parameter, dropping empty items.
func (q query) list(name string) []string {
	var out []string
	for _, s := range strings.Split(q.Get(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// smoothing reads the smooth parameter (none, 5d, Nd, Nd-centred).
func (q query) smoothing() (analysis.Smoothing, error) {
	sm, err := analysis.ParseSmoothing(q.Get("smooth"))
	if err != nil {
		return sm, badRequest("smooth: %v", err)
	}
	return sm, nil
}

// kind reads the kind parameter (max or min); absent means the indicator's
// natural direction: min for indicators whose records are lows, max
// otherwise.
func (q query) kind(ref catalog.Ref) (analysis.Kind, error) {
	if q.Get("kind") == "" {
		return analysis.ParseKind(string(ref.Indicator.HeadlineKind()))
	}
	k, err := analysis.ParseKind(q.Get("kind"))
	if err != nil {
		return k, badRequest("kind: %v", err)
	}
	return k, nil
}

// convention reads the convention parameter: calendar (default) or daycount.
func (q query) convention() (analysis.Convention, error) {
	v, err := q.enum("convention", "calendar", "calendar", "daycount")
	if err != nil {
		return analysis.Calendar, err
	}
	c, _ := analysis.ParseConvention(v)
	return c, nil
}

// baseline reads the baseline parameter (Y0-Y1); absent means the
// indicator's default baseline (see defaultBaseline).
func (q query) baseline(ref catalog.Ref) (analysis.Baseline, error) {
	if q.Get("baseline") == "" {
		return defaultBaseline(ref), nil
	}
	b, err := analysis.ParseBaseline(q.Get("baseline"))
	if err != nil {
		return b, badRequest("%v", err)
	}
	return b, nil
}

// defaultBaseline is the reference period the producers themselves use for
// an indicator's daily climatology: 1981-2010 for NSIDC sea ice (NSIDC's
// published climatology) and 1991-2020 (the WMO normal, Climate
// Reanalyzer's current baseline) for everything else.
func defaultBaseline(ref catalog.Ref) analysis.Baseline {
	if ref.Dataset.Format == "nsidc-extent-csv" {
		return analysis.Baseline1981to2010
	}
	return analysis.Baseline1991to2020
}

// resolve turns an indicator reference from the path into its catalog
// entry: a catalog id, optionally with @version, or the id of a gridded
// series stored under "grid:<ID>". Unknown references are 404.
func (s *Server) resolve(ctx context.Context, gc *genCache, id string) (catalog.Ref, error) {
	ref, err := catalog.Resolve(id)
	if err == nil {
		return ref, nil
	}
	if id != "" && !strings.Contains(id, "@") {
		if se, _, gerr := gc.loadSeries(ctx, s.st, "grid:"+id, id, ""); gerr == nil {
			return present.GridRef("grid:"+id, id, se.Unit, se.Frequency), nil
		}
	}
	return catalog.Ref{}, notFound("%s", strings.Replace(err.Error(), "see 'stocktake list'", "see /api/indicators", 1))
}

// entityFor checks the entity parameter against the indicator: national
// indicators need one (400 without), global ones refuse one (400). A name
// or code the entity table does not know is 404.
func entityFor(ref catalog.Ref, raw string) (string, error) {
	if !ref.Indicator.National {
		if raw != "" {
			return "", badRequest("%s is a global indicator: entity does not apply", ref.Indicator.ID)
		}
		return "", nil
	}
	if raw == "" {
		return "", badRequest("%s is a national indicator: give entity=ISO3 (e.g. entity=CHN)", ref.Indicator.ID)
	}
	code, err := national.Resolve(raw)
	if err != nil {
		return "", notFound("%v", err)
	}
	return code, nil
}

// resolveEntity resolves an entity for national endpoints (404 when
// unknown).
func resolveEntity(raw string) (string, error) {
	code, err := national.Resolve(raw)
	if err != nil {
		return "", notFound("%v", err)
	}
	return code, nil
}

// seriesFor resolves the indicator reference id (from the path) and the
// entity parameter and returns the stored series (shared: never modify its
// points).
func (s *Server) seriesFor(ctx context.Context, gc *genCache, id string, q query) (catalog.Ref, obs.Series, store.Source, error) {
	ref, err := s.resolve(ctx, gc, id)
	if err != nil {
		return ref, obs.Series{}, store.Source{}, err
	}
	entity, err := entityFor(ref, q.Get("entity"))
	if err != nil {
		return ref, obs.Series{}, store.Source{}, err
	}
	se, src, err := gc.loadSeries(ctx, s.st, ref.Dataset.ID, ref.Indicator.ID, entity)
	return ref, se, src, err
}

// checkSmoothing refuses smoothing for a series that is not daily (400).
func checkSmoothing(se obs.Series, sm analysis.Smoothing) error {
	if !sm.None() && se.Frequency != obs.Daily {
		return badRequest("smooth applies to daily indicators; %s is %s", se.Indicator, se.Frequency)
	}
	return nil
}

// smoothed applies sm to a daily series and refuses smoothing for other
// frequencies (400). The result shares nothing with se's points when
// smoothing is applied and is se itself otherwise.
func smoothed(se obs.Series, sm analysis.Smoothing) (obs.Series, error) {
	if sm.None() {
		return se, nil
	}
	if err := checkSmoothing(se, sm); err != nil {
		return se, err
	}
	se.Points = sm.Apply(se.Points)
	return se, nil
}

// given counts the conditions that hold: the parameters given out of a set
// of which at most (or exactly) one is allowed.
func given(conds ...bool) int {
	n := 0
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}

// window returns the points dated from..to (inclusive, each bound only when
// its flag is set) as a new slice.
func window(pts []obs.Point, from obs.Date, hasFrom bool, to obs.Date, hasTo bool) []obs.Point {
	lo, hi := 0, len(pts)
	if hasFrom {
		lo = sort.Search(len(pts), func(i int) bool { return pts[i].Date >= from })
	}
	if hasTo {
		hi = sort.Search(len(pts), func(i int) bool { return pts[i].Date > to })
	}
	if hi < lo {
		hi = lo
	}
	return append([]obs.Point(nil), pts[lo:hi]...)
}

// sourceHeader is the X-Stocktake-Source header: dataset, producer version
// and file sha256, ASCII only.
func sourceHeader(src store.Source) string {
	if src.Dataset == "" {
		return ""
	}
	return fmt.Sprintf("dataset=%s; version=%+q; sha256=%s", src.Dataset, src.Version, src.SHA256)
}
