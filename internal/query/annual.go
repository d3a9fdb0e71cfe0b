package query

import (
	"context"
	"errors"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// Annual rankings: "the warmest year on record" (records --annual, GET
// /api/records/{id}?annual=Y) and every year's annual extreme in rank order
// (extremes --annual-ranking, GET /api/extremes/{id}?annual_ranking=true).

// AnnualOptionsOf returns the annual-value options of a loaded series: the
// producer's published annual values where the catalog names a companion
// series holding them (GISTEMP's J-D, NOAA's annual) and it is stored, the
// means of complete years otherwise; the series' resolution and 95%
// half-widths from prec.
func AnnualOptionsOf(ctx context.Context, st Store, l Loaded, prec Precision, k analysis.Kind, asOf *obs.Date) (analysis.AnnualOptions, error) {
	opt := analysis.AnnualOptions{Kind: k, Resolution: prec.Resolution, AsOf: asOf, Fill: recordFill(l.Series)}
	if l.Series.Frequency == obs.Annual {
		// Half-widths of an annual series are dated like its values (1
		// January); those of monthly values say nothing about a year's.
		opt.Uncertainty = prec.Uncertainty
	}
	if id := l.Ref.Indicator.PublishedAnnual; id != "" && l.Series.Entity == "" {
		if ref, ok := companion(l.Ref, id); ok {
			se, _, err := st.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, "")
			switch {
			case err == nil:
				opt.Published, opt.PublishedResolution = se.Points, ref.Indicator.Resolution
			case !errors.Is(err, store.ErrNotFound):
				return opt, err
			}
		}
	}
	return opt, nil
}

// AnnualRankOf ranks year y of a loaded series among all years (see
// analysis.RankAnnual) with the options of AnnualOptionsOf.
func AnnualRankOf(ctx context.Context, st Store, l Loaded, prec Precision, y int, k analysis.Kind, asOf *obs.Date) (analysis.AnnualRank, error) {
	switch l.Series.Frequency {
	case obs.Weekly, obs.Irregular:
		return analysis.AnnualRank{}, invalid("{annual} ranks annual values of daily, monthly or annual series; %s is %s (its annual means are in trend and show --means annual)", l.Series.Indicator, l.Series.Frequency)
	}
	opt, err := AnnualOptionsOf(ctx, st, l, prec, k, asOf)
	if err != nil {
		return analysis.AnnualRank{}, err
	}
	r, err := analysis.RankAnnual(l.Series, y, opt)
	return r, analysisErr(err)
}

// AnnualValuesResult is every year's annual value of a series in rank order
// (the dashboard's "warmest years" table): GET /api/annual/{id}.
type AnnualValuesResult struct {
	Loaded
	Table AnnualTable
}

// AnnualTable lists every year's annual value with its rank.
type AnnualTable struct {
	Indicator  string               `json:"indicator"`
	Entity     analysis.Entity      `json:"entity"`
	Kind       analysis.Kind        `json:"kind"`
	Unit       string               `json:"unit"`
	Basis      analysis.AnnualBasis `json:"basis"`
	Resolution float64              `json:"resolution"`
	// Of counts the years ranked (before Top cuts the list).
	Of int `json:"of"`
	// Years are in rank order (rank 1 first, ties by year), each with its
	// competition rank at Resolution, its natural-side label and the years
	// it cannot be separated from (within the combined 95% uncertainty;
	// empty when none is published).
	Years      []AnnualRow `json:"years"`
	Incomplete []int       `json:"incomplete_excluded"`
	AsOf       *string     `json:"as_of"`
}

// AnnualRow is one year of an AnnualTable.
type AnnualRow struct {
	Year              int      `json:"year"`
	Value             float64  `json:"value"`
	Text              string   `json:"text"` // the value written at Resolution
	Rank              int      `json:"rank"`
	Label             string   `json:"label"`
	Tied              []int    `json:"tied_at_precision"`
	Uncertainty95     *float64 `json:"uncertainty95,omitempty"`
	Indistinguishable []int    `json:"indistinguishable,omitempty"`
}

// JSON is the result's JSON shape.
func (r AnnualValuesResult) JSON() present.WithSource[AnnualTable] {
	return present.NewWithSource(r.Table, r.Source).WithBaseline(r.Ref.Indicator.Baseline)
}

// AnnualTableRequest asks for every year's annual value in rank order.
type AnnualTableRequest struct {
	ID, Entity string
	Kind       string
	AsOf       string
	Top        string // rows kept (default all)
}

// AnnualValues answers an AnnualTableRequest. Each row is exactly what
// RecordsRequest{Annual: year} answers for that year (rank, label, ties,
// indistinguishable years).
func AnnualValues(ctx context.Context, st Store, req AnnualTableRequest) (AnnualValuesResult, error) {
	asOf, hasAsOf, err := dateEnd("as_of", req.AsOf)
	if err != nil {
		return AnnualValuesResult{}, err
	}
	top, _, err := integer("top", req.Top, 0, 100000)
	if err != nil {
		return AnnualValuesResult{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return AnnualValuesResult{}, err
	}
	k, err := kind(req.Kind, l.Ref)
	if err != nil {
		return AnnualValuesResult{}, err
	}
	switch l.Series.Frequency {
	case obs.Weekly, obs.Irregular:
		return AnnualValuesResult{}, invalid("annual rankings need daily, monthly or annual series; %s is %s", l.Series.Indicator, l.Series.Frequency)
	}
	prec, err := PrecisionOf(ctx, st, l)
	if err != nil {
		return AnnualValuesResult{}, err
	}
	var ap *obs.Date
	if hasAsOf {
		ap = &asOf
	}
	opt, err := AnnualOptionsOf(ctx, st, l, prec, k, ap)
	if err != nil {
		return AnnualValuesResult{}, err
	}
	vals, basis, res, inc := analysis.AnnualValues(l.Series, opt)
	if len(vals) == 0 {
		return AnnualValuesResult{}, notFound("%s has no annual value (basis: %s)", l.Series.Indicator, basis)
	}
	t := AnnualTable{Indicator: l.Series.Indicator, Entity: analysis.Entity(l.Series.Entity), Kind: k, Unit: l.Series.Unit,
		Basis: basis, Resolution: res, Years: []AnnualRow{}, Incomplete: inc, AsOf: asOfText(ap)}
	if t.Incomplete == nil {
		t.Incomplete = []int{}
	}
	for _, v := range vals {
		r, err := analysis.RankAnnual(l.Series, v.Year, opt)
		if err != nil {
			return AnnualValuesResult{}, analysisErr(err)
		}
		t.Years = append(t.Years, AnnualRow{Year: v.Year, Value: v.Value, Text: analysis.Format(v.Value, res), Rank: r.Rank,
			Label: r.Label, Tied: r.TiedAtPrecision, Uncertainty95: r.Uncertainty95, Indistinguishable: r.Indistinguishable})
	}
	sortRows(t.Years)
	t.Of = len(t.Years)
	if top > 0 && top < len(t.Years) {
		t.Years = t.Years[:top]
	}
	return AnnualValuesResult{Loaded: l, Table: t}, nil
}

// asOfText writes an as-of date for JSON (nil without one).
func asOfText(d *obs.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

// sortRows sorts rows by rank, then year.
func sortRows(rows []AnnualRow) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && (rows[j].Rank < rows[j-1].Rank || rows[j].Rank == rows[j-1].Rank && rows[j].Year < rows[j-1].Year); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}
