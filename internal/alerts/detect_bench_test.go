package alerts

import (
	"context"
	"fmt"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// BenchmarkDetectAppendDay times the detection that follows an update of
// world SST by one day (the daily case), with the series as published (1×)
// and with nine synthetic copies of its years before it (10×), detecting
// from checkpoints (as Detect does) and, for comparison, reading the whole
// series (the detection before checkpoints). Each iteration ingests one
// more day (not timed) and detects (timed). docs/store.md ("Detection")
// reports the figures; the goal is a time that does not grow with the
// length of the history.
//
//	go test ./internal/alerts -run '^$' -bench DetectAppendDay -benchtime 20x
func BenchmarkDetectAppendDay(b *testing.B) {
	ctx := context.Background()
	ds := dataset(b, "climate-reanalyzer-sst.world")
	src, err := store.Open(ctx, testutil.DB(b))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	if _, err := ingest.Run(ctx, src, []catalog.Dataset{ds}, ingest.Options{Mirror: testutil.SharedData(b)}); err != nil {
		b.Fatal(err)
	}
	sums, err := src.Summaries(ctx, ds.ID)
	if err != nil {
		b.Fatal(err)
	}
	var series []obs.Series
	for _, s := range sums {
		se, _, err := src.SeriesByID(ctx, ds.ID, s.Indicator, s.Entity)
		if err != nil {
			b.Fatal(err)
		}
		series = append(series, se)
	}
	for _, k := range []int{1, 10} {
		for _, checkpoints := range []bool{true, false} {
			name := fmt.Sprintf("years=%dx/checkpoints=%t", k, checkpoints)
			b.Run(name, func(b *testing.B) {
				st, err := store.Open(ctx, testutil.DB(b))
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				data := scaleYears(series, k)
				put := func(i int) int64 {
					r, err := st.Ingest(ctx, store.VersionInfo{Dataset: ds.ID, SHA256: fmt.Sprintf("bench-%d", i), Source: "bench"}, &obs.Parsed{Series: data}, store.Replace)
					if err != nil {
						b.Fatal(err)
					}
					return r.VersionID
				}
				if _, _, _, err := detect(ctx, st, ds, put(0), checkpoints); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 1; i <= b.N; i++ {
					b.StopTimer()
					for j := range data {
						pts := data[j].Points
						last := pts[len(pts)-1]
						data[j].Points = append(pts[:len(pts):len(pts)], obs.Point{Date: last.Date + 1, Value: last.Value})
					}
					v := put(i)
					b.StartTimer()
					_, _, starts, err := detect(ctx, st, ds, v, checkpoints)
					if err != nil {
						b.Fatal(err)
					}
					if s := starts["sst.world"]; checkpoints == (s == obs.Date(-1<<31)) {
						b.Fatalf("detection with checkpoints=%t started at %s", checkpoints, s)
					}
				}
			})
		}
	}
}

// scaleYears returns the series with k−1 synthetic copies of their years
// before them: copy c (c = k−1 … 1) shifts every date back by c times the
// series' span in years (29 February dropped where the shifted year has
// none), so the series is k times as long and ends as before.
func scaleYears(series []obs.Series, k int) []obs.Series {
	out := make([]obs.Series, len(series))
	for i, se := range series {
		out[i] = se
		out[i].Points = nil
		if len(se.Points) == 0 {
			continue
		}
		span := se.Points[len(se.Points)-1].Date.Year() - se.Points[0].Date.Year() + 1
		for c := k - 1; c >= 0; c-- {
			for _, p := range se.Points {
				y, m, d := p.Date.YMD()
				y -= c * span
				if m == 2 && d == 29 && obs.DaysIn(y, 2) == 28 {
					continue
				}
				out[i].Points = append(out[i].Points, obs.Point{Date: obs.NewDate(y, m, d), Value: p.Value})
			}
		}
	}
	return out
}
