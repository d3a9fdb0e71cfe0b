package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/present"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestRecordsCLI checks the records engine end to end against numbers the
// producers published.
func TestRecordsCLI(t *testing.T) {
	db := sharedDB(t)

	// NSIDC, "Antarctic sea ice sets a record low" (NSIDC Arctic Sea Ice News,
	// 27 February 2023): 1.79 million km² on 21 February 2023, 5-day mean;
	// previous record low set in 2022.
	r := runCLI(t, db, "records", "seaice.south", "--on", "2023-02-21", "--kind", "min", "--smooth", "5d", "--json")
	on := decode[map[string]any](t, r.stdout)
	if r.code != 0 || !near(on["value"].(float64), 1.79, 0.005) || on["record_for_date"] != true || on["record_all_time"] != true ||
		on["smoothing"] != "5d" || on["convention"] != "calendar" || on["years_for_date"].(float64) != 47 {
		t.Fatalf("seaice.south 2023-02-21: exit %d %v %s", r.code, on, r.stderr)
	}
	if e, ok := on["entity"]; !ok || e != nil {
		t.Errorf("entity of a global series must be null, as in show --json: %v", e)
	}
	if src := on["source"].(map[string]any); src["dataset"] != "nsidc-g02135-south-v3" || len(src["sha256"].(string)) != 64 {
		t.Errorf("source: %v", src)
	}
	prev := on["previous_for_date"].(map[string]any)
	if prev["date"] != "2022-02-21" {
		t.Errorf("previous holder for 21 February: %v", prev)
	}

	// Without --kind, sea ice is ranked by its headline extreme, the minimum
	// (the same default as the API and the dashboard).
	r = runCLI(t, db, "records", "seaice.south", "--on", "2023-02-21", "--smooth", "5d", "--json")
	if on := decode[map[string]any](t, r.stdout); on["kind"] != "min" || on["record_for_date"] != true {
		t.Fatalf("default kind for sea ice: %v", on)
	}

	// Climate Reanalyzer: world SST passed 21.0 °C for the first time on
	// 16 March 2023 (21.004 in oisst2.1_world2_sst_day.json).
	r = runCLI(t, db, "records", "sst.world", "--on", "2023-03-16", "--as-of", "2023-03-16", "--json")
	on = decode[map[string]any](t, r.stdout)
	if r.code != 0 || on["value"] != 21.004 || on["record_all_time"] != true || on["rank_all_time"].(float64) != 1 || on["as_of"] != "2023-03-16" {
		t.Fatalf("sst.world 2023-03-16: %v %s", on, r.stderr)
	}

	// NOAA NCEI, "Global Climate Report June 2023": warmest June in the
	// 174-year record, 0.13 °C above June 2020. Today's file (revised) gives
	// 1.06 vs 0.94, a margin of 0.12, still rank 1 of 174 as of the month.
	r = runCLI(t, db, "records", "gmst.noaa", "--month", "2023-06", "--as-of", "2023-06-30", "--json")
	m := decode[map[string]any](t, r.stdout)
	if r.code != 0 || m["rank"].(float64) != 1 || m["years"].(float64) != 174 || m["record"] != true || !near(m["margin"].(float64), 0.12, 1e-9) ||
		m["previous"].(map[string]any)["month"] != "2020-06" || m["baseline"] != "1901-2000" {
		t.Fatalf("gmst.noaa 2023-06: %v %s", m, r.stderr)
	}
	// A month in progress is ranked but never declared a record.
	r = runCLI(t, db, "records", "sst.world", "--month", "2023-06", "--as-of", "2023-06-10", "--json")
	if p := decode[map[string]any](t, r.stdout); r.code != 0 || p["complete"] != false || p["record"] != false || p["days"].(float64) != 10 {
		t.Fatalf("sst.world June 2023 as of the 10th: %v %s", p, r.stderr)
	}
	// A month the data do not reach the end of is in progress, even when
	// the WMO 5/11 rule would accept its days (28 of 31).
	r = runCLI(t, db, "records", "sst.world", "--month", "2023-08", "--as-of", "2023-08-28", "--json")
	if p := decode[map[string]any](t, r.stdout); r.code != 0 || p["complete"] != false || p["record"] != false || p["days"].(float64) != 28 || p["rank"].(float64) != 1 {
		t.Fatalf("sst.world August 2023 as of the 28th: %v %s", p, r.stderr)
	}
	// Weekly and irregular series have no same calendar day across years.
	for _, c := range [][]string{{"co2.mlo.weekly", "--on", "2026-08-16"}, {"gmsl", "--year", "2025"}, {"co2.mlo.weekly", "--month", "2025-06"}} {
		if r := runCLI(t, db, append([]string{"records"}, c...)...); r.code != 2 || !strings.Contains(r.stderr, "co2.mlo.weekly is weekly") && !strings.Contains(r.stderr, "gmsl is irregular") {
			t.Errorf("records %v: exit %d %s", c, r.code, r.stderr)
		}
	}
	// Absolute values carry no baseline member.
	r = runCLI(t, db, "extremes", "sst.world", "--all", "--json")
	if e := decode[map[string]any](t, r.stdout); r.code != 0 || e["value"] == nil || e["baseline"] != nil {
		t.Fatalf("sst.world extremes: %v %s", e, r.stderr)
	}

	// The 2023 SST record run: from 13 March 2023 every remaining day of 2023
	// set a record for its date (a fact of the Climate Reanalyzer file).
	r = runCLI(t, db, "records", "sst.world", "--year", "2023", "--json")
	y := decode[map[string]any](t, r.stdout)
	days := y["record_days"].([]any)
	streaks := y["streaks"].([]any)
	if r.code != 0 || len(days) != 294 || days[0].(map[string]any)["date"] != "2023-03-13" {
		t.Fatalf("sst.world 2023: %d record days, first %v", len(days), days[0])
	}
	last := streaks[len(streaks)-1].(map[string]any)
	if last["from"] != "2023-03-13" || last["to"] != "2023-12-31" || last["days"].(float64) != 294 {
		t.Errorf("last streak: %v", last)
	}

	// 2024 opens by continuing that run: 489 record days in a row from
	// 2023-03-13 to 2024-07-13 (the alerts engine's streak event agrees).
	r = runCLI(t, db, "records", "sst.world", "--year", "2024", "--json")
	y = decode[map[string]any](t, r.stdout)
	s0 := y["streaks"].([]any)[0].(map[string]any)
	if s0["from"] != "2024-01-01" || s0["to"] != "2024-07-13" || s0["run_from"] != "2023-03-13" || s0["run_days"].(float64) != 489 {
		t.Errorf("2024 first streak: %v", s0)
	}

	r = runCLI(t, db, "extremes", "seaice.south", "--year", "2023", "--kind", "min", "--smooth", "5d", "--json")
	e := decode[map[string]any](t, r.stdout)
	if r.code != 0 || e["date"] != "2023-02-21" || e["period"] != "2023" || !near(e["value"].(float64), 1.7884, 1e-9) {
		t.Fatalf("extremes: %v", e)
	}

	// Usage errors exit 2, data errors 1.
	for _, c := range []struct {
		code int
		args []string
		msg  string
	}{
		{2, []string{"records", "sst.world"}, ""},
		{2, []string{"records", "sst.world", "--on", "2023-03-16", "--year", "2023"}, ""},
		{2, []string{"records", "sst.world", "--on", "2023-03-16", "--convention", "julian"}, "julian"},
		{2, []string{"extremes", "co2.mlo", "--all", "--smooth", "5d"}, ""},
		{2, []string{"records", "sst.world", "--on", "2023-03"}, "give a day"},
		{1, []string{"records", "sst.world", "--on", "1970-01-01", "--as-of", "1970-01-01"}, ""},
	} {
		r := runCLI(t, db, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d (%s), want %d", c.args, r.code, r.stderr, c.code)
		}
	}
}

