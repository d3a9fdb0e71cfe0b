package national_test

import (
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
)

func registry(t *testing.T) *national.Registry {
	t.Helper()
	reg, err := national.Pledges()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func pledge(t *testing.T, id string) national.Pledge {
	t.Helper()
	for _, p := range registry(t).Pledges {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no pledge %s", id)
	return national.Pledge{}
}

func TestRegistryContents(t *testing.T) {
	for _, id := range []string{"chn-co2-peak-2030", "chn-carbon-neutrality-2060", "chn-ndc-2035", "chn-methane-action-plan-2023",
		"chn-coal-control", "usa-ndc-2030", "usa-ndc-2035", "usa-ndc-2035-methane", "usa-net-zero-2050", "usa-paris-withdrawal-2025",
		"global-methane-pledge"} {
		p := pledge(t, id)
		if p.Source.URL == "" || p.Source.Title == "" {
			t.Errorf("%s: no source", id)
		}
	}
	if p := pledge(t, "chn-ndc-2035"); p.Target.Base != "peak" || p.Target.ReductionPct[0] != 7 || p.Target.ReductionPct[1] != 10 {
		t.Errorf("China 2035 NDC target %+v", p.Target)
	}
	if p := pledge(t, "usa-ndc-2035"); p.Target.Base != "2005" || p.Target.ReductionPct[0] != 61 || p.Target.ReductionPct[1] != 66 {
		t.Errorf("US 2035 NDC target %+v", p.Target)
	}
	if p := pledge(t, "global-methane-pledge"); !p.AppliesTo("USA") || p.AppliesTo("CHN") {
		t.Error("GMP participants")
	}
}

// data collects the series a pledge needs from the shared real files.
func data(t *testing.T, p national.Pledge, focus []string) map[national.SeriesKey]obs.Series {
	out := map[national.SeriesKey]obs.Series{}
	for _, k := range p.Needs(focus) {
		for _, s := range all(t, k.Indicator) {
			if s.Entity == k.Entity {
				out[k] = s
			}
		}
	}
	return out
}

func assess(t *testing.T, id string, focus ...string) national.Progress {
	t.Helper()
	p := pledge(t, id)
	return national.Assess(p, data(t, p, focus), national.DefaultPeakRule, focus)
}

func TestProgressUSvs2005(t *testing.T) {
	pr := assess(t, "usa-ndc-2030")
	if pr.Measurable != "proxy" || len(pr.Measurements) != 1 {
		t.Fatalf("got %+v", pr)
	}
	m := pr.Measurements[0]
	want := 100 * (4911391000.0 - 6132183000.0) / 6132183000.0
	if m.Error != "" || *m.BaseYear != 2005 || *m.BaseValue != 6132183000 || m.LatestYear != 2023 || !near(*m.ChangePct, want, 1e-9) {
		t.Fatalf("got %+v", m)
	}
	if !near(*m.TargetValue, 6132183000*0.5, 1) || m.RequiredAnnualPct == nil || *m.RequiredAnnualPct > -5 {
		t.Errorf("target %v required %v", *m.TargetValue, m.RequiredAnnualPct)
	}
	if !strings.Contains(m.Summary, "PROXY") || !strings.Contains(m.Summary, "gross fossil CO2 only") {
		t.Errorf("summary does not say it is a proxy: %s", m.Summary)
	}
}

func TestProgressChinaPeak(t *testing.T) {
	pr := assess(t, "chn-co2-peak-2030")
	m := pr.Measurements[0]
	if pr.Measurable != "direct" || m.Peak == nil || m.Peak.PeakYear != 2023 || m.Peak.Peaked {
		t.Fatalf("got %+v %+v", pr, m.Peak)
	}
	pr = assess(t, "chn-ndc-2035")
	if m := pr.Measurements[0]; m.Indicator != "co2.emissions" || *m.ChangePct != 0 || !strings.Contains(m.Summary, "PROXY") {
		t.Errorf("China 2035 NDC: %+v", m)
	}
}

func TestProgressUnmeasurable(t *testing.T) {
	pr := assess(t, "usa-paris-withdrawal-2025")
	if pr.Measurable != "not measurable" || len(pr.Measurements) != 0 || pr.Pledge.Unmeasurable == "" {
		t.Fatalf("got %+v", pr)
	}
}

func TestProgressCollective(t *testing.T) {
	pr := assess(t, "global-methane-pledge", "USA", "CHN")
	if len(pr.Measurements) != 2 || pr.Measurements[0].Entity != "OWID_WRL" || pr.Measurements[1].Entity != "USA" {
		t.Fatalf("got %+v", pr.Measurements)
	}
	w := pr.Measurements[0]
	if !near(*w.ChangePct, 100*(10514614000.0-10163954000.0)/10163954000.0, 1e-9) {
		t.Errorf("world methane vs 2020: %v", *w.ChangePct)
	}
}

func TestProgressMissingData(t *testing.T) {
	p := pledge(t, "usa-ndc-2030")
	pr := national.Assess(p, nil, national.DefaultPeakRule, nil)
	if m := pr.Measurements[0]; m.Error == "" || !strings.Contains(m.Summary, "cannot measure") {
		t.Fatalf("got %+v", m)
	}
	short := obs.Series{Indicator: "co2.emissions", Entity: "USA", Unit: "t", Frequency: obs.Annual,
		Points: []obs.Point{{Date: obs.NewDate(2010, 1, 1), Value: 1}}}
	pr = national.Assess(p, map[national.SeriesKey]obs.Series{{Indicator: "co2.emissions", Entity: "USA"}: short}, national.DefaultPeakRule, nil)
	if m := pr.Measurements[0]; !strings.Contains(m.Error, "no value for the base year 2005") {
		t.Fatalf("got %+v", m)
	}
}

func TestBadRegistryRejected(t *testing.T) {
	good := `schema: 1
pledges:
  - id: x-1
    entity: USA
    title: T
    kind: reduction
    gas: ch4
    scope: S
    announced: "2021-01-01"
    status: active
    target: {year: 2030, when: by, base: "2005", reduction_pct: [30]}
    source: {title: T, publisher: P, date: "2021-01", url: "https://example.org/"}
    measures:
      - {indicator: ch4.emissions, method: change-vs-base, coverage: direct}
`
	if _, err := national.LoadRegistry("good.yaml", []byte(good)); err != nil {
		t.Fatalf("good registry rejected: %v", err)
	}
	f := func(name, from, to, want string) {
		t.Helper()
		bad := strings.Replace(good, from, to, 1)
		if bad == good {
			t.Fatalf("%s: replacement %q not found", name, from)
		}
		_, err := national.LoadRegistry("bad.yaml", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "bad.yaml: ") {
			t.Errorf("%s: got %v, want an error containing %q", name, err, want)
		}
	}
	f("unknown key", "    scope: S\n", "    scope: S\n    colour: red\n", "field colour not found")
	f("missing url", `url: "https://example.org/"`, `url: ""`, "pledges[0] (x-1): source.url: required")
	f("bad kind", "kind: reduction", "kind: wish", `kind: "wish" is not one of peak, reduction`)
	f("bad entity", "entity: USA", "entity: XYZ", `entity: unknown entity code "XYZ"`)
	f("bad indicator", "indicator: ch4.emissions", "indicator: ch4.nope", `unknown indicator "ch4.nope"`)
	f("bad coverage", "coverage: direct", "coverage: partly", `coverage: "partly" is not one of direct, proxy`)
	f("proxy without caveat", "coverage: direct", "coverage: proxy", "caveat: required for a proxy measure")
	f("range reversed", "reduction_pct: [30]", "reduction_pct: [52, 50]", "min 52 is above max 50")
	f("no measure no reason", "    measures:\n      - {indicator: ch4.emissions, method: change-vs-base, coverage: direct}\n", "", "unmeasurable: required")
	f("bad date", `announced: "2021-01-01"`, `announced: "Jan 2021"`, "expected YYYY-MM-DD")
	f("schema", "schema: 1", "schema: 2", "schema: expected 1")
	f("bad id", "id: x-1", "id: X 1", "expected lower-case letters")
	f("withdrawn without note", "status: active", "status: withdrawn", "status_note: required")
	f("not yaml", "schema: 1", "schema: [", "bad.yaml")
}
