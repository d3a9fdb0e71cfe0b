package present

// PeriodMeans is the JSON of 'show --means monthly|annual' and GET
// /api/means/{id}: the monthly or annual means of a series with the
// completeness of each period.
type PeriodMeans struct {
	Indicator string  `json:"indicator"`
	Entity    *string `json:"entity"`
	Unit      string  `json:"unit"`
	Means     string  `json:"means"` // "monthly" or "annual"
	Rule      string  `json:"rule"`  // the completeness rule in words
	Smoothing *string `json:"smoothing"`
	// Resolution is the resolution means are written at: one more digit
	// than the producer's published values (0 when none is declared);
	// Value keeps the exact mean.
	Resolution float64      `json:"resolution,omitempty"`
	Periods    []PeriodMean `json:"periods"`
	Source     Source       `json:"source"`
}

// PeriodMean is one month or year: N published values of Expected, the
// single missing days interpolated for the mean, the longest run of missing
// values inside the period, and whether the period meets the completeness
// rule. Incomplete periods are listed, never hidden.
type PeriodMean struct {
	Date         string  `json:"date"`
	Value        float64 `json:"value"`
	N            int     `json:"n"`            // published values in the period
	Interpolated int     `json:"interpolated"` // single missing days filled for the mean
	Expected     int     `json:"expected"`
	LongestGap   int     `json:"longest_gap"` // longest run without a published value, up to the data's end
	Complete     bool    `json:"complete"`
	InProgress   bool    `json:"in_progress"` // the data do not reach the period's end yet
}

// AnomalySeries is the JSON of 'stocktake anomalies' and GET
// /api/anomalies/{id}: a series (as 'show' prints it) whose values are
// departures from the baseline's mean for the same slot, with the baseline
// and the slot convention named.
type AnomalySeries struct {
	Series
	Baseline string `json:"baseline"`
	// BaselineUsed labels the baseline with the years the data actually
	// cover: the baseline itself when every year is covered, otherwise
	// "2001–2020, 20 of 30 years" (analysis.BaselineCoverage).
	BaselineUsed string `json:"baseline_used"`
	Convention   string `json:"convention"`
}
