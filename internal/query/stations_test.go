package query

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/stations"
)

// TestRecordsSetLists checks the list forms of records-set's extreme and
// scope parameters: the default, one name, a list in the order given, all,
// and the refusals (an unknown name, a repeat, a blank item, all in a list),
// each an Invalid error naming the value.
func TestRecordsSetLists(t *testing.T) {
	for _, c := range []struct {
		v    string
		want []stations.Extreme
	}{
		{"", []stations.Extreme{stations.RecordHigh}},
		{"record-low", []stations.Extreme{stations.RecordLow}},
		{"record-low,record-high", []stations.Extreme{stations.RecordLow, stations.RecordHigh}},
		{"record-low, record-high ", []stations.Extreme{stations.RecordLow, stations.RecordHigh}},
		{"all", []stations.Extreme{stations.RecordHigh, stations.RecordLow, stations.HighestLow, stations.LowestHigh, stations.WettestDay}},
	} {
		got, err := extremesOf("extreme", c.v)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("extreme=%q: %v (%v), want %v", c.v, got, err, c.want)
		}
	}
	for _, c := range []struct {
		v    string
		want []stations.Scope
	}{
		{"", []stations.Scope{stations.AllTime}},
		{"day", []stations.Scope{stations.Day}},
		{"day,all-time", []stations.Scope{stations.Day, stations.AllTime}},
		{"all", []stations.Scope{stations.AllTime, stations.Month, stations.Day}},
	} {
		got, err := scopesOf("scope", c.v, stations.AllTime)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("scope=%q: %v (%v), want %v", c.v, got, err, c.want)
		}
	}
	for _, c := range []struct{ field, v, fragment string }{
		{"extreme", "record-hot", `"record-hot": want one of record-high`},
		{"extreme", "record-high,record-high", "names record-high twice"},
		{"extreme", "record-high,,record-low", "with no blank item"},
		{"extreme", "all,record-low", "or all alone"},
		{"scope", "week", `"week": want all-time, month or day`},
		{"scope", "day,month,day", "names day twice"},
		{"scope", ",day", "with no blank item"},
		{"scope", "day, ,month", "with no blank item"},
		{"scope", "month,all", "or all alone"},
	} {
		var err error
		if c.field == "extreme" {
			_, err = extremesOf(c.field, c.v)
		} else {
			_, err = scopesOf(c.field, c.v, stations.AllTime)
		}
		var qe *Error
		if !errors.As(err, &qe) || qe.Kind != Invalid || !strings.Contains(err.Error(), c.fragment) {
			t.Errorf("%s=%q: %v, want an invalid-request error with %q", c.field, c.v, err, c.fragment)
		}
	}
}
