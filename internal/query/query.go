// Package query defines, once, every question the command line and the HTTP
// API answer: for each one a request type (the raw text of flags or query
// parameters), its validation, the single place that loads the data and sets
// the options (gap filling, day 366, smoothing, trend basis, baseline), and a
// result type that carries its source. The CLI (cmd/stocktake) and the API
// handlers (internal/api) are adapters: they copy flags or parameters into a
// request, call the question's function and render the result, so the same
// request gives the same numbers on both surfaces.
//
// Errors are *Error values of three kinds (Invalid, Unknown, NotFound); their
// messages name request fields as {field} placeholders, which each surface
// renders with its own spelling (--as-of on the command line, as_of in the
// API) through Error.Text.
package query

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// Store is what the questions read: the methods of *store.Store they call.
// The API passes a cached implementation; returned series are shared and
// never modified here.
type Store interface {
	// SeriesByID returns one stored series and its provenance, or an error
	// wrapping store.ErrNotFound.
	SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, store.Source, error)
	// AllSeries returns every entity's series of a national indicator,
	// sorted by entity.
	AllSeries(ctx context.Context, ref catalog.Ref) ([]obs.Series, store.Source, error)
	// SeriesWindow is SeriesByID restricted to the dates of w: the same
	// series metadata and source, only the points dated in w (possibly
	// none). Questions with a fixed window read through it, so that their
	// cost grows with the window and not with the archive.
	SeriesWindow(ctx context.Context, dataset, indicator, entity string, w store.Window) (obs.Series, store.Source, error)
	// AllSeriesWindow is AllSeries restricted to the dates of w and, when
	// entities is not nil, to those entities (sorted by entity).
	AllSeriesWindow(ctx context.Context, ref catalog.Ref, w store.Window, entities []string) ([]obs.Series, store.Source, error)
	// Lineage returns the dataset version that supplied the value on date.
	Lineage(ctx context.Context, dataset, indicator, entity string, date obs.Date) (store.Version, error)
	// VersionFiles returns the files of a dataset version, each with its
	// own sha256 (empty for versions ingested before they were recorded).
	VersionFiles(ctx context.Context, id int64) ([]store.VersionFile, error)
}

// Kind classifies an error by what the caller did wrong, which decides the
// exit code (CLI) or status (API).
type Kind int

const (
	// Invalid: a field has a bad value or fields contradict each other
	// (CLI exit 2, HTTP 400).
	Invalid Kind = iota + 1
	// Unknown: the request names an indicator, entity or dataset that does
	// not exist (CLI exit 2, HTTP 404).
	Unknown
	// NotFound: the request is well formed but nothing is stored for it
	// (CLI exit 1, HTTP 404).
	NotFound
)

// Error is a question's error. Its message may name request fields as
// {field} (the API parameter name), or {field=} where a value follows
// (year=1700 in the API, --year 1700 on the command line); Text renders
// them for a surface.
type Error struct {
	Kind Kind
	msg  string
}

var fieldRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{([a-z_]+=?)\}`) })

// Text renders the message with each {field} replaced by name(field) and
// each {field=} by name("field="), which is the field's name followed by
// what separates it from a value.
func (e *Error) Text(name func(field string) string) string {
	return fieldRE().ReplaceAllStringFunc(e.msg, func(m string) string { return name(m[1 : len(m)-1]) })
}

// Error renders the message with the API's parameter names.
func (e *Error) Error() string { return e.Text(func(f string) string { return f }) }

func invalid(format string, args ...any) error {
	return &Error{Invalid, fmt.Sprintf(format, args...)}
}

func unknown(format string, args ...any) error { return &Error{Unknown, fmt.Sprintf(format, args...)} }

func notFound(format string, args ...any) error {
	return &Error{NotFound, fmt.Sprintf(format, args...)}
}

// analysisErr classifies an error of an analysis function called with
// stored data: ErrNoData is NotFound; any other comes from the request's
// values (an impossible rule, a date after as_of), so it is Invalid.
func analysisErr(err error) error {
	var qe *Error
	switch {
	case err == nil, errors.As(err, &qe):
		return err
	case errors.Is(err, analysis.ErrNoData), errors.Is(err, store.ErrNotFound):
		return &Error{NotFound, err.Error()}
	}
	return &Error{Invalid, err.Error()}
}

// storeErr classifies an error of the store: not found is NotFound, any
// other (I/O, a cancelled request) is returned as it is.
func storeErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &Error{NotFound, err.Error()}
	}
	return err
}

// Loaded is a resolved indicator and one of its stored series.
type Loaded struct {
	Ref    catalog.Ref
	Series obs.Series // shared with the store's cache: never modify its points
	Source store.Source
}

// Resolve turns an indicator reference (a catalog id, optionally with
// @VERSION, or the id of a gridded series stored as "grid:ID") into its
// catalog entry.
func Resolve(ctx context.Context, st Store, id string) (catalog.Ref, error) {
	ref, err := catalog.Resolve(id)
	if err == nil {
		return ref, nil
	}
	if id != "" && !strings.Contains(id, "@") {
		if se, _, gerr := st.SeriesByID(ctx, "grid:"+id, id, ""); gerr == nil {
			return present.GridRef("grid:"+id, id, se.Unit, se.Frequency), nil
		}
	}
	return catalog.Ref{}, unknown("%v", err)
}

// Entity checks an entity against the indicator: national indicators need
// one, global ones refuse one; names and codes in any case are accepted.
func Entity(ref catalog.Ref, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if !ref.Indicator.National {
		if raw != "" {
			return "", invalid("%s is a global indicator: {entity} does not apply", ref.Indicator.ID)
		}
		return "", nil
	}
	if raw == "" {
		return "", invalid("%s is a national indicator: give {entity} ISO3 (e.g. CHN)", ref.Indicator.ID)
	}
	return resolveEntity(raw)
}

// entityAliases are codes users quote for entities stored under another
// code: Our World in Data's own code for the European Union in its
// owid-co2-data release (OWID_EU27), and the short forms EU27 and EU, all
// meaning the entity the grapher files name "European Union (27)", stored
// as OWID_EUROPEAN_UNION_27 (national.AggregateCode). Keys are upper case.
var entityAliases = map[string]string{
	"OWID_EU27": "OWID_EUROPEAN_UNION_27",
	"EU27":      "OWID_EUROPEAN_UNION_27",
	"EU":        "OWID_EUROPEAN_UNION_27",
	"OWID_EU":   "OWID_EUROPEAN_UNION_27",
}

// resolveEntity resolves an entity code, name or alias (Unknown when
// unknown).
func resolveEntity(raw string) (string, error) {
	if c, ok := entityAliases[strings.ToUpper(strings.TrimSpace(raw))]; ok {
		return c, nil
	}
	code, err := national.Resolve(strings.TrimSpace(raw))
	if err != nil {
		return "", unknown("%v", err)
	}
	return code, nil
}

// load resolves id and entity and reads the series.
func load(ctx context.Context, st Store, id, entity string) (Loaded, error) {
	ref, err := Resolve(ctx, st, id)
	if err != nil {
		return Loaded{}, err
	}
	code, err := Entity(ref, entity)
	if err != nil {
		return Loaded{Ref: ref}, err
	}
	se, src, err := st.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, code)
	if err != nil {
		return Loaded{Ref: ref}, storeErr(err)
	}
	return Loaded{Ref: ref, Series: se, Source: src}, nil
}

// date reads a date field (YYYY-MM-DD, YYYY-MM or YYYY, meaning its first
// day); ok is false when it is empty.
func date(field, v string) (d obs.Date, ok bool, err error) {
	if v == "" {
		return 0, false, nil
	}
	d, err = obs.ParseDate(v)
	if err != nil {
		return 0, false, invalid("{%s}: %v", field, err)
	}
	return d, true, nil
}

// dateEnd reads a date field that closes a range: a year or a month means
// its last day ("2023" is 2023-12-31, "2023-02" is 2023-02-28).
func dateEnd(field, v string) (obs.Date, bool, error) {
	d, ok, err := date(field, v)
	if !ok || err != nil {
		return d, ok, err
	}
	y, m, _ := d.YMD()
	switch len(v) {
	case 4:
		d = obs.NewDate(y, 12, 31)
	case 7:
		d = obs.NewDate(y, m, obs.DaysIn(y, m))
	}
	return d, true, nil
}

// Window is an inclusive from..to range of dates; a bound applies only when
// its flag is set.
type Window struct {
	From, To       obs.Date
	HasFrom, HasTo bool
}

// window reads the from and to fields.
func window(from, to string) (Window, error) {
	var w Window
	var err error
	if w.From, w.HasFrom, err = date("from", from); err != nil {
		return w, err
	}
	if w.To, w.HasTo, err = dateEnd("to", to); err != nil {
		return w, err
	}
	if w.HasFrom && w.HasTo && w.From > w.To {
		return w, invalid("{from=}%s is after {to=}%s", from, to)
	}
	return w, nil
}

// Keep returns the points inside the window as a new slice.
func (w Window) Keep(pts []obs.Point) []obs.Point {
	lo, hi := 0, len(pts)
	if w.HasFrom {
		lo = sort.Search(len(pts), func(i int) bool { return pts[i].Date >= w.From })
	}
	if w.HasTo {
		hi = sort.Search(len(pts), func(i int) bool { return pts[i].Date > w.To })
	}
	if hi < lo {
		hi = lo
	}
	return append([]obs.Point{}, pts[lo:hi]...)
}

// integer reads an integer field within [lo, hi]; ok is false when empty.
func integer(field, v string, lo, hi int) (n int, ok bool, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, false, invalid("{%s=}%q: want an integer from %d to %d", field, v, lo, hi)
	}
	return n, true, nil
}

// year reads a calendar year field; ok is false when empty.
func year(field, v string) (int, bool, error) {
	y, ok, err := integer(field, v, 1, 9999)
	if err != nil {
		return 0, false, invalid("{%s=}%q: want a year such as 2023", field, v)
	}
	return y, ok, nil
}

// month reads a YYYY-MM field.
func month(field, v string) (obs.Date, error) {
	if len(v) != 7 {
		return 0, invalid("{%s=}%q: want YYYY-MM", field, v)
	}
	d, err := obs.ParseDate(v)
	if err != nil {
		return 0, invalid("{%s}: %v", field, err)
	}
	return d, nil
}

// boolean reads true/false (also 1/0, yes/no); empty is false.
func boolean(field, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false", "0", "no":
		return false, nil
	case "true", "1", "yes":
		return true, nil
	}
	return false, invalid("{%s=}%q: want true or false", field, v)
}

// smoothing reads the smooth field (none, 5d, Nd, Nd-centred) and refuses
// smoothing for a series that is not daily.
func smoothing(v string) (analysis.Smoothing, error) {
	sm, err := analysis.ParseSmoothing(v)
	if err != nil {
		return sm, invalid("{smooth}: %v", err)
	}
	return sm, nil
}

// checkSmoothing refuses smoothing of a series that is not daily.
func checkSmoothing(se obs.Series, sm analysis.Smoothing) error {
	if !sm.None() && se.Frequency != obs.Daily {
		return invalid("{smooth} applies to daily indicators; %s is %s", se.Indicator, se.Frequency)
	}
	return nil
}

// kind reads the kind field; empty means the indicator's headline extreme
// (min for sea ice, max for temperatures and gases).
func kind(v string, ref catalog.Ref) (analysis.Kind, error) {
	if v == "" {
		return analysis.ParseKind(string(ref.Indicator.HeadlineKind()))
	}
	k, err := analysis.ParseKind(v)
	if err != nil {
		return k, invalid("{kind}: %v", err)
	}
	return k, nil
}

// convention reads the convention field: calendar or daycount; empty is
// def.
func convention(v string, def analysis.Convention) (analysis.Convention, error) {
	if v == "" {
		return def, nil
	}
	c, err := analysis.ParseConvention(v)
	if err != nil || c == analysis.Month {
		return def, invalid("{convention=}%q: want calendar or daycount", v)
	}
	return c, nil
}

// IsNSIDCSeaIce reports whether ref is NSIDC's daily sea-ice extent, whose
// producer publishes its own 1981-2010 day-count climatology.
func IsNSIDCSeaIce(ref catalog.Ref) bool { return ref.Dataset.Format == "nsidc-extent-csv" }

// DefaultBaseline is the reference period the producer itself uses for an
// indicator's daily climatology: 1981-2010 for NSIDC sea ice (NSIDC's
// published climatology) and 1991-2020 (the WMO normal, Climate
// Reanalyzer's current baseline) for everything else.
func DefaultBaseline(ref catalog.Ref) analysis.Baseline {
	if IsNSIDCSeaIce(ref) {
		return analysis.Baseline1981to2010
	}
	return analysis.Baseline1991to2020
}

// DefaultConvention is the producer's day-of-year convention for a
// climatology: day count for NSIDC sea ice (NSIDC's file is indexed by day
// of year), the calendar (month-day) otherwise.
func DefaultConvention(ref catalog.Ref) analysis.Convention {
	if IsNSIDCSeaIce(ref) {
		return analysis.DayCount
	}
	return analysis.Calendar
}

// baseline reads the baseline field (Y0-Y1); empty is the indicator's
// default.
func baseline(v string, ref catalog.Ref) (analysis.Baseline, error) {
	if v == "" {
		return DefaultBaseline(ref), nil
	}
	b, err := analysis.ParseBaseline(v)
	if err != nil {
		return b, invalid("{baseline}: %v", err)
	}
	return b, nil
}

// given counts the conditions that hold.
func given(conds ...bool) int {
	n := 0
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}

// list splits comma-separated values, dropping empty items.
func list(values ...string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// parseFloat reads a decimal number.
func parseFloat(v string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(v), 64) }
