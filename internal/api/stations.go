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
	pCountry   = param{name: "country", in: "query", typ: "string", example: "CHN",
		desc: "Country of the stations, case-insensitive: an ISO 3166-1 alpha-3 code (CHN), a GHCN-Daily code written ghcn:CH (GHCN's FIPS 10-4 codes, the first two characters of a station id, are not ISO's: ghcn:CH is China, ghcn:SZ Switzerland), or an ISO alpha-2 code (CN) unless GHCN uses those letters for another country: CH (ISO Switzerland, GHCN China), SZ, AS, AU, GB, ES and the like are refused with 400 naming both readings. An ISO entry takes in every GHCN code filed under it (UMI: Johnston, Midway, Palmyra and Wake). The answer echoes the country read (iso2, iso3, name, ghcn)."}
	pExtreme = param{name: "extreme", in: "query", typ: "string", enum: []string{"record-high", "record-low", "highest-low", "lowest-high", "wettest-day"},
		desc: "Highest TMAX, lowest TMIN, highest TMIN, lowest TMAX or highest PRCP."}
	pScope = param{name: "scope", in: "query", typ: "string", enum: []string{"all-time", "month", "day"}, desc: "Compare with every earlier day (default), the same calendar month or the same calendar day."}
	// The records-set forms of extreme and scope also take a list: every
	// extreme asked is asked at every scope asked, in one read.
	pSetExtreme = param{name: "extreme", in: "query", typ: "string", example: "record-high,record-low",
		desc: "record-high (highest TMAX, default), record-low (lowest TMIN), highest-low (highest TMIN), lowest-high (lowest TMAX) or wettest-day (highest PRCP); or a comma-separated list of them (record-high,record-low), or all (the five). Each record names its extreme; a name may appear once."}
	pSetScope = param{name: "scope", in: "query", typ: "string", example: "all",
		desc: "all-time (compare with every earlier day, default), month (the same calendar month) or day (the same calendar day); or a comma-separated list of them, or all (the three). Each record names its scope; extreme=record-high,record-low&scope=all asks the six questions of a day's records at once."}
)

// Every station answer names each station's country in the request's
// language (lang= or Accept-Language): country is GHCN-Daily's code, and
// country_iso2, country_iso3, country_name and country_ghcn_name name its
// ISO 3166-1 entry (internal/query, stations_country.go).

// handleStations answers GET /api/stations (stocktake stations --json).
func handleStations(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Stations(ctx, s.st, qry.StationsRequest{ID: q.Get("id"), Name: q.Get("name"), Country: q.Get("country"),
		Near: q.Get("near"), Radius: q.Get("radius"), Limit: q.Get("limit"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// handleStationRecords answers GET /api/stations/{id}/records (stocktake
// station-records ID --json).
func handleStationRecords(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.StationRecords(ctx, s.st, qry.StationRecordsRequest{ID: r.PathValue("id"), Extreme: q.Get("extreme"),
		Scope: q.Get("scope"), Month: q.Get("month"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// handleRecordsSet answers GET /api/records-set (stocktake records-set
// --json); "until" defaults to the server's today (Options.Now, UTC).
func handleRecordsSet(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.RecordsSet(ctx, s.st, s.opts.Stations, qry.RecordsSetRequest{Since: q.Get("since"), Until: q.Get("until"),
		Country: q.Get("country"), Extreme: q.Get("extreme"), Scope: q.Get("scope"), MinYears: q.Get("min_years"), Lang: lang},
		obs.FromTime(s.opts.Now().UTC()))
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// handleStationClimatology answers GET /api/stations/{id}/climatology.
func handleStationClimatology(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.StationClimatology(ctx, s.st, s.opts.Stations, qry.StationClimatologyRequest{ID: r.PathValue("id"), Element: q.Get("element"),
		Year: q.Get("year"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// SetStations sets the station archive read by /api/records-set
// (Options.Stations). Call it before the server answers requests.
func (s *Server) SetStations(a *stations.Archive) { s.opts.Stations = a }
