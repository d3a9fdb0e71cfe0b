package main

import (
	"strings"
	"testing"
)

// TestNationalCLI answers the country claims of product.md with one command
// each and checks the numbers against the producers' CSV rows.
func TestNationalCLI(t *testing.T) {
	db := sharedDB(t)

	// annual-co2-emissions-per-country.csv: China 2023 11902503000 t,
	// 2022 11350538000; World 2023 37791570000.
	r := runCLI(t, db, "rank", "co2.emissions", "--year", "2023", "--top", "3", "--json")
	rank := decode[map[string]any](t, r.stdout)
	rows := rank["ranking"].([]any)
	first := rows[0].(map[string]any)
	if r.code != 0 || len(rows) != 3 || first["entity"] != "CHN" || first["value"] != 11902503000.0 ||
		!near(first["share_of_world"].(float64), 100*11902503000.0/37791570000, 1e-9) ||
		!near(first["change_from_previous_year"].(float64), 11902503000.0-11350538000, 1e-3) {
		t.Fatalf("rank: exit %d %v %s", r.code, rank, r.stderr)
	}
	for _, row := range rows {
		if e := row.(map[string]any)["entity"].(string); strings.HasPrefix(e, "OWID_") {
			t.Errorf("aggregate %s ranked", e)
		}
	}

	// Historical responsibility: the United States leads cumulative CO2.
	r = runCLI(t, db, "rank", "co2.emissions", "--cumulative", "--since", "1750", "--year", "2023", "--top", "2", "--json")
	rank = decode[map[string]any](t, r.stdout)
	rows = rank["ranking"].([]any)
	if r.code != 0 || rank["cumulative"] != true || rank["since"].(float64) != 1750 ||
		rows[0].(map[string]any)["entity"] != "USA" || rows[1].(map[string]any)["entity"] != "CHN" {
		t.Fatalf("cumulative: %v", rank)
	}
	// A share's change is in percentage points, its relative change marked.
	r = runCLI(t, db, "growth", "electricity.coal.share", "--entity", "CHN", "--from", "2021")
	if r.code != 0 || !strings.Contains(r.stdout, "Change 2021-2023: -1.745 pp (-2.8% relative)") {
		t.Errorf("growth of a share:\n%s%s", r.stdout, r.stderr)
	}
	r = runCLI(t, db, "rank", "electricity.coal.share", "--year", "2023", "--top", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "vs 2022 (pp)") || !strings.Contains(r.stdout, "-5.0") {
		t.Errorf("rank of a share:\n%s%s", r.stdout, r.stderr)
	}
	// Levels and shares have no cumulative ranking: a usage error naming why.
	for _, id := range []string{"solar.capacity", "electricity.coal.share", "forest.primary.extent"} {
		if r := runCLI(t, db, "rank", id, "--cumulative"); r.code != 2 || !strings.Contains(r.stderr, "not a yearly flow") {
			t.Errorf("rank %s --cumulative: exit %d %s", id, r.code, r.stderr)
		}
	}

	// US CO2 peaked in 2005 (6132183000 t); 2023 is 4911391000 t.
	r = runCLI(t, db, "peaks", "co2.emissions", "--entity", "USA", "--json")
	pk := decode[map[string]any](t, r.stdout)
	if r.code != 0 || pk["peak_year"].(float64) != 2005 || pk["peaked"] != true || pk["latest_value"] != 4911391000.0 ||
		!near(pk["below_peak_pct"].(float64), 100*(6132183000.0-4911391000)/6132183000, 1e-9) || !strings.Contains(pk["rule"].(string), "5%") {
		t.Fatalf("peaks USA: %v", pk)
	}
	// China's maximum is its latest year: not peaked.
	r = runCLI(t, db, "peaks", "co2.emissions", "--entity", "CHN", "--json")
	pk = decode[map[string]any](t, r.stdout)
	if pk["peak_year"].(float64) != 2023 || pk["peaked"] != false {
		t.Fatalf("peaks CHN: %v", pk)
	}

	// installed-solar-pv-capacity.csv: China,CHN,2023,609.92084.
	r = runCLI(t, db, "compare", "CHN", "USA", "--indicators", "solar.capacity", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"value": 609.92084`) {
		t.Fatalf("compare: %s %s", r.stdout, r.stderr)
	}

	// treecover_loss__ha.csv: "RUS",2024,5180132.894... is the largest loss.
	r = runCLI(t, db, "rank", "forest.loss", "--year", "2024", "--top", "1", "--json")
	rank = decode[map[string]any](t, r.stdout)
	top := rank["ranking"].([]any)[0].(map[string]any)
	if top["entity"] != "RUS" || !near(top["value"].(float64), 5180132.894531, 1e-3) {
		t.Fatalf("forest: %v", top)
	}

	// Pledges: the US 2030 NDC is measured with CO2 only and says so.
	r = runCLI(t, db, "pledges", "--entity", "USA")
	if r.code != 0 || !strings.Contains(r.stdout, "-19.9% versus 2005") || !strings.Contains(r.stdout, "PROXY") {
		t.Fatalf("pledges:\n%s", r.stdout)
	}

	r = runCLI(t, db, "rank", "co2.emissions", "--year", "2023", "--top", "-1")
	if r.code != 2 {
		t.Errorf("--top -1: exit %d", r.code)
	}
	r = runCLI(t, db, "peaks", "co2.emissions", "--entity", "XXX")
	if r.code == 0 {
		t.Errorf("unknown entity accepted")
	}
}
