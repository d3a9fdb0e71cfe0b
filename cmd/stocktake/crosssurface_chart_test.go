package main

import (
	"context"
	"encoding/csv"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// TestCrossSurfaceSpaghettiCSV checks the dates and values of the spaghetti
// chart's CSV download (GET /api/chart/ID.csv?kind=spaghetti), which places
// each value of the daily view at the date of its calendar slot
// (query.DailyYears.SlotDate), against `stocktake show --json` with the same
// smoothing: across a leap day (29 February 2024 is slot 59, 1 March slot
// 60 in every year) and a year end, every date the CLI prints has a row with
// the same value (to the CSV's 6 decimals) and no row names another date.
func TestCrossSurfaceSpaghettiCSV(t *testing.T) {
	db := sharedDB(t)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	defer srv.Close()
	for _, c := range []struct{ id, smooth, from, to string }{
		{"sst.world", "5d", "2024-02-26", "2024-03-03"},
		{"sst.world", "none", "2023-12-29", "2024-01-02"},
		{"seaice.south", "5d", "2020-02-27", "2020-03-02"},
		{"seaice.south", "none", "2023-02-27", "2023-03-02"},
	} {
		t.Run(c.id+" "+c.smooth+" "+c.from, func(t *testing.T) {
			r := runCLI(t, db, "show", c.id, "--smooth", c.smooth, "--from", c.from, "--to", c.to, "--json")
			if r.code != 0 {
				t.Fatalf("CLI exit %d: %s", r.code, r.stderr)
			}
			cli := decode[present.Series](t, r.stdout)
			if len(cli.Points) < 4 {
				t.Fatalf("CLI printed %d values", len(cli.Points))
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/chart/"+c.id+".csv?kind=spaghetti&smooth="+c.smooth, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("API %d: %s", rec.Code, rec.Body.Bytes())
			}
			rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			byDate := map[string]string{}
			for _, row := range rows[1:] {
				date, slot, year := row[col["date"]], row[col["slot"]], row[col["year"]]
				if _, dup := byDate[date]; dup {
					t.Fatalf("date %s has two rows", date)
				}
				if !strings.HasPrefix(date, year+"-") {
					t.Errorf("row of year %s slot %s is dated %s", year, slot, date)
				}
				if date[5:] != row[col["month_day"]] {
					t.Errorf("row dated %s is labelled %s", date, row[col["month_day"]])
				}
				byDate[date] = row[col["value"]]
			}
			for _, p := range cli.Points {
				v, ok := byDate[p.Date]
				if !ok {
					t.Errorf("%s: the CLI prints %v, the CSV has no row", p.Date, p.Value)
					continue
				}
				got, err := strconv.ParseFloat(v, 64)
				if err != nil || math.Abs(got-p.Value) > 5e-7 {
					t.Errorf("%s: CSV %q, CLI %v", p.Date, v, p.Value)
				}
			}
		})
	}
}
