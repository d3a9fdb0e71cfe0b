package stations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// DefaultMinYears is the minimum length of record NOAA uses for its station
// records tools: a station needs values in at least 30 distinct years.
const DefaultMinYears = 30

// Extreme names a kind of record: the highest or lowest value of an element.
type Extreme struct {
	Element string // GHCN element code
	Highest bool   // true for the highest value, false for the lowest
}

// The extremes that station records are kept for.
var (
	RecordHigh = Extreme{"TMAX", true}  // highest daily maximum temperature
	RecordLow  = Extreme{"TMIN", false} // lowest daily minimum temperature
	HighestLow = Extreme{"TMIN", true}  // highest daily minimum (warmest night)
	LowestHigh = Extreme{"TMAX", false} // lowest daily maximum (coldest day)
	WettestDay = Extreme{"PRCP", true}  // highest daily precipitation
)

// Scope says which earlier values a record is compared with.
type Scope string

const (
	AllTime Scope = "all-time" // every earlier day
	Month   Scope = "month"    // every earlier day of the same calendar month
	Day     Scope = "day"      // the same calendar day (month and day) of every earlier year
)

// keys returns the SQL expressions of the scope's grouping keys (km, kd).
func (s Scope) keys() (string, string, error) {
	switch s {
	case AllTime:
		return "0", "0", nil
	case Month:
		return "month(date)", "0", nil
	case Day:
		return "month(date)", "day(date)", nil
	}
	return "", "", fmt.Errorf("unknown record scope %q (want all-time, month or day)", s)
}

// Query holds what every record query shares.
type Query struct {
	// AsOf, when set, uses only values dated on or before it: the record as
	// it stood that day. Nil uses every value in the archive.
	AsOf *obs.Date
	// MinYears is the minimum length of record: a station counts only when it
	// has unflagged values of the element in at least this many distinct
	// years (up to AsOf). 0 means no minimum; DefaultMinYears is NOAA's.
	MinYears int
	// Station, when not empty, restricts RecordsSet to one station: it reads
	// only the station's bucket. The other queries take the station as an
	// argument and ignore it.
	Station string
}

// stationCond returns the SQL condition restricting rows to q.Station
// ("TRUE" when it is empty). Station ids are 11 letters and digits; the
// value is quoted as an SQL literal all the same.
func (q Query) stationCond() string {
	if q.Station == "" {
		return "TRUE"
	}
	return "station = " + quote(q.Station)
}

func (q Query) asOf() string {
	if q.AsOf == nil {
		return "9999-12-31"
	}
	return q.AsOf.String()
}

// Record is a station record: the extreme value of an element over a scope
// and the date it was first reached. Values are in GHCN units (tenths of °C
// for temperatures, tenths of mm for PRCP).
type Record struct {
	Station string
	Element string
	Highest bool
	Scope   Scope
	Month   int        // 1-12 for the month and day scopes, 0 otherwise
	Day     int        // 1-31 for the day scope, 0 otherwise
	Value   int32      // in GHCN units
	Date    obs.Date   // the first day the value was reached
	Ties    []obs.Date // later days that equalled it, oldest first
	Years   int        // the station's length of record in years (up to AsOf)
}

// Float returns the value in the element's everyday unit: °C for
// temperatures, mm for precipitation (GHCN's tenths divided by ten).
func (r Record) Float() float64 { return float64(r.Value) / 10 }

// ErrEmpty is returned by queries on an archive that holds no values.
var ErrEmpty = errors.New("station archive holds no values")

// source returns the read_parquet call over the station's bucket, or over
// every partition when station is "".
func (a *Archive) source(station string) (string, error) {
	parts, err := a.Partitions()
	if err != nil {
		return "", err
	}
	if len(parts) == 0 {
		return "", ErrEmpty
	}
	glob := filepath.Join(a.dir, "values", "*", "*", "part.parquet")
	if station != "" {
		bucket := filepath.Join("values", fmt.Sprintf("b=%03d", a.Bucket(station)))
		found := false
		for _, p := range parts {
			if strings.HasPrefix(p, bucket+string(filepath.Separator)) {
				found = true
				break
			}
		}
		if !found {
			return "", fmt.Errorf("station %s: %w", station, ErrNoStation)
		}
		glob = filepath.Join(a.dir, bucket, "*", "part.parquet")
	}
	return "read_parquet(" + quote(glob) + ", hive_partitioning=false)", nil
}

