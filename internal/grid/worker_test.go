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
		// ReaderNetCDF sends every file to the worker processes (in auto
		// mode the NetCDF-4 files would be read in-process by the Go
		// reader; TestPoolMixedReaders checks that routing).
		reqs = append(reqs, Request{File: f, Var: "sst", Regions: []Region{World, Nino34}, Checksum: true, Reader: ReaderNetCDF})
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
	// Two workers, plus one replacement when the slot whose worker crashed
	// still had files to read (which slot gets which file depends on timing).
	if started != 2 && started != 3 {
		t.Errorf("%d worker processes started, want 2 or 3", started)
	}
	// A slot whose only worker crashed before answering has no reading;
	// the other slot must have one.
	measured := 0
	for i, m := range rss {
		if m > 64<<20 {
			t.Errorf("worker %d peak memory %d bytes", i, m)
		}
		if m > 0 {
			measured++
		}
	}
	if measured == 0 {
		t.Errorf("no worker's peak memory was measured: %v", rss)
	}
}

// TestPoolCrashBehindPipeline checks the pipelined protocol on one worker:
// a crash on a file that was queued behind another fails that file alone,
// the file queued behind it is sent again to a new worker, and every
// response comes back in order with the in-process result.
func TestPoolCrashBehindPipeline(t *testing.T) {
	fixture := ncgen(t, "oisst_like", "nc4", oisstLayouts[0].special)
	crash := filepath.Join(t.TempDir(), "crash-me.nc")
	if err := os.WriteFile(crash, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []string{fixture, crash, fixture, fixture}
	var reqs []Request
	for _, f := range files {
		reqs = append(reqs, Request{File: f, Var: "sst", Regions: []Region{World}, Reader: ReaderNetCDF})
	}
	want, err := MeanFile(fixture, "sst", []Region{World}, Exact)
	if err != nil {
		t.Fatal(err)
	}
	p := testPool(1)
	var got []Response
	if err := p.Run(context.Background(), reqs, func(r Response) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d responses, want 4", len(got))
	}
	for i, r := range got {
		if r.Seq != i {
			t.Errorf("response %d is for request %d", i, r.Seq)
		}
		if i == 1 {
			if !strings.HasPrefix(r.Err, crash+": ") || !strings.Contains(r.Err, "crashed while reading it") {
				t.Errorf("crashing file: %q", r.Err)
			}
			continue
		}
		if r.Err != "" || len(r.Results) != len(want) || r.Results[0].Value != want[0].Value || r.Results[0].Cells != want[0].Cells {
			t.Errorf("file %d: %+v, want %+v", i, r, want)
		}
	}
	if _, started := p.Stats(); started != 2 {
		t.Errorf("%d worker processes started, want 2 (one replacement)", started)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestPoolBadFilesInWorkers sends every bad input of TestBadInput through
// a worker (netCDF-C) and then through the default routing (the Go reader
// in-process for NetCDF-4 files): each gets an error naming its file,
// none stops the run.
func TestPoolBadFilesInWorkers(t *testing.T) {
	bad := badFiles(t)
	var reqs []Request
	for f := range bad {
		reqs = append(reqs, Request{File: f, Var: "sst", Regions: []Region{World}, Reader: ReaderNetCDF})
	}
	reqs = append(reqs, Request{File: realOISST(t), Var: "sst", Regions: []Region{World}, Reader: ReaderNetCDF})
	for _, reader := range []Reader{ReaderNetCDF, ReaderAuto} {
		for i := range reqs {
			reqs[i].Reader = reader
		}
		var got []Response
		if err := testPool(1).Run(context.Background(), reqs, func(r Response) { got = append(got, r) }); err != nil {
			t.Fatal(err)
		}
		for i, r := range got[:len(got)-1] {
			if !strings.HasPrefix(r.Err, reqs[i].File+": ") || !strings.Contains(r.Err, bad[reqs[i].File]) {
				t.Errorf("reader %q: %s: %q", reader, reqs[i].File, r.Err)
			}
		}
		if last := got[len(got)-1]; last.Err != "" || len(last.Results) != 1 {
			t.Errorf("reader %q: good file after bad ones: %+v", reader, last)
		}
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
