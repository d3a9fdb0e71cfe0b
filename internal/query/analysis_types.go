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
