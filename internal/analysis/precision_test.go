package analysis

import (
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

// TestUnits checks the rounding rule behind ties at the published
// precision, including the binary floating-point traps at exact halves.
func TestUnits(t *testing.T) {
	f := func(v, res float64, want int64) {
		t.Helper()
		if got := Units(v, res); got != want {
			t.Errorf("Units(%v, %v) = %d, want %d", v, res, got, want)
		}
	}
	f(20.999, 0.001, 20999)
	f(20.9995, 0.001, 21000) // 20999.499999999996 in binary: still rounds up
	f(20.99949, 0.001, 20999)
	f(-0.0005, 0.001, -1) // half away from zero
	f(0.125, 0.01, 13)
	f(1.005, 0.01, 101) // 100.49999999999999 in binary
	f(0.1+0.2, 0.1, 3)
	f(17.15, 0.01, 1715)
	f(-16.737, 0.001, -16737)
}

// TestCompareThreshold is the tie rule on hand-made values at resolution
// 0.001: published values are whole units apart (a margin of one unit is a
// record, zero a tie); for derived values the rounded values decide, so the
// threshold is the half unit where rounding changes.
func TestCompareThreshold(t *testing.T) {
	f := func(k Kind, v, prev, res float64, want Verdict, units int64) {
		t.Helper()
		c := Compare(k, v, prev, res, nil, nil)
		if c.Verdict != want || c.MarginUnits != units {
			t.Errorf("Compare(%v, %v, %v, %v) = %s by %d units, want %s by %d", k, v, prev, res, c.Verdict, c.MarginUnits, want, units)
		}
	}
	// Published values: equal, one unit above, one unit below.
	f(Max, 17.160, 17.160, 0.001, VerdictTie, 0)
	f(Max, 17.160, 17.159, 0.001, VerdictRecord, 1)
	f(Max, 17.159, 17.160, 0.001, VerdictShort, -1)
	f(Min, 1.788, 1.789, 0.001, VerdictRecord, 1)
	f(Min, 1.789, 1.789, 0.001, VerdictTie, 0)
	// Derived values against 20.999: exactly at the half unit (20.9995
	// rounds to 21.000: a record), just inside (20.99949: a tie), just
	// outside (20.99951: a record).
	f(Max, 20.9995, 20.999, 0.001, VerdictRecord, 1)
	f(Max, 20.99949, 20.999, 0.001, VerdictTie, 0)
	f(Max, 20.99951, 20.999, 0.001, VerdictRecord, 1)
	// The same margin can tie or not depending on where the values fall:
	// the printed (rounded) values decide.
	f(Max, 0.87124, 0.87116, 0.0001, VerdictTie, 0)
	f(Max, 0.87126, 0.87114, 0.0001, VerdictRecord, 2)
	// Resolution 0: the exact floating-point rule of the record functions.
	f(Max, 0.3, 0.1+0.2, 0, VerdictTie, 0)
	f(Max, 0.3001, 0.3, 0, VerdictRecord, 0)
}

// TestCompareUncertainty checks the "not statistically distinguishable"
// rule: a margin below sqrt(h1²+h2²) is inside the combined uncertainty,
// at it or beyond it is a record. Half-widths 3 and 4 combine to 5.
func TestCompareUncertainty(t *testing.T) {
	h1, h2 := 3.0, 4.0
	f := func(v float64, want Verdict, prob float64) {
		t.Helper()
		c := Compare(Max, v, 10, 0.01, &h1, &h2)
		if c.Verdict != want || c.Combined95 == nil || *c.Combined95 != 5 || c.Probability == nil || *c.Probability != prob {
			t.Errorf("Compare(%v, 10) = %+v (combined %v, p %v), want %s, p %v", v, c, deref(c.Combined95), deref(c.Probability), want, prob)
		}
	}
	f(14.99, VerdictIndistinguishable, 0.975) // just inside: P = Φ(1.9592)
	f(15.00, VerdictRecord, 0.975)            // exactly at the combined half-width
	f(15.01, VerdictRecord, 0.975)            // just outside: P = Φ(1.9639)
	f(10.00, VerdictTie, 0.5)                 // a tie stays a tie
	f(9.00, VerdictShort, 0.348)
	// Without both half-widths nothing is said about uncertainty.
	if c := Compare(Max, 14, 10, 0.01, &h1, nil); c.Verdict != VerdictRecord || c.Combined95 != nil {
		t.Errorf("one half-width: %+v", c)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestDigits checks the printing rule: means get one more digit than their
// inputs, margins the digits of the resolution they are judged at.
func TestDigits(t *testing.T) {
	if d := MeanDecimals(0.01); d != 3 {
		t.Errorf("MeanDecimals(0.01) = %d, want 3", d)
	}
	if d := MeanDecimals(0.001); d != 4 {
		t.Errorf("MeanDecimals(0.001) = %d, want 4", d)
	}
	if d := MeanDecimals(0); d != -1 {
		t.Errorf("MeanDecimals(0) = %d, want -1", d)
	}
	if d := MarginDecimals(0.001); d != 3 {
		t.Errorf("MarginDecimals(0.001) = %d", d)
	}
	if d := DecimalsOf(1); d != 0 {
		t.Errorf("DecimalsOf(1) = %d", d)
	}
	if d := DecimalsOf(0.25); d != -1 {
		t.Errorf("DecimalsOf(0.25) = %d", d)
	}
	// The examples: "show --means annual" printed 1.173333 and
	// 421.076667 from two-decimal inputs; at one more digit they are
	// 1.173 and 421.077.
	for _, c := range []struct {
		v, res float64
		want   string
	}{{1.1733333, MeanResolution(0.01), "1.173"}, {421.0766667, MeanResolution(0.01), "421.077"},
		{16.821323, MeanResolution(0.001), "16.8213"}, {0.0000021, 0.001, "0.000"}, {2.03, 0.01, "2.03"}, {1.2, 0, "1.2"}} {
		if got := Format(c.v, c.res); got != c.want {
			t.Errorf("Format(%v, %v) = %q, want %q", c.v, c.res, got, c.want)
		}
	}
}

// TestSeasonLabels checks every centre month and the round trip.
func TestSeasonLabels(t *testing.T) {
	want := []string{"DJF", "JFM", "FMA", "MAM", "AMJ", "MJJ", "JJA", "JAS", "ASO", "SON", "OND", "NDJ"}
	for m := 1; m <= 12; m++ {
		if got := SeasonLabel(m); got != want[m-1] {
			t.Errorf("SeasonLabel(%d) = %q, want %q", m, got, want[m-1])
		}
		if c, ok := SeasonCentre(want[m-1]); !ok || c != m {
			t.Errorf("SeasonCentre(%q) = %d %v", want[m-1], c, ok)
		}
	}
	if SeasonLabel(0) != "" || SeasonLabel(13) != "" {
		t.Error("months out of range must give no label")
	}
	if _, ok := SeasonCentre("JJJ"); ok {
		t.Error("JJJ is no season")
	}
	if got := FormatSeason(obs.NewDate(2026, 6, 1)); got != "MJJ 2026" {
		t.Errorf("FormatSeason(2026-06) = %q", got)
	}
}

// TestOrdinals checks the natural-side wording.
func TestOrdinals(t *testing.T) {
	f := func(hi, lo int, want string) {
		t.Helper()
		if got := NaturalOrdinal(hi, lo); got != want {
			t.Errorf("NaturalOrdinal(%d, %d) = %q, want %q", hi, lo, got, want)
		}
	}
	f(1, 46, "highest")
	f(45, 2, "2nd lowest") // not "45th highest of 46"
	f(46, 1, "lowest")
	f(3, 44, "3rd highest")
	f(23, 23, "23rd highest")
	f(35, 11, "11th lowest")
	f(12, 40, "12th highest")
	f(13, 40, "13th highest")
	f(21, 40, "21st highest")
	f(22, 40, "22nd highest")
	f(111, 200, "111th highest")
}

// TestRecordOptionsResolution checks that Options.Resolution turns a
// sub-resolution margin into a tie in RecordOn, RecordMonth and RecordYear,
// and leaves the exact rule alone when unset.
func TestRecordOptionsResolution(t *testing.T) {
	// 1 January in three years: 10.0, 10.2, 10.2004 (a margin of 0.0004
	// from the 2-decimal 10.20: only noise at resolution 0.01).
	s := onDate("01-01", 2000, 10.0, 10.2, 10.2004)
	exact, _ := RecordOn(s, d("2002-01-01"), Options{})
	if !exact.RecordForDate || exact.Comparison != nil {
		t.Fatalf("exact rule: %+v", exact)
	}
	r, err := RecordOn(s, d("2002-01-01"), Options{Resolution: 0.01})
	if err != nil || r.RecordForDate || !r.Tie || r.Comparison == nil || r.Comparison.Verdict != VerdictTie || r.Comparison.Margin != 0.0004 {
		t.Fatalf("at 0.01: %+v %+v %v", r, r.Comparison, err)
	}
	y, _ := RecordYear(s, 2002, Options{Resolution: 0.01})
	if len(y.RecordDays) != 0 || len(y.TiedDays) != 1 || len(y.AllTimeRecords) != 0 || len(y.TiedAllTime) != 1 {
		t.Fatalf("RecordYear at 0.01: %+v", y)
	}
	// Monthly series: same rule on months.
	m := obs.Series{Indicator: "m", Unit: "degC", Frequency: obs.Monthly, Points: []obs.Point{
		{Date: d("2020-09-01"), Value: 0.8708}, {Date: d("2021-09-01"), Value: 0.8712}}}
	mr, err := RecordMonth(m, d("2021-09-01"), Options{Resolution: 0.001})
	if err != nil || mr.Record || !mr.Tie || mr.Comparison.Verdict != VerdictTie {
		t.Fatalf("RecordMonth at 0.001: %+v %v", mr, err)
	}
	mr, _ = RecordMonth(m, d("2021-09-01"), Options{Resolution: 0.0001})
	if !mr.Record || mr.Comparison.Verdict != VerdictRecord || mr.Comparison.MarginUnits != 4 {
		t.Fatalf("RecordMonth at 0.0001: %+v", mr)
	}
	// Uncertainty: a record inside the combined half-width.
	u := []obs.Point{{Date: d("2020-09-01"), Value: 0.05}, {Date: d("2021-09-01"), Value: 0.05}}
	mr, _ = RecordMonth(m, d("2021-09-01"), Options{Resolution: 0.0001, Uncertainty: u})
	if !mr.Record || mr.Comparison.Verdict != VerdictIndistinguishable {
		t.Fatalf("RecordMonth with uncertainty: %+v", mr.Comparison)
	}
}

// TestRankAnnualHandMade checks ranks, ties at precision, the basis used and
// the indistinguishable set on a small annual series.
func TestRankAnnualHandMade(t *testing.T) {
	s := obs.Series{Indicator: "x", Unit: "u", Frequency: obs.Annual}
	for i, v := range []float64{1.00, 1.50, 1.2, 1.5004, 0.9} {
		s.Points = append(s.Points, obs.Point{Date: obs.NewDate(2000+i, 1, 1), Value: v})
	}
	u := []obs.Point{}
	for i, h := range []float64{0.1, 0.1, 0.1, 0.1, 0.1} {
		u = append(u, obs.Point{Date: obs.NewDate(2000+i, 1, 1), Value: h})
	}
	r, err := RankAnnual(s, 2003, AnnualOptions{Resolution: 0.01, Uncertainty: u})
	if err != nil {
		t.Fatal(err)
	}
	// 1.5004 ties 1.50 at 0.01: rank 1 shared, not a record; 1.2 is 0.30
	// away, beyond sqrt(0.1²+0.1²) = 0.141; 2001 is inside.
	if r.Rank != 1 || r.Of != 5 || r.Record || len(r.TiedAtPrecision) != 1 || r.TiedAtPrecision[0] != 2001 ||
		r.Basis != BasisPublished || r.Label != "highest" || len(r.Indistinguishable) != 1 || r.Indistinguishable[0] != 2001 ||
		r.Comparison.Verdict != VerdictTie || r.Previous.Year != 2001 {
		t.Errorf("2003: %+v %+v", r, r.Comparison)
	}
	r, _ = RankAnnual(s, 2004, AnnualOptions{Kind: Min, Resolution: 0.01})
	if r.Rank != 1 || !r.Record || r.Label != "lowest" {
		t.Errorf("2004 min: %+v", r)
	}
	r, _ = RankAnnual(s, 2002, AnnualOptions{Resolution: 0.01})
	if r.Rank != 3 || r.Label != "3rd highest" {
		t.Errorf("2002: %+v", r)
	}
	// As of 2001-12-31 only 2000 and 2001 count.
	r, _ = RankAnnual(s, 2001, AnnualOptions{Resolution: 0.01, AsOf: ptr(d("2001-12-31"))})
	if r.Of != 2 || !r.Record {
		t.Errorf("2001 as of 2001: %+v", r)
	}
	if _, err := RankAnnual(s, 2003, AnnualOptions{AsOf: ptr(d("2001-12-31"))}); err == nil {
		t.Error("2003 as of 2001 must fail")
	}
}

// TestQuadraticAndLag1HandMade checks the fit on a parabola with small
// alternating noise (acceleration recovered, narrow interval) and the lag-1
// autocorrelation on alternating and trending sequences.
func TestQuadraticAndLag1HandMade(t *testing.T) {
	var pts []obs.Point
	for i := 0; i < 40; i++ {
		ty := float64(i*365) / daysPerYear // time in Julian years
		noise := 0.001
		if i%2 == 1 {
			noise = -noise
		}
		pts = append(pts, obs.Point{Date: obs.Date(i * 365), Value: 1 + 0.5*ty + 0.05*ty*ty + noise})
	}
	q, err := Quadratic(pts)
	if err != nil {
		t.Fatal(err)
	}
	// y = 1 + 0.5 t + 0.05 t² ± 0.001: acceleration 0.1 per year²; the
	// alternating noise has negative lag-1 autocorrelation, so the
	// corrected interval equals the OLS one.
	if !near(q.AccelerationPerYear2, 0.1, 1e-5) || q.AccelerationCI95[1]-q.AccelerationCI95[0] > 1e-4 ||
		q.AccelerationCorrected.CI95 != q.AccelerationCI95 || q.AccelerationCorrected.NEff != 40 {
		t.Errorf("exact parabola: %+v", q)
	}
	if _, err := Quadratic(pts[:3]); err == nil {
		t.Error("3 points must be refused")
	}
	if r := Lag1([]float64{1, -1, 1, -1, 1, -1}); !near(r, -5.0/6, 1e-12) {
		t.Errorf("alternating lag-1 = %v, want -5/6", r)
	}
	if r := Lag1([]float64{1, 2, 3, 4, 5}); !near(r, 0.4, 1e-12) {
		t.Errorf("ramp lag-1 = %v, want 0.4", r)
	}
	// Negative autocorrelation never narrows the interval: n_eff = n.
	alt := []obs.Point{}
	for i := 0; i < 20; i++ {
		v := float64(i) * 0.1
		if i%2 == 1 {
			v += 0.3
		}
		alt = append(alt, obs.Point{Date: obs.Date(i * 30), Value: v})
	}
	tr, err := TrendAR1(alt)
	if err != nil || tr.Corrected.NEff != 20 || tr.Corrected.CI95 != tr.CI95 {
		t.Errorf("negative r1: %+v %+v %v", tr, tr.Corrected, err)
	}
}
