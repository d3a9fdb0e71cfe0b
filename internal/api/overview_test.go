package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
)

// overviewSign is the part of a Sign these tests read; record is decoded
// raw so that its absence can be seen.
type overviewSign struct {
	Indicator string          `json:"indicator"`
	Frequency string          `json:"frequency"`
	Latest    present.Point   `json:"latest"`
	Anomaly   *Anomaly        `json:"anomaly"`
	Record    json.RawMessage `json:"record"`
	Sentence  *string         `json:"sentence"`
	Change    *Change         `json:"change"`
	Rise      *Rise           `json:"rise"`
	Age       *int            `json:"data_age_days"`
	Source    present.Source  `json:"source"`
	Licence   string          `json:"licence"`
}

type overviewBody struct {
	DataVersion string         `json:"data_version"`
	Today       *string        `json:"today"`
	Signs       []overviewSign `json:"signs"`
	Irregular   []overviewSign `json:"irregular"`
}

func findSign(list []overviewSign, id string) *overviewSign {
	for i := range list {
		if list[i].Indicator == id {
			return &list[i]
		}
	}
	return nil
}

// TestOverviewSlowSigns checks the annual (ocean heat content) and irregular
// (sea level) vital signs: the change on the year before and the rank among
// years for the first, the rise since the first complete year for the
// second, each with its source.
func TestOverviewSlowSigns(t *testing.T) {
	s := testServer(t)
	var o overviewBody
	getJSON(t, s, "/api/overview", &o)

	ohc := findSign(o.Signs, "ohc.jma")
	if ohc == nil {
		t.Fatal("the overview lacks ocean heat content (ohc.jma)")
	}
	if ohc.Frequency != "annual" || len(ohc.Latest.Date) != 4 || ohc.Source.Dataset != "jma-ohc-global" || ohc.Licence == "" {
		t.Fatalf("ohc.jma: %+v", ohc)
	}
	// An annual value's age counts from the end of its year.
	if o.Today == nil || ohc.Age == nil {
		t.Fatalf("ohc.jma: no data age: %+v", ohc)
	}
	today, _ := obs.ParseDate(*o.Today)
	endOfYear, _ := obs.ParseDate(ohc.Latest.Date + "-12-31")
	if want := max(0, int(today-endOfYear)); *ohc.Age != want {
		t.Errorf("ohc.jma data age %d, want %d (from 31 December %s)", *ohc.Age, want, ohc.Latest.Date)
	}
	if ohc.Change == nil || ohc.Change.Previous.Date == "" {
		t.Fatalf("ohc.jma: no change on the year before: %+v", ohc)
	}
	if got, want := ohc.Change.Value, roundTo6(ohc.Latest.Value-ohc.Change.Previous.Value); got != want {
		t.Errorf("ohc.jma change %v, want %v", got, want)
	}
	var rec struct {
		Rank   int  `json:"rank_for_date"`
		Years  int  `json:"years_for_date"`
		Record bool `json:"record_for_date"`
	}
	if err := json.Unmarshal(ohc.Record, &rec); err != nil || rec.Rank < 1 || rec.Years < 50 {
		t.Fatalf("ohc.jma record %s (%v)", ohc.Record, err)
	}
	if rec.Record != (ohc.Sentence != nil) {
		t.Fatalf("ohc.jma: record %v, sentence %v", rec.Record, ohc.Sentence)
	}
	if ohc.Sentence != nil && (!strings.HasPrefix(*ohc.Sentence, "Highest year on record: ") || strings.Contains(*ohc.Sentence, "January")) {
		t.Errorf("ohc.jma sentence %q", *ohc.Sentence)
	}
	if findSign(o.Signs, "ohc.jma.0-700") != nil {
		t.Error("the 0-700 m layer repeats the 0-2000 m card")
	}

	if findSign(o.Signs, "gmsl") != nil {
		t.Error("sea level has no date to rank for: it belongs in irregular, not signs")
	}
	sl := findSign(o.Irregular, "gmsl")
	if sl == nil {
		t.Fatal("the overview lacks sea level (gmsl) in irregular")
	}
	if sl.Source.Dataset != "cu-gmsl" || sl.Latest.Date == "" || sl.Age == nil {
		t.Fatalf("gmsl: %+v", sl)
	}
	if len(sl.Record) != 0 {
		t.Errorf("gmsl has a rank for the date: %s", sl.Record)
	}
	r := sl.Rise
	if r == nil || r.Since != "1993" || r.To != sl.Latest.Date || r.From != "1992-12-17" {
		t.Fatalf("gmsl rise %+v", r)
	}
	// Satellite altimetry: roughly 3 to 4.5 mm a year since 1993, so about
	// 10 cm by the mid-2020s.
	if r.PerDecade < 25 || r.PerDecade > 45 || r.Value < 80 || r.Value > 140 {
		t.Errorf("gmsl rise %v mm since %s, %v mm per decade", r.Value, r.Since, r.PerDecade)
	}
}

