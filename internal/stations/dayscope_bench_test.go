package stations

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// TestDayScopeOnArchive compares the two paths of the calendar-day
// RecordsSet (calendar-day extremes and the full scan) on an existing
// archive, e.g. the benchmark's: same answer, and their times. It runs only
// when GHCND_ARCHIVE names the archive folder (GHCND_DATE the day, default
// 2024-07-15).
func TestDayScopeOnArchive(t *testing.T) {
	dir := os.Getenv("GHCND_ARCHIVE")
	if dir == "" {
		t.Skip("GHCND_ARCHIVE not set")
	}
	a, err := Open(dir, Options{MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	d := "2024-07-15"
	if v := os.Getenv("GHCND_DATE"); v != "" {
		d = v
	}
	day, err := obs.ParseDate(d)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	q := Query{MinYears: DefaultMinYears}
	for _, e := range []Extreme{RecordHigh, RecordLow} {
		t0 := time.Now()
		fast, err := a.RecordsSet(ctx, day, day, e, Day, q)
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		slow, err := a.recordsSetScan(ctx, day, day, e, Day, q)
		if err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		if fmt.Sprint(fast) != fmt.Sprint(slow) {
			t.Errorf("%v: the paths differ: %d vs %d records", e, len(fast), len(slow))
		}
		t.Logf("%v on %s: %d records; calendar-day extremes %v, full scan %v", e, d, len(fast), t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond))
	}
}
