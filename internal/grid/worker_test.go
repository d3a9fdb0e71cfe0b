//go:build netcdf

package grid

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPool runs good, bad and crashing files through two worker
// processes: responses come back in request order, the crash fails only its
// own file, and the results equal the in-process ones.
func TestPool(t *testing.T) {
	fixture := ncgen(t, "oisst_like", "nc4", oisstLayouts[0].special)
	crash := filepath.Join(t.TempDir(), "crash-me.nc")
	if err := os.WriteFile(crash, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []string{realOISST(t), filepath.Join(t.TempDir(), "absent.nc"), crash, fixture, fixture, realOISST(t)}
	var reqs []Request
	for _, f := range files {
		reqs = append(reqs, Request{File: f, Var: "sst", Regions: []Region{World, Nino34}, Checksum: true})
	}
	p := testPool(2)
	var got []Response
	if err := p.Run(context.Background(), reqs, func(r Response) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(files) {
		t.Fatalf("%d responses for %d files", len(got), len(files))
	}
	for i, r := range got {
		if r.Seq != i || r.File != files[i] {
			t.Errorf("response %d is for request %d (%s)", i, r.Seq, r.File)
		}
	}
	if !strings.Contains(got[1].Err, "no such file") || !strings.HasPrefix(got[1].Err, files[1]) {
		t.Errorf("absent file: %q", got[1].Err)
	}
	if !strings.Contains(got[2].Err, "crashed") || !strings.HasPrefix(got[2].Err, crash) {
		t.Errorf("crashing file: %q", got[2].Err)
	}
	want, err := MeanFile(fixture, "sst", []Region{World, Nino34}, Exact)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 3, 4, 5} {
		r := got[i]
		if r.Err != "" || len(r.Results) != 4-2*btoi(i == 0 || i == 5) || len(r.SHA256) != 64 || r.Size == 0 {
			t.Errorf("file %d: %+v", i, r)
		}
	}
	for k, w := range want {
		if g := got[3].Results[k]; g.Value != w.Value || g.Cells != w.Cells {
			t.Errorf("worker %v over %d cells, in-process %v over %d", g.Value, g.Cells, w.Value, w.Cells)
		}
	}
	if got[0].ProducerVersion != "Version v02r01" {
		t.Errorf("producer version %q", got[0].ProducerVersion)
	}
	rss, started := p.Stats()
	if started != 3 { // two workers and one replacement for the crash
		t.Errorf("%d worker processes started, want 3", started)
	}
	for i, m := range rss {
		if m <= 0 || m > 64<<20 {
			t.Errorf("worker %d peak memory %d bytes", i, m)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestPoolBadFilesInWorkers sends every bad input of TestBadInput through
// a worker: each gets an error naming its file, none stops the run.
func TestPoolBadFilesInWorkers(t *testing.T) {
	bad := badFiles(t)
	var reqs []Request
	for f := range bad {
		reqs = append(reqs, Request{File: f, Var: "sst", Regions: []Region{World}})
	}
	reqs = append(reqs, Request{File: realOISST(t), Var: "sst", Regions: []Region{World}})
	var got []Response
	if err := testPool(1).Run(context.Background(), reqs, func(r Response) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	for i, r := range got[:len(got)-1] {
		if !strings.HasPrefix(r.Err, reqs[i].File+": ") || !strings.Contains(r.Err, bad[reqs[i].File]) {
			t.Errorf("%s: %q", reqs[i].File, r.Err)
		}
	}
	if last := got[len(got)-1]; last.Err != "" || len(last.Results) != 1 {
		t.Errorf("good file after bad ones: %+v", last)
	}
}

func BenchmarkMeanFileOISST(b *testing.B) {
	f := realOISST(b)
	for i := 0; i < b.N; i++ {
		if _, err := MeanFile(f, "sst", []Region{World}, Exact); err != nil {
			b.Fatal(err)
		}
	}
}