// TestOverviewVersionedIsDateFree checks that an answer sent as immutable
// (the request names the data version) holds nothing that changes with the
// date: no "today" and no data ages.
func TestOverviewVersionedIsDateFree(t *testing.T) {
	s := testServer(t)
	var plain overviewBody
	r := getJSON(t, s, "/api/overview", &plain)
	if plain.Today == nil || plain.Signs[0].Age == nil {
		t.Fatal("an unversioned overview counts the data ages to today")
	}
	v := r.h.Get("X-Stocktake-Data-Version")
	if v == "" {
		t.Fatal("no X-Stocktake-Data-Version")
	}
	rv := get(t, s, "/api/overview?v="+v)
	if rv.code != 200 {
		t.Fatalf("GET /api/overview?v=%s: %d %s", v, rv.code, rv.body)
	}
	if cc := rv.h.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		for _, member := range []string{`"today"`, `"data_age_days"`} {
			if bytes.Contains(rv.body, []byte(member)) {
				t.Errorf("the overview is sent as %q but holds %s, which changes every day", cc, member)
			}
		}
	}
	var versioned overviewBody
	if err := json.Unmarshal(rv.body, &versioned); err != nil {
		t.Fatal(err)
	}
	if len(versioned.Signs) != len(plain.Signs) || len(versioned.Irregular) != len(plain.Irregular) {
		t.Fatalf("versioned overview: %d signs, %d irregular; unversioned: %d, %d",
			len(versioned.Signs), len(versioned.Irregular), len(plain.Signs), len(plain.Irregular))
	}
}

// TestOverviewMatchesQuestions checks that every card of the overview gives
// the numbers of the questions it summarises: its record is
// /api/records?on=<latest>&kind=<kind>, and its climatology anomaly is
// /api/anomalies for the latest date.
func TestOverviewMatchesQuestions(t *testing.T) {
	s := testServer(t)
	var ov struct {
		Signs []struct {
			Indicator string                `json:"indicator"`
			Latest    struct{ Date string } `json:"latest"`
			Anomaly   *struct {
				Value    float64 `json:"value"`
				Baseline string  `json:"baseline"`
				Basis    string  `json:"basis"`
			} `json:"anomaly"`
			Record map[string]any `json:"record"`
			Season string         `json:"season"`
		} `json:"signs"`
	}
	getJSON(t, s, "/api/overview", &ov)
	checked := 0
	for _, sg := range ov.Signs {
		if sg.Record != nil {
			var rec map[string]any
			getJSON(t, s, "/api/records/"+sg.Indicator+"?on="+sg.Latest.Date+"&kind="+sg.Record["kind"].(string), &rec)
			delete(rec, "source")
			delete(rec, "baseline")
			// The season labels of a three-month series are the card's
			// own "season" member, not part of the record.
			if rec["season"] != nil && rec["season"] != sg.Season {
				t.Errorf("%s: overview season %q, /api/records %v", sg.Indicator, sg.Season, rec["season"])
			}
			delete(rec, "season")
			delete(rec, "previous_season")
			if !reflect.DeepEqual(rec, sg.Record) {
				t.Errorf("%s: overview record %v, /api/records %v", sg.Indicator, sg.Record, rec)
			}
			checked++
		}
		if sg.Anomaly != nil && sg.Anomaly.Basis == "climatology" {
			var an struct {
				Baseline     string `json:"baseline"`
				BaselineUsed string `json:"baseline_used"`
				Points       []struct {
					Date  string  `json:"date"`
					Value float64 `json:"value"`
				} `json:"points"`
			}
			getJSON(t, s, "/api/anomalies/"+sg.Indicator+"?from="+sg.Latest.Date+"&to="+sg.Latest.Date, &an)
			// The card names the baseline by the years the data cover, as
			// /api/anomalies' baseline_used does.
			if len(an.Points) != 1 || an.Points[0].Value != sg.Anomaly.Value || an.BaselineUsed != sg.Anomaly.Baseline {
				t.Errorf("%s: overview anomaly %+v, /api/anomalies %+v", sg.Indicator, *sg.Anomaly, an)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d comparisons", checked)
	}
}
