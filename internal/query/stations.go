package query

import (
	"context"
	"errors"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
)

// StationStore is what the station questions read from the main store:
// the methods of *store.Store they call.
type StationStore interface {
	Stations(ctx context.Context, f store.StationFilter) ([]store.StationMeta, error)
	StationRecordsOf(ctx context.Context, station string) ([]store.StationRecord, error)
	StationFiles(ctx context.Context, names ...string) ([]store.StationFile, error)
}

// StationSource is the provenance of a station answer: the file that
// supplied it (a station's .dly or .csv file, or the metadata file), with
// its sha256 and size in bytes as read and its retrieval time.
type StationSource struct {
	Dataset   string    `json:"dataset"`
	File      string    `json:"file"`
	SHA256    string    `json:"sha256"`
	Size      int64     `json:"size"`
	Retrieved time.Time `json:"retrieved"`
}

func stationSource(f store.StationFile) *StationSource {
	return &StationSource{Dataset: f.Dataset, File: f.Name, SHA256: f.SHA256, Size: f.Size, Retrieved: f.Retrieved}
}

// dataFiles returns the provenance of each station's data file (unit
// "station:ID") among the stored station files, by station id.
func dataFiles(ctx context.Context, st StationStore) (map[string]store.StationFile, map[string]store.StationFile, error) {
	fs, err := st.StationFiles(ctx)
	if err != nil {
		return nil, nil, err
	}
	data, byName := map[string]store.StationFile{}, map[string]store.StationFile{}
	for _, f := range fs {
		byName[f.Name] = f
		if id, ok := strings.CutPrefix(f.Unit, "station:"); ok {
			// A station may have a .dly and a .csv file; the newest ingest wins.
			if old, seen := data[id]; !seen || f.Ingested.After(old.Ingested) {
				data[id] = f
			}
		}
	}
	return data, byName, nil
}

// StationsRequest searches stations. Fields are raw text: ID (exact,
// case-insensitive), Name (substring, case-insensitive), Country (as
// countries.ParseStationCountry reads it: CHN, ghcn:CH, or an unambiguous
// ISO alpha-2 code), Near ("LAT,LON" in decimal degrees) with Radius (km,
// default 100), Limit (default 50, at most 10000) and Lang (the language of
// the country names, see parseLang).
type StationsRequest struct {
	ID, Name, Country string
	Near, Radius      string
	Limit             string
	Lang              string
}

// StationHit is one station found, with its distance in km from the Near
// point (when given), its metadata file's provenance and, when its values
// are in the archive, its data file's provenance.
type StationHit struct {
	StationInfo
	DistanceKm *float64       `json:"distance_km,omitempty"`
	Source     *StationSource `json:"source"`
	Data       *StationSource `json:"data"`
}

// StationsResult is the answer of Stations: the stations found, nearest
// first when Near was given, else by id; Total counts them before Limit;
// Country echoes the country filter as it was read (absent without one).
type StationsResult struct {
	Country  *StationCountryFilterJSON `json:"country,omitempty"`
	Stations []StationHit              `json:"stations"`
	Total    int                       `json:"total"`
}

// JSON is the result's JSON shape.
func (r StationsResult) JSON() any { return r }

// earthRadiusKm is the mean Earth radius used for great-circle distances.
const earthRadiusKm = 6371.0

// distanceKm is the haversine great-circle distance between two points in
// decimal degrees.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dl, dg := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dl/2)*math.Sin(dl/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dg/2)*math.Sin(dg/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

func positiveInt(field, v string, def, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, invalid("{%s} %q: want a whole number from 1 to %d", field, v, max)
	}
	return n, nil
}

