package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

// BenchmarkReplaceRevising times a Replace ingest that revises every tenth
// value and drops the last 100 values of each of 20 series of 5 000 values
// (and the next one that puts them back): 19 000 values written and 2 000
// deleted per ingest, each of them copied to observation_history.
func BenchmarkReplaceRevising(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/b.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	mk := func(shift float64, n int) *obs.Parsed {
		var p obs.Parsed
		for k := 0; k < 20; k++ {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = float64(i)
				if i%10 == 0 {
					vals[i] += shift
				}
			}
			p.Series = append(p.Series, daily(fmt.Sprintf("s%02d", k), obs.NewDate(1990, 1, 1), vals...))
		}
		return &p
	}
	a, c := mk(0, 5000), mk(0.5, 4900)
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "a0"}, a, Replace); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := c
		if i%2 == 1 {
			p = a
		}
		if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: fmt.Sprint(i), AllowShrink: true}, p, Replace); err != nil {
			b.Fatal(err)
		}
	}
}
