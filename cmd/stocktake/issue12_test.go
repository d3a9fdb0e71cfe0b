package main

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/testutil"
)

// Regression tests of issue 12 on the real shared files, through the
// command line (--json and text). Each number is cited from the producer's
// file named in the test; docs/records.md explains the rules.

type comparisonJSON struct {
	Verdict               string   `json:"verdict"`
	Value                 float64  `json:"value"`
	Previous              float64  `json:"previous"`
	Margin                float64  `json:"margin"`
	MarginUnits           int64    `json:"margin_units"`
	Resolution            float64  `json:"resolution"`
	Uncertainty95         *float64 `json:"uncertainty95"`
	PreviousUncertainty95 *float64 `json:"previous_uncertainty95"`
	Combined95            *float64 `json:"combined95"`
}

type annualRankJSON struct {
	Year     int     `json:"year"`
	Value    float64 `json:"value"`
	Basis    string  `json:"basis"`
	Rank     int     `json:"rank"`
	Of       int     `json:"of"`
	Label    string  `json:"label"`
	Record   bool    `json:"record"`
	Previous *struct {
		Year  int     `json:"year"`
		Value float64 `json:"value"`
	} `json:"previous"`
	Comparison        *comparisonJSON `json:"comparison"`
	Indistinguishable []int           `json:"indistinguishable"`
	TiedAtPrecision   []int           `json:"tied_at_precision"`
}

