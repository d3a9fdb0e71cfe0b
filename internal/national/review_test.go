package national_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestChangeVsPeakAtMaximumIsZero: China's CO2 and methane are at their
// maximum in the latest year (2023), so their change from the maximum is 0,
// not -0 (which JSON writes as "change_pct": -0).
func TestChangeVsPeakAtMaximumIsZero(t *testing.T) {
	pr := assess(t, "chn-ndc-2035")
	for _, m := range pr.Measurements {
		if m.ChangePct == nil || *m.ChangePct != 0 || math.Signbit(*m.ChangePct) {
			t.Errorf("%s: change from the maximum %v, want 0", m.Indicator, m.ChangePct)
		}
		b, _ := json.Marshal(m)
		if strings.Contains(string(b), `"change_pct":-0`) {
			t.Errorf("%s: JSON %s", m.Indicator, b)
		}
	}
}

// TestShareChangeInPoints: coal's share of China's electricity went from
// 63.27% (2020) to 60.7% (2023). The summary said "60.7 %, -4.1% versus 2020",
// which reads as a fall of 4.1 points; the share fell by 2.6 points (4.1% of
// its 2020 level). A change of a share is stated in percentage points, with
// the relative change beside it.
func TestShareChangeInPoints(t *testing.T) {
	pr := assess(t, "chn-coal-control")
	var found bool
	for _, m := range pr.Measurements {
		if m.Indicator != "electricity.coal.share" {
			continue
		}
		found = true
		if m.ChangePct == nil || math.Abs(*m.ChangePct-100*(60.7-63.27)/63.27) > 0.05 {
			t.Errorf("relative change %v", m.ChangePct)
		}
		if !strings.Contains(m.Summary, "-2.6 percentage points (-4.1%) versus 2020") {
			t.Errorf("summary: %s", m.Summary)
		}
	}
	if !found {
		t.Fatal("no electricity.coal.share measurement")
	}
}
