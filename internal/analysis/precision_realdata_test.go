package analysis

import (
	"math"
	"slices"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

// valueOn returns the value of s dated ds, failing the test when absent.
func valueOn(t *testing.T, s obs.Series, ds string) float64 {
	t.Helper()
	i := find(s.Points, d(ds))
	if i < 0 {
		t.Fatalf("%s has no value on %s", s.Indicator, ds)
	}
	return s.Points[i].Value
}

// TestPrecisionIssueExamples replays the examples of issue 12 at the
// resolution each producer writes (catalog.Indicator.Resolution). Each was
// announced with two equal printed numbers; at the published precision each
// is a record by whole units and prints as two different numbers.
func TestPrecisionIssueExamples(t *testing.T) {
	// ERA5 world 2 m temperature (Climate Reanalyzer, three decimals):
	// 23 July 2024, 17.152 °C, beat the all-time record of the day before,
	// 17.151 °C, by one unit of the last digit: a record at the published
	// precision, to be printed "17.152", not "17.15".
	era5 := series(t, "climate-reanalyzer-t2m.world", "t2m.world")
	v, prev := valueOn(t, era5, "2024-07-23"), valueOn(t, era5, "2024-07-22")
	c := Compare(Max, v, prev, 0.001, nil, nil)
	if v != 17.152 || prev != 17.151 || c.Verdict != VerdictRecord || c.MarginUnits != 1 || Format(v, 0.001) != "17.152" || Format(prev, 0.001) != "17.151" {
		t.Errorf("ERA5 23 July 2024: %v vs %v: %+v", v, prev, c)
	}
	// HadCRUT5 (datahub package, four decimals): September 2021 0.8675 °C
	// against the September record 0.8671 °C: four units, a record.
	had := series(t, "datahub-global-temp-hadcrut5", "gmst.hadcrut5")
	m, err := RecordMonth(had, d("2021-09-01"), Options{Resolution: 0.0001, AsOf: ptr(d("2021-09-30"))})
	if err != nil || !m.Record || m.Comparison == nil || m.Comparison.Verdict != VerdictRecord || m.Comparison.MarginUnits != 4 || m.Previous.Value != 0.8671 {
		t.Errorf("HadCRUT5 September 2021: %+v %+v %v", m, m.Comparison, err)
	}
	// The same comparison at two decimals would be a tie (0.87 = 0.87):
	// the resolution is what the producer writes, not what is printed.
	if c := Compare(Max, 0.8675, 0.8671, 0.01, nil, nil); c.Verdict != VerdictTie {
		t.Errorf("0.8675 vs 0.8671 at 0.01: %+v", c)
	}
	// World SST (Climate Reanalyzer, three decimals): the May 2026 monthly
	// mean 20.991645 against May 2024's 20.991258. Monthly means get one
	// more digit (0.0001): 20.9916 against 20.9913, a record by 3 units.
	sst := series(t, "climate-reanalyzer-sst.world", "sst.world")
	m, err = RecordMonth(sst, d("2026-05-01"), Options{Resolution: 0.001})
	if err != nil || !m.Record || m.Comparison.Resolution != 0.0001 || m.Comparison.MarginUnits != 3 || m.Previous.Month != "2024-05" ||
		Format(m.Value, 0.0001) != "20.9916" || Format(m.Previous.Value, 0.0001) != "20.9913" {
		t.Errorf("SST May 2026: %+v %+v %v", m, m.Comparison, err)
	}
}

// TestGISTEMPAnnual: NASA GISTEMP v4, GLB.Ts+dSST.csv, J-D column. The
// published 2024 anomaly is 1.29 °C (NASA's announcement of January 2025
// gives the same); the mean of the twelve rounded monthly values is 1.284,
// and 8 of the 145 complete years round differently from J-D.
func TestGISTEMPAnnual(t *testing.T) {
	gi := series(t, "nasa-gistemp-v4", "gmst.gistemp")
	ga := series(t, "nasa-gistemp-v4", "gmst.gistemp.annual")
	r, err := RankAnnual(gi, 2024, AnnualOptions{Published: ga.Points, Resolution: 0.01, PublishedResolution: 0.01})
	if err != nil || r.Value != 1.29 || r.Basis != BasisPublished || r.Rank != 1 || r.Of != 145 || !r.Record || r.Label != "highest" ||
		r.Previous.Year != 2023 || r.Previous.Value != 1.17 || r.Comparison.MarginUnits != 12 {
		t.Fatalf("published: %+v %v", r, err)
	}
	r, err = RankAnnual(gi, 2024, AnnualOptions{Resolution: 0.01})
	if err != nil || r.Value != 1.284167 || r.Basis != BasisMean || r.Resolution != 0.001 || r.Of != 145 || !slices.Equal(r.Incomplete, []int{2025}) {
		t.Fatalf("means: %+v %v", r, err)
	}
	means, _, _, _ := AnnualValues(gi, AnnualOptions{Resolution: 0.01})
	var differ []int
	for i, v := range means {
		if ga.Points[i].Date.Year() != v.Year {
			t.Fatalf("year %d against J-D %s", v.Year, ga.Points[i].Date)
		}
		if RoundTo(v.Value, 0.01) != ga.Points[i].Value {
			differ = append(differ, v.Year)
		}
	}
	if want := []int{1886, 1888, 1897, 1925, 1938, 1950, 1980, 2024}; !slices.Equal(differ, want) {
		t.Errorf("years whose rounded monthly mean differs from J-D: %v, want %v", differ, want)
	}
	// 2025 has no J-D yet ("***"): no annual value, an error.
	if _, err := RankAnnual(gi, 2025, AnnualOptions{Published: ga.Points}); err == nil {
		t.Error("2025 has no published annual value")
	}
}

// TestNOAAAnnual: NOAA's published annual anomaly (12-month value ending in
// December, globe_land_ocean_tavg_12_0.json): 2024 is 1.26 °C vs 1901-2000,
// the highest of 176 years (1850-2025) in this file's version.
func TestNOAAAnnual(t *testing.T) {
	n := series(t, "noaa-cag-global-land-ocean", "gmst.noaa")
	a := series(t, "noaa-cag-global-land-ocean-12m", "gmst.noaa.annual")
	r, err := RankAnnual(n, 2024, AnnualOptions{Published: a.Points, Resolution: 0.01, PublishedResolution: 0.01})
	if err != nil || r.Value != 1.26 || r.Rank != 1 || r.Of != 176 || r.Previous.Value != 1.17 {
		t.Fatalf("%+v %v", r, err)
	}
	r, _ = RankAnnual(n, 2025, AnnualOptions{Published: a.Points, Resolution: 0.01, PublishedResolution: 0.01})
	if r.Value != 1.13 || r.Rank != 3 || r.Label != "3rd highest" {
		t.Errorf("2025: %+v", r)
	}
}

// TestJMAUncertainty: JMA ohc_global_1955.txt (updated 20 Feb 2026),
// 0-2000 m, 10^22 J, with E(0-2000) the 95% error. 2024 (48.80) beat 2022
// (46.77) by 2.03 with errors 2.53 and 2.53 (combined 3.58); 2020 (43.31)
// beat 2019 (42.81) by 0.50 with errors 2.38 and 2.35 (combined 3.34): both records as
// they happened, neither statistically distinguishable.
func TestJMAUncertainty(t *testing.T) {
	o := series(t, "jma-ohc-global", "ohc.jma")
	e := series(t, "jma-ohc-global", "ohc.jma.err95")
	f := func(y int, prevYear int, prevVal, margin, comb float64, indist []int) {
		t.Helper()
		r, err := RankAnnual(o, y, AnnualOptions{Resolution: 0.01, Uncertainty: e.Points, AsOf: ptr(obs.NewDate(y, 12, 31))})
		if err != nil {
			t.Fatal(err)
		}
		c := r.Comparison
		if !r.Record || r.Basis != BasisPublished || r.Resolution != 0.01 || r.Previous.Year != prevYear || r.Previous.Value != prevVal || c.Margin != margin ||
			c.Verdict != VerdictIndistinguishable || math.Abs(*c.Combined95-comb) > 0.001 || !slices.Equal(r.Indistinguishable, indist) {
			t.Errorf("%d: %+v %+v (combined %v)", y, r, c, deref(c.Combined95))
		}
	}
	f(2024, 2022, 46.77, 2.03, 3.578, []int{2022, 2023})
	f(2020, 2019, 42.81, 0.50, 3.345, []int{2017, 2018, 2019})
}

// TestGMSLTrendAR1: University of Colorado GMSL (gmsl.txt, 1,203 altimeter
// cycles 1992-12-17..2026-06-27). The OLS interval is ±0.03 mm/yr; the
// residuals' lag-1 autocorrelation is 0.89, so n_eff ≈ 70 and the corrected
// interval is ±0.12 mm/yr, as issue 12 computes. The quadratic fit gives an
// acceleration of 0.0735 mm/yr² (corrected 95% interval 0.059..0.088);
// Nerem et al. (2018, PNAS 115, 2022-2025) published 0.084 ± 0.025 mm/yr²
// for 1993-2017 after removing ENSO and Pinatubo effects: ours is 0.011
// lower over 1993-2026, inside their interval, and theirs inside ours.
func TestGMSLTrendAR1(t *testing.T) {
	g := series(t, "cu-gmsl", "gmsl")
	tr, err := TrendAR1(g.Points)
	if err != nil {
		t.Fatal(err)
	}
	perYear := func(x float64) float64 { return x / 10 }
	olsHalf := perYear(tr.CI95[1]-tr.CI95[0]) / 2
	c := tr.Corrected
	corrHalf := perYear(c.CI95[1]-c.CI95[0]) / 2
	if tr.N != 1203 || math.Abs(perYear(tr.OLSPerDecade)-3.36) > 0.01 || math.Abs(olsHalf-0.028) > 0.001 ||
		math.Abs(c.Lag1-0.89) > 0.005 || math.Abs(c.NEff-70) > 1 || math.Abs(corrHalf-0.118) > 0.002 || c.Method != MethodAR1 {
		t.Errorf("trend: %+v corrected %+v (±%.4f, ±%.4f mm/yr)", tr, c, olsHalf, corrHalf)
	}
	q, err := Quadratic(g.Points)
	if err != nil {
		t.Fatal(err)
	}
	ac := q.AccelerationCorrected
	if math.Abs(q.AccelerationPerYear2-0.0735) > 0.0005 || ac.CI95[0] > 0.084 || ac.CI95[1] < 0.084 ||
		math.Abs(ac.CI95[0]-0.0587) > 0.001 || math.Abs(ac.CI95[1]-0.0883) > 0.001 {
		t.Errorf("quadratic: %+v", q)
	}
}

// TestAntarcticAnnualExtremes: NSIDC Sea Ice Index v3.0, 5-day trailing
// means, the 46 complete years 1979-2024. NSIDC announced the 2023
// Antarctic maximum, 16.96 million km² on 10 September 2023, as the lowest
// in the satellite record, and the 2023 minimum, 1.79 million km² on
// 21 February 2023, as the lowest. Both come out lowest of 46, worded on
// the natural side ("lowest", not "46th highest").
func TestAntarcticAnnualExtremes(t *testing.T) {
	s := seaIce(t, "south")
	mx, err := RankAnnualExtremes(s, Max, NSIDC5Day, 0.001, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mx.Of != 46 || !slices.Equal(mx.Incomplete, []int{1978, 2025}) || mx.Resolution != 0.0001 {
		t.Fatalf("maxima: of %d, incomplete %v, resolution %v", mx.Of, mx.Incomplete, mx.Resolution)
	}
	last := mx.Years[len(mx.Years)-1]
	if last.Year != 2023 || last.Date != "2023-09-10" || Format(last.Value, 0.01) != "16.96" || last.RankLow != 1 || last.Label != "lowest" {
		t.Errorf("2023 maximum: %+v", last)
	}
	if first := mx.Years[0]; first.Year != 2014 || first.Label != "highest" {
		t.Errorf("highest maximum: %+v", first)
	}
	mn, _ := RankAnnualExtremes(s, Min, NSIDC5Day, 0.001, nil)
	if y := mn.Years[0]; y.Year != 2023 || y.Date != "2023-02-21" || Format(y.Value, 0.01) != "1.79" || y.Label != "lowest" || mn.Order != "lowest first" {
		t.Errorf("2023 minimum: %+v", y)
	}
	if y := mn.Years[1]; y.Year != 2022 || y.Label != "2nd lowest" || y.RankHigh != 45 {
		t.Errorf("2nd lowest minimum: %+v", y)
	}
	// As of 2023-09-05 the 2023 maximum is not known: 2023 is incomplete.
	mx, _ = RankAnnualExtremes(s, Max, NSIDC5Day, 0.001, ptr(d("2023-09-05")))
	if mx.Of != 44 || !slices.Contains(mx.Incomplete, 2023) {
		t.Errorf("as of 2023-09-05: of %d, incomplete %v", mx.Of, mx.Incomplete)
	}
}

// TestN2OBaselineCoverage: NOAA GML n2o_mm_gl.txt starts in January 2001,
// so a 1991-2020 baseline has 20 of its 30 years.
func TestN2OBaselineCoverage(t *testing.T) {
	n := series(t, "noaa-gml-n2o-global", "n2o.global")
	c := BaselineCoverage(n.Points, n.Frequency, Baseline1991to2020, 0)
	if c.Covered != 20 || c.Of != 30 || c.From != 2001 || c.To != 2020 || c.Full || c.Label != "2001–2020, 20 of 30 years" {
		t.Errorf("%+v", c)
	}
	c = BaselineCoverage(n.Points, n.Frequency, Baseline{2001, 2020}, 0)
	if !c.Full || c.Label != "2001-2020" {
		t.Errorf("2001-2020: %+v", c)
	}
	c = BaselineCoverage(n.Points, n.Frequency, Baseline1951to1980, 0)
	if c.Covered != 0 || c.Label != "no year of 1951-1980" {
		t.Errorf("1951-1980: %+v", c)
	}
}

// TestONISeasons: NOAA CPC oni.txt ends with MJJ 2026, dated by its centre
// month June; issue 12's "Record high for June" is the MJJ season and
// "lowest September" the ASO season.
func TestONISeasons(t *testing.T) {
	o := series(t, "noaa-cpc-oni", "oni")
	last := o.Points[len(o.Points)-1].Date
	if got := FormatSeason(last); got != "MJJ 2026" {
		t.Errorf("last ONI value %s is %q, want MJJ 2026", last, got)
	}
	if FormatSeason(o.Points[0].Date) != "DJF 1950" || SeasonLabel(9) != "ASO" {
		t.Errorf("first ONI value %s is %q", o.Points[0].Date, FormatSeason(o.Points[0].Date))
	}
}