func TestClimatologyAndTrendCLI(t *testing.T) {
	db := sharedDB(t)
	r := runCLI(t, db, "climatology", "sst.world", "--baseline", "1991-2020", "--convention", "daycount", "--json")
	c := decode[map[string]any](t, r.stdout)
	slots := c["slots"].([]any)
	if r.code != 0 || len(slots) != 366 || c["baseline"] != "1991-2020" {
		t.Fatalf("climatology: exit %d, %d slots", r.code, len(slots))
	}
	// Day 100 (10 April): 30 years, mean within 0.0032 °C of Climate
	// Reanalyzer's own 1991-2020 row in the same file (20.524 there).
	s := slots[99].(map[string]any)
	if s["n"].(float64) != 30 || !near(s["mean"].(float64), 20.524, 0.0032) {
		t.Errorf("slot 99: %v", s)
	}

	// GISTEMP-like warming rate: NOAA's land+ocean series warms at about
	// 0.2 °C per decade since 1975 (NOAA NCEI Climate at a Glance trend tool).
	r = runCLI(t, db, "trend", "gmst.noaa", "--from", "1975", "--to", "2024", "--json")
	tr := decode[map[string]any](t, r.stdout)
	ci := tr["ci95_per_decade"].([]any)
	if r.code != 0 || tr["n"].(float64) != 50 || !near(tr["ols_per_decade"].(float64), 0.197, 0.002) ||
		ci[0].(float64) >= tr["ols_per_decade"].(float64) || ci[1].(float64) <= tr["ols_per_decade"].(float64) {
		t.Fatalf("trend: %v", tr)
	}
}

