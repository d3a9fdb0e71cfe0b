package query

import "github.com/stocktake/stocktake/internal/analysis"

// The result types below are those of the records engine (internal/analysis)
// that the questions return inside their results. They are named here so that
// the surfaces (cmd/stocktake, internal/api) render a question's answer
// without importing the engine: every number they show comes through this
// package.

// AnnualExtremesRanking is the answer of extremes --annual-ranking: one row
// per complete year in rank order.
type AnnualExtremesRanking = analysis.AnnualExtremesRanking

// AnnualRank is the answer of records --annual: one year's annual value
// ranked among all years.
type AnnualRank = analysis.AnnualRank

// DayRecord is one record (or tie) of a day, with the value it beat or
// equalled.
type DayRecord = analysis.DayRecord

// ExtremeKind says which extreme a ranking or record is about: KindMax (the
// highest values) or KindMin (the lowest).
type ExtremeKind = analysis.Kind

// The two extremes.
const (
	KindMax = analysis.Max
	KindMin = analysis.Min
)

// MeanResolution returns the resolution at which means of values published
// at resolution res are shown: one more decimal digit (0 stays 0, exact).
func MeanResolution(res float64) float64 { return analysis.MeanResolution(res) }

// ClimatologyStats is the answer of climatology --json and /api/climatology:
// the statistics of every day (or month) slot over a baseline.
type ClimatologyStats = analysis.Climatology

// Extreme is the answer of extremes for a year, a month or the whole
// record: the value, its date and the smoothing applied.
type Extreme = analysis.Extreme

// OnResult is the answer of records --on: the date's rank among all years
// for its day (or month) and all-time.
type OnResult = analysis.OnResult

// MonthResult is the answer of records --month: the month's mean ranked
// among the same month of every year (complete months only).
type MonthResult = analysis.MonthResult

// YearResult is the answer of records --year: every record day of the year
// with its streaks and ties.
type YearResult = analysis.YearResult

// LinearTrend is the answer of trend: the slope per decade with its
// intervals and the Theil-Sen slope (TrendResult.Trend).
type LinearTrend = analysis.TrendResult

// Smoothing is the running mean a question applied to a daily series (none,
// 5d, Nd, Nd-centred); its String is the label shown next to the numbers.
type Smoothing = analysis.Smoothing

// ErrNoData is the error of an analysis that had no value to work on; the
// questions report it as NotFound, and it may still wrap an error of a
// result that was computed before the question classified it.
var ErrNoData = analysis.ErrNoData

// CheckSmoothing reports whether v is a smoothing the questions accept
// (none, 5d, Nd, Nd-centred), with the error they would give. It lets a
// surface refuse a stored link (a share link) without asking a question.
func CheckSmoothing(v string) error {
	_, err := smoothing(v)
	return err
}

// CheckBaseline reports whether v is a baseline period Y0-Y1 the questions
// accept, with the error they would give ("" is the indicator's default and
// is accepted).
func CheckBaseline(v string) error {
	if v == "" {
		return nil
	}
	_, err := analysis.ParseBaseline(v)
	if err != nil {
		return invalid("{baseline}: %v", err)
	}
	return nil
}
