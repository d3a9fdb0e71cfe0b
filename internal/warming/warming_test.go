package warming

import (
	"fmt"
	"github.com/stocktake/stocktake/internal/i18n"
	"math"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

// monthly returns a monthly series from first year to last year whose value
// in year y is f(y).
func monthly(first, last int, f func(y, m int) float64) obs.Series {
	s := obs.Series{Indicator: "x", Frequency: obs.Monthly}
	for y := first; y <= last; y++ {
		for m := 1; m <= 12; m++ {
			s.Points = append(s.Points, obs.Point{Date: obs.NewDate(y, m, 1), Value: f(y, m)})
		}
	}
	return s
}

func TestRebaseDirect(t *testing.T) {
	// 1850-1900 averages -0.3 (months alternate -0.4 and -0.2); 2024 is
	// 1.2 on the producer's baseline, so 1.5 above pre-industrial.
	s := monthly(1850, 2024, func(y, m int) float64 {
		if y <= 1900 {
			return -0.3 + 0.1*float64(2*(m%2)-1)
		}
		return 1.2
	})
	r, err := RebaseDirect("D", s)
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.Offset, 0.3, 1e-12) || r.Method != Direct || !strings.Contains(r.Statement, "-0.300") {
		t.Errorf("%+v", r)
	}
	if got, want := r.StatementIn(i18n.ZhHant), "D直接換算：減去其自身1850–1900年平均（在製作者的基準上為-0.300 °C）。"; got != want {
		t.Errorf("zh-Hant statement %q, want %q", got, want)
	}
	if r.StatementIn(i18n.En) != r.Statement {
		t.Errorf("English statement %q", r.StatementIn(i18n.En))
	}
	if v, _ := ValueOf(Annual(r), 2024); !near(v, 1.5, 1e-12) {
		t.Errorf("2024: %v", v)
	}
	// A missing month of 1850-1900 refuses the direct method.
	s.Points = append(s.Points[:5], s.Points[6:]...)
	if _, err := RebaseDirect("D", s); err == nil || !strings.Contains(err.Error(), "611 of the 612") {
		t.Errorf("gap: %v", err)
	}
	if _, err := RebaseDirect("D", obs.Series{Frequency: obs.Daily}); err == nil {
		t.Error("daily accepted")
	}
}

func TestRebaseWMO(t *testing.T) {
	// Two references average 0.7 over 1981-2010; the later series averages
	// 0.4 there on its own baseline: the offset is +0.3.
	ref1, _ := RebaseDirect("A", monthly(1850, 2020, func(y, m int) float64 {
		if y <= 1900 {
			return 0
		}
		return 0.6
	}))
	ref2, _ := RebaseDirect("B", monthly(1850, 2020, func(y, m int) float64 {
		if y <= 1900 {
			return 0
		}
		return 0.8
	}))
	s := monthly(1880, 2024, func(y, m int) float64 { return 0.4 })
	r, err := RebaseWMO("G", s, []Rebased{ref1, ref2}, WMOCommonFirst, WMOCommonLast)
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.Offset, 0.3, 1e-12) || !near(r.Points[0].Value, 0.7, 1e-12) || !strings.Contains(r.Statement, "A, B") {
		t.Errorf("%+v", r.Offset)
	}
	if got, want := r.StatementIn(i18n.ZhHans), fmt.Sprintf("G以WMO共同时段法换算：令其%d–%d年平均（0.400 °C）等于A, B在相同月份高于1850–1900年的平均（0.700 °C），偏移量为+0.300 °C。", WMOCommonFirst, WMOCommonLast); got != want {
		t.Errorf("zh-Hans statement %q, want %q", got, want)
	}
	// A reference that does not cover the common period is refused.
	short, _ := RebaseDirect("S", monthly(1850, 2000, func(y, m int) float64 { return 0 }))
	if _, err := RebaseWMO("G", s, []Rebased{short}, 1981, 2010); err == nil || !strings.Contains(err.Error(), "reference S") {
		t.Errorf("short reference: %v", err)
	}
	if _, err := RebaseWMO("G", s, nil, 1981, 2010); err == nil {
		t.Error("no references accepted")
	}
}