// TestAnomaliesCLI re-bases NOAA's monthly anomalies and computes daily
// departures, checked against the climatology command's own means.
func TestAnomaliesCLI(t *testing.T) {
	db := sharedDB(t)
	// NOAA Climate at a Glance: June 2023 is +1.06 °C vs 1901-2000; June's
	// 1991-2020 mean in the same file is 0.587, so +0.473 vs 1991-2020.
	r := runCLI(t, db, "anomalies", "gmst.noaa", "--baseline", "1991-2020", "--from", "2023-06", "--to", "2023-06", "--json")
	a := decode[map[string]any](t, r.stdout)
	pts := a["points"].([]any)
	if r.code != 0 || len(pts) != 1 || !near(pts[0].(map[string]any)["value"].(float64), 0.473, 0.0005) ||
		a["baseline"] != "1991-2020" || a["convention"] != "month" {
		t.Fatalf("gmst.noaa: exit %d %v %s", r.code, a, r.stderr)
	}
	// Antarctic 5-day extent on 21 February 2023 (1.7884) minus the
	// 1981-2010 mean of 5-day values for day 52 (21 February) from
	// 'climatology': NSIDC sea ice uses the day-count convention by default.
	r = runCLI(t, db, "climatology", "seaice.south", "--baseline", "1981-2010", "--smooth", "5d", "--json")
	c := decode[map[string]any](t, r.stdout)
	var mean float64
	for _, s := range c["slots"].([]any) {
		if s := s.(map[string]any); s["label"] == "day 52" {
			mean = s["mean"].(float64)
		}
	}
	r = runCLI(t, db, "anomalies", "seaice.south", "--baseline", "1981-2010", "--smooth", "5d", "--from", "2023-02-21", "--to", "2023-02-21", "--json")
	a = decode[map[string]any](t, r.stdout)
	pts = a["points"].([]any)
	if r.code != 0 || mean == 0 || len(pts) != 1 || !near(pts[0].(map[string]any)["value"].(float64), 1.7884-mean, 2e-6) {
		t.Fatalf("seaice.south: mean %v, %v %s", mean, a, r.stderr)
	}
	// Annual data depart from the mean of the baseline's years; weekly
	// data have no slot to depart from.
	r = runCLI(t, db, "anomalies", "ohc.jma", "--baseline", "1991-2020", "--json")
	an := decode[map[string]any](t, r.stdout)
	if r.code != 0 || an["convention"] != "year" || len(an["points"].([]any)) == 0 {
		t.Errorf("annual data: exit %d %v %s", r.code, an, r.stderr)
	}
	if r := runCLI(t, db, "anomalies", "co2.mlo.weekly", "--baseline", "1991-2020"); r.code != 2 {
		t.Errorf("weekly data: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, db, "anomalies", "sst.world", "--baseline", "1991"); r.code != 2 {
		t.Errorf("bad baseline: exit %d", r.code)
	}
}

// TestShowMeans checks 'show --means': the monthly mean of world SST in
// March 2023 (the mean of the 31 daily values of the Climate Reanalyzer
// file), the annual means of Antarctic sea ice with the 1987-88 data gap
// reported (3 December 1987 to 12 January 1988 has no values), and the
// usage errors.
func TestShowMeans(t *testing.T) {
	db := sharedDB(t)
	r := runCLI(t, db, "show", "sst.world", "--means", "monthly", "--from", "2023-03", "--to", "2023-03", "--json")
	var m struct {
		Means   string
		Rule    string
		Periods []struct {
			Date         string
			Value        float64
			N, Expected  int
			Interpolated int
			LongestGap   int `json:"longest_gap"`
			Complete     bool
			InProgress   bool `json:"in_progress"`
		}
		Source present.Source
	}
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v %s", r.code, err, r.stderr)
	}
	day := runCLI(t, db, "show", "sst.world", "--from", "2023-03-01", "--to", "2023-03-31", "--json")
	days := decode[present.Series](t, day.stdout).Points
	sum := 0.0
	for _, p := range days {
		sum += p.Value
	}
	if len(m.Periods) != 1 || m.Periods[0].Date != "2023-03" || m.Periods[0].N != 31 || len(days) != 31 ||
		!near(m.Periods[0].Value, sum/31, 1e-6) || !m.Periods[0].Complete || !strings.Contains(m.Rule, "WMO 5/11") || m.Source.Dataset == "" {
		t.Fatalf("sst.world 2023-03: %+v (daily mean %v)", m, sum/31)
	}
	r = runCLI(t, db, "show", "seaice.south", "--means", "annual", "--from", "1987", "--to", "1989", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || len(m.Periods) != 3 {
		t.Fatalf("annual: %v %s", err, r.stdout)
	}
	if p := m.Periods[0]; p.Date != "1987" || p.Complete || p.LongestGap != 29 || p.N != 220 || p.Interpolated != 116 {
		t.Errorf("1987: %+v", p)
	}
	if p := m.Periods[1]; p.Date != "1988" || p.Complete || p.LongestGap != 12 {
		t.Errorf("1988: %+v", p)
	}
	if p := m.Periods[2]; p.Date != "1989" || !p.Complete || p.N != 365 {
		t.Errorf("1989: %+v", p)
	}
	// The every-other-day era: published values and interpolated days apart.
	r = runCLI(t, db, "show", "seaice.south", "--means", "monthly", "--from", "1980-01", "--to", "1980-01", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || len(m.Periods) != 1 || m.Periods[0].N != 16 || m.Periods[0].Interpolated != 15 || !m.Periods[0].Complete {
		t.Errorf("January 1980: %+v %v", m.Periods, err)
	}
	// A year the data do not reach the end of is in progress, not gappy.
	r = runCLI(t, db, "show", "gmst.noaa", "--means", "annual", "--from", "2026", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || len(m.Periods) != 1 || !m.Periods[0].InProgress || m.Periods[0].Complete || m.Periods[0].LongestGap != 0 {
		t.Errorf("2026: %+v %v", m.Periods, err)
	}
	for _, c := range [][]string{{"co2.mlo", "--means", "monthly"}, {"co2.mlo.weekly", "--means", "annual"}, {"sst.world", "--means", "weekly"}} {
		if r := runCLI(t, db, append([]string{"show"}, c...)...); r.code != 2 {
			t.Errorf("show %v: exit %d %s", c, r.code, r.stderr)
		}
	}
}