// Stations answers a StationsRequest.
func Stations(ctx context.Context, st StationStore, req StationsRequest) (StationsResult, error) {
	limit, err := positiveInt("limit", req.Limit, 50, 10000)
	if err != nil {
		return StationsResult{}, err
	}
	l, err := parseLang(req.Lang)
	if err != nil {
		return StationsResult{}, err
	}
	country, echo, err := countryFilter(l, req.Country)
	if err != nil {
		return StationsResult{}, err
	}
	var near bool
	var lat, lon, radius float64
	if req.Near != "" {
		parts := strings.Split(req.Near, ",")
		var e1, e2 error
		if len(parts) == 2 {
			lat, e1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
			lon, e2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		}
		if len(parts) != 2 || e1 != nil || e2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return StationsResult{}, invalid("{near} %q: want LAT,LON in decimal degrees (latitude -90 to 90, longitude -180 to 180), e.g. 40.78,-73.97", req.Near)
		}
		near = true
	}
	radius = 100
	if req.Radius != "" {
		if !near {
			return StationsResult{}, invalid("{radius} needs {near}")
		}
		radius, err = strconv.ParseFloat(req.Radius, 64)
		if err != nil || radius <= 0 || radius > 20038 {
			return StationsResult{}, invalid("{radius} %q: want a distance in km above 0 and at most 20038", req.Radius)
		}
	}
	var ms []store.StationMeta
	if country == nil {
		if ms, err = st.Stations(ctx, store.StationFilter{ID: req.ID, Name: req.Name}); err != nil {
			return StationsResult{}, err
		}
	} else {
		// An ISO entry may span several GHCN codes (UM has four): one
		// read per code, merged in id order as the store orders one read.
		for _, f := range country.FIPS {
			part, err := st.Stations(ctx, store.StationFilter{ID: req.ID, Name: req.Name, Country: f})
			if err != nil {
				return StationsResult{}, err
			}
			ms = append(ms, part...)
		}
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	}
	data, byName, err := dataFiles(ctx, st)
	if err != nil {
		return StationsResult{}, err
	}
	hits := []StationHit{}
	for _, m := range ms {
		h := StationHit{StationInfo: stationInfo(l, m)}
		if near {
			d := math.Round(distanceKm(lat, lon, m.Latitude, m.Longitude)*10) / 10
			if d > radius {
				continue
			}
			h.DistanceKm = &d
		}
		if f, ok := byName[m.SourceFile]; ok {
			h.Source = stationSource(f)
		}
		if f, ok := data[m.ID]; ok {
			h.Data = stationSource(f)
		}
		hits = append(hits, h)
	}
	if near {
		sort.SliceStable(hits, func(i, j int) bool { return *hits[i].DistanceKm < *hits[j].DistanceKm })
	}
	if len(hits) == 0 && req.ID != "" {
		return StationsResult{}, notFound("station %s is not in the store (ingest ghcnd-stations.txt with `stocktake stations ingest`)", strings.ToUpper(req.ID))
	}
	total := len(hits)
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return StationsResult{Country: echo, Stations: hits, Total: total}, nil
}

// extremeNames names the extremes of stations.AllExtremes on both surfaces.
var extremeNames = []struct {
	name string
	e    stations.Extreme
}{
	{"record-high", stations.RecordHigh}, {"record-low", stations.RecordLow}, {"highest-low", stations.HighestLow},
	{"lowest-high", stations.LowestHigh}, {"wettest-day", stations.WettestDay},
}

// ExtremeName returns the request name of an extreme ("record-high", ...),
// or "" for one not kept.
func ExtremeName(e stations.Extreme) string {
	for _, x := range extremeNames {
		if x.e == e {
			return x.name
		}
	}
	return ""
}

func extremeOf(field, v string) (stations.Extreme, error) {
	if v == "" {
		v = "record-high"
	}
	var names []string
	for _, x := range extremeNames {
		if x.name == v {
			return x.e, nil
		}
		names = append(names, x.name)
	}
	return stations.Extreme{}, invalid("{%s} %q: want one of %s", field, v, strings.Join(names, ", "))
}

func scopeOf(field, v string, def stations.Scope) (stations.Scope, error) {
	switch s := stations.Scope(v); s {
	case "":
		return def, nil
	case stations.AllTime, stations.Month, stations.Day:
		return s, nil
	}
	return "", invalid("{%s} %q: want all-time, month or day", field, v)
}

