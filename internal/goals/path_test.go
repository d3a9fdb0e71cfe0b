package goals

import (
	"math"
	"testing"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestLinearPath(t *testing.T) {
	// Forest-style: 3.87 in 2020 to zero in 2030 is -0.387 a year; the
	// path passes 2.709 in 2023.
	p := Path{Kind: Linear, BaseYear: 2020, Base: 3.87, TargetYear: 2030, Target: 0}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if !near(p.At(2023), 2.709, 1e-9) || !near(p.AnnualStep(), -0.387, 1e-12) || p.Increasing() {
		t.Errorf("at 2023 %v, step %v", p.At(2023), p.AnnualStep())
	}
	// Before the base and after the target the path is flat.
	if p.At(2010) != 3.87 || p.At(2040) != 0 {
		t.Errorf("clamping: %v %v", p.At(2010), p.At(2040))
	}
	// From 3.737 in 2023, -0.5339 a year is needed to reach zero by 2030.
	if s, ok := p.RequiredFrom(2023, 3.737); !ok || !near(s, -3.737/7, 1e-12) {
		t.Errorf("required from 2023: %v %v", s, ok)
	}
	if _, ok := p.RequiredFrom(2030, 1); ok {
		t.Error("a required step at the target year")
	}
}

func TestCompoundPath(t *testing.T) {
	// Tripling over 8 years: 3^(1/8) - 1 = 14.72% a year; the path passes
	// 100·3^(3/8) = 150.98 in 2025.
	p := Path{Kind: Compound, BaseYear: 2022, Base: 100, TargetYear: 2030, Target: 300}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if !near(p.AnnualStep(), math.Pow(3, 1.0/8)-1, 1e-12) || !near(p.AnnualStep(), 0.1472, 5e-5) {
		t.Errorf("rate %v", p.AnnualStep())
	}
	if !near(p.At(2025), 100*math.Pow(3, 3.0/8), 1e-9) || !near(p.At(2030), 300, 1e-9) || !p.Increasing() {
		t.Errorf("at 2025 %v", p.At(2025))
	}
	if s, ok := p.RequiredFrom(2026, 200); !ok || !near(s, math.Pow(1.5, 0.25)-1, 1e-12) {
		t.Errorf("required from 2026: %v", s)
	}
	for _, bad := range []Path{
		{Kind: Compound, BaseYear: 2020, Base: 10, TargetYear: 2030, Target: 0},
		{Kind: Linear, BaseYear: 2030, Base: 10, TargetYear: 2030, Target: 5},
		{Kind: "quadratic", BaseYear: 2020, Base: 10, TargetYear: 2030, Target: 5},
		{Kind: Linear, BaseYear: 2020, Base: math.NaN(), TargetYear: 2030, Target: 5},
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestTrendAndReach(t *testing.T) {
	ys := func(f func(y int) float64, from, to int) []YearValue {
		var out []YearValue
		for y := from; y <= to; y++ {
			out = append(out, YearValue{y, f(y)})
		}
		return out
	}
	// A linear trend of +10 a year from 100 in 2020 reaches 200 in 2030.
	lin := ys(func(y int) float64 { return 100 + 10*float64(y-2020) }, 2019, 2023)
	tr, err := FitTrend(Linear, lin)
	if err != nil || !near(tr.PerYear, 10, 1e-9) || tr.FitFirst != 2019 || tr.FitLast != 2023 {
		t.Fatalf("%+v %v", tr, err)
	}
	if r := WhenReached(tr, 200, true, lin[len(lin)-1]); r.Status != "year" || r.Year != 2030 || !near(r.Exact, 2030, 1e-9) {
		t.Errorf("linear: %+v", r)
	}
	// A fractional crossing rounds up: 205 is reached at 2030.5, so 2031.
	if r := WhenReached(tr, 205, true, lin[len(lin)-1]); r.Year != 2031 {
		t.Errorf("ceil: %+v", r)
	}
	// Compound growth of 20% a year from 100 in 2020 triples (300) at
	// log(3)/log(1.2) = 6.03 years: 2027.
	cmp := ys(func(y int) float64 { return 100 * math.Pow(1.2, float64(y-2020)) }, 2019, 2023)
	tc, err := FitTrend(Compound, cmp)
	if err != nil || !near(tc.GrowthPct, 20, 1e-9) || !near(tc.At(2025), 100*math.Pow(1.2, 5), 1e-6) {
		t.Fatalf("%+v %v", tc, err)
	}
	if r := WhenReached(tc, 300, true, cmp[len(cmp)-1]); r.Status != "year" || r.Year != 2027 || !near(r.Exact, 2020+math.Log(3)/math.Log(1.2), 1e-9) {
		t.Errorf("compound: %+v", r)
	}
	// A target already met.
	if r := WhenReached(tr, 120, true, lin[len(lin)-1]); r.Status != "met" {
		t.Errorf("met: %+v", r)
	}
	if r := WhenReached(tr, 200, false, YearValue{2023, 150}); r.Status != "met" {
		t.Errorf("met (falling goal): %+v", r)
	}
	// A target moving away: the goal asks for a fall, the trend rises.
	if r := WhenReached(tr, 0, false, lin[len(lin)-1]); r.Status != "never" {
		t.Errorf("moving away: %+v", r)
	}
	// A flat trend never gets there either.
	flat, _ := FitTrend(Linear, ys(func(int) float64 { return 5 }, 2019, 2023))
	if r := WhenReached(flat, 10, true, YearValue{2023, 5}); r.Status != "never" {
		t.Errorf("flat: %+v", r)
	}
	// A falling compound trend never reaches zero.
	down, _ := FitTrend(Compound, ys(func(y int) float64 { return 100 * math.Pow(0.9, float64(y-2020)) }, 2019, 2023))
	if r := WhenReached(down, 0, false, YearValue{2023, 72.9}); r.Status != "never" {
		t.Errorf("compound to zero: %+v", r)
	}
	// The crossing is never placed in a year already observed.
	noisy := []YearValue{{2019, 0}, {2020, 10}, {2021, 20}, {2022, 30}, {2023, 25}}
	tn, _ := FitTrend(Linear, noisy)
	if r := WhenReached(tn, 29, true, noisy[4]); r.Status != "year" || r.Year != 2024 {
		t.Errorf("noisy: %+v (exact %v)", r, r.Exact)
	}
	if _, err := FitTrend(Linear, lin[:1]); err == nil {
		t.Error("one year fitted")
	}
	if _, err := FitTrend(Compound, []YearValue{{2020, 1}, {2021, 0}}); err == nil {
		t.Error("compound trend through zero")
	}
}
