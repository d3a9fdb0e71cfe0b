package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// checkpointList renders the stored checkpoints of dataset "ds" as a
// snapshot reads them.
func checkpointList(t *testing.T, s *Store) string {
	t.Helper()
	sn, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	cps, err := sn.AlertCheckpoints(context.Background(), "ds")
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, c := range cps {
		out += fmt.Sprintf("%s/%s %s %s v%d %q;", c.Indicator, c.Entity, c.Date, c.Rules, c.VersionID, c.State)
	}
	return out
}

// TestAlertCheckpoints checks the checkpoint table on both backends: state
// bytes round-trip exactly, ReplaceCheckpoints keeps only the listed dates
// of its series and replaces a row of the same date, DeleteCheckpoints
// drops the series not kept, a rolled-back event transaction changes
// nothing, and Restore discards the dataset's checkpoints.
func TestAlertCheckpoints(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	v1 := ingestDS(t, s, "a", &obs.Parsed{Series: []obs.Series{daily("x", obs.NewDate(2020, 1, 1), 1, 2, 3)}})
	v2 := ingestDS(t, s, "b", &obs.Parsed{Series: []obs.Series{daily("x", obs.NewDate(2020, 1, 1), 1, 2, 4)}})
	d := func(y int) obs.Date { return obs.NewDate(y, 1, 1) }
	write := func(commit bool, f func(tx *EventTx) error) {
		t.Helper()
		tx, err := s.BeginEvents(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := f(tx); err != nil {
			t.Fatal(err)
		}
		if commit {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
	blob := []byte{0, 1, 2, 0xff, '"', '\'', 0}
	write(true, func(tx *EventTx) error {
		if err := tx.ReplaceCheckpoints("ds", "x", "", nil, []AlertCheckpoint{
			{Date: d(2021), Rules: "r", VersionID: v1.VersionID, State: blob},
			{Date: d(2022), Rules: "r", VersionID: v1.VersionID, State: []byte("{}")},
		}); err != nil {
			return err
		}
		return tx.ReplaceCheckpoints("ds", "y", "FRA", nil, []AlertCheckpoint{{Date: d(2022), Rules: "r", VersionID: v1.VersionID, State: []byte("y")}})
	})
	want := fmt.Sprintf("x/ 2021-01-01 r v%d %q;x/ 2022-01-01 r v%d \"{}\";y/FRA 2022-01-01 r v%d \"y\";", v1.VersionID, blob, v1.VersionID, v1.VersionID)
	if got := checkpointList(t, s); got != want {
		t.Fatalf("after the first write:\n got %s\nwant %s", got, want)
	}
	// Keep 2021, replace 2022 (gone, then added again) and add 2023.
	write(true, func(tx *EventTx) error {
		return tx.ReplaceCheckpoints("ds", "x", "", []obs.Date{d(2021)}, []AlertCheckpoint{
			{Date: d(2022), Rules: "r2", VersionID: v2.VersionID, State: []byte("new")},
			{Date: d(2023), Rules: "r2", VersionID: v2.VersionID, State: []byte("c")},
		})
	})
	want = fmt.Sprintf("x/ 2021-01-01 r v%d %q;x/ 2022-01-01 r2 v%d \"new\";x/ 2023-01-01 r2 v%d \"c\";y/FRA 2022-01-01 r v%d \"y\";",
		v1.VersionID, blob, v2.VersionID, v2.VersionID, v1.VersionID)
	if got := checkpointList(t, s); got != want {
		t.Fatalf("after the replacement:\n got %s\nwant %s", got, want)
	}
	// Not committed: nothing changes.
	write(false, func(tx *EventTx) error { return tx.DeleteCheckpoints("ds", nil) })
	if got := checkpointList(t, s); got != want {
		t.Fatalf("after a rollback:\n got %s\nwant %s", got, want)
	}
	write(true, func(tx *EventTx) error {
		return tx.DeleteCheckpoints("ds", map[string]map[string]bool{"x": {"": true}})
	})
	want = fmt.Sprintf("x/ 2021-01-01 r v%d %q;x/ 2022-01-01 r2 v%d \"new\";x/ 2023-01-01 r2 v%d \"c\";", v1.VersionID, blob, v2.VersionID, v2.VersionID)
	if got := checkpointList(t, s); got != want {
		t.Fatalf("after DeleteCheckpoints:\n got %s\nwant %s", got, want)
	}
	if _, err := s.Restore(ctx, "ds", v1.VersionID); err != nil {
		t.Fatal(err)
	}
	if got := checkpointList(t, s); got != "" {
		t.Fatalf("after Restore: %s, want no checkpoint", got)
	}
}
