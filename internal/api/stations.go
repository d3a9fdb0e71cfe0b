package api

import (
	"context"
	"net/http"

	"github.com/stocktake/stocktake/internal/obs"
	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/stations"
)

// This file answers the GHCN-Daily station questions (internal/query,
// stations.go): the twins of `stocktake stations`, `stocktake
// station-records` and `stocktake records-set`. Station data are not
// dataset versions, so these routes are computed on every request
// (policyRevalidate) rather than cached per data version.

// Parameters of the station routes.
var (
	pStationID = param{name: "id", in: "path", typ: "string", required: true, desc: "GHCN-Daily station id (11 characters).", example: "USW00094728"}
	pCountry   = param{name: "country", in: "query", typ: "string", desc: "FIPS country code: the first two characters of a station id.", example: "US"}
	pExtreme   = param{name: "extreme", in: "query", typ: "string", enum: []string{"record-high", "record-low", "highest-low", "lowest-high", "wettest-day"},
		desc: "Highest TMAX, lowest TMIN, highest TMIN, lowest TMAX or highest PRCP."}
	pScope = param{name: "scope", in: "query", typ: "string", enum: []string{"all-time", "month", "day"}, desc: "Compare with every earlier day (default), the same calendar month or the same calendar day."}
)

// handleStations answers GET /api/stations (stocktake stations --json).
func handleStations(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Stations(ctx, s.st, qry.StationsRequest{ID: q.Get("id"), Name: q.Get("name"), Country: q.Get("country"),
		Near: q.Get("near"), Radius: q.Get("radius"), Limit: q.Get("limit")})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// handleStationRecords answers GET /api/stations/{id}/records (stocktake
// station-records ID --json).
func handleStationRecords(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.StationRecords(ctx, s.st, qry.StationRecordsRequest{ID: r.PathValue("id"), Extreme: q.Get("extreme"),
		Scope: q.Get("scope"), Month: q.Get("month")})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// handleRecordsSet answers GET /api/records-set (stocktake records-set
// --json); "until" defaults to the server's today (Options.Now, UTC).
func handleRecordsSet(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.RecordsSet(ctx, s.st, s.opts.Stations, qry.RecordsSetRequest{Since: q.Get("since"), Until: q.Get("until"),
		Country: q.Get("country"), Extreme: q.Get("extreme"), Scope: q.Get("scope"), MinYears: q.Get("min_years")},
		obs.FromTime(s.opts.Now().UTC()))
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// handleStationClimatology answers GET /api/stations/{id}/climatology.
func handleStationClimatology(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.StationClimatology(ctx, s.st, s.opts.Stations, qry.StationClimatologyRequest{ID: r.PathValue("id"), Element: q.Get("element"), Year: q.Get("year")})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// SetStations sets the station archive read by /api/records-set
// (Options.Stations). Call it before the server answers requests.
func (s *Server) SetStations(a *stations.Archive) { s.opts.Stations = a }
