package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
)

// TestThresholdEventsFollowTheirSource checks the provenance of threshold
// events when HadCRUT5 moves from the DataHub copy to the Met Office's own
// summary file (warming prefers the Met Office file once it is stored):
// the events that the same numbers support keep their ids but now name the
// Met Office dataset, its version and its file's checksum, so that no event
// shows one file's checksum beside another file's number.
func TestThresholdEventsFollowTheirSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newWarmingFixture(t)
	f.ingestShared(t, "datahub-global-temp-hadcrut5")
	before := map[string]int64{} // uid -> id
	for _, evs := range thresholdEvents(t, f.st) {
		for _, e := range evs {
			if e.Indicator != "gmst.hadcrut5" || e.Retracted {
				continue
			}
			if e.Dataset != "datahub-global-temp-hadcrut5" {
				t.Fatalf("before: %s attributed to %s", e.UID, e.Dataset)
			}
			before[e.UID] = e.ID
		}
	}
	if len(before) < 10 {
		t.Fatalf("the DataHub copy gave %d HadCRUT5 threshold events, want at least 10 (months at or above 1.5 °C)", len(before))
	}

	// The Met Office file, written with the DataHub copy's numbers so that
	// the same facts hold; the limits are ±0.05 °C around each value.
	dh, _, err := f.st.SeriesByID(ctx, "datahub-global-temp-hadcrut5", "gmst.hadcrut5", "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("Time,Anomaly (deg C),Lower confidence limit (2.5%),Upper confidence limit (97.5%)\n")
	for _, p := range dh.Points {
		fmt.Fprintf(&b, "%04d-%02d,%g,%g,%g\n", p.Date.Year(), p.Date.Month(), p.Value, p.Value-0.05, p.Value+0.05)
	}
	met := dataset(t, "metoffice-hadcrut5-monthly")
	mirror := t.TempDir()
	path := filepath.Join(mirror, filepath.FromSlash(met.Files[0].Path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(b.String()))
	outs, err := ingest.Run(ctx, f.st, []catalog.Dataset{met}, ingest.Options{Mirror: mirror, AfterIngest: f.hook})
	if err != nil || outs[0].Status != ingest.Ingested || outs[0].Error != "" {
		t.Fatalf("ingest Met Office file: %+v %v", outs, err)
	}
	v, ok, err := f.st.CurrentVersion(ctx, met.ID)
	if err != nil || !ok {
		t.Fatalf("Met Office version: %v %v", ok, err)
	}

	after := 0
	for _, evs := range thresholdEvents(t, f.st) {
		for _, e := range evs {
			if e.Indicator != "gmst.hadcrut5" || e.Retracted {
				continue
			}
			after++
			if id, ok := before[e.UID]; !ok || id != e.ID {
				t.Errorf("%s: id %d, want the DataHub event's id %d (present %v)", e.UID, e.ID, id, ok)
			}
			if e.Dataset != met.ID || e.Version.ID != v.ID || e.Version.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: dataset %s version %d sha256 %s, want %s version %d sha256 %x",
					e.UID, e.Dataset, e.Version.ID, e.Version.SHA256, met.ID, v.ID, sum)
			}
		}
	}
	if after != len(before) {
		t.Errorf("%d HadCRUT5 threshold events after the switch, want the %d from before", after, len(before))
	}
	if len(f.retr) != 0 {
		t.Errorf("the switch retracted %d events: %v", len(f.retr), sentences(f.retr))
	}
}