// extremesOf reads the extreme parameter of records-set: one extreme's
// name (record-high when empty), a comma-separated list of names, or "all"
// (the five, in the order of extremeNames).
func extremesOf(field, v string) ([]stations.Extreme, error) {
	all := make([]stations.Extreme, len(extremeNames))
	for i, x := range extremeNames {
		all[i] = x.e
	}
	return listOf(field, v, "name", all, func(item string) (stations.Extreme, error) { return extremeOf(field, item) })
}

// scopesOf reads the scope parameter of records-set: one scope (def when
// empty), a comma-separated list of scopes, or "all" (all-time, month and
// day).
func scopesOf(field, v string, def stations.Scope) ([]stations.Scope, error) {
	all := []stations.Scope{stations.AllTime, stations.Month, stations.Day}
	return listOf(field, v, "scope", all, func(item string) (stations.Scope, error) {
		sc, err := scopeOf(field, item, def)
		if err != nil {
			return sc, invalid("{%s} %q: want all-time, month or day, a comma-separated list of them, or all", field, item)
		}
		return sc, nil
	})
}

// listOf reads a list parameter of records-set: "all" alone is all, in its
// order; otherwise each comma-separated item is read by one (an empty value
// is one empty item, which one reads as the default). A blank item in a
// list, "all" inside a list and an item given twice are Invalid errors
// naming the value; noun names one item in the message.
func listOf[T comparable](field, v, noun string, all []T, one func(item string) (T, error)) ([]T, error) {
	if v == "all" {
		return all, nil
	}
	var out []T
	for _, item := range listItems(v) {
		if item == "" && v != "" || item == "all" {
			return nil, invalid("{%s} %q: want a %s, a comma-separated list of %ss with no blank item, or all alone", field, v, noun, noun)
		}
		x, err := one(item)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, x) {
			return nil, invalid("{%s} %q names %s twice", field, v, item)
		}
		out = append(out, x)
	}
	return out, nil
}

// listItems splits a comma-separated parameter; spaces around an item are
// dropped ("record-high, record-low" is the list of two), and an empty value
// is one empty item (the default).
func listItems(v string) []string {
	items := strings.Split(v, ",")
	for i, x := range items {
		items[i] = strings.TrimSpace(x)
	}
	return items
}

