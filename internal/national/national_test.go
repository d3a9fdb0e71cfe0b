package national_test

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/gfw"
	"github.com/stocktake/stocktake/internal/parse/owid"
	"github.com/stocktake/stocktake/internal/testutil"
)

var (
	cacheMu sync.Mutex
	cache   = map[string][]obs.Series{}
)

// all returns every entity's series of an indicator reference (such as
// "co2.emissions" or "forest.loss@owid"), parsed from the shared real files
// with the parser of the catalog dataset, as store.AllSeries would return
// them.
func all(t *testing.T, ref string) []obs.Series {
	t.Helper()
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if s, ok := cache[ref]; ok {
		return s
	}
	r, err := catalog.Resolve(ref)
	if err != nil {
		t.Fatal(err)
	}
	parser := owid.Parse
	if r.Dataset.Format == "gfw-country-csv" {
		parser = gfw.Parse
	}
	var out []obs.Series
	for _, f := range r.Dataset.Files {
		p, err := parser(f.Path, testutil.ReadShared(t, f.Path), r.Dataset.Indicators)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Series {
			if s.Indicator == r.Indicator.ID {
				out = append(out, s)
			}
		}
	}
	cache[ref] = out
	return out
}

func one(t *testing.T, ref, entity string) obs.Series {
	t.Helper()
	for _, s := range all(t, ref) {
		if s.Entity == entity {
			return s
		}
	}
	t.Fatalf("no %s series for %s", ref, entity)
	return obs.Series{}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestEntityTable(t *testing.T) {
	if err := national.TableError(); err != nil {
		t.Fatal(err)
	}
	f := func(code string, kind national.Kind, name string) {
		t.Helper()
		e, ok := national.Lookup(code)
		if !ok || e.Kind != kind || (name != "" && e.Name != name) {
			t.Errorf("Lookup(%s) = %+v, %v; want kind %s name %q", code, e, ok, kind, name)
		}
	}
	f("CHN", national.Country, "China")
	f("USA", national.Country, "United States")
	f("VAT", national.Country, "")
	f("OWID_WRL", national.Aggregate, "World")
	f("OWID_EUROPEAN_UNION_27", national.Aggregate, "European Union (27)")
	f("OWID_KOS", national.Country, "Kosovo")
	f("OWID_USS", national.Historical, "USSR")
	f("Z01", national.Area, "")
	f("OWID_SOMETHING_NEW", national.Aggregate, "OWID_SOMETHING_NEW")
	if _, ok := national.Lookup("NRN"); ok {
		t.Error("NRN should be unknown")
	}
	if err := national.CheckCode("ABC"); err == nil || !strings.Contains(err.Error(), "ISO 3166") {
		t.Errorf("CheckCode(ABC) = %v", err)
	}
	n := 0
	for _, e := range national.Entities() {
		if e.Kind == national.Country && len(e.Code) == 3 {
			n++
		}
	}
	if n < 249 {
		t.Errorf("only %d ISO 3166 codes in the table, want all 249", n)
	}
}

func TestAggregateCode(t *testing.T) {
	f := func(name, want string) {
		t.Helper()
		if got, err := national.AggregateCode(name); err != nil || got != want {
			t.Errorf("AggregateCode(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	f("European Union (27)", "OWID_EUROPEAN_UNION_27")
	f("Asia (excl. China and India)", "OWID_ASIA_EXCL_CHINA_AND_INDIA")
	f("  High-income countries ", "OWID_HIGH_INCOME_COUNTRIES")
	f("Africa (EI)", "OWID_AFRICA_EI")
	if _, err := national.AggregateCode("()"); err == nil {
		t.Error("AggregateCode(\"()\") should fail")
	}
}

func TestResolve(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got, err := national.Resolve(in); err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	f("chn", "CHN")
	f("China", "CHN")
	f("united states", "USA")
	f("World", "OWID_WRL")
	f("european union (27)", "OWID_EUROPEAN_UNION_27")
	if _, err := national.Resolve("Chin"); err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("Resolve(Chin) = %v", err)
	}
}

func TestRankCO2(t *testing.T) {
	r, err := national.Rank(all(t, "co2.emissions"), national.RankOptions{Year: 2023, Top: 5})
	if err != nil {
		t.Fatal(err)
	}
	if r.Unit != "t" || r.Year != 2023 || r.WorldBasis != national.World || r.Cumulative || r.Since != nil {
		t.Fatalf("header %+v", r)
	}
	want := []string{"CHN", "USA", "IND", "RUS", "JPN"}
	for i, row := range r.Ranking {
		if row.Entity != want[i] || row.Rank != i+1 {
			t.Errorf("rank %d: %+v, want %s", i+1, row, want[i])
		}
	}
	top := r.Ranking[0]
	if top.Value != 11902503000 || !near(*top.ShareOfWorld, 100*11902503000.0/37791570000, 1e-9) {
		t.Errorf("China 2023: %v t, share %v", top.Value, *top.ShareOfWorld)
	}
	if !near(*top.ChangeFromPreviousYear, 11902503000-11350538000, 1e-3) {
		t.Errorf("China change from 2022: %v", *top.ChangeFromPreviousYear)
	}
	if r.Countries < 200 {
		t.Errorf("only %d countries ranked", r.Countries)
	}
}

// TestRankExcludesAggregates ranks every entity and checks that no
// aggregate (World, continents, income groups, EU-27, International
// shipping) is ranked.
func TestRankExcludesAggregates(t *testing.T) {
	for _, ref := range []string{"co2.emissions", "hydro.generation", "electricity.coal", "forest.loss", "forest.loss@owid"} {
		r, err := national.Rank(all(t, ref), national.RankOptions{})
		if err != nil {
			t.Fatal(ref, err)
		}
		for _, row := range r.Ranking {
			e, _ := national.Lookup(row.Entity)
			if !e.Ranked() {
				t.Errorf("%s: %s (%s) is ranked", ref, row.Entity, e.Kind)
			}
		}
		for _, row := range r.Ranking {
			if row.Entity == "OWID_WRL" || strings.Contains(row.Entity, "EUROPEAN_UNION") {
				t.Errorf("%s: aggregate %s ranked", ref, row.Entity)
			}
		}
	}
}

func TestRankGFWSharesOfSum(t *testing.T) {
	r, err := national.Rank(all(t, "forest.loss"), national.RankOptions{Year: 2024, Top: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.WorldBasis != "sum" || r.Ranking[0].Entity != "RUS" || !near(r.Ranking[0].Value, 5180132.894531099930373939, 1e-6) || r.Ranking[2].Entity != "BRA" || !near(r.Ranking[2].Value, 4391693.73095349970104400, 1e-6) {
		t.Fatalf("got %+v %+v", r, r.Ranking[0])
	}
	if s := *r.Ranking[0].ShareOfWorld; s <= 0 || s >= 100 {
		t.Errorf("share %v", s)
	}
}

func TestRankCumulative(t *testing.T) {
	r, err := national.Rank(all(t, "co2.emissions"), national.RankOptions{Year: 2023, Cumulative: true, Since: 1750, Top: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Cumulative || r.Since == nil || *r.Since != 1750 {
		t.Fatalf("header %+v", r)
	}
	if r.Ranking[0].Entity != "USA" || r.Ranking[1].Entity != "CHN" || r.Ranking[2].Entity != "RUS" {
		t.Fatalf("order %+v", r.Ranking)
	}
	// Sums checked against the CSV summed independently.
	if !near(r.Ranking[0].Value, 431852726849.98, 1) || !near(r.Ranking[1].Value, 272531535464, 1) {
		t.Errorf("sums %v %v", r.Ranking[0].Value, r.Ranking[1].Value)
	}
	if !near(*r.Ranking[0].ShareOfWorld, 23.828, 0.001) {
		t.Errorf("USA cumulative share %v", *r.Ranking[0].ShareOfWorld)
	}
	if r.Ranking[0].ChangeFromPreviousYear != nil {
		t.Error("cumulative ranking has a year-on-year change")
	}
	if _, err := national.Rank(all(t, "co2.emissions"), national.RankOptions{Year: 1800, Cumulative: true, Since: 1900}); err == nil {
		t.Error("since after year accepted")
	}
	if _, err := national.Rank(all(t, "co2.emissions"), national.RankOptions{Year: 2090}); err == nil || !strings.Contains(err.Error(), "data cover") {
		t.Errorf("future year: %v", err)
	}
}

func TestRankTies(t *testing.T) {
	mk := func(e string, v float64) obs.Series {
		return obs.Series{Indicator: "x", Entity: e, Unit: "t", Frequency: obs.Annual, Points: []obs.Point{{Date: obs.NewDate(2020, 1, 1), Value: v}}}
	}
	r, err := national.Rank([]obs.Series{mk("USA", 5), mk("CHN", 7), mk("FRA", 5), mk("DEU", 1), mk("OWID_WRL", 20)}, national.RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, row := range r.Ranking {
		got += row.Entity + ":" + string(rune('0'+row.Rank)) + " "
	}
	if got != "CHN:1 FRA:2 USA:2 DEU:4 " {
		t.Errorf("ranks %q", got)
	}
	if *r.Ranking[0].ShareOfWorld != 35 {
		t.Errorf("share %v", *r.Ranking[0].ShareOfWorld)
	}
}

func TestPeaks(t *testing.T) {
	rule := national.DefaultPeakRule
	f := func(entity string, peakYear int, peaked bool, belowPct float64) {
		t.Helper()
		p, err := national.Peak(one(t, "co2.emissions", entity), rule, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.PeakYear != peakYear || p.Peaked != peaked || !near(p.BelowPeakPct, belowPct, 0.01) || p.LatestYear != 2023 {
			t.Errorf("%s: %+v", entity, p)
		}
		if p.YearsSincePeak != p.LatestYear-p.PeakYear || p.Rule != rule.String() {
			t.Errorf("%s: %+v", entity, p)
		}
	}
	f("CHN", 2023, false, 0)
	f("USA", 2005, true, 19.91)
	f("GBR", 1971, true, 53.79)
	f("RUS", 1990, true, 28.40)
	// As of 2010, US CO2 was 5 years past its maximum but not yet far enough below it? Check it runs.
	p, err := national.Peak(one(t, "co2.emissions", "USA"), rule, 2010)
	if err != nil || p.LatestYear != 2010 || p.AsOf == nil {
		t.Fatalf("as of 2010: %+v %v", p, err)
	}
}

// TestPeakNeverFromOneDip: a series that dips once below its maximum has not
// peaked, however deep the dip, until K years have passed.
func TestPeakNeverFromOneDip(t *testing.T) {
	mk := func(vals ...float64) obs.Series {
		s := obs.Series{Indicator: "co2.emissions", Entity: "XXX", Unit: "t", Frequency: obs.Annual}
		for i, v := range vals {
			s.Points = append(s.Points, obs.Point{Date: obs.NewDate(2000+i, 1, 1), Value: v})
		}
		return s
	}
	f := func(rule national.PeakRule, s obs.Series, want bool) {
		t.Helper()
		p, err := national.Peak(s, rule, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.Peaked != want {
			t.Errorf("%v with %v: peaked=%v, want %v", s.Points, rule, p.Peaked, want)
		}
	}
	r := national.DefaultPeakRule
	f(r, mk(1, 2, 3, 4, 10, 5), false)       // one deep dip, 1 year after the maximum
	f(r, mk(10, 9, 9, 9, 9, 9.6), false)     // 5 years after but only 4% below
	f(r, mk(10, 9, 9, 9, 9, 9.6, 9.4), true) // 6 years after, 6% below
	f(r, mk(10, 10, 10), false)              // plateau: the latest year reaching the maximum is the peak
	f(national.PeakRule{MinYears: 3, MinBelowPct: 10}, mk(10, 9, 9, 9.5), false)
	f(national.PeakRule{MinYears: 3, MinBelowPct: 10}, mk(10, 9, 9, 8.9), true)
	if _, err := national.Peak(mk(1, 2), national.PeakRule{MinYears: 0}, 0); err == nil {
		t.Error("a rule with K=0 was accepted")
	}
	if _, err := national.Peak(mk(0, -1), r, 0); err == nil {
		t.Error("non-positive maximum accepted")
	}
}

func TestGrowth(t *testing.T) {
	g, err := national.Growth(one(t, "ch4.emissions", "CHN"), 2020, 2023)
	if err != nil {
		t.Fatal(err)
	}
	wantPct := 100 * (1886239500.0 - 1732467500.0) / 1732467500.0
	wantCAGR := 100 * (math.Pow(1886239500.0/1732467500.0, 1.0/3) - 1)
	if g.FromValue != 1732467500 || g.ToValue != 1886239500 || !near(*g.ChangePct, wantPct, 1e-9) || !near(*g.CAGRPct, wantCAGR, 1e-9) {
		t.Errorf("got %+v", g)
	}
	if len(g.Years) != 4 || g.Years[0].Change == nil || g.TrendPerYear == nil || *g.TrendPerYear <= 0 {
		t.Errorf("years %+v trend %v", g.Years, g.TrendPerYear)
	}
	if _, err := national.Growth(one(t, "ch4.emissions", "CHN"), 2023, 2020); err == nil {
		t.Error("reversed period accepted")
	}
	if _, err := national.Growth(one(t, "solar.capacity", "CHN"), 1900, 2023); err == nil {
		t.Error("missing start year accepted")
	}
}

func TestCompare(t *testing.T) {
	c, err := national.Compare(all(t, "solar.capacity"), []string{"CHN", "USA", "OWID_WRL"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Year != 2023 || c.Unit != "GW" || len(c.Cells) != 3 {
		t.Fatalf("got %+v", c)
	}
	chn := c.Cells[0]
	if *chn.Value != 609.92084 || *chn.Rank != 1 || !near(*chn.ShareOfWorld, 100*609.92084/1418.969, 1e-9) {
		t.Errorf("China: %+v", chn)
	}
	if c.Cells[2].Rank != nil || !near(*c.Cells[2].ShareOfWorld, 100, 1e-9) {
		t.Errorf("World: %+v", c.Cells[2])
	}
}

func TestRankSharesNotForPercent(t *testing.T) {
	r, err := national.Rank(all(t, "electricity.coal.share"), national.RankOptions{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	if r.World != nil || r.Ranking[0].ShareOfWorld != nil {
		t.Fatalf("shares computed for a percentage indicator: %+v", r.Ranking[0])
	}
}

// TestCatalogValid checks the catalog invariants with the national datasets
// included (exactly one default dataset per indicator id, among others).
func TestCatalogValid(t *testing.T) {
	if err := catalog.Validate(catalog.Datasets()); err != nil {
		t.Fatal(err)
	}
	r, err := catalog.Resolve("forest.loss")
	if err != nil || r.Dataset.ID != "gfw-tree-cover-loss" {
		t.Fatalf("forest.loss default: %v %v", r.Dataset.ID, err)
	}
	if r, err := catalog.Resolve("forest.loss@owid"); err != nil || r.Dataset.ID != "owid-tree-cover-loss" {
		t.Fatalf("forest.loss@owid: %v %v", r.Dataset.ID, err)
	}
}

// TestDefaultYearWellCovered: Ember's 2024 hydro data cover far fewer
// countries than 2023, so the default ranking year is 2023.
func TestDefaultYearWellCovered(t *testing.T) {
	r, err := national.Rank(all(t, "hydro.generation"), national.RankOptions{Top: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Year != 2023 || r.Ranking[0].Entity != "CHN" || r.Ranking[0].Value != 1226 {
		t.Fatalf("default year %d, top %+v", r.Year, r.Ranking[0])
	}
	c, err := national.Compare(all(t, "hydro.generation"), []string{"CHN", "USA"}, 0)
	if err != nil || c.Year != 2023 {
		t.Fatalf("compare year %d %v", c.Year, err)
	}
	r, err = national.Rank(all(t, "hydro.generation"), national.RankOptions{Year: 2024, Top: 1})
	if err != nil || r.Year != 2024 || r.Countries > 100 {
		t.Fatalf("explicit 2024: %+v %v", r, err)
	}
}