func TestRebaseERA5(t *testing.T) {
	// Absolute temperatures: 14 + a seasonal cycle + 0.02 °C per year
	// after 2005.5. The 1991-2020 calendar-day climatology is the seasonal
	// cycle plus 14, so the anomaly of a day is 0.02·(y-2005.5) + 0.88
	// (29 February's slot averages the leap years 1992..2020, centred on
	// 2006, so it is 0.01 warmer).
	s := obs.Series{Indicator: "t2m.world", Frequency: obs.Daily}
	for d := obs.NewDate(1985, 1, 1); d <= obs.NewDate(2024, 12, 31); d++ {
		y := d.Year()
		doy := float64(d - obs.NewDate(y, 1, 1))
		s.Points = append(s.Points, obs.Point{Date: d, Value: 14 + 2*math.Sin(doy/58) + 0.02*(float64(y)-2005.5)})
	}
	// The seasonal term depends on day count, not calendar day, so after
	// February leap and common years differ; use a calendar-day seasonal
	// cycle instead, keyed by slot.
	for i, p := range s.Points {
		y, m, d := p.Date.YMD()
		s.Points[i].Value = 14 + 2*math.Sin(float64(slot(m, d))/58) + 0.02*(float64(y)-2005.5)
	}
	r, err := RebaseERA5("ERA5", s)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Points {
		y, m, d := p.Date.YMD()
		want := 0.02*(float64(y)-2005.5) + ERA5Offset
		if m == 2 && d == 29 {
			want -= 0.01
		}
		if !near(p.Value, want, 1e-9) {
			t.Fatalf("%s: %v, want %v", p.Date, p.Value, want)
		}
	}
	// A missing day inside 1991-2020 is named.
	gap := obs.Series{Indicator: "t", Frequency: obs.Daily}
	for _, p := range s.Points {
		if p.Date != obs.NewDate(2000, 7, 4) {
			gap.Points = append(gap.Points, p)
		}
	}
	if _, err := RebaseERA5("ERA5", gap); err == nil || !strings.Contains(err.Error(), "07-04 has 29 of 30") {
		t.Errorf("gap: %v", err)
	}
	m, err := MonthlyMeans(r)
	if err != nil || len(m.Points) != 40*12 || m.Frequency != obs.Monthly {
		t.Fatalf("monthly means: %d, %v", len(m.Points), err)
	}
}

