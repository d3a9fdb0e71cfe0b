package analysis

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

func d(s string) obs.Date {
	t, err := obs.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// daily builds a daily series from a start date and values; NaN marks a
// missing day.
func daily(start string, vals ...float64) obs.Series {
	s := obs.Series{Indicator: "test.daily", Unit: "u", Frequency: obs.Daily}
	for i, v := range vals {
		if !math.IsNaN(v) {
			s.Points = append(s.Points, obs.Point{Date: d(start) + obs.Date(i), Value: v})
		}
	}
	return s
}

var nan = math.NaN()

func TestSlots(t *testing.T) {
	f := func(date string, conv Convention, want int, label string) {
		t.Helper()
		got := conv.Slot(d(date))
		if got != want || conv.Label(got) != label {
			t.Errorf("%s %s: slot %d %q, want %d %q", conv, date, got, conv.Label(got), want, label)
		}
		back, ok := conv.DateOf(d(date).Year(), got)
		if !ok || back != d(date) {
			t.Errorf("%s DateOf(%d, %d) = %s %v, want %s", conv, d(date).Year(), got, back, ok, date)
		}
	}
	f("2023-01-01", Calendar, 0, "01-01")
	f("2024-02-28", Calendar, 58, "02-28")
	f("2024-02-29", Calendar, 59, "02-29")
	f("2024-03-01", Calendar, 60, "03-01")
	f("2023-03-01", Calendar, 60, "03-01") // same slot as in a leap year
	f("2023-12-31", Calendar, 365, "12-31")
	f("2024-12-31", Calendar, 365, "12-31")
	f("2024-02-29", DayCount, 59, "day 60")
	f("2023-03-01", DayCount, 59, "day 60") // 1 March of a common year shares day 60
	f("2024-03-01", DayCount, 60, "day 61")
	f("2023-12-31", DayCount, 364, "day 365")
	f("2024-12-31", DayCount, 365, "day 366")
	f("2023-06-01", Month, 5, "06")
	if _, ok := Calendar.DateOf(2023, 59); ok {
		t.Error("Calendar slot 59 (29 February) exists in 2023")
	}
	if _, ok := DayCount.DateOf(2023, 365); ok {
		t.Error("DayCount slot 365 exists in 2023")
	}
	for _, c := range []string{"calendar", "daycount", "month"} {
		conv, err := ParseConvention(c)
		if err != nil || conv.String() != c {
			t.Errorf("ParseConvention(%q) = %v, %v", c, conv, err)
		}
	}
	if conv, _ := ParseConvention(""); conv != Calendar {
		t.Error("default convention is not Calendar")
	}
	if _, err := ParseConvention("julian"); err == nil {
		t.Error("ParseConvention accepted julian")
	}
}

func TestPercentileMatchesNumpy(t *testing.T) {
	// Expected values computed with numpy.percentile (default linear method).
	f := func(xs []float64, q, want float64) {
		t.Helper()
		if got := Percentile(xs, q); !near(got, want, 1e-12) {
			t.Errorf("Percentile(%v, %v) = %v, want %v", xs, q, got, want)
		}
	}
	f([]float64{1, 2, 3, 4}, 10, 1.3)
	f([]float64{1, 2, 3, 4}, 50, 2.5)
	f([]float64{15, 20, 35, 40, 50}, 25, 20)
	f([]float64{15, 20, 35, 40, 50}, 90, 46)
	f([]float64{7}, 75, 7)
	f([]float64{1, 2}, 100, 2)
	if !math.IsNaN(Percentile(nil, 50)) {
		t.Error("Percentile of nothing is not NaN")
	}
	if got := StdDev([]float64{2, 4, 4, 4, 5, 5, 7, 9}, 0); got != 2 {
		t.Errorf("population std = %v, want 2", got)
	}
	if got := StdDev([]float64{1, 2, 3, 4}, 1); !near(got, 1.2909944487358056, 1e-15) {
		t.Errorf("sample std = %v", got)
	}
}

func TestSmoothing(t *testing.T) {
	f := func(name string, sm Smoothing, in obs.Series, want map[string]float64) {
		t.Helper()
		got := sm.Apply(in.Points)
		if len(got) != len(want) {
			t.Errorf("%s: %d points %v, want %d", name, len(got), got, len(want))
		}
		for _, p := range got {
			w, ok := want[p.Date.String()]
			if !ok || !near(p.Value, w, 1e-12) {
				t.Errorf("%s: %s = %v, want %v (present %v)", name, p.Date, p.Value, w, ok)
			}
		}
	}
	f("3d trailing, majority", Smoothing{Days: 3}, daily("2020-01-01", 1, 2, 3, 4),
		map[string]float64{"2020-01-02": 1.5, "2020-01-03": 2, "2020-01-04": 3})
	f("3d centred", Smoothing{Days: 3, Align: Centred}, daily("2020-01-01", 1, 2, 3, 4),
		map[string]float64{"2020-01-01": 1.5, "2020-01-02": 2, "2020-01-03": 3, "2020-01-04": 3.5})
	// Every-other-day data: NSIDC5Day fills each missing day with the mean of
	// its neighbours, so on 01-05 the window is 1, 2, 3, 4, 5.
	f("5d every other day", NSIDC5Day, daily("2020-01-01", 1, nan, 3, nan, 5, nan, 7),
		map[string]float64{"2020-01-03": 2, "2020-01-04": 2.5, "2020-01-05": 3, "2020-01-06": 4, "2020-01-07": 5})
	// Smoothing across a gap of three days: no values are invented on the
	// missing days, and after the gap a mean needs 3 of the 5 days present.
	f("5d across a gap", NSIDC5Day, daily("2020-01-01", 1, 2, 3, nan, nan, nan, 7, 8, 9, 10),
		map[string]float64{"2020-01-03": 2, "2020-01-09": 8, "2020-01-10": 8.5})
	// Without filling, every-other-day data give 3 values on observed days
	// and 2 on the others, so only observed days qualify.
	f("5d no fill", Smoothing{Days: 5, MinValid: 3}, daily("2020-01-01", 1, nan, 3, nan, 5, nan, 7),
		map[string]float64{"2020-01-05": 3, "2020-01-07": 5})
	if got := (Smoothing{}).Apply(daily("2020-01-01", 1, 2).Points); len(got) != 2 || got[1].Value != 2 {
		t.Errorf("no smoothing changed the data: %v", got)
	}
	for in, want := range map[string]string{"5d": "5d", "": "none", "none": "none", "7d-centred": "7d-centred", "3dc": "3d-centred"} {
		sm, err := ParseSmoothing(in)
		if err != nil || sm.String() != want {
			t.Errorf("ParseSmoothing(%q) = %v, %v; want %s", in, sm, err, want)
		}
	}
	if sm, _ := ParseSmoothing("5d"); sm != NSIDC5Day {
		t.Errorf("5d = %+v, want NSIDC5Day", sm)
	}
	for _, bad := range []string{"4d-centred", "5", "d", "-3d", "5w"} {
		if _, err := ParseSmoothing(bad); err == nil {
			t.Errorf("ParseSmoothing(%q) accepted", bad)
		}
	}
}

func TestFillGapsAndMissing(t *testing.T) {
	s := daily("2020-01-01", 1, nan, 3, nan, nan, 6)
	got := FillGaps(s.Points, 1)
	if len(got) != 4 || got[1].Value != 2 || got[1].Date != d("2020-01-02") {
		t.Errorf("FillGaps(1) = %v", got)
	}
	if got := FillGaps(s.Points, 2); len(got) != 6 || got[3].Value != 4 || got[4].Value != 5 {
		t.Errorf("FillGaps(2) = %v", got)
	}
	m := Missing(s.Points)
	if len(m) != 2 || m[1].From != d("2020-01-04") || m[1].Days() != 2 {
		t.Errorf("Missing = %v", m)
	}
}

func TestMonthlyCompleteness(t *testing.T) {
	// January 2021 with 21 days present (10 missing, longest run 4): complete
	// under the 5/11 rule. February with 17 of 28 (11 missing): incomplete.
	// March with a 5-day hole: incomplete. April 2021 absent altogether.
	var pts []obs.Point
	add := func(from, to string, v float64) {
		for x := d(from); x <= d(to); x++ {
			pts = append(pts, obs.Point{Date: x, Value: v})
		}
	}
	add("2021-01-01", "2021-01-04", 1) // then 5..8 missing (4 days)
	add("2021-01-09", "2021-01-10", 1) // then 11..14 missing (4 days)
	add("2021-01-15", "2021-01-16", 1) // then 17..18 missing (2 days)
	add("2021-01-19", "2021-01-31", 4)
	add("2021-02-01", "2021-02-17", 2)
	add("2021-03-01", "2021-03-10", 3)
	add("2021-03-16", "2021-03-31", 3)
	got := Monthly(pts, WMO511)
	if len(got) != 3 {
		t.Fatalf("Monthly = %+v", got)
	}
	jan, feb, mar := got[0], got[1], got[2]
	if !jan.Complete || jan.N != 21 || jan.LongestGap != 4 || !near(jan.Value, (8*1+13*4)/21.0, 1e-12) {
		t.Errorf("January = %+v", jan)
	}
	if feb.Complete || feb.N != 17 || feb.Expected != 28 || feb.LongestGap != 11 {
		t.Errorf("February = %+v", feb)
	}
	if mar.Complete || mar.LongestGap != 5 {
		t.Errorf("March = %+v", mar)
	}
	ann := Annual(pts, obs.Daily, WMO511)
	if len(ann) != 1 || ann[0].Complete || ann[0].Expected != 365 || ann[0].N != 21+17+26 {
		t.Errorf("Annual = %+v", ann)
	}
}

// synthYears returns a daily series from 1 January y0 to 31 December y1
// whose value on each day is base(slot) + year offset off(y).
func synthYears(y0, y1 int, off func(y int) float64) obs.Series {
	s := obs.Series{Indicator: "test.daily", Unit: "u", Frequency: obs.Daily}
	for x := obs.NewDate(y0, 1, 1); x <= obs.NewDate(y1, 12, 31); x++ {
		_, m, day := x.YMD()
		s.Points = append(s.Points, obs.Point{Date: x, Value: float64(m*100+day) + off(x.Year())})
	}
	return s
}

func TestClimatologyLeapDays(t *testing.T) {
	// 2019..2022: one leap year (2020). Values are month*100+day+year offset,
	// so the calendar slot of 1 March holds 301 + offsets of all four years,
	// while under the day count 1 March 2020 sits one slot later.
	s := synthYears(2019, 2022, func(y int) float64 { return float64(y - 2019) })
	cal, err := NewClimatology(s, ClimatologyOptions{Baseline: Baseline{2019, 2022}, Convention: Calendar})
	if err != nil {
		t.Fatal(err)
	}
	feb29 := cal.Slots[59]
	if feb29.Label != "02-29" || feb29.N != 1 || feb29.Mean != 229+1 || !math.IsNaN(feb29.Std) {
		t.Errorf("calendar 02-29 = %+v", feb29)
	}
	mar1 := cal.Slots[60]
	if mar1.N != 4 || mar1.Mean != 301+1.5 || !near(mar1.Std, 1.2909944487358056, 1e-12) || mar1.P10 != 301.3 {
		t.Errorf("calendar 03-01 = %+v", mar1)
	}
	dc, err := NewClimatology(s, ClimatologyOptions{Baseline: Baseline{2019, 2022}, Convention: DayCount})
	if err != nil {
		t.Fatal(err)
	}
	// Day 60: 29 February 2020 (229+1) and 1 March of 2019, 2021, 2022.
	day60 := dc.Slots[59]
	if day60.N != 4 || day60.Mean != (229+1+301+0+301+2+301+3)/4.0 {
		t.Errorf("daycount day 60 = %+v", day60)
	}
	day366 := dc.Slots[365]
	if day366.N != 1 || day366.Mean != 1231+1 {
		t.Errorf("daycount day 366 = %+v", day366)
	}
	// NSIDC's rule: common years add 1 January of the next year to day 366.
	ns, _ := NewClimatology(s, ClimatologyOptions{Baseline: Baseline{2019, 2022}, Convention: DayCount, Day366FromNextYear: true})
	if got := ns.Slots[365]; got.N != 3 || got.Mean != (1231+1+101+1+101+3)/3.0 {
		t.Errorf("NSIDC day 366 = %+v (2022 has no following 1 January)", got)
	}
	// The JSON form writes null for the undefined standard deviation.
	b, _ := json.Marshal(cal.Slots[59])
	if !strings.Contains(string(b), `"std":null`) || !strings.Contains(string(b), `"label":"02-29"`) {
		t.Errorf("slot JSON = %s", b)
	}
	if _, err := NewClimatology(s, ClimatologyOptions{Baseline: Baseline{1951, 1980}}); !errors.Is(err, ErrNoData) {
		t.Errorf("baseline outside the data: err = %v", err)
	}
}

func TestAnomaliesAndRebase(t *testing.T) {
	// A monthly anomaly series 1990..1999 whose June is 0.1*(y-1990) and
	// other months 0. Re-basing to 1995-1999 subtracts June's mean there (0.7).
	s := obs.Series{Indicator: "test.monthly", Frequency: obs.Monthly}
	for y := 1990; y <= 1999; y++ {
		for m := 1; m <= 12; m++ {
			v := 0.0
			if m == 6 {
				v = 0.1 * float64(y-1990)
			}
			s.Points = append(s.Points, obs.Point{Date: obs.NewDate(y, m, 1), Value: v})
		}
	}
	re, off, err := Rebase(s.Points, Month, Baseline{1995, 1999})
	if err != nil {
		t.Fatal(err)
	}
	if !near(off[5], 0.7, 1e-12) || off[0] != 0 {
		t.Errorf("offsets = %v", off)
	}
	if got := re[9*12+5]; got.Date != obs.NewDate(1999, 6, 1) || !near(got.Value, 0.2, 1e-12) {
		t.Errorf("June 1999 re-based = %v", got)
	}
	if _, _, err := Rebase(s.Points, Month, Baseline{2001, 2010}); !errors.Is(err, ErrNoData) {
		t.Errorf("rebase outside the data: %v", err)
	}
	c, err := NewClimatology(s, ClimatologyOptions{Baseline: Baseline{1990, 1999}})
	if err != nil || c.Convention != Month {
		t.Fatal(err, c.Convention)
	}
	an := Anomalies(s.Points, c)
	if len(an) != 120 || !near(an[5].Value, -0.45, 1e-12) {
		t.Errorf("June 1990 anomaly = %v", an[5])
	}
}

func TestExtremes(t *testing.T) {
	s := daily("2020-12-30", 5, 1, 9, 3, 9, 2)
	f := func(kind Kind, p Period, date string, v float64, ties int) {
		t.Helper()
		e, err := Extremes(s, kind, p, Smoothing{})
		if err != nil || e.Date != date || e.Value != v || len(e.Ties) != ties || e.Period != p.Label {
			t.Errorf("Extremes(%s, %s) = %+v, %v; want %s %v", kind, p.Label, e, err, date, v)
		}
	}
	f(Max, AllPeriod(), "2021-01-01", 9, 1) // 9 twice: first date, one tie
	f(Min, AllPeriod(), "2020-12-31", 1, 0)
	f(Max, YearPeriod(2020), "2020-12-30", 5, 0)
	f(Min, MonthPeriod(2021, 1), "2021-01-04", 2, 0)
	if _, err := Extremes(s, Max, YearPeriod(2019), Smoothing{}); !errors.Is(err, ErrNoData) {
		t.Errorf("empty period: %v", err)
	}
	b, _ := json.Marshal(Extreme{Kind: Min, Smoothing: NSIDC5Day})
	for _, k := range []string{`"indicator"`, `"entity"`, `"kind":"min"`, `"period"`, `"date"`, `"value"`, `"unit"`, `"smoothing":"5d"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("extremes JSON %s lacks %s", b, k)
		}
	}
}

// onDate returns a daily series with one value on date MM-DD in each year
// from y0 (NaN: no value that year).
func onDate(md string, y0 int, vals ...float64) obs.Series {
	s := obs.Series{Indicator: "test.daily", Unit: "u", Frequency: obs.Daily}
	for i, v := range vals {
		if !math.IsNaN(v) {
			s.Points = append(s.Points, obs.Point{Date: d(itoa4(y0+i) + "-" + md), Value: v})
		}
	}
	return s
}

func itoa4(y int) string { return obs.NewDate(y, 1, 1).Format(obs.Annual) }

func TestRecordOn(t *testing.T) {
	// 06-15 in 2000..2005: 3, 5, 4, 5, 7, 6.
	s := onDate("06-15", 2000, 3, 5, 4, 5, 7, 6)
	asOf := func(x string) *obs.Date { v := d(x); return &v }
	type want struct {
		rank, years int
		record, tie bool
		prev        string
		margin      float64
	}
	f := func(date string, opt Options, w want) {
		t.Helper()
		r, err := RecordOn(s, d(date), opt)
		if err != nil {
			t.Fatalf("%s: %v", date, err)
		}
		prev := ""
		if r.PreviousForDate != nil {
			prev = r.PreviousForDate.Date
			if r.Margin == nil || !near(*r.Margin, w.margin, 1e-12) {
				t.Errorf("%s: margin %v, want %v", date, r.Margin, w.margin)
			}
		} else if r.Margin != nil {
			t.Errorf("%s: margin without previous holder", date)
		}
		if r.RankForDate != w.rank || r.YearsForDate != w.years || r.RecordForDate != w.record || r.Tie != w.tie || prev != w.prev {
			t.Errorf("%s %+v: got rank %d/%d record %v tie %v prev %q; want %+v", date, opt, r.RankForDate, r.YearsForDate, r.RecordForDate, r.Tie, prev, w)
		}
	}
	// The first year has no previous holder and, as of its own date, nothing
	// to beat: it is not a record.
	f("2000-06-15", Options{AsOf: asOf("2000-06-15")}, want{1, 1, false, false, "", 0})
	// 2001 beat 2000 when it happened.
	f("2001-06-15", Options{AsOf: asOf("2001-12-31")}, want{1, 2, true, false, "2000-06-15", 2})
	// 2003 tied 2001: a tie, not a record, margin 0.
	f("2003-06-15", Options{AsOf: asOf("2003-06-15")}, want{1, 4, false, true, "2001-06-15", 0})
	// With all data 2004 (7) holds the record; 2005 (6) is second.
	f("2004-06-15", Options{}, want{1, 6, true, false, "2001-06-15", 2})
	f("2005-06-15", Options{}, want{2, 6, false, false, "2004-06-15", -1})
	// Minima: 2000 (3) is the lowest; 2002 (4) is second and misses by 1.
	f("2002-06-15", Options{Kind: Min}, want{2, 6, false, false, "2000-06-15", -1})
	r, _ := RecordOn(s, d("2004-06-15"), Options{})
	if !r.RecordAllTime || r.RankAllTime != 1 || r.AsOf != nil || r.Convention != Calendar {
		t.Errorf("2004 all-time: %+v", r)
	}
	// --as-of before the series starts, and before the date asked about.
	if _, err := RecordOn(s, d("2000-06-15"), Options{AsOf: asOf("1999-01-01")}); err == nil {
		t.Error("as-of before the date accepted")
	}
	if _, err := RecordOn(s, d("1999-06-15"), Options{AsOf: asOf("1999-07-01")}); !errors.Is(err, ErrNoData) {
		t.Errorf("as-of before the series: %v", err)
	}
	if _, err := RecordOn(s, d("2003-06-16"), Options{}); !errors.Is(err, ErrNoData) {
		t.Errorf("missing day: %v", err)
	}
	// JSON: exactly the contract's keys, previous_for_date null in year one.
	r, _ = RecordOn(s, d("2000-06-15"), Options{AsOf: asOf("2000-06-15")})
	b, _ := json.Marshal(r)
	for _, k := range []string{"indicator", "entity", "kind", "date", "value", "unit", "rank_for_date", "years_for_date",
		"record_for_date", "tie", "previous_for_date", "margin", "rank_all_time", "record_all_time", "as_of", "convention", "smoothing"} {
		if !strings.Contains(string(b), `"`+k+`":`) {
			t.Errorf("records --on JSON lacks %q: %s", k, b)
		}
	}
	if !strings.Contains(string(b), `"previous_for_date":null`) || !strings.Contains(string(b), `"as_of":"2000-06-15"`) {
		t.Errorf("records --on JSON: %s", b)
	}
}

func TestRecordOnLeapDayConventions(t *testing.T) {
	// Values on 29 February 2016 and 2020 and on 1 March of 2017..2021.
	s := obs.Series{Indicator: "x", Frequency: obs.Daily, Points: []obs.Point{
		{Date: d("2016-02-29"), Value: 10}, {Date: d("2016-03-01"), Value: 1},
		{Date: d("2017-03-01"), Value: 2}, {Date: d("2018-03-01"), Value: 3},
		{Date: d("2019-03-01"), Value: 4}, {Date: d("2020-02-29"), Value: 5},
		{Date: d("2020-03-01"), Value: 6}, {Date: d("2021-03-01"), Value: 7},
	}}
	// Calendar: 29 February 2020 is compared only with 29 February 2016.
	r, _ := RecordOn(s, d("2020-02-29"), Options{})
	if r.YearsForDate != 2 || r.RankForDate != 2 || r.PreviousForDate.Date != "2016-02-29" {
		t.Errorf("calendar 2020-02-29: %+v", r)
	}
	// Day count: day 60 is 29 February in leap years and 1 March otherwise.
	r, _ = RecordOn(s, d("2020-02-29"), Options{Convention: DayCount})
	if r.YearsForDate != 6 || r.RankForDate != 3 || r.PreviousForDate.Date != "2016-02-29" || r.Convention != DayCount {
		t.Errorf("daycount 2020-02-29: %+v", r)
	}
	r, _ = RecordOn(s, d("2019-03-01"), Options{Convention: DayCount, AsOf: ptr(d("2019-03-01"))})
	if r.YearsForDate != 4 || r.RankForDate != 2 || r.PreviousForDate.Date != "2016-02-29" {
		t.Errorf("daycount 2019-03-01: %+v", r)
	}
	r, _ = RecordOn(s, d("2019-03-01"), Options{AsOf: ptr(d("2019-03-01"))})
	if !r.RecordForDate || r.YearsForDate != 4 || r.PreviousForDate.Date != "2018-03-01" {
		t.Errorf("calendar 2019-03-01: %+v", r)
	}
}

func ptr[T any](v T) *T { return &v }

func TestRecordYear(t *testing.T) {
	// Three years; 2022 beats 2021 on 01-02..01-04 and 01-06, ties on 01-05.
	s := obs.Series{Indicator: "x", Frequency: obs.Daily}
	add := func(y int, vals ...float64) {
		for i, v := range vals {
			s.Points = append(s.Points, obs.Point{Date: obs.NewDate(y, 1, 1+i), Value: v})
		}
	}
	add(2020, 5, 5, 5, 5, 5, 5)
	add(2021, 6, 4, 4, 4, 6, 4)
	add(2022, 1, 7, 8, 9, 6, 7)
	r, err := RecordYear(s, 2022, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var days []string
	for _, x := range r.RecordDays {
		days = append(days, x.Date)
	}
	if strings.Join(days, " ") != "2022-01-02 2022-01-03 2022-01-04 2022-01-06" {
		t.Errorf("record days %v", days)
	}
	if len(r.TiedDays) != 1 || r.TiedDays[0].Date != "2022-01-05" || r.TiedDays[0].Previous.Date != "2021-01-05" {
		t.Errorf("tied days %+v", r.TiedDays)
	}
	if len(r.Streaks) != 2 || r.Streaks[0] != (Streak{From: "2022-01-02", To: "2022-01-04", Days: 3}) || r.Streaks[1].Days != 1 {
		t.Errorf("streaks %+v", r.Streaks)
	}
	// All-time: 7 on 01-02 beats 6 (2021), then 8, then 9; the later 7 does not.
	if len(r.AllTimeRecords) != 3 || r.AllTimeRecords[0].Previous.Date != "2021-01-01" || r.AllTimeRecords[2].Value != 9 {
		t.Errorf("all-time %+v", r.AllTimeRecords)
	}
	// As of 2022-01-03 only two record days exist.
	r, _ = RecordYear(s, 2022, Options{AsOf: ptr(d("2022-01-03"))})
	if len(r.RecordDays) != 2 || *r.AsOf != "2022-01-03" {
		t.Errorf("as-of: %+v", r)
	}
	// The first year sets no records; min records in 2021 beat 2020.
	r, _ = RecordYear(s, 2020, Options{})
	if len(r.RecordDays) != 0 || len(r.AllTimeRecords) != 0 || len(r.Streaks) != 0 {
		t.Errorf("first year: %+v", r)
	}
	r, _ = RecordYear(s, 2021, Options{Kind: Min})
	if len(r.RecordDays) != 4 || len(r.AllTimeRecords) != 1 || r.AllTimeRecords[0].Date != "2021-01-02" {
		t.Errorf("2021 min: %+v", r)
	}
	if _, err := RecordYear(s, 2019, Options{}); !errors.Is(err, ErrNoData) {
		t.Errorf("year before the series: %v", err)
	}
	b, _ := json.Marshal(r)
	for _, k := range []string{"indicator", "kind", "year", "record_days", "all_time_records", "streaks", "as_of", "previous"} {
		if !strings.Contains(string(b), `"`+k+`":`) {
			t.Errorf("records --year JSON lacks %q: %s", k, b)
		}
	}
}

func TestRecordYearAcrossGap(t *testing.T) {
	// A gap breaks a streak: records on 01-01, 01-02 and 01-04 with 01-03
	// missing make two streaks.
	s := obs.Series{Indicator: "x", Frequency: obs.Daily}
	for i := 0; i < 4; i++ {
		s.Points = append(s.Points, obs.Point{Date: obs.NewDate(2020, 1, 1+i), Value: 0})
	}
	s.Points = append(s.Points, obs.Point{Date: d("2021-01-01"), Value: 1}, obs.Point{Date: d("2021-01-02"), Value: 1}, obs.Point{Date: d("2021-01-04"), Value: 1})
	r, _ := RecordYear(s, 2021, Options{})
	if len(r.Streaks) != 2 || r.Streaks[0].Days != 2 || r.Streaks[1].From != "2021-01-04" {
		t.Errorf("streaks across a gap: %+v", r.Streaks)
	}
}

func TestRecordMonth(t *testing.T) {
	// Daily data for June 2020..2023 with constant values 1, 3, 5, 3
	// (2023 ties 2021) and an incomplete June 2022 (only 15 days).
	s := obs.Series{Indicator: "x", Unit: "u", Frequency: obs.Daily}
	for _, yv := range []struct {
		y    int
		v    float64
		days int
	}{{2020, 1, 30}, {2021, 3, 30}, {2022, 5, 15}, {2023, 3, 30}} {
		for day := 1; day <= yv.days; day++ {
			s.Points = append(s.Points, obs.Point{Date: obs.NewDate(yv.y, 6, day), Value: yv.v})
		}
	}
	r, err := RecordMonth(s, d("2023-06-01"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// June 2022 (5, incomplete) is left out: 2023 ties 2021 for first.
	if r.Rank != 1 || r.Years != 3 || r.Record || !r.Tie || r.Previous.Month != "2021-06" || *r.Margin != 0 || !r.Complete || r.Days != 30 {
		t.Errorf("June 2023: %+v", r)
	}
	r, _ = RecordMonth(s, d("2022-06-01"), Options{})
	// Ranked first so far, but an incomplete month is never a record.
	if r.Complete || r.Rank != 1 || r.Record || r.Days != 15 || r.Margin == nil || *r.Margin <= 0 {
		t.Errorf("June 2022 (incomplete, still reported, not a record): %+v", r)
	}
	r, _ = RecordMonth(s, d("2020-06-01"), Options{Kind: Min, AsOf: ptr(d("2020-06-30"))})
	if r.Previous != nil || r.Margin != nil || r.Record || r.Years != 1 {
		t.Errorf("first June: %+v", r)
	}
	b, _ := json.Marshal(r)
	for _, k := range []string{"indicator", "kind", "month", "value", "unit", "rank", "years", "record", "tie", "previous", "margin", "as_of"} {
		if !strings.Contains(string(b), `"`+k+`":`) {
			t.Errorf("records --month JSON lacks %q: %s", k, b)
		}
	}
}

func TestTrend(t *testing.T) {
	// y = 0.2 per decade exactly, plus one outlier that moves OLS but not
	// Theil-Sen.
	var pts []obs.Point
	for y := 1980; y <= 2019; y++ {
		x := obs.NewDate(y, 1, 1)
		pts = append(pts, obs.Point{Date: x, Value: 0.2 * float64(x) / daysPerDecade})
	}
	r, err := Trend(pts)
	if err != nil || !near(r.OLSPerDecade, 0.2, 1e-6) || !near(r.TheilSenPerDecade, 0.2, 1e-6) || r.N != 40 {
		t.Errorf("exact line: %+v %v", r, err)
	}
	pts[39].Value += 5
	r, _ = Trend(pts)
	if r.OLSPerDecade < 0.25 || !near(r.TheilSenPerDecade, 0.2, 1e-6) || !(r.CI95[0] < r.OLSPerDecade && r.OLSPerDecade < r.CI95[1]) {
		t.Errorf("outlier: %+v", r)
	}
	// Known case: x = 0, 2, 4, 6, 8 decades (7305 days apart), y = 1, 3, 2,
	// 5, 4: OLS slope 0.4, SE 0.173205, t(0.975, 3) = 3.182446
	// (scipy.stats.t.ppf), CI 0.4 -+ 0.551217; Theil-Sen: median of the 10
	// pairwise slopes per step (0.75+1)/2 = 0.875, i.e. 0.4375 per decade.
	pts = nil
	for i, v := range []float64{1, 3, 2, 5, 4} {
		pts = append(pts, obs.Point{Date: obs.Date(i * 7305), Value: v})
	}
	r, _ = Trend(pts)
	if !near(r.OLSPerDecade, 0.4, 1e-9) || !near(r.StdErr, 0.173205, 1e-6) || !near(r.CI95[0], 0.4-0.551217, 2e-6) ||
		!near(r.CI95[1], 0.4+0.551217, 2e-6) || r.TheilSenPerDecade != 0.4375 {
		t.Errorf("known case: %+v", r)
	}
	if _, err := Trend(pts[:2]); err == nil {
		t.Error("trend of 2 points accepted")
	}
}

func TestTheilSenLargeMatchesExact(t *testing.T) {
	// The bisection path (n > 3000) must agree with sorting all pairs.
	n := 3001
	xs, ys := make([]float64, n), make([]float64, n)
	seed := uint64(1)
	for i := range xs {
		seed = seed*6364136223846793005 + 1442695040888963407
		xs[i] = float64(i)
		ys[i] = 0.01*float64(i) + float64(seed>>40)/float64(1<<24)
	}
	big := TheilSen(xs, ys)
	var s []float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			s = append(s, (ys[j]-ys[i])/(xs[j]-xs[i]))
		}
	}
	exact := Median(s)
	if !near(big, exact, 1e-9) {
		t.Errorf("TheilSen bisection %v, exact %v", big, exact)
	}
}

// TestSmoothingHasNoResidue checks that smoothed values print as people
// write them: NSIDC's first 5-day mean of 1980 in the Antarctic v3.0 file
// (6.200, 6.173, 6.151, 6.138, 6.1305 around it) is exactly 6.1585, not
// 6.158499999999999, and a 7-day centred mean at the end of the data uses
// the 4 days that exist.
func TestSmoothingHasNoResidue(t *testing.T) {
	d0 := d("1980-01-01")
	pts := []obs.Point{{Date: d0 - 4, Value: 6.2}, {Date: d0 - 3, Value: 6.173}, {Date: d0 - 2, Value: 6.151}, {Date: d0 - 1, Value: 6.138}, {Date: d0, Value: 6.1305}}
	out := NSIDC5Day.Apply(pts)
	if last := out[len(out)-1]; last.Date != d0 || last.Value != 6.1585 {
		t.Errorf("5-day mean on %s: %v, want 6.1585", d0, last)
	}
	c7, _ := ParseSmoothing("7d-centred")
	out = c7.Apply(pts)
	if last := out[len(out)-1]; last.Value != 6.148125 {
		t.Errorf("7d-centred on the last day: %v", last)
	}
}