// ErrNoStation is returned when a station has no values in the archive.
var ErrNoStation = errors.New("no values in the archive")

// sign returns 1 for highest and -1 for lowest: queries take the maximum of
// sign*value so that one SQL text serves both.
func sign(e Extreme) int {
	if e.Highest {
		return 1
	}
	return -1
}

func dates(v any) ([]obs.Date, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("unexpected date list %T", v)
	}
	out := make([]obs.Date, len(l))
	for i, x := range l {
		t, ok := x.(time.Time)
		if !ok {
			return nil, fmt.Errorf("unexpected date %T", x)
		}
		out[i] = obs.FromTime(t)
	}
	return out, nil
}

// StationRecords returns the station's records of one extreme over a scope:
// one record for AllTime, one per calendar month for Month, one per calendar
// day for Day (only those with values). Values with a quality flag are
// ignored. It returns no records when the station's length of record is
// shorter than q.MinYears, and ErrNoStation when it has no values at all.
func (a *Archive) StationRecords(ctx context.Context, station string, e Extreme, scope Scope, q Query) ([]Record, error) {
	km, kd, err := scope.keys()
	if err != nil {
		return nil, err
	}
	src, err := a.source(station)
	if err != nil {
		return nil, err
	}
	s := sign(e)
	sqlText := fmt.Sprintf(`WITH v AS (
		SELECT date, %d * value AS sv, %s AS km, %s AS kd FROM %s
		WHERE station = ? AND element = ? AND qflag = '' AND date <= ?::DATE),
	n AS (SELECT count(DISTINCT year(date)) AS years FROM v),
	best AS (SELECT km, kd, max(sv) AS best FROM v GROUP BY km, kd)
	SELECT best.km, best.kd, best.best, list(v.date ORDER BY v.date), n.years
	FROM best JOIN v ON v.km = best.km AND v.kd = best.kd AND v.sv = best.best CROSS JOIN n
	WHERE n.years >= ?
	GROUP BY best.km, best.kd, best.best, n.years ORDER BY best.km, best.kd`, s, km, kd, src)
	rows, err := a.db.QueryContext(ctx, sqlText, station, e.Element, q.asOf(), q.MinYears)
	if err != nil {
		return nil, fmt.Errorf("station records of %s: %w", station, err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var m, d, best, years int64
		var list any
		if err := rows.Scan(&m, &d, &best, &list, &years); err != nil {
			return nil, err
		}
		ds, err := dates(list)
		if err != nil {
			return nil, err
		}
		out = append(out, Record{Station: station, Element: e.Element, Highest: e.Highest, Scope: scope,
			Month: int(m), Day: int(d), Value: int32(int64(s) * best), Date: ds[0], Ties: ds[1:], Years: int(years)})
	}
	return out, rows.Err()
}

// Run is a spell of consecutive days on which an element stayed at or above
// (or at or below) a threshold.
type Run struct {
	Station   string
	Element   string
	Threshold int32 // in GHCN units
	Above     bool  // true for at or above the threshold, false for at or below
	Start     obs.Date
	End       obs.Date
	Days      int
}

// TenthsFromCelsius converts a threshold quoted in °C to GHCN tenths of °C,
// rounded to the nearest tenth.
func TenthsFromCelsius(c float64) int32 { return int32(math.Round(c * 10)) }

// TenthsFromFahrenheit converts a threshold quoted in °F to GHCN tenths of
// °C, rounded to the nearest tenth. U.S. observations are whole °F converted
// to tenths of °C and rounded the same way, so a day of exactly 90 °F (322)
// counts as "at or above 90 °F".
func TenthsFromFahrenheit(f float64) int32 { return int32(math.Round((f - 32) * 50 / 9)) }

// Runs returns the station's runs of at least minDays consecutive days on
// which the element was at or above the threshold (above=true) or at or below
// it, longest first (then oldest first), at most limit of them (all when
// limit <= 0). A missing or quality-flagged day ends a run: a run counts only
// days that were observed. q.MinYears is not applied; q.AsOf is.
func (a *Archive) Runs(ctx context.Context, station, element string, threshold int32, above bool, minDays, limit int, q Query) ([]Run, error) {
	src, err := a.source(station)
	if err != nil {
		return nil, err
	}
	cmp := ">="
	if !above {
		cmp = "<="
	}
	lim := ""
	if limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d", limit)
	}
	sqlText := fmt.Sprintf(`WITH v AS (
		SELECT date FROM %s WHERE station = ? AND element = ? AND qflag = '' AND date <= ?::DATE AND value %s ?),
	g AS (SELECT date, date - (row_number() OVER (ORDER BY date))::INTEGER AS grp FROM v)
	SELECT min(date), max(date), count(*) AS n FROM g GROUP BY grp HAVING count(*) >= ?
	ORDER BY n DESC, min(date)%s`, src, cmp, lim)
	rows, err := a.db.QueryContext(ctx, sqlText, station, element, q.asOf(), threshold, minDays)
	if err != nil {
		return nil, fmt.Errorf("runs of %s: %w", station, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var s, e time.Time
		var n int64
		if err := rows.Scan(&s, &e, &n); err != nil {
			return nil, err
		}
		out = append(out, Run{Station: station, Element: element, Threshold: threshold, Above: above,
			Start: obs.FromTime(s), End: obs.FromTime(e), Days: int(n)})
	}
	return out, rows.Err()
}

// NationalRecord returns the all-time national record of a country (a FIPS
// code, the first two characters of GHCN station ids): the extreme value over
// the country's stations that meet q.MinYears, with the station and date. When
// several stations share the value, each is returned (earliest first).
//
// It reads the monthly-extremes files (about a thirtieth of the daily rows):
// the complete months up to q.AsOf give each station's years of record and
// the national extreme, and only the month holding q.AsOf, when it is cut
// short, is read from the daily values. The days that reached the extreme are
// then read from the daily values of the holders' buckets and decades alone.
// It gives the same answer as a scan of every daily value of the country
// (nationalRecordScan; the tests compare both), and scans when a partition
// lacks its monthly-extremes file (an archive written before they existed).
func (a *Archive) NationalRecord(ctx context.Context, country string, e Extreme, q Query) ([]Record, error) {
	if len(country) != 2 {
		return nil, fmt.Errorf("country %q: want a 2-character FIPS code", country)
	}
	if _, err := a.source(""); err != nil {
		return nil, err
	}
	parts, err := a.Partitions()
	if err != nil {
		return nil, err
	}
	asOf, err := obs.ParseDate(q.asOf())
	if err != nil {
		return nil, err
	}
	ay, am, _ := asOf.YMD()
	monthStart := obs.NewDate(ay, am, 1)
	partial := (asOf + 1).Month() == am // the month holding asOf is cut short
	type part struct {
		b, d int
		full string
	}
	var all []part
	var extremes, daily []string
	for _, p := range parts {
		b, d, ok := parsePartRel(p)
		if !ok {
			continue
		}
		full := filepath.Join(a.dir, p)
		if _, err := os.Stat(extremesPath(full)); err != nil {
			return a.nationalRecordScan(ctx, country, e, q)
		}
		all = append(all, part{b, d, full})
		extremes = append(extremes, quote(extremesPath(full)))
		if partial && d == decade(ay) {
			daily = append(daily, quote(full))
		}
	}
	if len(extremes) == 0 {
		return nil, nil
	}
	s := sign(e)
	hi := "hi"
	if !e.Highest {
		hi = "-lo"
	}
	months := fmt.Sprintf(`SELECT station, y, m, %s AS sv FROM read_parquet([%s], hive_partitioning=false)
		WHERE element = ? AND starts_with(station, ?) AND last_day(make_date(y, m, 1)) <= ?::DATE`, hi, strings.Join(extremes, ", "))
	args := []any{e.Element, country, asOf.String()}
	if len(daily) > 0 {
		months += fmt.Sprintf(` UNION ALL SELECT station, year(date)::INTEGER, month(date)::INTEGER, max(%d * value)
		FROM read_parquet([%s], hive_partitioning=false)
		WHERE element = ? AND starts_with(station, ?) AND qflag = '' AND date >= ?::DATE AND date <= ?::DATE GROUP BY ALL`,
			s, strings.Join(daily, ", "))
		args = append(args, e.Element, country, monthStart.String(), asOf.String())
	}
	sqlText := `WITH sm AS (` + months + `),
	ok AS (SELECT station, count(DISTINCT y) AS years FROM sm GROUP BY station HAVING count(DISTINCT y) >= ?),
	w AS (SELECT sm.*, ok.years FROM sm JOIN ok USING (station))
	SELECT DISTINCT station, y, years, sv FROM w WHERE sv = (SELECT max(sv) FROM w) ORDER BY station, y`
	args = append(args, q.MinYears)
	rows, err := a.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("national record of %s: %w", country, err)
	}
	years := map[string]int64{}
	var holders []string
	var best int64
	want := map[[2]int]bool{} // bucket, decade of the holders' months
	for rows.Next() {
		var st string
		var y, n int64
		if err := rows.Scan(&st, &y, &n, &best); err != nil {
			rows.Close()
			return nil, err
		}
		if _, seen := years[st]; !seen {
			holders = append(holders, quote(st))
		}
		years[st] = n
		want[[2]int{a.Bucket(st), decade(int(y))}] = true
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(holders) == 0 {
		return nil, nil
	}
	var files []string
	for _, p := range all {
		if want[[2]int{p.b, p.d}] {
			files = append(files, quote(p.full))
		}
	}
	// Every day at the national extreme lies in a month whose extreme it is,
	// so the holders' days are their unflagged values equal to it.
	dayRows, err := a.db.QueryContext(ctx, fmt.Sprintf(`SELECT station, list(date ORDER BY date) FROM read_parquet([%s], hive_partitioning=false)
		WHERE element = ? AND station IN (%s) AND qflag = '' AND %d * value = ? AND date <= ?::DATE
		GROUP BY station ORDER BY min(date), station`, strings.Join(files, ", "), strings.Join(holders, ", "), s),
		e.Element, best, asOf.String())
	if err != nil {
		return nil, fmt.Errorf("national record of %s: %w", country, err)
	}
	defer dayRows.Close()
	var out []Record
	for dayRows.Next() {
		var st string
		var list any
		if err := dayRows.Scan(&st, &list); err != nil {
			return nil, err
		}
		ds, err := dates(list)
		if err != nil {
			return nil, err
		}
		out = append(out, Record{Station: st, Element: e.Element, Highest: e.Highest, Scope: AllTime,
			Value: int32(int64(s) * best), Date: ds[0], Ties: ds[1:], Years: int(years[st])})
	}
	return out, dayRows.Err()
}

// nationalRecordScan answers NationalRecord by reading every daily value of
// the country's stations up to q.AsOf.
func (a *Archive) nationalRecordScan(ctx context.Context, country string, e Extreme, q Query) ([]Record, error) {
	src, err := a.source("")
	if err != nil {
		return nil, err
	}
	s := sign(e)
	sqlText := fmt.Sprintf(`WITH v AS (
		SELECT station, date, %d * value AS sv FROM %s
		WHERE starts_with(station, ?) AND element = ? AND qflag = '' AND date <= ?::DATE),
	ok AS (SELECT station, count(DISTINCT year(date)) AS years FROM v GROUP BY station HAVING count(DISTINCT year(date)) >= ?),
	w AS (SELECT v.*, ok.years FROM v JOIN ok USING (station)),
	best AS (SELECT max(sv) AS best FROM w)
	SELECT station, w.sv, list(date ORDER BY date), any_value(years) FROM w, best WHERE w.sv = best.best
	GROUP BY station, w.sv ORDER BY min(date), station`, s, src)
	rows, err := a.db.QueryContext(ctx, sqlText, country, e.Element, q.asOf(), q.MinYears)
	if err != nil {
		return nil, fmt.Errorf("national record of %s: %w", country, err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var st string
		var sv, years int64
		var list any
		if err := rows.Scan(&st, &sv, &list, &years); err != nil {
			return nil, err
		}
		ds, err := dates(list)
		if err != nil {
			return nil, err
		}
		out = append(out, Record{Station: st, Element: e.Element, Highest: e.Highest, Scope: AllTime,
			Value: int32(int64(s) * sv), Date: ds[0], Ties: ds[1:], Years: int(years)})
	}
	return out, rows.Err()
}

// LastDate returns the station's last day with a value (flagged or not) in
// the archive, and ErrNoStation when it has none.
func (a *Archive) LastDate(ctx context.Context, station string) (obs.Date, error) {
	src, err := a.source(station)
	if err != nil {
		return 0, err
	}
	var t sql.NullTime
	if err := a.db.QueryRowContext(ctx, "SELECT max(date) FROM "+src+" WHERE station = ?", station).Scan(&t); err != nil {
		return 0, fmt.Errorf("last date of %s: %w", station, err)
	}
	if !t.Valid {
		return 0, fmt.Errorf("station %s: %w", station, ErrNoStation)
	}
	return obs.FromTime(t.Time), nil
}

// YearsOfRecord returns, for each element of the station, the calendar years
// in which it has at least one unflagged value, in increasing order: the
// years that count towards its length of record (Query.MinYears). It
// returns ErrNoStation when the station has no values.
func (a *Archive) YearsOfRecord(ctx context.Context, station string) (map[string][]int, error) {
	src, err := a.source(station)
	if err != nil {
		return nil, err
	}
	rows, err := a.db.QueryContext(ctx, "SELECT DISTINCT element, year(date)::INTEGER AS y FROM "+src+
		" WHERE station = ? AND qflag = '' ORDER BY element, y", station)
	if err != nil {
		return nil, fmt.Errorf("years of record of %s: %w", station, err)
	}
	defer rows.Close()
	out := map[string][]int{}
	for rows.Next() {
		var el string
		var y int
		if err := rows.Scan(&el, &y); err != nil {
			return nil, err
		}
		out[el] = append(out[el], y)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		if _, err := a.LastDate(ctx, station); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetRecord is a record set (or tied) on a day: the value beat (or equalled)
// every earlier value of its scope at its station.
type SetRecord struct {
	Record                // Date is the day it was set; Ties is empty
	Previous     int32    // the record it beat or tied, in GHCN units
	PreviousDate obs.Date // the first day Previous was reached
	Tie          bool     // true when the value equalled Previous rather than beating it
}

// RecordsSet returns every record of one extreme and scope set or tied on a
// day from..to (inclusive) at any station, following the product's rule: a
// record is strictly above (highest) or below (lowest) every earlier value of
// its scope, ties are reported as ties, and only data up to each day count. A
// station counts when it has values in at least q.MinYears distinct years
// before from, and a scope needs at least one earlier value. Quality-flagged
// values are ignored. q.AsOf is ignored: each record is judged as of its day.
// Results are ordered by date, then station.
//
// It is RecordsSetMany with one question; a caller asking several questions
// of the same window should ask them together.
func (a *Archive) RecordsSet(ctx context.Context, from, to obs.Date, e Extreme, scope Scope, q Query) ([]SetRecord, error) {
	res, err := a.RecordsSetMany(ctx, from, to, []Question{{e, scope}}, q)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// recordsSetScan answers RecordsSet for any scope by reading every daily
// value of the element up to `to`.
func (a *Archive) recordsSetScan(ctx context.Context, from, to obs.Date, e Extreme, scope Scope, q Query) ([]SetRecord, error) {
	km, kd, err := scope.keys()
	if err != nil {
		return nil, err
	}
	src, err := a.source(q.Station)
	if err != nil {
		return nil, err
	}
	s := sign(e)
	// The rank key orders by value, then prefers the earlier date, so that
	// arg_max picks the first day a value was reached.
	sqlText := fmt.Sprintf(`WITH h AS (
		SELECT station, date, %d * value AS sv, %s AS km, %s AS kd FROM %s
		WHERE element = ? AND qflag = '' AND date <= ?::DATE AND %s),
	w AS (SELECT * FROM h WHERE date >= ?::DATE),
	yrs AS (SELECT station, count(DISTINCT year(date)) AS years FROM h WHERE date < ?::DATE GROUP BY station HAVING count(DISTINCT year(date)) >= ?),
	prev AS (
		SELECT station, km, kd, max(sv) AS prev, arg_max(date, sv::BIGINT * 1000000 - (date - DATE '1600-01-01')) AS prev_date
		FROM h WHERE date < ?::DATE AND (station, km, kd) IN (SELECT station, km, kd FROM w)
		GROUP BY station, km, kd),
	c AS (SELECT *,
		max(sv) OVER win AS wprev,
		arg_max(date, sv::BIGINT * 1000000 - (date - DATE '1600-01-01')) OVER win AS wprev_date
		FROM w WINDOW win AS (PARTITION BY station, km, kd ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
	SELECT c.station, c.date, c.sv, c.km, c.kd, yrs.years,
		CASE WHEN c.wprev > p.prev THEN c.wprev ELSE p.prev END AS eff,
		CASE WHEN c.wprev > p.prev THEN c.wprev_date ELSE p.prev_date END AS eff_date
	FROM c JOIN prev p USING (station, km, kd) JOIN yrs USING (station)
	WHERE c.sv >= greatest(p.prev, coalesce(c.wprev, p.prev))
	ORDER BY c.date, c.station`, s, km, kd, src, q.stationCond())
	return a.querySetRecords(ctx, from, to, e, scope, sqlText, e.Element, to.String(), from.String(), from.String(), q.MinYears, from.String())
}

// sameDays returns the SQL condition on the columns m and d (month and day
// of month) selecting the calendar days of the window from..to, and the
// ranges of dates from start up to the day before from that fall on one of
// them, merged where consecutive. The condition is written with plain
// comparisons of the columns where it can be, so that DuckDB skips row groups
// of the calendar-day-extremes files (sorted by month and day) by their
// statistics. When the window spans a whole year or more every calendar day is
// in it: the condition is "TRUE" and the one range is start to the day before
// from (none when from is start).
func sameDays(from, to, start obs.Date) (string, [][2]obs.Date) {
	if to-from+1 >= 366 {
		if from <= start {
			return "TRUE", nil
		}
		return "TRUE", [][2]obs.Date{{start, from - 1}}
	}
	in := map[int]bool{}
	var list, months []string
	lo, hi := 32, 0
	for d := from; d <= to; d++ {
		_, m, dd := d.YMD()
		if !in[m*100+dd] {
			in[m*100+dd] = true
			list = append(list, fmt.Sprint(m*100+dd))
		}
		if !in[-m] {
			in[-m] = true
			months = append(months, fmt.Sprint(m))
		}
		lo, hi = min(lo, dd), max(hi, dd)
	}
	// A window shorter than a year within one month holds consecutive days
	// of it; otherwise the months select the row groups and the list the days.
	cond := fmt.Sprintf("m = %s AND d BETWEEN %d AND %d", months[0], lo, hi)
	if len(months) > 1 {
		cond = fmt.Sprintf("m IN (%s) AND m * 100 + d IN (%s)", strings.Join(months, ", "), strings.Join(list, ", "))
	}
	var out [][2]obs.Date
	for d := start; d < from; d++ {
		_, m, dd := d.YMD()
		if !in[m*100+dd] {
			continue
		}
		if n := len(out); n > 0 && out[n-1][1] == d-1 {
			out[n-1][1] = d
		} else {
			out = append(out, [2]obs.Date{d, d})
		}
	}
	return cond, out
}

// ClimateDay is one calendar day of a station's daily climatology: the
// lowest, 10th percentile, 90th percentile and highest unflagged value of the
// element on that calendar day over the reference years, how many years had
// a value, and the value of the chosen year (Has false when it has none).
// Values are in GHCN units.
type ClimateDay struct {
	Month, Day         int
	Min, P10, P90, Max float64
	Years              int
	Value              int32
	Has                bool
}

// Climatology returns the station's daily climatology of an element over
// every year before `year` (the reference period, reported as first and last
// year), with the values of `year` itself, one entry per calendar day (29
// February included when it has values), in calendar order. Percentiles are
// linear interpolations between the ordered values (quantile_cont).
// Quality-flagged values are left out.
func (a *Archive) Climatology(ctx context.Context, station, element string, year int) (days []ClimateDay, first, last int, err error) {
	src, err := a.source(station)
	if err != nil {
		return nil, 0, 0, err
	}
	sqlText := `WITH v AS (SELECT date, value FROM ` + src + ` WHERE station = ? AND element = ? AND qflag = ''),
	ref AS (SELECT month(date) AS m, day(date) AS d, min(value)::DOUBLE AS lo, quantile_cont(value, 0.1) AS p10,
		quantile_cont(value, 0.9) AS p90, max(value)::DOUBLE AS hi, count(DISTINCT year(date)) AS n
		FROM v WHERE year(date) < ? GROUP BY ALL),
	cur AS (SELECT month(date) AS m, day(date) AS d, value FROM v WHERE year(date) = ?),
	span AS (SELECT min(year(date)) AS y0, max(year(date)) AS y1 FROM v WHERE year(date) < ?)
	SELECT coalesce(ref.m, cur.m), coalesce(ref.d, cur.d), ref.lo, ref.p10, ref.p90, ref.hi, coalesce(ref.n, 0), cur.value, span.y0, span.y1
	FROM ref FULL JOIN cur ON ref.m = cur.m AND ref.d = cur.d CROSS JOIN span ORDER BY 1, 2`
	rows, err := a.db.QueryContext(ctx, sqlText, station, element, year, year, year)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("climatology of %s: %w", station, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ClimateDay
		var lo, p10, p90, hi sql.NullFloat64
		var v, y0, y1 sql.NullInt64
		var n int64
		if err := rows.Scan(&c.Month, &c.Day, &lo, &p10, &p90, &hi, &n, &v, &y0, &y1); err != nil {
			return nil, 0, 0, err
		}
		c.Min, c.P10, c.P90, c.Max, c.Years = lo.Float64, p10.Float64, p90.Float64, hi.Float64, int(n)
		c.Value, c.Has = int32(v.Int64), v.Valid
		first, last = int(y0.Int64), int(y1.Int64)
		days = append(days, c)
	}
	return days, first, last, rows.Err()
}

// querySetRecords runs one of the records-set queries (sqlText with args),
// whose rows are (station, date, sign*value, month, day, years of record,
// sign*previous holder's value, previous holder's date), and returns them as
// records of extreme e at scope for the window from..to.
func (a *Archive) querySetRecords(ctx context.Context, from, to obs.Date, e Extreme, scope Scope, sqlText string, args ...any) ([]SetRecord, error) {
	s := sign(e)
	rows, err := a.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("records set %s..%s: %w", from, to, err)
	}
	defer rows.Close()
	var out []SetRecord
	for rows.Next() {
		var st string
		var d, pd time.Time
		var sv, m, day, years, eff int64
		if err := rows.Scan(&st, &d, &sv, &m, &day, &years, &eff, &pd); err != nil {
			return nil, err
		}
		out = append(out, SetRecord{
			Record: Record{Station: st, Element: e.Element, Highest: e.Highest, Scope: scope, Month: int(m), Day: int(day),
				Value: int32(int64(s) * sv), Date: obs.FromTime(d), Years: int(years)},
			Previous: int32(int64(s) * eff), PreviousDate: obs.FromTime(pd), Tie: sv == eff,
		})
	}
	return out, rows.Err()
}