// TestAnnualRankingsCLI: "warmest year" rankings use the producer's
// published annual value. GISTEMP (GLB.Ts+dSST.csv, J-D column): 2024 is
// 1.29 °C, the highest of 145 years (the mean of its rounded months, 1.284,
// is not what GISS publishes). NOAA (Climate at a Glance, 12-month value
// ending in December): 2025 is 1.13 °C, 3rd highest of 176.
func TestAnnualRankingsCLI(t *testing.T) {
	db := sharedDB(t)
	r := runCLI(t, db, "records", "gmst.gistemp", "--annual", "2024", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	g := decode[annualRankJSON](t, r.stdout)
	if g.Value != 1.29 || g.Rank != 1 || g.Of != 145 || !g.Record || g.Basis != "published annual value" || g.Label != "highest" {
		t.Errorf("GISTEMP 2024: %+v", g)
	}
	r = runCLI(t, db, "records", "gmst.noaa", "--annual", "2025", "--json")
	n := decode[annualRankJSON](t, r.stdout)
	if n.Value != 1.13 || n.Rank != 3 || n.Of != 176 || n.Label != "3rd highest" || n.Record {
		t.Errorf("NOAA 2025: %+v", n)
	}
	// A year without a published value and an incomplete year are data
	// errors, not a January answer.
	if r := runCLI(t, db, "records", "gmst.gistemp", "--annual", "1700"); r.code != 1 {
		t.Errorf("--annual 1700: exit %d, want 1: %s", r.code, r.stderr)
	}
}

// TestUncertaintyVerdictCLI: JMA's ocean heat content (ohc_global_1955.txt)
// publishes a 95% error E(0-2000). 2024, 48.80 ×10²² J, beat 2022, 46.77,
// by 2.03 with errors 2.53 and 2.53 (combined 3.58); 2020, 43.31, beat
// 2019, 42.81, by 0.50 with errors 2.38 and 2.35. Both are records "not
// statistically distinguishable"; 2024 cannot be separated from 2022 and
// 2023.
func TestUncertaintyVerdictCLI(t *testing.T) {
	db := sharedDB(t)
	f := func(year, prev int, margin, u, up float64, with ...int) {
		t.Helper()
		r := runCLI(t, db, "records", "ohc.jma", "--annual", itoa(year), "--as-of", itoa(year), "--json")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		a := decode[annualRankJSON](t, r.stdout)
		c := a.Comparison
		if a.Previous == nil || a.Previous.Year != prev || c == nil || c.Verdict != "record_not_distinguishable" ||
			math.Abs(c.Margin-margin) > 1e-9 || *c.Uncertainty95 != u || *c.PreviousUncertainty95 != up {
			t.Errorf("ohc.jma %d: %+v %+v", year, a, c)
		}
		for _, y := range with {
			found := false
			for _, x := range a.Indistinguishable {
				found = found || x == y
			}
			if !found {
				t.Errorf("ohc.jma %d: %d not among the indistinguishable years %v", year, y, a.Indistinguishable)
			}
		}
		txt := runCLI(t, db, "records", "ohc.jma", "--annual", itoa(year), "--as-of", itoa(year)).stdout
		if !strings.Contains(txt, "yes, not statistically distinguishable from "+itoa(prev)) {
			t.Errorf("ohc.jma %d text:\n%s", year, txt)
		}
	}
	f(2024, 2022, 2.03, 2.53, 2.53, 2022, 2023)
	f(2020, 2019, 0.50, 2.38, 2.35, 2019)
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestOnYearRefusedCLI: "--on 2024" on a monthly series used to answer
// January 2024; it is a usage error naming the flags to use. Daily series
// already refused it.
func TestOnYearRefusedCLI(t *testing.T) {
	db := sharedDB(t)
	for _, id := range []string{"gmst.gistemp", "co2.mlo"} {
		r := runCLI(t, db, "records", id, "--on", "2024")
		if r.code != 2 || !strings.Contains(r.stderr, "--annual 2024") || !strings.Contains(r.stderr, "--on YYYY-MM") {
			t.Errorf("%s --on 2024: exit %d, stderr %q", id, r.code, r.stderr)
		}
	}
}

// TestTiesListedCLI: GISTEMP October 2024 (1.34 °C) equals October 2023
// (1.34 °C) in GLB.Ts+dSST.csv: the year's text lists the tie with its
// date instead of only counting it.
func TestTiesListedCLI(t *testing.T) {
	out := runCLI(t, sharedDB(t), "records", "gmst.gistemp", "--year", "2024").stdout
	if !strings.Contains(out, "1 tie ") || !strings.Contains(out, "TIED THE RECORD FOR THE DATE") ||
		!strings.Contains(out, "2024-10") || !strings.Contains(out, "2023-10") {
		t.Errorf("ties not listed:\n%s", out)
	}
}

// TestAnnualExtremesCLI: NSIDC's Antarctic file (S_seaice_extent_daily_v3.0.csv),
// 5-day trailing means: the 2023 maximum, 16.96 million km² on 10
// September 2023 (NSIDC: the lowest maximum in the satellite record), is
// the "lowest" of 46 complete years, not "46th highest".
func TestAnnualExtremesCLI(t *testing.T) {
	r := runCLI(t, sharedDB(t), "extremes", "seaice.south", "--annual-ranking", "--kind", "max", "--smooth", "5d", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	v := decode[struct {
		Of    int `json:"of"`
		Years []struct {
			Year  int     `json:"year"`
			Date  string  `json:"date"`
			Value float64 `json:"value"`
			Label string  `json:"label"`
		} `json:"years"`
	}](t, r.stdout)
	last := v.Years[len(v.Years)-1]
	if v.Of != 46 || last.Year != 2023 || last.Date != "2023-09-10" || math.Abs(last.Value-16.96) > 0.005 || last.Label != "lowest" {
		t.Errorf("2023 Antarctic maximum: %+v of %d", last, v.Of)
	}
	txt := runCLI(t, sharedDB(t), "extremes", "seaice.south", "--annual-ranking", "--kind", "max", "--smooth", "5d").stdout
	if !strings.Contains(txt, "2023  2023-09-10") || !strings.Contains(txt, "lowest of 46") {
		t.Errorf("text:\n%s", txt)
	}
}

// TestTrendCorrectedCLI: CU's GMSL (gmsl.txt, 1,203 altimeter cycles):
// 3.36 mm/yr with an OLS interval of ±0.03 mm/yr, but the residuals' lag-1
// autocorrelation is 0.89 (effective n about 70), so the corrected interval
// is about ±0.12 mm/yr. The quadratic fit gives an acceleration of 0.0735
// mm/yr² (Nerem et al. 2018 published 0.084 ± 0.025 for 1993-2017).
func TestTrendCorrectedCLI(t *testing.T) {
	r := runCLI(t, sharedDB(t), "trend", "gmsl", "--fit", "quadratic", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	v := decode[struct {
		N         int        `json:"n"`
		CI95      [2]float64 `json:"ci95_per_decade"`
		Corrected struct {
			Method string     `json:"method"`
			Lag1   float64    `json:"lag1_autocorrelation"`
			CI95   [2]float64 `json:"ci95"`
		} `json:"corrected"`
		Quadratic struct {
			Acc       float64 `json:"acceleration_per_year2"`
			Corrected struct {
				CI95 [2]float64 `json:"ci95"`
			} `json:"acceleration_corrected"`
		} `json:"quadratic"`
	}](t, r.stdout)
	ols := (v.CI95[1] - v.CI95[0]) / 2 / 10
	cor := (v.Corrected.CI95[1] - v.Corrected.CI95[0]) / 2 / 10
	if v.N != 1203 || !near(ols, 0.03, 0.01) || !near(cor, 0.12, 0.01) || !near(v.Corrected.Lag1, 0.89, 0.01) || !strings.Contains(v.Corrected.Method, "AR(1)") {
		t.Errorf("gmsl trend: n %d, OLS ±%.3f, corrected ±%.3f mm/yr, %+v", v.N, ols, cor, v.Corrected)
	}
	if !near(v.Quadratic.Acc, 0.0735, 0.0005) || v.Quadratic.Corrected.CI95[0] > 0.06 || v.Quadratic.Corrected.CI95[1] < 0.084 {
		t.Errorf("gmsl acceleration: %+v", v.Quadratic)
	}
}

// TestLabelsCLI: the ONI value dated June 2026 is the MJJ season
// (oni.txt); N2O (n2o_mm_gl.txt, from January 2001) against 1991-2020 uses
// 20 of 30 baseline years; annual means of two-decimal monthly values are
// printed to three decimals (co2_mm_mlo.txt 2024: 424.604 ppm), not six.
func TestLabelsCLI(t *testing.T) {
	db := sharedDB(t)
	oni := decode[map[string]any](t, runCLI(t, db, "records", "oni", "--month", "2026-06", "--json").stdout)
	if oni["season"] != "MJJ 2026" {
		t.Errorf("oni season %v", oni["season"])
	}
	if out := runCLI(t, db, "records", "oni", "--month", "2026-06").stdout; !strings.Contains(out, "MJJ 2026") || strings.Contains(out, "month ") {
		t.Errorf("oni text:\n%s", out)
	}
	an := decode[map[string]any](t, runCLI(t, db, "anomalies", "n2o.global", "--from", "2024-01", "--to", "2024-01", "--json").stdout)
	if an["baseline_used"] != "2001–2020, 20 of 30 years" || an["baseline"] != "1991-2020" {
		t.Errorf("n2o baseline %v / %v", an["baseline"], an["baseline_used"])
	}
	if out := runCLI(t, db, "anomalies", "n2o.global", "--from", "2024-01", "--to", "2024-01").stdout; !strings.Contains(out, "vs 2001–2020, 20 of 30 years of 1991-2020") {
		t.Errorf("n2o text:\n%s", out)
	}
	out := runCLI(t, db, "show", "co2.mlo", "--means", "annual", "--from", "2024", "--to", "2024").stdout
	if !strings.Contains(out, "424.604 ") || strings.Contains(out, "424.6041") {
		t.Errorf("co2 annual mean:\n%s", out)
	}
}

// TestEntityAliasAndLineageFilesCLI: the EU is asked for by OWID's code
// OWID_EU27; lineage of the two-file OWID dataset names each file with the
// sha256 of its own bytes.
func TestEntityAliasAndLineageFilesCLI(t *testing.T) {
	r := runCLI(t, sharedDB(t), "lineage", "co2.emissions", "2023", "--entity", "OWID_EU27", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	v := decode[struct {
		Entity string `json:"entity"`
		Files  []struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	}](t, r.stdout)
	ref, err := catalog.Resolve("co2.emissions")
	if err != nil {
		t.Fatal(err)
	}
	if v.Entity != "OWID_EUROPEAN_UNION_27" || len(v.Files) != len(ref.Dataset.Files) || len(v.Files) != 2 {
		t.Fatalf("lineage: %+v", v)
	}
	for i, f := range ref.Dataset.Files {
		h := sha256.Sum256(testutil.ReadShared(t, f.Path))
		if v.Files[i].SHA256 != hex.EncodeToString(h[:]) || !strings.HasSuffix(v.Files[i].Path, f.Path) {
			t.Errorf("file %d: %+v, want %s with sha256 %x", i, v.Files[i], f.Path, h)
		}
	}
}

// TestUncertaintyCompanionListedOnlyOnRequest: JMA's error column
// (ohc.jma.err95) is stored but is not an observation: list shows it only
// with --all.
func TestUncertaintyCompanionListedOnlyOnRequest(t *testing.T) {
	db := sharedDB(t)
	has := func(args ...string) bool {
		rows := decode[[]struct {
			Indicator string `json:"indicator"`
		}](t, runCLI(t, db, append(args, "--json")...).stdout)
		for _, r := range rows {
			if r.Indicator == "ohc.jma.err95" {
				return true
			}
		}
		return false
	}
	if has("list") || !has("list", "--all") {
		t.Errorf("ohc.jma.err95: in list %v, in list --all %v; want false, true", has("list"), has("list", "--all"))
	}
}
