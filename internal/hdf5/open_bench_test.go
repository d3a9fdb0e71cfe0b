package hdf5

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkOpenMeta opens a file and reads all its objects' and the root
// group's attributes, then closes it: the metadata cost per file of a
// reader. It uses the benchmark's generated files
// (STOCKTAKE_GRID_BENCH_FILES, a glob), else the real OISST file.
func BenchmarkOpenMeta(b *testing.B) {
	files, _ := filepath.Glob(os.Getenv("STOCKTAKE_GRID_BENCH_FILES"))
	if len(files) == 0 {
		files = []string{realFile(b)}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := Open(files[i%len(files)])
		if err != nil {
			b.Fatal(err)
		}
		objs, err := f.Root()
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range objs {
			if _, err := o.Attrs(); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := f.RootAttrs(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
