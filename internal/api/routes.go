package api

import (
	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// param documents one parameter of a route; the OpenAPI document and the
// check for unknown query parameters are both made from it.
type param struct {
	name     string
	in       string // "path" or "query"
	typ      string // JSON Schema type: string, integer, number or boolean
	required bool
	enum     []string
	desc     string
	example  any
}

// Parameters shared by several routes.
var (
	pID       = param{name: "id", in: "path", typ: "string", required: true, desc: "Indicator id from /api/indicators, optionally with @VERSION (seaice.north@4.0), or the id of a gridded series.", example: "seaice.south"}
	pEntity   = param{name: "entity", in: "query", typ: "string", desc: "ISO 3166 alpha-3 code, OWID_ code or country name; required for national indicators, refused for global ones.", example: "CHN"}
	pFrom     = param{name: "from", in: "query", typ: "string", desc: "First date, inclusive: YYYY-MM-DD, YYYY-MM or YYYY (its first day).", example: "2023-02-17"}
	pTo       = param{name: "to", in: "query", typ: "string", desc: "Last date, inclusive: YYYY-MM-DD, YYYY-MM or YYYY (its last day).", example: "2023-02-23"}
	pSmooth   = param{name: "smooth", in: "query", typ: "string", desc: "Running mean of daily data: none, 5d (NSIDC's 5-day trailing mean: single missing days interpolated, 3 of 5 days needed), Nd (N-day trailing), Nd-centred. Refused for other frequencies.", example: "5d"}
	pKind     = param{name: "kind", in: "query", typ: "string", enum: []string{"max", "min"}, desc: "Which extreme; default: the indicator's headline extreme (min for sea ice and other indicators whose records are lows, max otherwise)."}
	pConv     = param{name: "convention", in: "query", typ: "string", enum: []string{"calendar", "daycount"}, desc: "Day-of-year convention: calendar (month-day, 29 February its own slot) or daycount (days since 1 January). Default: daycount for the climatology and anomalies of NSIDC sea ice (NSIDC's own), calendar otherwise."}
	pBaseline = param{name: "baseline", in: "query", typ: "string", desc: "Reference period Y0-Y1, inclusive; default 1981-2010 for NSIDC sea ice, 1991-2020 otherwise.", example: "1991-2020"}
	// pEventIndicators filters record events by indicator.
	pEventIndicators = param{name: "indicator", in: "query", typ: "string", desc: "Only these indicators, comma-separated catalog ids without @VERSION; an unknown id is a 404.", example: "sst.world"}
)

// routeTable declares every endpoint. Patterns are ServeMux patterns
// without a method; the server accepts GET and HEAD on all of them.
func (s *Server) routeTable() []*route {
	return []*route{
		{path: "/api/indicators", name: "listIndicators", untracked: true, example: "/api/indicators", tag: "data", fn: handleIndicators,
			summary: "Indicators with unit, frequency, coverage and source (stocktake list --json)",
			params:  []param{{name: "all", in: "query", typ: "boolean", desc: "Also list catalog indicators that are not stored yet."}, pLang},
			result:  []present.Indicator{}},
		{path: "/api/series/{id}", name: "getSeries", example: "/api/series/seaice.south?from=2023-02-17&to=2023-02-23", tag: "data", fn: handleSeries,
			summary:     "Values of an indicator with their source (stocktake show --json)",
			description: "JSON is present.Series, exactly the output of `stocktake show --json`; format=csv writes one row per value with the indicator, entity, unit, dataset, version and sha256. Smoothing runs over the whole series before the from..to cut.",
			params:      []param{pID, pEntity, pFrom, pTo, pSmooth, {name: "format", in: "query", typ: "string", enum: []string{"json", "csv"}, desc: "Body format (default json)."}},
			result:      present.Series{}, formats: []string{"text/csv"}},
		{path: "/api/means/{id}", name: "getMeans", example: "/api/means/sst.world?means=monthly&from=2023&to=2024", tag: "data", fn: handleMeans,
			summary:     "Monthly or annual means with their completeness (stocktake show --means --json)",
			description: "Each period: the mean, the published values present of those expected, the single missing days interpolated for the mean, the longest run of missing values and whether the period is complete (a month under the WMO 5/11 rule, a year when all its months are) or still in progress. Periods overlapping from..to are kept.",
			params: []param{pID, pEntity, {name: "means", in: "query", typ: "string", required: true, enum: []string{"monthly", "annual"}, desc: "monthly (daily series) or annual (daily or monthly series).", example: "monthly"},
				pFrom, pTo, pSmooth},
			result: present.PeriodMeans{}},
		{path: "/api/anomalies/{id}", name: "getAnomalies", example: "/api/anomalies/gmst.noaa?baseline=1991-2020&from=2023&to=2023", tag: "records", fn: handleAnomalies,
			summary:     "Departures from a baseline's mean for the same day, month or (annual series) the baseline's years; re-bases anomaly series (stocktake anomalies --json)",
			description: "Each value minus the mean of its slot in the climatology of /api/climatology with the same baseline, convention and smoothing (single missing days of daily series interpolated first), rounded to 1e-6. Annual series depart from the mean of the baseline's years (convention \"year\"; every year of the baseline needed). from..to cut the output only.",
			params:      []param{pID, pEntity, pBaseline, pConv, pSmooth, pFrom, pTo},
			result:      present.AnomalySeries{}},
		{path: "/api/climatology/{id}", name: "getClimatology", example: "/api/climatology/sst.world?baseline=1991-2020", tag: "records", fn: handleClimatology,
			summary:     "Per-day (or per-month) statistics over a baseline (stocktake climatology --json)",
			description: "Mean, sample standard deviation (ddof 1), median and 10/25/75/90th percentiles per slot. Daily series have single missing days filled by linear interpolation first; NSIDC sea ice in the day-count convention (its default) fills day 366 from common years' following 1 January, reproducing NSIDC's own climatology file; monthly series always use calendar months.",
			params:      []param{pID, pEntity, pBaseline, pConv, pSmooth},
			result:      present.WithSource[analysis.Climatology]{}},
		{path: "/api/ranks/{id}", name: "getRanks", example: "/api/ranks/gmst.noaa?kind=max", tag: "records", fn: handleRanks,
			summary:     "Rank of every value among the values of the same calendar month (monthly series) or all values (otherwise)",
			description: "Rank 1 is the highest (kind=max) or lowest (kind=min) value. Values equal within the records engine's tolerance (1e-9 relative) are ties and share the better rank. The dashboard's tables and readouts show these ranks.",
			params:      []param{pID, pEntity, pKind},
			result:      qry.Ranks{}},
		{path: "/api/extremes/{id}", name: "getExtremes", example: "/api/extremes/seaice.south?year=2023&kind=min", tag: "records", fn: handleExtremes,
			summary: "Maximum or minimum in a year, a month or the whole record (stocktake extremes --json)",
			params: []param{pID, pEntity, {name: "year", in: "query", typ: "integer", desc: "Calendar year (one of year, month, all)."},
				{name: "month", in: "query", typ: "string", desc: "Month YYYY-MM (one of year, month, all).", example: "2023-06"},
				{name: "all", in: "query", typ: "boolean", desc: "The whole record (the default when neither year nor month is given)."},
				{name: "annual_ranking", in: "query", typ: "boolean", desc: "Every complete year's extreme of kind with its date, in rank order from the natural side, each labelled from its nearer end (\"lowest\", \"2nd highest\"); instead of year, month or all (stocktake extremes --annual-ranking)."},
				pKind, pSmooth},
			result: oneOf{present.WithSource[analysis.Extreme]{}, present.WithSource[analysis.AnnualExtremesRanking]{}}},
		{path: "/api/annual/{id}", name: "getAnnualRanking", example: "/api/annual/gmst.gistemp?top=10", tag: "records", fn: handleAnnual,
			summary:     "Every year's annual value in rank order (the warmest years table)",
			description: "Annual values are the producer's published annual values where the file has one (GISTEMP J-D, NOAA's annual), the mean of complete years otherwise (WMO completeness). Each row is what /api/records/{id}?annual=YEAR answers for that year: its competition rank at the published precision, its natural-side label, the years tied at that precision and, where the producer publishes a 95% uncertainty, the years it cannot be separated from.",
			params: []param{pID, pEntity, pKind,
				{name: "as_of", in: "query", typ: "string", desc: "Use only data dated on or before this date.", example: "2023-12-31"},
				{name: "top", in: "query", typ: "integer", desc: "Rows kept (default all)."}},
			result: present.WithSource[qry.AnnualTable]{}},
		{path: "/api/records/{id}", name: "getRecords", example: "/api/records/sst.world?on=2023-08-21", tag: "records", fn: handleRecords,
			summary:     "Was it a record? For a date, a month or a year (stocktake records --json)",
			description: "Exactly one of on, month, year or annual. on gives analysis.OnResult (rank for the date among all years and all-time), month gives analysis.MonthResult (monthly means of daily data, complete months only under the WMO 5/11 rule; single missing days filled first), year gives analysis.YearResult (every record day of the year with streaks, and the days that tied), annual gives analysis.AnnualRank (the year's annual value ranked among all years: the producer's published annual value where there is one). A record is strictly beyond every earlier value at the producer's published precision (means at one more digit); ties, including ties at that precision, are never records. comparison holds the verdict (record, record_not_distinguishable when the margin is inside the combined published 95% uncertainty, tie_at_precision, not_record) with the exact values. Three-month series (ONI) add season and previous_season (\"MJJ 2026\"). on=YYYY is refused for monthly series. as_of limits the data to those dated on or before it (a year or month means its last day).",
			params: []param{pID, pEntity,
				{name: "on", in: "query", typ: "string", desc: "A date (YYYY-MM-DD; YYYY-MM for monthly series).", example: "2023-02-21"},
				{name: "month", in: "query", typ: "string", desc: "A month YYYY-MM.", example: "2023-06"},
				{name: "year", in: "query", typ: "integer", desc: "A calendar year.", example: 2023},
				{name: "annual", in: "query", typ: "integer", desc: "A year ranked by its annual value among all years.", example: 2024},
				{name: "as_of", in: "query", typ: "string", desc: "Use only data dated on or before this date: was it a record when it happened?", example: "2023-02-21"},
				pKind, pSmooth, pConv},
			result: oneOf{present.WithSource[analysis.OnResult]{}, present.WithSource[analysis.MonthResult]{}, present.WithSource[analysis.YearResult]{}, present.WithSource[analysis.AnnualRank]{}}},
		{path: "/api/trend/{id}", name: "getTrend", example: "/api/trend/sst.world?from=1982&to=2023", tag: "records", fn: handleTrend,
			summary:     "Linear trend per decade (OLS with 95% interval corrected for autocorrelation, and Theil-Sen); acceleration with fit=quadratic",
			description: "corrected is the slope's 95% interval corrected for lag-1 autocorrelation of the residuals (AR(1) effective sample size, method named), at every frequency; ci95_per_decade assumes independent residuals. basis=annual fits annual means of complete years (default for daily and monthly series), basis=monthly monthly means of complete months, basis=raw the values as published (default otherwise). Single missing days of daily series are filled first, the means are taken over the whole series, then the periods starting inside from..to are kept; incomplete periods in the window are left out and listed in incomplete_excluded.",
			params: []param{pID, pEntity, pFrom, pTo, {name: "basis", in: "query", typ: "string", enum: []string{"raw", "monthly", "annual"}, desc: "What is fitted."},
				{name: "fit", in: "query", typ: "string", enum: []string{"linear", "quadratic"}, desc: "linear (default) or quadratic: adds \"quadratic\" with the acceleration (unit per year²) and its OLS and AR(1)-corrected 95% intervals."}},
			result: present.WithSource[analysis.TrendResult]{}},
		{path: "/api/daily/{id}", name: "getDailyYears", example: "/api/daily/seaice.south?smooth=5d", tag: "charts", fn: handleDaily,
			summary:     "Every year of a daily indicator by calendar day, with the climatology band and the record year (spaghetti chart data)",
			description: "Calendar convention: 366 slots, slot 0 = 1 January, slot 59 = 29 February (null in common years), slot 60 = 1 March, slot 365 = 31 December; null where a year has no value. The band (mean, ±2σ, 10th-90th percentiles) is computed over the baseline from the same smoothed values.",
			params:      []param{pID, pEntity, pSmooth, pBaseline, pLang},
			result:      DailyYears{}},
		{path: "/api/chart/{file}", name: "getChart", example: "/api/chart/seaice.south.png?kind=spaghetti&smooth=5d", tag: "charts", fn: handleChart,
			summary:     "Chart download: ID.png, ID.svg or ID.csv",
			description: "Server-rendered chart with title, unit, source line (dataset, version, sha256, retrieval date) and licence, ready for publication. kind=line draws the series (entity, from, to, smooth as for /api/series); kind=spaghetti draws every year against the calendar day with the baseline's 10th-90th percentile band, its mean, the record year and the latest year (daily indicators). CSV holds the charted numbers with their provenance.",
			params: []param{{name: "file", in: "path", typ: "string", required: true, desc: "Indicator id followed by .png, .svg or .csv.", example: "seaice.south.png"},
				{name: "kind", in: "query", typ: "string", enum: []string{"line", "spaghetti"}, desc: "Chart type (default line)."},
				pEntity, pFrom, pTo, pSmooth, pBaseline,
				{name: "width", in: "query", typ: "integer", desc: "Width in pixels at 96 dpi (at least 300, default 1200); clamped to 2400 and rounded up to 400, 800, 1200, 1600 or 2400; a PNG or SVG asked at any other width is redirected (308) to the drawn one."},
				{name: "height", in: "query", typ: "integer", desc: "Height in pixels at 96 dpi (at least 200, default 675); clamped to 1600 and rounded up to 300, 450, 675, 900, 1200 or 1600; a PNG or SVG asked at any other height is redirected (308) to the drawn one."},
				pLang},
			formats: []string{"image/png", "image/svg+xml", "text/csv"}},
		{path: "/api/overview", name: "getOverview", untracked: true, example: "/api/overview", tag: "charts", fn: handleOverview, daily: true,
			summary:     "Latest value, anomaly, rank for the date and record sentence of every vital sign",
			description: "signs: every stored global daily, monthly or annual vital sign (default datasets): the latest value and date, its anomaly against the producer's baseline (named), the records engine's rank for the date (calendar convention, all data; among years for annual series, with the change on the year before), a plain sentence when it is a record, the data's age in days, the source and the licence. irregular: irregularly sampled series (sea level) with their rise since the first complete year and trend per decade instead of a rank. With v= the body leaves out today and data_age_days (the dashboard computes ages itself). spark: the data of the card's small chart (daily: the year so far with the record year and the baseline's mean and 10th-90th percentile band; monthly: the last 24 anomalies).",
			params:      []param{pLang},
			result:      Overview{}},
		{path: "/api/rank/{id}", name: "getRank", example: "/api/rank/co2.emissions?year=2023&top=5", tag: "national", fn: handleRank,
			summary: "Rank countries by a national indicator (stocktake rank --json)",
			params: []param{pID, {name: "year", in: "query", typ: "integer", desc: "Year ranked, or last year summed when cumulative (default: the latest year with data).", example: 2023},
				{name: "top", in: "query", typ: "integer", desc: "Rows kept (default 10; 0 keeps all)."},
				{name: "cumulative", in: "query", typ: "boolean", desc: "Rank sums over since..year (historical responsibility)."},
				{name: "since", in: "query", typ: "integer", desc: "First year summed with cumulative (default: the first year with data)."}, pLang},
			result: present.WithSource[national.Ranking]{}},
		{path: "/api/peaks/{id}", name: "getPeaks", example: "/api/peaks/co2.emissions?entity=CHN,USA", tag: "national", fn: handlePeaks,
			summary:     "Peak year, distance below the peak and whether it has peaked (stocktake peaks --json)",
			description: "One object for one entity, an array for several. Peaked means the maximum is at least min_years before the latest year and the latest value is at least min_below_pct below it.",
			params: []param{pID, {name: "entity", in: "query", typ: "string", required: true, desc: "Entity codes or names, comma-separated.", example: "CHN,USA"},
				{name: "as_of", in: "query", typ: "integer", desc: "Use only values up to this year."},
				{name: "min_years", in: "query", typ: "integer", desc: "Peak rule K (default 5)."},
				{name: "min_below_pct", in: "query", typ: "number", desc: "Peak rule P in percent (default 5)."}, pLang},
			result: oneOf{present.WithSource[national.PeakResult]{}, []present.WithSource[national.PeakResult]{}}},
		{path: "/api/growth/{id}", name: "getGrowth", example: "/api/growth/solar.capacity?entity=IND&from=2015", tag: "national", fn: handleGrowth,
			summary: "Year-on-year changes, compound annual growth and trend (stocktake growth --json)",
			params: []param{pID, {name: "entity", in: "query", typ: "string", required: true, desc: "Entity code or name.", example: "CHN"},
				{name: "from", in: "query", typ: "integer", desc: "First year (default: the first with data)."},
				{name: "to", in: "query", typ: "integer", desc: "Last year (default: the latest with data)."}, pLang},
			result: present.WithSource[national.GrowthResult]{}},
		{path: "/api/compare", name: "compare", example: "/api/compare?a=CHN&b=USA&indicators=co2.emissions,solar.capacity", tag: "national", fn: handleCompare,
			summary: "Countries side by side: value, rank and share of world (stocktake compare --json)",
			params: []param{{name: "a", in: "query", typ: "string", desc: "First entity.", example: "CHN"},
				{name: "b", in: "query", typ: "string", desc: "Second entity.", example: "USA"},
				{name: "entities", in: "query", typ: "string", desc: "Entities, comma-separated (instead of a and b)."},
				{name: "indicators", in: "query", typ: "string", desc: "National indicator ids, comma-separated (default: co2.emissions, ch4.emissions, electricity.coal, electricity.coal.share, solar.capacity, wind.capacity, wind.generation, hydro.generation, forest.loss; those not stored are skipped)."},
				{name: "year", in: "query", typ: "integer", desc: "Year compared (default: per indicator, the latest year every entity has)."}, pLang},
			result: present.Comparison{}},
		{path: "/api/pledges", name: "listPledges", example: "/api/pledges?entity=CHN", tag: "national", fn: handlePledges,
			summary: "Climate commitments with sources and progress measured from the data (stocktake pledges --json)",
			params: []param{{name: "entity", in: "query", typ: "string", desc: "Only pledges of, or joined by, this entity.", example: "CHN"},
				{name: "min_years", in: "query", typ: "integer", desc: "Peak rule K (default 5)."},
				{name: "min_below_pct", in: "query", typ: "number", desc: "Peak rule P in percent (default 5)."}, pLang},
			result: present.PledgeReport{}},
		// Paris Agreement and Global Stocktake (paris.go).
		{path: "/api/warming", name: "getWarming", example: "/api/warming?dataset=era5&year=2024", tag: "paris", fn: handleWarming,
			summary: "Warming above 1850-1900: latest day, month, year and long-term level; days, months, 12-month periods and years at or above 1.5 and 2.0 °C; remaining carbon budget (stocktake warming --json)",
			description: "Each dataset is re-based as its producer or the WMO does (ERA5: 1991-2020 calendar-day anomaly plus 0.88 °C; HadCRUT5, NOAAGlobalTemp: their own 1850-1900 mean; GISTEMP: WMO common period 1981-2010) and carries its source. " +
				"The long-term level is the 20-year mean centred on the year (Y-9..Y+10), completed by the linear trend of the last 30 years. Thresholds count steps at or above 1.5 and 2.0 °C, unrounded. " +
				"Budgets are counted down with the world's fossil CO2 (a proxy without land-use CO2). days holds the year's daily ERA5 values.",
			params: []param{pWarmingDataset, pWarmingYear, pBudget, pLang},
			result: qry.Warming{}},
		{path: "/api/goals", name: "listGoals", example: "/api/goals?entity=CHN", tag: "paris", fn: handleGoals,
			summary: "Global Stocktake goals (COP28): required path, actual values, gap, when the trend reaches the target, contributions (stocktake goals --json)",
			params:  []param{pGoalEntity, pGoalAsOf, pLang},
			result:  qry.GoalsReport{}},
		{path: "/api/goals/{id}", name: "getGoal", example: "/api/goals/triple-renewables", tag: "paris", fn: handleGoal,
			summary: "One Global Stocktake goal with its path year by year (stocktake goals GOAL --json)",
			params: []param{{name: "id", in: "path", typ: "string", required: true, desc: "Goal id of goals.yaml.", example: "triple-renewables"},
				pGoalEntity, pGoalAsOf, pLang},
			result: qry.GoalProgress{}},
		{path: "/api/datasets", name: "listDatasets", untracked: true, example: "/api/datasets", tag: "provenance", fn: handleDatasets,
			summary: "Datasets with producer, licence, current version and fetch state",
			params:  []param{pLang},
			result:  []DatasetInfo{}},
		{path: "/api/lineage/{id}", name: "getLineage", example: "/api/lineage/seaice.south?date=2023-02-21", tag: "provenance", fn: handleLineage,
			summary:     "Which file a stored value came from (stocktake lineage --json)",
			description: "The dataset version that last changed the value on date: producer version, file path or URL, sha256, size, retrieval and ingest times, and whether it is still current. For a gridded series each day names its own file.",
			params: []param{pID, pEntity,
				{name: "date", in: "query", typ: "string", required: true, desc: "The value's date: YYYY-MM-DD, YYYY-MM for monthly or YYYY for annual series.", example: "2023-02-21"}},
			result: present.ValueLineage{}},
		{path: "/api/versions", name: "listVersions", untracked: true, example: "/api/versions?dataset=nsidc-g02135-south-v3", tag: "provenance", fn: handleVersions,
			summary: "Dataset versions, newest first: provenance history (stocktake list --datasets --json)",
			params:  []param{{name: "dataset", in: "query", typ: "string", desc: "Only this dataset's versions.", example: "nsidc-g02135-south-v3"}},
			result:  []store.Version{}},
		{path: "/api/events", name: "listEvents", example: "/api/events?limit=5", tag: "alerts", policy: policyRevalidate, fn: handleEvents,
			summary: "Record events detected on every update, newest first, with their sentences (paged)",
			description: "Each event: an all-time record, a record for the calendar day or the month, a record streak, a year's extreme, or a Paris threshold crossed (a day, month, 12-month period or year at or above 1.5 or 2.0 °C above 1850-1900, the first such day, a run of such days longer than every earlier one), stored once with the dataset version that caused it, the previous holder and the margin; " +
				"retracted events (a revision undid them) stay listed with their retraction. Page with the returned next cursor. " +
				"Events change with every update, so responses are Cache-Control: no-cache: revalidate with If-None-Match (304 while unchanged).",
			params: []param{{name: "limit", in: "query", typ: "integer", desc: "Events per page, 1 to 1000 (default 50).", example: 5},
				{name: "cursor", in: "query", typ: "string", desc: "The next cursor of the previous page (<updated_at>/<id>); anything else is a 400."},
				pEventIndicators,
				{name: "kind", in: "query", typ: "string", desc: "Only events of these kinds, comma-separated: " + alerts.EventKindsText() + " (the above-* kinds are the Paris thresholds crossed, docs/alerts.md).", example: "above-1.5-day,first-above-2.0-day"},
				{name: "since", in: "query", typ: "string", desc: "Only events updated at or after this time: RFC 3339 or YYYY-MM-DD.", example: "2023-03-01"},
				{name: "historical", in: "query", typ: "boolean", desc: "Include the silent baseline set by a dataset's first ingest."},
				pLang},
			result: alerts.EventsPage{}},
		{path: "/api/events/recent", name: "listRecentRecords", example: "/api/events/recent?recent=12m", tag: "alerts", policy: policyRevalidate, fn: handleRecent,
			summary:     "Records of the recent past, first-load ones included, grouped into runs; the latest record of each kind per vital sign (stocktake events --recent --json)",
			description: "runs: the record events whose date lies within the window counted back from each series' latest value (default 12m: a monthly series whose latest value is July shows July's record), retracted ones left out, newest first. Consecutive records of one series and kind (days, weeks, months or years) form one run with its first and last date, count and largest margin; a streak is its latest event. first_load is true when the dataset's first scan found every event of the run: such events are shown here but never pushed to webhooks or the feed (a new installation would otherwise send decades of records at once). latest: per vital sign, the latest run of each kind (for the date, the month, all time, streaks) over all stored events.",
			params:      []param{{name: "recent", in: "query", typ: "string", desc: "The window: a number followed by d, m or y (default 12m).", example: "12m"}, pEventIndicators, pLang},
			result:      qry.RecentResult{}},
		{path: "/feed.xml", name: "feed", example: "/feed.xml", tag: "alerts", policy: policyRevalidate, fn: handleFeed,
			summary:     "Atom 1.0 feed of record events, newest update first (filter with indicator)",
			description: "The 100 most recently updated events that were delivered (not the baseline). Cache-Control: no-cache: revalidate with If-None-Match (304 while unchanged).",
			params:      []param{pEventIndicators, pLang},
			formats:     []string{"application/atom+xml"}},
		{path: "/api/stations", name: "listStations", example: "/api/stations?country=USA&name=park", tag: "stations", policy: policyRevalidate, fn: handleStations,
			summary:     "GHCN-Daily stations by id, name, country or distance, with their files' provenance (stocktake stations --json)",
			description: "Stations loaded from ghcnd-stations.txt by `stocktake stations ingest`; each with its metadata file and, when its daily values are in the station archive, its data file (sha256, size, retrieval time). With near, only stations within radius km, nearest first.",
			params: []param{{name: "id", in: "query", typ: "string", desc: "Station id (exact, case-insensitive)."},
				{name: "name", in: "query", typ: "string", desc: "Part of the station name (case-insensitive).", example: "park"},
				pCountry,
				{name: "near", in: "query", typ: "string", desc: "LAT,LON in decimal degrees.", example: "40.78,-73.97"},
				{name: "radius", in: "query", typ: "number", desc: "Distance from near in km (default 100)."},
				{name: "limit", in: "query", typ: "integer", desc: "At most this many stations, 1 to 10000 (default 50)."}, pLang},
			result: qry.StationsResult{}},
		{path: "/api/stations/{id}/records", name: "getStationRecords", example: "/api/stations/USW00094728/records?extreme=record-high", tag: "stations", policy: policyRevalidate, fn: handleStationRecords,
			summary:     "A station's all-time, monthly or calendar-day records with their data file (stocktake station-records --json)",
			description: "From the derived records kept in the store by `stocktake stations ingest`. Values in °C (temperatures) or mm (precipitation); a record's date is the first day its value was reached, later equal days are ties; quality-flagged values never count; years is the station's length of record of the element.",
			params: []param{pStationID, pExtreme, pScope,
				{name: "month", in: "query", typ: "integer", desc: "Only this month (1-12) of the month and day scopes."}, pLang},
			result: qry.StationRecordsResult{}},
		{path: "/api/stations/{id}/climatology", name: "getStationClimatology", example: "/api/stations/USW00094728/climatology?element=TMAX", tag: "stations", policy: policyRevalidate, fn: handleStationClimatology,
			summary:     "A station's daily climatology: per calendar day the lowest, 10th and 90th percentile and highest value over the reference years, with one year's values",
			description: "From the station archive. The reference period is every year before year; values in °C or mm rounded to the tenth, quality-flagged values left out; percentiles interpolate linearly between the ordered values; value is null on days the year has none.",
			params: []param{pStationID,
				{name: "element", in: "query", typ: "string", enum: []string{"TMAX", "TMIN", "PRCP"}, desc: "GHCN element (default TMAX)."},
				{name: "year", in: "query", typ: "integer", desc: "The year drawn over the climatology (default the station's last year with a value)."}, pLang},
			result: qry.StationClimatologyResult{}},
		{path: "/api/records-set", name: "getRecordsSet", example: "/api/records-set?since=1936-07-01&until=1936-07-31&country=USA", tag: "stations", policy: policyRevalidate, fn: handleRecordsSet,
			summary:     "Station records set or tied in a period, national records marked (stocktake records-set --json)",
			description: "Every value from since to until that beat (or tied) every earlier unflagged value of its scope at its station, each judged on the data up to its day, at stations with at least min_years years of the element before since; national is true for an all-time record that was also the country's extreme as of that day. Each record has its sentence, event uid and data file provenance.",
			params: []param{{name: "since", in: "query", typ: "string", required: true, desc: "First day, YYYY-MM-DD.", example: "1936-07-01"},
				{name: "until", in: "query", typ: "string", desc: "Last day, inclusive (default today, UTC).", example: "1936-07-31"},
				pCountry, pExtreme, pScope,
				{name: "min_years", in: "query", typ: "integer", desc: "Minimum length of record in years (default 30, as NOAA's records tools)."}, pLang},
			result: qry.RecordsSetResult{}},
		{path: "/api/glossary", name: "getGlossary", example: "/api/glossary", tag: "meta", fn: handleGlossary, policy: policyStatic,
			summary:     "The reviewed glossary: indicator names, units and scientific terms in English, 繁體中文 (zh-Hant) and 简体中文 (zh-Hans)",
			description: "Each term: its id (indicator:<id>, unit:<unit>, kind:<event kind>, entity:<code>, term:<word>), its three renderings and a note on why that rendering was chosen (the usage of the Central Weather Administration (Taiwan), the China Meteorological Administration, the Chinese edition of the IPCC AR6 Summary for Policymakers). Sentences, cards and charts in Chinese take their words from it; country names come from CLDR.",
			result:      i18n.Glossary{}},
		{path: "/api/openapi.json", name: "openapi", example: "/api/openapi.json", tag: "meta", fn: handleOpenAPI, policy: policyStatic,
			summary: "This OpenAPI 3.1 document"},
		{path: "/healthz", name: "health", example: "/healthz", tag: "meta", fn: handleHealth, policy: policyNone,
			summary: "Health: 200 when the store can be read, 503 otherwise", result: Health{}},
		{path: "/metrics", name: "metrics", example: "/metrics", tag: "meta", fn: handleMetrics, policy: policyNone,
			summary:     "Prometheus metrics (text exposition format 0.0.4)",
			description: "Request counts by route and status, latency histograms by route, cache counters, and per dataset the last successful update, fetch success and failure times, retrieval time, rows and version count.",
			formats:     []string{"text/plain"}},
	}
}

// oneOf documents a body that takes one of several shapes.
type oneOf []any
