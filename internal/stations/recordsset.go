package stations

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// Question is one records-set question: which stations set (or tied) a
// record of an extreme at a scope.
type Question struct {
	Extreme Extreme
	Scope   Scope
}

// RecordsSetMany answers several records-set questions about the same
// window from..to (inclusive) with the same Query, and returns the answer
// to qs[i] in element i: exactly what RecordsSet returns for that question
// alone (same records, same order; the tests compare both with the full
// scan). A question may be repeated; an empty qs returns an empty answer.
//
// The questions are answered by one SQL query, which reads each file once:
//   - the daily values of the window's decades, for every element asked,
//     only on the days that matter (from the first of from's month to `to`,
//     and, when a calendar-day question is asked, the earlier days of the
//     decade that fall on a calendar day of the window);
//   - the monthly-extremes files of every partition, for the months before
//     from's month: the earlier extremes of the all-time and month scopes
//     and every scope's length of record (both extremes of every element
//     are in the same rows);
//   - when a calendar-day question is asked, the calendar-day-extremes files
//     of the decades before from's decade, only on the window's calendar
//     days (both extremes in the same rows).
//
// Each file read is materialized once and shared by every question (see
// recordsSetJoint). A calendar-day question falls back to the full scan of
// the daily values, alone, when a partition of an earlier decade lacks its
// calendar-day-extremes file (an archive written before the file existed) or
// when there is no earlier decade.
func (a *Archive) RecordsSetMany(ctx context.Context, from, to obs.Date, qs []Question, q Query) ([][]SetRecord, error) {
	for _, x := range qs {
		if _, _, err := x.Scope.keys(); err != nil {
			return nil, err
		}
		if x.Extreme.Element == "" {
			return nil, fmt.Errorf("records set: a question without an element")
		}
	}
	if to < from {
		return nil, fmt.Errorf("records set from %s to %s: the window ends before it starts", from, to)
	}
	if _, err := a.source(q.Station); err != nil {
		return nil, err
	}
	out := make([][]SetRecord, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	parts, err := a.Partitions()
	if err != nil {
		return nil, err
	}
	fd := decade(from.Year())
	var f joint
	dayFiles := true // every partition before from's decade has its calendar-day extremes
	for _, p := range parts {
		b, d, ok := parsePartRel(p)
		if !ok || (q.Station != "" && b != a.Bucket(q.Station)) {
			continue
		}
		full := filepath.Join(a.dir, p)
		f.monthly = append(f.monthly, quote(extremesPath(full)))
		switch {
		case d >= fd && d <= decade(to.Year()):
			f.daily = append(f.daily, quote(full))
		case d < fd:
			if _, err := os.Stat(dayExtremesPath(full)); err != nil {
				dayFiles = false
			}
			f.days = append(f.days, quote(dayExtremesPath(full)))
		}
	}
	if len(f.daily) == 0 {
		return out, nil // no values in the window
	}
	if !dayFiles || len(f.days) == 0 {
		f.days = nil
	}
	var together []int // the questions answered by the joint query
	for i, x := range qs {
		if x.Scope == Day && f.days == nil {
			if out[i], err = a.recordsSetScan(ctx, from, to, x.Extreme, Day, q); err != nil {
				return nil, err
			}
			continue
		}
		together = append(together, i)
	}
	if len(together) == 0 {
		return out, nil
	}
	sub := make([]Question, len(together))
	for j, i := range together {
		sub[j] = qs[i]
	}
	res, err := a.recordsSetJoint(ctx, from, to, sub, q, f)
	if err != nil {
		return nil, err
	}
	for j, i := range together {
		out[i] = res[j]
	}
	return out, nil
}

// joint lists the files a joint records-set query reads, each an SQL string
// literal: the daily values of the window's decades, the monthly extremes of
// every partition and the calendar-day extremes of the decades before the
// window's (nil when no calendar-day question may use them).
type joint struct {
	daily, monthly, days []string
}

// recordsSetJoint answers the questions qs (each of the all-time, month or
// calendar-day scope; the last only when f.days is set) in one SQL query.
//
// Every question i becomes rows tagged qi = i: its earlier values hp
// (station, km, kd, sign*value, date) and its window's values w, keyed by
// the scope's grouping keys (km, kd): (0, 0) all-time, (month, 0) month,
// (month, day) calendar day. The files are read once, in the MATERIALIZED
// common table expressions d0 (daily values), m0 (monthly extremes) and x0
// (calendar-day extremes), which hold the rows of every element asked and
// both extremes; each question selects its element and extreme from them.
// The length of record depends on the station and element only, so it is
// counted once per element (yrs). From there the query is the one-question
// query with qi added to every key: the previous record of a window's day
// is the best of the earlier values of its scope and of the window's
// earlier days (a window function), ties broken by the earlier date.
func (a *Archive) recordsSetJoint(ctx context.Context, from, to obs.Date, qs []Question, q Query, f joint) ([][]SetRecord, error) {
	rows, err := a.db.QueryContext(ctx, jointSQL(from, to, qs, q, f))
	if err != nil {
		return nil, fmt.Errorf("records set %s..%s: %w", from, to, err)
	}
	defer rows.Close()
	out := make([][]SetRecord, len(qs))
	for rows.Next() {
		var st string
		var d, pd time.Time
		var qi, sv, m, day, years, eff int64
		if err := rows.Scan(&qi, &st, &d, &sv, &m, &day, &years, &eff, &pd); err != nil {
			return nil, err
		}
		if qi < 0 || int(qi) >= len(qs) {
			return nil, fmt.Errorf("records set %s..%s: unexpected question %d", from, to, qi)
		}
		x := qs[qi]
		s := int64(sign(x.Extreme))
		out[qi] = append(out[qi], SetRecord{
			Record: Record{Station: st, Element: x.Extreme.Element, Highest: x.Extreme.Highest, Scope: x.Scope, Month: int(m), Day: int(day),
				Value: int32(s * sv), Date: obs.FromTime(d), Years: int(years)},
			Previous: int32(s * eff), PreviousDate: obs.FromTime(pd), Tie: sv == eff,
		})
	}
	return out, rows.Err()
}

// jointSQL returns the SQL text of recordsSetJoint; its rows are (question
// index, station, date, sign*value, km, kd, years of record, sign*previous
// record, previous record's date), ordered by question, date and station.
func jointSQL(from, to obs.Date, qs []Question, q Query, f joint) string {
	fy, fm, _ := from.YMD()
	ms := obs.NewDate(fy, fm, 1)
	msLit, fromLit := "DATE '"+ms.String()+"'", "DATE '"+from.String()+"'"
	var elements, dayElements []string
	hasDay := false
	for _, x := range qs {
		el := quote(x.Extreme.Element)
		if !slices.Contains(elements, el) {
			elements = append(elements, el)
		}
		if x.Scope == Day {
			hasDay = true
			if !slices.Contains(dayElements, el) {
				dayElements = append(dayElements, el)
			}
		}
	}
	cond := q.stationCond()
	// The daily values: from the first of from's month to `to`, and for the
	// calendar-day scope the earlier days of from's decade on the window's
	// calendar days.
	when := []string{fmt.Sprintf("date BETWEEN %s AND DATE '%s'", msLit, to)}
	dayCond := "FALSE"
	if hasDay {
		var ranges [][2]obs.Date
		dayCond, ranges = sameDays(from, to, obs.NewDate(decade(fy), 1, 1))
		for _, r := range ranges {
			when = append(when, fmt.Sprintf("date BETWEEN DATE '%s' AND DATE '%s'", r[0], r[1]))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `WITH d0 AS MATERIALIZED (
		SELECT station, element, date, value FROM read_parquet([%s], hive_partitioning=false)
		WHERE element IN (%s) AND qflag = '' AND (%s) AND %s),
	m0 AS MATERIALIZED (
		SELECT station, element, y, m, hi, hi_date, lo, lo_date FROM read_parquet([%s], hive_partitioning=false)
		WHERE element IN (%[2]s) AND make_date(y, m, 1) < %[6]s AND %[4]s),`,
		strings.Join(f.daily, ", "), strings.Join(elements, ", "), strings.Join(when, " OR "), cond,
		strings.Join(f.monthly, ", "), msLit)
	if hasDay {
		fmt.Fprintf(&b, `
	x0 AS MATERIALIZED (
		SELECT station, element, m, d, hi, hi_date, lo, lo_date FROM read_parquet([%s], hive_partitioning=false)
		WHERE element IN (%s) AND %s AND %s),`, strings.Join(f.days, ", "), strings.Join(dayElements, ", "), cond, dayCond)
	}
	// mm: the monthly extremes of m0 over the years, per station, element
	// and calendar month, the earliest date of each kept (the all-time
	// extreme is the best of a station's twelve). It spares the all-time and
	// month scopes of both extremes from aggregating m0 each.
	fmt.Fprintf(&b, `
	mm AS MATERIALIZED (
		SELECT station, element, m,
			max(hi) AS hi, arg_max(hi_date, hi::BIGINT * 1000000 - (hi_date - DATE '1600-01-01')) AS hi_date,
			min(lo) AS lo, arg_max(lo_date, -lo::BIGINT * 1000000 - (lo_date - DATE '1600-01-01')) AS lo_date
		FROM m0 GROUP BY station, element, m),`)
	fmt.Fprintf(&b, `
	yrs AS (SELECT station, element, count(DISTINCT y) AS years FROM (
			SELECT station, element, y FROM m0
			UNION ALL SELECT station, element, year(date) FROM d0 WHERE date >= %s AND date < %s)
		GROUP BY station, element HAVING count(DISTINCT y) >= %d),`, msLit, fromLit, q.MinYears)
	// dl: each question's daily values with its keys; hx: its earlier
	// extremes from the extremes files.
	var dl, hx []string
	for i, x := range qs {
		s, el := sign(x.Extreme), quote(x.Extreme.Element)
		hi, hiDate := "hi", "hi_date"
		if !x.Extreme.Highest {
			hi, hiDate = "-lo", "lo_date"
		}
		km, kd, ekm, ekd, ext := "0", "0", "0", "0", "mm"
		since := " AND date >= " + msLit // the all-time and month scopes read their earlier months from mm
		switch x.Scope {
		case Month:
			km, ekm = "month(date)", "m"
		case Day:
			km, kd, ekm, ekd, ext, since = "month(date)", "day(date)", "m", "d", "x0", ""
		}
		dl = append(dl, fmt.Sprintf("SELECT %d AS qi, element, station, date, %d * value AS sv, %s AS km, %s AS kd FROM d0 WHERE element = %s%s",
			i, s, km, kd, el, since))
		hx = append(hx, fmt.Sprintf("SELECT %d AS qi, station, %s AS km, %s AS kd, %s AS sv, %s AS date FROM %s WHERE element = %s",
			i, ekm, ekd, hi, hiDate, ext, el))
	}
	fmt.Fprintf(&b, `
	dl AS (%s),
	w AS (SELECT * FROM dl WHERE date >= %s),
	hp AS (%s
		UNION ALL SELECT qi, station, km, kd, sv, date FROM dl WHERE date < %[2]s),
	prev AS (
		SELECT qi, station, km, kd, max(sv) AS prev, arg_max(date, sv::BIGINT * 1000000 - (date - DATE '1600-01-01')) AS prev_date
		FROM hp WHERE (qi, station, km, kd) IN (SELECT qi, station, km, kd FROM w)
		GROUP BY qi, station, km, kd),
	c AS (SELECT *,
		max(sv) OVER win AS wprev,
		arg_max(date, sv::BIGINT * 1000000 - (date - DATE '1600-01-01')) OVER win AS wprev_date
		FROM w WINDOW win AS (PARTITION BY qi, station, km, kd ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
	SELECT c.qi, c.station, c.date, c.sv, c.km, c.kd, yrs.years,
		CASE WHEN c.wprev > p.prev THEN c.wprev ELSE p.prev END AS eff,
		CASE WHEN c.wprev > p.prev THEN c.wprev_date ELSE p.prev_date END AS eff_date
	FROM c JOIN prev p USING (qi, station, km, kd) JOIN yrs USING (station, element)
	WHERE c.sv >= greatest(p.prev, coalesce(c.wprev, p.prev))
	ORDER BY c.qi, c.date, c.station`, strings.Join(dl, "\n\t\tUNION ALL "), fromLit, strings.Join(hx, "\n\t\tUNION ALL "))
	return b.String()
}
