package warming

import (
	"math"
	"sync"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/registry"
	"github.com/stocktake/stocktake/internal/testutil"
)

var (
	loadMu sync.Mutex
	loaded = map[string]obs.Series{}
)

// load returns the global series ind of catalog dataset id, parsed from the
// shared real files with the project's own parser.
func load(t testing.TB, id, ind string) obs.Series {
	t.Helper()
	loadMu.Lock()
	defer loadMu.Unlock()
	if s, ok := loaded[id+" "+ind]; ok {
		return s
	}
	ds, ok := catalog.DatasetByID(id)
	if !ok {
		t.Fatalf("no dataset %s", id)
	}
	fn, ok := registry.Lookup(ds.Format)
	if !ok {
		t.Fatalf("no parser for %s", ds.Format)
	}
	for _, f := range ds.Files {
		p, err := fn(f.Path, testutil.ReadShared(t, f.Path), ds.Indicators)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Series {
			if s.Indicator == ind && s.Entity == "" {
				loaded[id+" "+ind] = s
				return s
			}
		}
	}
	t.Fatalf("%s has no series %s", id, ind)
	return obs.Series{}
}

// rebasedAll re-bases the four global temperature datasets of the shared
// data: HadCRUT5 (datahub copy) and NOAAGlobalTemp directly, GISTEMP by the
// WMO method against those two over 1981-2010, ERA5 by the Climate Pulse
// method.
func rebasedAll(t testing.TB) map[string]Rebased {
	t.Helper()
	had, err := RebaseDirect("HadCRUT5", load(t, "datahub-global-temp-hadcrut5", "gmst.hadcrut5"))
	if err != nil {
		t.Fatal(err)
	}
	noaa, err := RebaseDirect("NOAAGlobalTemp", load(t, "noaa-cag-global-land-ocean", "gmst.noaa"))
	if err != nil {
		t.Fatal(err)
	}
	gis, err := RebaseWMO("GISTEMP", load(t, "nasa-gistemp-v4", "gmst.gistemp"), []Rebased{had, noaa}, WMOCommonFirst, WMOCommonLast)
	if err != nil {
		t.Fatal(err)
	}
	era, err := RebaseERA5("ERA5", load(t, "climate-reanalyzer-t2m.world", "t2m.world"))
	if err != nil {
		t.Fatal(err)
	}
	eram, err := MonthlyMeans(era)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Rebased{"ERA5 monthly": eram, "HadCRUT5": had, "NOAAGlobalTemp": noaa, "GISTEMP": gis, "ERA5": era}
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestERA5AgainstCopernicus reproduces Copernicus's ERA5 figures from
// Climate Reanalyzer's ERA5 world series (era5_world_t2_day.json) with the
// Climate Pulse method. Published numbers:
//   - C3S Global Climate Highlights 2023 (January 2024): 2023 was 1.48 °C
//     above 1850-1900; 17 November 2023 was the first day more than 2 °C
//     above (provisionally 2.06 °C); close to 50% of the days of 2023 were
//     more than 1.5 °C above.
//   - C3S Global Climate Highlights 2024 (January 2025): 2024 was 1.60 °C
//     above 1850-1900.
//   - C3S monthly bulletin, February 2024: the 12 months February 2023 to
//     January 2024 were 1.52 °C above 1850-1900.
//   - C3S monthly bulletins: September 2023 was 0.93 °C above its
//     1991-2020 average, July 2024 0.68 °C.
//
// Climate Reanalyzer's daily means of ERA5 and Copernicus's agree to the
// hundredth on annual and monthly means (tolerance 0.01 °C). Single days
// differ more: our 17 November 2023 is 2.023 °C against the 2.06 °C that
// C3S announced from preliminary ERA5T data (tolerance 0.05 °C), but the
// date of the first day at or above 2 °C is the same.
func TestERA5AgainstCopernicus(t *testing.T) {
	era := rebasedAll(t)["ERA5"]
	annual := Annual(era)
	for _, c := range []struct {
		year int
		want float64
	}{{2023, 1.48}, {2024, 1.60}} {
		if v, ok := ValueOf(annual, c.year); !ok || !near(v, c.want, 0.01) {
			t.Errorf("ERA5 %d: %.3f °C above 1850-1900, Copernicus published %.2f", c.year, v, c.want)
		}
	}
	s, err := Summarise(era)
	if err != nil {
		t.Fatal(err)
	}
	d15, d20 := s.Days[0], s.Days[1]
	if d20.First == nil || d20.First.Date != obs.NewDate(2023, 11, 17) || !near(d20.First.Value, 2.06, 0.05) {
		t.Errorf("first day at or above 2 °C: %+v, Copernicus: 17 November 2023 at 2.06 °C", d20.First)
	}
	// The two days at or above 2 °C are 17 and 18 November 2023, the only
	// run; none in 2024.
	if d20.Count != 2 || d20.Longest.Steps != 2 || d20.Longest.End != obs.NewDate(2023, 11, 18) || d20.InYear(2024).Above != 0 {
		t.Errorf("days at or above 2 °C: %+v", d20)
	}
	// "Close to 50%" of 2023's days above 1.5 °C: 188 of 365 (51.5%) in
	// the Climate Reanalyzer series; 281 of 366 days in 2024 (77%).
	y23, y24 := d15.InYear(2023), d15.InYear(2024)
	if y23.Above != 188 || y23.Present != 365 || y24.Above != 281 || y24.Present != 366 {
		t.Errorf("days at or above 1.5 °C: 2023 %+v, 2024 %+v; want 188/365 and 281/366", y23, y24)
	}
	if share := float64(y23.Above) / float64(y23.Present); share < 0.45 || share > 0.55 {
		t.Errorf("2023 share of days above 1.5 °C %.3f, Copernicus: close to 50%%", share)
	}
	// The longest run of days at or above 1.5 °C: 118 days, 15 August to
	// 10 December 2023.
	if l := d15.Longest; l.Steps != 118 || l.Start != obs.NewDate(2023, 8, 15) {
		t.Errorf("longest run above 1.5 °C: %+v", l)
	}
	// The number behind "the Nth day of the year above 2 °C".
	if n, ok := NthInYear(era.Points, obs.NewDate(2023, 11, 17), Threshold20); !ok || n != 1 {
		t.Errorf("17 November 2023: %d, %v; want the 1st day of 2023 at or above 2 °C", n, ok)
	}
	m, err := MonthlyMeans(era)
	if err != nil {
		t.Fatal(err)
	}
	r12 := Running12(m.Points)
	var jan24 float64
	for _, p := range r12 {
		if p.Date == obs.NewDate(2024, 1, 1) {
			jan24 = p.Value
		}
	}
	if !near(jan24, 1.52, 0.01) {
		t.Errorf("12 months to January 2024: %.3f, Copernicus 1.52", jan24)
	}
	c12, _ := Cross("ERA5", r12, obs.Monthly, Threshold15)
	if c12.First == nil || c12.First.Date != obs.NewDate(2024, 1, 1) {
		t.Errorf("first 12-month period at or above 1.5 °C: %+v, want the one ending January 2024", c12.First)
	}
	for _, c := range []struct {
		y, m int
		want float64
	}{{2023, 9, 0.93}, {2024, 7, 0.68}} {
		for _, p := range m.Points {
			if p.Date == obs.NewDate(c.y, c.m, 1) && !near(p.Value-ERA5Offset, c.want, 0.01) {
				t.Errorf("ERA5 %d-%02d: %.3f above 1991-2020, Copernicus %.2f", c.y, c.m, p.Value-ERA5Offset, c.want)
			}
		}
	}
}

// TestAnnualAgainstWMO compares the 2024 multi-dataset mean with the WMO
// State of the Global Climate 2024 (WMO-No. 1368, March 2025): 1.55 ±
// 0.13 °C above 1850-1900, the mean of six datasets (HadCRUT5,
// NOAAGlobalTemp, GISTEMP, Berkeley Earth, ERA5, JRA-3Q). The shared data
// hold a complete 2024 for three of them: NOAAGlobalTemp (direct, 1.430),
// GISTEMP (WMO method against HadCRUT5 and NOAAGlobalTemp over 1981-2010,
// 1.514) and ERA5 (Climate Pulse method, 1.598); the datahub HadCRUT5 stops
// in July 2024. Their mean, 1.514, lies 0.036 below WMO's: the three
// missing datasets (Berkeley Earth and JRA-3Q run warm in 2024) and NOAA's
// direct re-basing (NOAA itself announced 1.46 °C, with a different
// estimate of its 1850-1900 mean) explain the gap. Tolerance 0.05 °C, well
// inside WMO's ±0.13.
func TestAnnualAgainstWMO(t *testing.T) {
	rs := rebasedAll(t)
	annual := map[string][]YearValue{}
	for _, k := range []string{"NOAAGlobalTemp", "GISTEMP", "ERA5"} {
		annual[k] = Annual(rs[k])
	}
	m, err := YearMean(2024, annual)
	if err != nil {
		t.Fatal(err)
	}
	if !near(m.Mean, 1.55, 0.05) || !near(m.Datasets["NOAAGlobalTemp"], 1.430, 0.001) || !near(m.Datasets["GISTEMP"], 1.514, 0.001) {
		t.Errorf("2024 multi-dataset mean %.3f (%v), WMO 1.55 ± 0.13", m.Mean, m.Datasets)
	}
	if m.Min < 1.55-0.13 || m.Max > 1.55+0.13 {
		t.Errorf("a dataset lies outside WMO's 1.55 ± 0.13: %v", m.Datasets)
	}
	if _, err := YearMean(2024, map[string][]YearValue{"HadCRUT5": Annual(rs["HadCRUT5"])}); err == nil {
		t.Error("HadCRUT5 (datahub, to July 2024) has no complete 2024, want an error")
	}
	// The GISTEMP offset from 1951-1980 to 1850-1900 by the WMO method.
	if g := rs["GISTEMP"]; g.Method != WMOCommonPeriod || !near(g.Offset, 0.230, 0.001) {
		t.Errorf("GISTEMP offset %+.3f (%s)", g.Offset, g.Method)
	}
}

// TestLongTermLevelAgainstWMO compares the 2024 long-term warming level
// with WMO's State of the Global Climate 2024, which put the current
// long-term warming level at 1.34-1.41 °C above 1850-1900 (a range across
// methods that combine the last ten observed years with ten years of
// projections or trends). Ours (20-year window 2015-2034 completed by the
// OLS trend of the last 30 observed years): NOAAGlobalTemp 1.257, HadCRUT5
// 1.329 (observations to 2023, 11 years of trend), GISTEMP 1.319, ERA5
// 1.391; mean 1.324, 0.016 below WMO's lower end. A 30-year linear trend
// (0.22-0.26 °C per decade) is slower than the recent warming rate that
// the Indicators of Global Climate Change 2024 report (0.27 °C per decade
// for 2015-2024), hence the small gap; tolerance 0.05 °C outside WMO's
// range.
func TestLongTermLevelAgainstWMO(t *testing.T) {
	rs := rebasedAll(t)
	var members []Level
	for _, k := range []string{"HadCRUT5", "NOAAGlobalTemp", "GISTEMP", "ERA5"} {
		lv, err := LongTermLevel(k, Annual(rs[k]), 2024, LevelOptions{AsOf: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if lv.Low >= lv.Value || lv.High <= lv.Value || lv.High-lv.Low > 0.12 {
			t.Errorf("%s: interval %.3f..%.3f around %.3f", k, lv.Low, lv.High, lv.Value)
		}
		members = append(members, lv)
	}
	e, err := Combine(members)
	if err != nil {
		t.Fatal(err)
	}
	if e.Mean < 1.34-0.05 || e.Mean > 1.41+0.05 || !near(e.Mean, 1.324, 0.002) {
		t.Errorf("2024 long-term level %.3f (spread %.3f), WMO 1.34-1.41", e.Mean, e.Spread)
	}
	if !near(e.Spread, 1.391-1.257, 0.003) {
		t.Errorf("spread %.3f", e.Spread)
	}
	// At the 1995-2024 trend, ERA5's long-term level reaches 1.5 °C in
	// 2029 and GISTEMP's in 2032.
	for _, c := range []struct {
		k    string
		want int
	}{{"ERA5", 2029}, {"GISTEMP", 2032}} {
		cr, err := YearReaching(c.k, Annual(rs[c.k]), Threshold15, LevelOptions{AsOf: 2024})
		if err != nil || cr.Year != c.want || cr.Never || cr.AlreadyReached {
			t.Errorf("%s reaches 1.5 °C: %+v %v, want %d", c.k, cr, err, c.want)
		}
	}
}