func minYears(v string) (int, error) {
	if v == "" {
		return stations.DefaultMinYears, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 400 {
		return 0, invalid("{min_years} %q: want a whole number of years from 0 to 400", v)
	}
	return n, nil
}

// elementUnit returns the everyday unit of a GHCN element's values divided by ten.
func elementUnit(el string) string {
	if el == "PRCP" {
		return "mm"
	}
	return "degC"
}

// StationRecordJSON is one record in the JSON shape of both surfaces:
// value in °C (temperatures) or mm (precipitation), dates as YYYY-MM-DD.
type StationRecordJSON struct {
	Extreme string   `json:"extreme"`
	Element string   `json:"element"`
	Highest bool     `json:"highest"`
	Scope   string   `json:"scope"`
	Month   int      `json:"month,omitempty"`
	Day     int      `json:"day,omitempty"`
	Value   float64  `json:"value"`
	Unit    string   `json:"unit"`
	Date    string   `json:"date"`
	Ties    []string `json:"ties"`
	Years   int      `json:"years"` // the station's length of record of the element, in years
}

// StationRecordsRequest asks for a station's stored records: Extreme
// ("record-high", "record-low", "highest-low", "lowest-high",
// "wettest-day"; every one when empty), Scope ("all-time" by default,
// "month" or "day"), Month (1-12, to keep one month of the month and day
// scopes) and Lang (the language of the country name).
type StationRecordsRequest struct {
	ID      string
	Extreme string
	Scope   string
	Month   string
	Lang    string
}

// StationRecordsResult is a station with its records and the data file
// they were derived from.
type StationRecordsResult struct {
	Station StationInfo         `json:"station"`
	Records []StationRecordJSON `json:"records"`
	Source  *StationSource      `json:"source"`
}

// JSON is the result's JSON shape.
func (r StationRecordsResult) JSON() any { return r }

// StationRecords answers a StationRecordsRequest from the derived records
// kept in the store (computed from the archive by `stocktake stations
// ingest`).
func StationRecords(ctx context.Context, st StationStore, req StationRecordsRequest) (StationRecordsResult, error) {
	id := strings.ToUpper(req.ID)
	if len(id) != 11 {
		return StationRecordsResult{}, invalid("station id %q: want 11 letters or digits, e.g. USW00094728", req.ID)
	}
	l, err := parseLang(req.Lang)
	if err != nil {
		return StationRecordsResult{}, err
	}
	var want *stations.Extreme
	if req.Extreme != "" {
		e, err := extremeOf("extreme", req.Extreme)
		if err != nil {
			return StationRecordsResult{}, err
		}
		want = &e
	}
	scope, err := scopeOf("scope", req.Scope, stations.AllTime)
	if err != nil {
		return StationRecordsResult{}, err
	}
	month := 0
	if req.Month != "" {
		if month, err = positiveInt("month", req.Month, 0, 12); err != nil {
			return StationRecordsResult{}, err
		}
		if scope == stations.AllTime {
			return StationRecordsResult{}, invalid("{month} needs {scope} month or day")
		}
	}
	res := StationRecordsResult{Records: []StationRecordJSON{}}
	ms, err := st.Stations(ctx, store.StationFilter{ID: id})
	if err != nil {
		return res, err
	}
	if len(ms) == 1 {
		res.Station = stationInfo(l, ms[0])
	} else {
		res.Station = stationInfo(l, store.StationMeta{ID: id, Country: id[:2]})
	}
	recs, err := st.StationRecordsOf(ctx, id)
	if err != nil {
		return res, err
	}
	if len(recs) == 0 {
		return res, notFound("station %s has no records in the store (ingest its file with `stocktake stations ingest`)", id)
	}
	for _, r := range recs {
		e := stations.Extreme{Element: r.Element, Highest: r.Highest}
		if (want != nil && *want != e) || stations.Scope(r.Scope) != scope || (month != 0 && r.Month != month) {
			continue
		}
		name := ExtremeName(e)
		if name == "" {
			continue
		}
		res.Records = append(res.Records, recordJSON(name, r))
	}
	// Order by extreme as listed, then month and day.
	rank := map[string]int{}
	for i, x := range extremeNames {
		rank[x.name] = i
	}
	sort.SliceStable(res.Records, func(i, j int) bool {
		a, b := res.Records[i], res.Records[j]
		if a.Extreme != b.Extreme {
			return rank[a.Extreme] < rank[b.Extreme]
		}
		if a.Month != b.Month {
			return a.Month < b.Month
		}
		return a.Day < b.Day
	})
	data, _, err := dataFiles(ctx, st)
	if err != nil {
		return res, err
	}
	if f, ok := data[id]; ok {
		res.Source = stationSource(f)
	}
	return res, nil
}

func recordJSON(name string, r store.StationRecord) StationRecordJSON {
	ties := make([]string, len(r.Ties))
	for i, d := range r.Ties {
		ties[i] = d.String()
	}
	return StationRecordJSON{Extreme: name, Element: r.Element, Highest: r.Highest, Scope: r.Scope, Month: r.Month, Day: r.Day,
		Value: float64(r.Value) / 10, Unit: elementUnit(r.Element), Date: r.Date.String(), Ties: ties, Years: r.Years}
}

// RecordsSetRequest asks which stations set (or tied) a record from Since
// to Until (inclusive; Until defaults to today, UTC): Extreme (default
// "record-high"), Scope (default "all-time"), Country (as
// countries.ParseStationCountry reads it; every country when empty),
// MinYears (the minimum length of record before Since, default
// stations.DefaultMinYears) and Lang (the language of the country names).
//
// Extreme and Scope each take one name, a comma-separated list of names
// ("record-high,record-low") or "all" (the five extremes; the three scopes):
// every extreme asked is asked at every scope asked, all in one read of the
// archive (stations.Archive.RecordsSetMany). "extreme=record-high,record-low
// &scope=all" asks the six questions of a day's records. A name may appear
// once in a list, and "all" only alone.
type RecordsSetRequest struct {
	Since, Until string
	Country      string
	Extreme      string
	Scope        string
	MinYears     string
	Lang         string
}

// SetRecordJSON is one record set, in the JSON shape of both surfaces.
// Country is GHCN-Daily's code of the station, named by the embedded
// country fields. National is true when the value was also the highest (or
// lowest) of its country's stations as of its day, reached first at this
// station on this day; the country is the ISO 3166-1 entry, which takes in
// every GHCN code filed under it (Jan Mayen and Svalbard are one, SJ).
type SetRecordJSON struct {
	Station string `json:"station"`
	Name    string `json:"name"`
	Country string `json:"country"`
	StationCountryJSON
	Latitude     *float64       `json:"latitude"`
	Longitude    *float64       `json:"longitude"`
	Extreme      string         `json:"extreme"`
	Scope        string         `json:"scope"`
	Month        int            `json:"month,omitempty"`
	Day          int            `json:"day,omitempty"`
	Date         string         `json:"date"`
	Value        float64        `json:"value"`
	Unit         string         `json:"unit"`
	Tie          bool           `json:"tie"`
	Previous     float64        `json:"previous"`
	PreviousDate string         `json:"previous_date"`
	National     bool           `json:"national"`
	UID          string         `json:"uid"`
	Sentence     string         `json:"sentence"`
	Source       *StationSource `json:"source"`
}

// RecordsSetResult is the answer of RecordsSet, ordered by date then
// station, and for several questions then by question (the extremes in the
// order asked, each at the scopes in the order asked): each record names its
// extreme and scope. Extreme and Scope echo the request's names, a list
// joined by commas ("all" expanded) when several were asked.
type RecordsSetResult struct {
	Since    string                    `json:"since"`
	Until    string                    `json:"until"`
	Extreme  string                    `json:"extreme"`
	Scope    string                    `json:"scope"`
	MinYears int                       `json:"min_years"`
	Country  *StationCountryFilterJSON `json:"country,omitempty"`
	Records  []SetRecordJSON           `json:"records"`
}

// JSON is the result's JSON shape.
func (r RecordsSetResult) JSON() any { return r }

// ErrNoArchive is the NotFound error of a station question asked without a
// station archive.
var ErrNoArchive = &Error{NotFound, "no station archive: ingest GHCN-Daily files with `stocktake stations ingest`"}

// RecordsSet answers a RecordsSetRequest from the archive (the daily
// values) and the store (station names and file provenance).
func RecordsSet(ctx context.Context, st StationStore, arc *stations.Archive, req RecordsSetRequest, today obs.Date) (RecordsSetResult, error) {
	if req.Since == "" {
		return RecordsSetResult{}, invalid("{since} is required: the first day of the window, YYYY-MM-DD")
	}
	from, _, err := date("since", req.Since)
	if err != nil {
		return RecordsSetResult{}, err
	}
	to := today
	if req.Until != "" {
		if to, _, err = dateEnd("until", req.Until); err != nil {
			return RecordsSetResult{}, err
		}
	}
	if to < from {
		return RecordsSetResult{}, invalid("{until} %s is before {since} %s", to, from)
	}
	exts, err := extremesOf("extreme", req.Extreme)
	if err != nil {
		return RecordsSetResult{}, err
	}
	scopes, err := scopesOf("scope", req.Scope, stations.AllTime)
	if err != nil {
		return RecordsSetResult{}, err
	}
	my, err := minYears(req.MinYears)
	if err != nil {
		return RecordsSetResult{}, err
	}
	l, err := parseLang(req.Lang)
	if err != nil {
		return RecordsSetResult{}, err
	}
	country, echo, err := countryFilter(l, req.Country)
	if err != nil {
		return RecordsSetResult{}, err
	}
	var qs []stations.Question
	var askedExtremes, askedScopes []string
	for _, e := range exts {
		askedExtremes = append(askedExtremes, ExtremeName(e))
		for _, sc := range scopes {
			qs = append(qs, stations.Question{Extreme: e, Scope: sc})
		}
	}
	for _, sc := range scopes {
		askedScopes = append(askedScopes, string(sc))
	}
	res := RecordsSetResult{Since: from.String(), Until: to.String(), Extreme: strings.Join(askedExtremes, ","), Scope: strings.Join(askedScopes, ","),
		MinYears: my, Country: echo, Records: []SetRecordJSON{}}
	if arc == nil {
		return res, ErrNoArchive
	}
	q := stations.Query{MinYears: my}
	answers, err := arc.RecordsSetMany(ctx, from, to, qs, q)
	if errors.Is(err, stations.ErrEmpty) {
		return res, ErrNoArchive
	}
	if err != nil {
		return res, err
	}
	// Each answer is ordered by date then station; the records of several
	// questions are merged in that order, the questions' order kept among
	// a station's records of one day.
	var set []stations.SetRecord
	for _, a := range answers {
		set = append(set, a...)
	}
	if len(answers) > 1 {
		sort.SliceStable(set, func(i, j int) bool {
			if set[i].Date != set[j].Date {
				return set[i].Date < set[j].Date
			}
			return set[i].Station < set[j].Station
		})
	}
	data, _, err := dataFiles(ctx, st)
	if err != nil {
		return res, err
	}
	meta := map[string]store.StationMeta{}
	national := map[string][]stations.Record{} // by GHCN codes of the country and date
	for _, r := range set {
		cc := r.Station[:2]
		if country != nil && !country.Has(r.Station) {
			continue
		}
		m, ok := meta[r.Station]
		if !ok {
			ms, err := st.Stations(ctx, store.StationFilter{ID: r.Station})
			if err != nil {
				return res, err
			}
			if len(ms) == 1 {
				m = ms[0]
			}
			meta[r.Station] = m
		}
		e := stations.Extreme{Element: r.Element, Highest: r.Highest}
		out := SetRecordJSON{Station: r.Station, Name: m.Name, Country: cc, StationCountryJSON: stationCountry(l, r.Station), Extreme: ExtremeName(e), Scope: string(r.Scope),
			Month: r.Month, Day: r.Day, Date: r.Date.String(), Value: float64(r.Value) / 10, Unit: elementUnit(r.Element),
			Tie: r.Tie, Previous: float64(r.Previous) / 10, PreviousDate: r.PreviousDate.String(), UID: r.UID(), Sentence: r.Sentence(m.Name)}
		if m.ID != "" {
			lat, lon := m.Latitude, m.Longitude
			out.Latitude, out.Longitude = &lat, &lon
		}
		if f, ok := data[r.Station]; ok {
			out.Source = stationSource(f)
		}
		// A national record is judged on the all-time scope only: the
		// country's extreme as of the day, first reached here that day.
		// The country is the ISO entry of the station's GHCN code, over
		// every GHCN code filed under it.
		if r.Scope == stations.AllTime && !r.Tie {
			group := nationalGroup(cc)
			key := strings.Join(group, ",") + r.Date.String() + ExtremeName(e)
			nr, ok := national[key]
			if !ok {
				d := r.Date
				nr, err = nationalRecord(ctx, arc, group, e, stations.Query{AsOf: &d, MinYears: my})
				if err != nil {
					return res, err
				}
				national[key] = nr
			}
			for _, n := range nr {
				if n.Station == r.Station && n.Date == r.Date && n.Value == r.Value {
					out.National = true
				}
			}
		}
		res.Records = append(res.Records, out)
	}
	return res, nil
}

// StationClimatologyRequest asks for a station's daily climatology: ID, Element
// (TMAX, TMIN or PRCP; default TMAX) and Year (the year drawn over it; the
// reference period is every earlier year; default the station's last year
// with a value of the element) and Lang (the language of the country name).
type StationClimatologyRequest struct {
	ID, Element, Year string
	Lang              string
}

// StationClimateDayJSON is one calendar day of a climatology, in °C or mm: the
// reference period's lowest, 10th and 90th percentile and highest values,
// the number of years with a value, and the chosen year's value (null when
// it has none).
type StationClimateDayJSON struct {
	Month int      `json:"month"`
	Day   int      `json:"day"`
	Min   *float64 `json:"min"`
	P10   *float64 `json:"p10"`
	P90   *float64 `json:"p90"`
	Max   *float64 `json:"max"`
	Years int      `json:"years"`
	Value *float64 `json:"value"`
}

// StationClimatologyResult is the answer of StationClimatology, with the station's data
// file provenance.
type StationClimatologyResult struct {
	Station   StationInfo             `json:"station"`
	Element   string                  `json:"element"`
	Unit      string                  `json:"unit"`
	Year      int                     `json:"year"`
	FirstYear int                     `json:"first_year"` // of the reference period
	LastYear  int                     `json:"last_year"`
	Days      []StationClimateDayJSON `json:"days"`
	Source    *StationSource          `json:"source"`
}

// JSON is the result's JSON shape.
func (r StationClimatologyResult) JSON() any { return r }

// StationClimatology answers a StationClimatologyRequest from the archive.
func StationClimatology(ctx context.Context, st StationStore, arc *stations.Archive, req StationClimatologyRequest) (StationClimatologyResult, error) {
	id := strings.ToUpper(req.ID)
	if len(id) != 11 {
		return StationClimatologyResult{}, invalid("station id %q: want 11 letters or digits, e.g. USW00094728", req.ID)
	}
	l, err := parseLang(req.Lang)
	if err != nil {
		return StationClimatologyResult{}, err
	}
	el := strings.ToUpper(req.Element)
	if el == "" {
		el = "TMAX"
	}
	if el != "TMAX" && el != "TMIN" && el != "PRCP" {
		return StationClimatologyResult{}, invalid("{element} %q: want TMAX, TMIN or PRCP", req.Element)
	}
	if arc == nil {
		return StationClimatologyResult{}, ErrNoArchive
	}
	res := StationClimatologyResult{Element: el, Unit: elementUnit(el), Days: []StationClimateDayJSON{}}
	ms, err := st.Stations(ctx, store.StationFilter{ID: id})
	if err != nil {
		return res, err
	}
	if len(ms) == 1 {
		res.Station = stationInfo(l, ms[0])
	} else {
		res.Station = stationInfo(l, store.StationMeta{ID: id, Country: id[:2]})
	}
	if req.Year != "" {
		if res.Year, err = positiveInt("year", req.Year, 0, 9999); err != nil {
			return res, err
		}
	} else {
		last, err := arc.LastDate(ctx, id)
		if errors.Is(err, stations.ErrNoStation) {
			return res, notFound("station %s has no values in the archive", id)
		}
		if err != nil {
			return res, err
		}
		res.Year = last.Year()
	}
	days, first, last, err := arc.Climatology(ctx, id, el, res.Year)
	if errors.Is(err, stations.ErrNoStation) {
		return res, notFound("station %s has no values in the archive", id)
	}
	if err != nil {
		return res, err
	}
	res.FirstYear, res.LastYear = first, last
	tenth := func(v float64) *float64 { x := math.Round(v) / 10; return &x }
	for _, d := range days {
		j := StationClimateDayJSON{Month: d.Month, Day: d.Day, Years: d.Years}
		if d.Years > 0 {
			j.Min, j.P10, j.P90, j.Max = tenth(d.Min), tenth(d.P10), tenth(d.P90), tenth(d.Max)
		}
		if d.Has {
			j.Value = tenth(float64(d.Value))
		}
		res.Days = append(res.Days, j)
	}
	data, _, err := dataFiles(ctx, st)
	if err != nil {
		return res, err
	}
	if f, ok := data[id]; ok {
		res.Source = stationSource(f)
	}
	return res, nil
}
