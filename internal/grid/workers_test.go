package grid

import (
	"math"
	"testing"
)

// TestDefaultWorkers checks the default worker count for combinations of
// file count, CPU count and load.
func TestDefaultWorkers(t *testing.T) {
	for _, tc := range []struct {
		files, cpus int
		load        float64
		want        int
	}{
		{100, 2, 0, 2},    // quiet 2-core machine: both CPUs
		{100, 2, 0.99, 2}, // less than one CPU's worth of load
		{100, 2, 1.0, 1},  // one CPU busy
		{100, 2, 1.7, 1},
		{100, 2, 2.0, 1}, // every CPU busy: still one worker
		{100, 2, 5.3, 1}, // overloaded
		{1, 8, 0, 1},     // one file needs one worker
		{3, 8, 0.5, 3},   // fewer files than idle CPUs
		{16500, 8, 2.4, 6},
		{16500, 64, 0, 64},
		{0, 4, 0, 1}, // at least one
		{10, 4, -1, 4},
		{10, 4, math.NaN(), 4},
		{10, 4, math.Inf(1), 1},
		{10, 1, 0, 1},
	} {
		if got := DefaultWorkers(tc.files, tc.cpus, tc.load); got != tc.want {
			t.Errorf("DefaultWorkers(%d files, %d cpus, load %v) = %d, want %d", tc.files, tc.cpus, tc.load, got, tc.want)
		}
	}
}

// TestParseLoadAvg checks the parsing of /proc/loadavg lines.
func TestParseLoadAvg(t *testing.T) {
	if x, err := parseLoadAvg("1.37 0.58 0.59 1/123 4567\n"); err != nil || x != 1.37 {
		t.Errorf("parseLoadAvg = %v, %v; want 1.37", x, err)
	}
	for _, bad := range []string{"", "x 1 2", "-1 0 0"} {
		if _, err := parseLoadAvg(bad); err == nil {
			t.Errorf("parseLoadAvg(%q) gave no error", bad)
		}
	}
}