func TestCross(t *testing.T) {
	d := func(s string) obs.Date {
		v, err := obs.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	pts := []obs.Point{
		{Date: d("2023-12-30"), Value: 1.6}, {Date: d("2023-12-31"), Value: 1.5}, // run of 2 across the year end...
		{Date: d("2024-01-01"), Value: 1.7}, // ...continues: 3
		{Date: d("2024-01-02"), Value: 1.49},
		{Date: d("2024-01-03"), Value: 1.5},
		// 2024-01-04 missing: breaks the run.
		{Date: d("2024-01-05"), Value: 2.0}, {Date: d("2024-01-06"), Value: 1.8},
	}
	c, err := Cross("x", pts, obs.Daily, 1.5)
	if err != nil {
		t.Fatal(err)
	}
	if c.Count != 6 || c.First.Date != d("2023-12-30") || c.Last.Date != d("2024-01-06") {
		t.Errorf("%+v", c)
	}
	if c.Longest.Steps != 3 || c.Longest.Start != d("2023-12-30") || c.Longest.End != d("2024-01-01") {
		t.Errorf("longest %+v", c.Longest)
	}
	if c.Current == nil || c.Current.Steps != 2 || c.Current.Start != d("2024-01-05") {
		t.Errorf("current %+v", c.Current)
	}
	if y := c.InYear(2024); y.Above != 4 || y.Present != 5 {
		t.Errorf("2024 %+v", y)
	}
	if y := c.InYear(1999); y.Present != 0 {
		t.Errorf("1999 %+v", y)
	}
	// Exactly 2.0 counts at 2.0 (at or above).
	c2, _ := Cross("x", pts, obs.Daily, 2.0)
	if c2.Count != 1 || c2.First.Date != d("2024-01-05") || c2.Current != nil {
		t.Errorf("2.0: %+v", c2)
	}
	if n, ok := NthInYear(pts, d("2024-01-06"), 1.5); !ok || n != 4 {
		t.Errorf("nth: %d %v", n, ok)
	}
	if _, ok := NthInYear(pts, d("2024-01-02"), 1.5); ok {
		t.Error("a day below the threshold has an ordinal")
	}
	if _, err := Cross("x", pts, obs.Weekly, 1.5); err == nil {
		t.Error("weekly accepted")
	}
}

func TestRunning12(t *testing.T) {
	s := monthly(2023, 2024, func(y, m int) float64 { return float64(m) })
	r := Running12(s.Points)
	// 13 windows end in 2023-12 .. 2024-12, each the mean of 1..12 = 6.5.
	if len(r) != 13 || r[0].Date != obs.NewDate(2023, 12, 1) || !near(r[0].Value, 6.5, 1e-12) {
		t.Fatalf("%v", r)
	}
	// A missing month suppresses the 12 windows that contain it.
	pts := append(append([]obs.Point{}, s.Points[:15]...), s.Points[16:]...)
	if r := Running12(pts); len(r) != 4 {
		t.Errorf("with a gap: %d windows, want 4 (ending 2023-12 .. 2024-03; after the gap only 8 months remain)", len(r))
	}
	// Months and 12-month periods both feed Summarise.
	sum, err := Summarise(Rebased{Dataset: "x", Frequency: obs.Monthly, Points: s.Points})
	if err != nil || len(sum.Months) != 2 || len(sum.Running12) != 2 || len(sum.Years) != 2 || sum.Running12[0].Count != 13 {
		t.Errorf("%+v %v", sum, err)
	}
}

func TestLongTermLevelLinear(t *testing.T) {
	// An exact line 0.02·(y-2000) + 1: the fit is exact, the interval has
	// zero width, and the 20-year mean of 2015-2034 is the line at 2024.5.
	var ys []YearValue
	for y := 1960; y <= 2024; y++ {
		ys = append(ys, YearValue{y, 0.02*float64(y-2000) + 1})
	}
	lv, err := LongTermLevel("L", ys, 2024, LevelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if lv.WindowFirst != 2015 || lv.WindowLast != 2034 || lv.Observed != 10 || lv.Projected != 10 || lv.FitFirst != 1995 {
		t.Errorf("%+v", lv)
	}
	if !near(lv.Value, 0.02*24.5+1, 1e-9) || !near(lv.High-lv.Low, 0, 1e-9) || !near(lv.TrendPerDecade, 0.2, 1e-9) {
		t.Errorf("%+v", lv)
	}
	// The level reaches 1.5 when the line at Y+0.5 does: 2024.5 -> 1.49,
	// 2025.5 -> 1.51, so 2025.
	cr, err := YearReaching("L", ys, 1.5, LevelOptions{})
	if err != nil || cr.Year != 2025 || cr.Never || cr.AlreadyReached {
		t.Errorf("%+v %v", cr, err)
	}
	cr, _ = YearReaching("L", ys, 1.4, LevelOptions{})
	if !cr.AlreadyReached || cr.Year != 2024 {
		t.Errorf("already: %+v", cr)
	}
	// A falling trend never reaches a higher level.
	var down []YearValue
	for y := 1960; y <= 2024; y++ {
		down = append(down, YearValue{y, 1 - 0.01*float64(y-1960)})
	}
	cr, _ = YearReaching("D", down, 1.5, LevelOptions{})
	if !cr.Never {
		t.Errorf("falling: %+v", cr)
	}
	// Noise widens the interval; AsOf hides later years.
	noisy := append([]YearValue{}, ys...)
	for i := range noisy {
		noisy[i].Value += 0.05 * float64(i%2*2-1)
	}
	lv, _ = LongTermLevel("N", noisy, 2020, LevelOptions{AsOf: 2020})
	if lv.High-lv.Low <= 0 || lv.FitLast != 2020 || lv.Observed != 10 {
		t.Errorf("noisy: %+v", lv)
	}
	if _, err := LongTermLevel("S", ys[:10], 2024, LevelOptions{}); err == nil {
		t.Error("a 10-year record accepted for a 30-year fit")
	}
	gappy := append(append([]YearValue{}, ys[:60]...), ys[61:]...) // 2020 missing
	if _, err := LongTermLevel("G", gappy, 2024, LevelOptions{}); err == nil || !strings.Contains(err.Error(), "2020") {
		t.Errorf("gap: %v", err)
	}
}

func TestCombineAndYearMean(t *testing.T) {
	e, err := Combine([]Level{{Year: 2024, Value: 1.3, Low: 1.25, High: 1.35}, {Year: 2024, Value: 1.4, Low: 1.37, High: 1.46}})
	if err != nil || !near(e.Mean, 1.35, 1e-12) || !near(e.Spread, 0.1, 1e-12) || e.Low != 1.25 || e.High != 1.46 {
		t.Errorf("%+v %v", e, err)
	}
	if _, err := Combine([]Level{{Year: 2023}, {Year: 2024}}); err == nil {
		t.Error("mixed years accepted")
	}
	if _, err := Combine(nil); err == nil {
		t.Error("empty accepted")
	}
	m, err := YearMean(2024, map[string][]YearValue{"a": {{2024, 1.5}}, "b": {{2024, 1.6}}})
	if err != nil || !near(m.Mean, 1.55, 1e-12) || m.Min != 1.5 || m.Max != 1.6 {
		t.Errorf("%+v %v", m, err)
	}
}

func TestTQuantile(t *testing.T) {
	// Exact values from tables of Student's t (two-sided 95%).
	for df, want := range map[int]float64{5: 2.5706, 10: 2.2281, 28: 2.0484, 100: 1.9840} {
		if got := tQuantile975(df); !near(got, want, 0.003) {
			t.Errorf("t(%d) = %.4f, want %.4f", df, got, want)
		}
	}
}
