package goals

import (
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

func TestEmbeddedRegistry(t *testing.T) {
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range r.Goals {
		ids = append(ids, g.ID)
	}
	if got := strings.Join(ids, ","); got != "triple-renewables,coal-phase-down,transition-away-fossil-electricity,global-methane-pledge,halt-deforestation" {
		t.Errorf("goals: %s", got)
	}
	b, ok := r.Budget("")
	if !ok || b.ID != "ar6-1p5-50" || b.GtCO2 != 500 || b.StartYear != 2020 {
		t.Errorf("default budget %+v", b)
	}
	if _, ok := r.Goal("halt-deforestation"); !ok {
		t.Error("no halt-deforestation goal")
	}
	g, _ := r.Goal("triple-renewables")
	if g.Target.Kind != Multiple || g.Target.Value != 3 || g.Path != Compound || g.Coverage != "proxy" {
		t.Errorf("%+v", g)
	}
	if n := len(g.Needs()); n != 2*(1+4+27) {
		t.Errorf("triple-renewables needs %d series", n)
	}
	f, _ := r.Goal("halt-deforestation")
	if n := f.Needs(); len(n) != 1 || n[0].Entity != AllEntities {
		t.Errorf("forest needs %v", n)
	}
}

// TestRegistryRejects edits one field of a valid registry at a time and
// checks that the loader names the entry and the field.
func TestRegistryRejects(t *testing.T) {
	good := string(goalsYAML)
	f := func(old, new string, want ...string) {
		t.Helper()
		if !strings.Contains(good, old) {
			t.Fatalf("registry has no %q", old)
		}
		_, err := LoadRegistry("g.yaml", []byte(strings.Replace(good, old, new, 1)))
		if err == nil {
			t.Errorf("%q -> %q accepted", old, new)
			return
		}
		for _, w := range append([]string{"g.yaml:"}, want...) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q -> %q: %v, want %q", old, new, err, w)
			}
		}
	}
	f("schema: 1", "schema: 2", "schema: expected 1")
	f("    path: compound", "    path: exponential", "goals[0] (triple-renewables): path", "exponential")
	f("kind: multiple, value: 3", "kind: multiple, value: 1", "target.value")
	f("kind: reduction-pct, value: 30", "kind: reduction-pct, value: 130", "goals[3] (global-methane-pledge): target.value")
	f("target: {year: 2030, kind: decrease}", "target: {year: 2030, kind: decrease, value: 5}", "takes no value")
	f("indicators: [electricity.coal]", "indicators: [no.such]", "goals[1] (coal-phase-down): indicators[0]", "unknown indicator")
	f("indicators: [electricity.coal]", "indicators: [electricity.coal, co2.emissions]", "unit t differs from TWh")
	f("indicators: [electricity.coal]", "indicators: [t2m.world]", "not a national indicator")
	f("contribution: own-change", "contribution: share-of-change", "shares in %")
	f("contributors: [CHN, USA, OWID_EUROPEAN_UNION_27, IND]\n    contribution: share-of-change\n    coverage: proxy\n    caveat: Solar",
		"contributors: [CHN, XXX]\n    contribution: share-of-change\n    coverage: proxy\n    caveat: Solar", "contributors[1]")
	f("baseline: {year: 2020, average_from: 2018}", "baseline: {year: 2020, average_from: 2021}", "baseline.average_from")
	f("baseline: {year: 2020}", "baseline: {year: 2031}", "baseline.year")
	f("    coverage: direct\n", "    coverage: partial\n", "coverage")
	f("paragraph: 28(b)", `paragraph: ""`, "paragraph: required")
	f("    world_from: sum", "    world_from: rows", "world_from")
	f("  - id: halt-deforestation\n    title: Halt and reverse deforestation by 2030\n    decision: 1/CMA.5\n    paragraph: \"33\"",
		"  - id: halt-deforestation\n    title: Halt and reverse deforestation by 2030\n    decision: 1/CMA.5\n    paragraph: \"33\"\n    colour: green", "colour")
	f("    path: linear\n    indicators: [forest.loss.primary]", "    path: compound\n    indicators: [forest.loss.primary]", "compound path cannot reach zero")
	f("    default: false", "    default: true", "2 marked default")
	f("    gtco2: 200", "    gtco2: -200", "budgets[1] (igcc2023-1p5-50): gtco2")
	f("    likelihood_pct: 50\n    warming_c: 1.5\n    covers: Total net anthropogenic CO2 (fossil fuels, industry and land-use change) from 1 January 2020",
		"    likelihood_pct: 150\n    warming_c: 1.5\n    covers: Total net anthropogenic CO2 (fossil fuels, industry and land-use change) from 1 January 2020", "likelihood_pct")
	f("date: \"2024-06\"", "date: June 2024", "source.date")
	f("url: https://www.globalmethanepledge.org/", "url: globalmethanepledge.org", "source.url")
	f("  - id: coal-phase-down", "  - id: triple-renewables", "goals[1]", "id")
	if _, err := LoadRegistry("e.yaml", nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty: %v", err)
	}
}

func TestCountDown(t *testing.T) {
	b := Budget{ID: "b", GtCO2: 100, StartYear: 2020}
	s := obs.Series{Frequency: obs.Annual, Unit: "t"}
	for y := 2018; y <= 2023; y++ {
		s.Points = append(s.Points, obs.Point{Date: obs.NewDate(y, 1, 1), Value: 10e9 + float64(y-2018)*1e9})
	}
	// 2020..2023: 12 + 13 + 14 + 15 = 54 Gt; 46 left on 1 January 2024,
	// 46 / 15 = 3.07 years at the 2023 rate.
	st, err := CountDown(b, s)
	if err != nil {
		t.Fatal(err)
	}
	if st.FirstYear != 2020 || st.LastYear != 2023 || !near(st.Emitted, 54, 1e-9) || !near(st.Remaining, 46, 1e-9) ||
		st.AsOfYear != 2024 || !near(st.YearsLeft, 46.0/15, 1e-9) || st.Exhausted || !st.Proxy || st.LatestYear != 2023 {
		t.Errorf("%+v", st)
	}
	// A budget that starts after the data: nothing counted yet.
	st, _ = CountDown(Budget{ID: "late", GtCO2: 30, StartYear: 2024}, s)
	if st.Emitted != 0 || st.AsOfYear != 2024 || !near(st.YearsLeft, 2, 1e-9) {
		t.Errorf("late: %+v", st)
	}
	// A spent budget.
	st, _ = CountDown(Budget{ID: "small", GtCO2: 20, StartYear: 2020}, s)
	if !st.Exhausted || st.YearsLeft != 0 || !near(st.Remaining, -34, 1e-9) {
		t.Errorf("spent: %+v", st)
	}
	// A missing year inside the counted span is an error.
	gap := s
	gap.Points = append(append([]obs.Point{}, s.Points[:3]...), s.Points[4:]...)
	if _, err := CountDown(b, gap); err == nil || !strings.Contains(err.Error(), "2021") {
		t.Errorf("gap: %v", err)
	}
	if _, err := CountDown(b, obs.Series{Frequency: obs.Monthly, Unit: "t"}); err == nil {
		t.Error("monthly accepted")
	}
}
