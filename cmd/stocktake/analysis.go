package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
)

// This file wires the records questions (internal/query, which calls the
// records engine internal/analysis) to the command line: extremes, records,
// climatology and trend. Flag problems are usage errors (exit 2); missing
// data are data errors (exit 1).

func newExtremesCmd() *cobra.Command {
	var entity, month, kind, smooth, year string
	var all, ranking bool
	cmd := &cobra.Command{
		Use:   "extremes ID [--entity E] [--year Y | --month YYYY-MM | --all | --annual-ranking] [--kind max|min] [--smooth 5d]",
		Short: "Maximum or minimum of an indicator within a year, a month or all data, with its date",
		Long: `extremes prints the highest (--kind max) or lowest (--kind min) value of an
indicator within a calendar year, a month or all data (the default), and the
date it occurred. The default kind is the indicator's natural direction of records.

--smooth 5d uses NSIDC's 5-day trailing mean (single missing days interpolated,
3 of 5 days required), the convention in which NSIDC announces sea-ice minima
and maxima. Smoothing is computed on the whole series first, so the mean on
1 January uses the preceding December. When several dates share the extreme,
the first is reported and the others are listed as ties.

--annual-ranking lists every complete year's maximum or minimum (--kind) with
its date, in rank order from the natural side (lowest first for minima,
highest first for maxima), each worded from its nearer end ("2nd lowest", not
"45th highest of 46"). A year counts only when every calendar month has a value,
so partial first and last years cannot pose as low maxima. Values are ranked at
the published precision (5-day means at one more digit).`,
		Example: `  # the 2023 Antarctic sea-ice minimum as NSIDC announces it (21 February 2023)
  stocktake extremes seaice.south --year 2023 --kind min --smooth 5d
  # the warmest day on record in the world SST series, as JSON
  stocktake extremes sst.world --all --json
  # the coldest day of June 2024
  stocktake extremes t2m.world --month 2024-06 --kind min
  # every year's Antarctic maximum, lowest first: 2023 is the lowest of 46
  stocktake extremes seaice.south --annual-ranking --kind max --smooth 5d`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.ExtremesResult, error) {
				return query.Extremes(ctx, st, query.ExtremesRequest{ID: args[0], Entity: entity, Year: year, Month: month,
					All: strconv.FormatBool(all), Kind: kind, Smooth: smooth, AnnualRanking: strconv.FormatBool(ranking)})
			})
			if err != nil {
				return err
			}
			e, ref := res.Extreme, res.Ref
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			if res.Ranking != nil {
				return printAnnualExtremes(cmd.OutOrStdout(), ref, *res.Ranking)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "INDICATOR\tPERIOD\tKIND\tDATE\tVALUE\tUNIT\tSMOOTHING")
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", label(e.Indicator, string(e.Entity)), e.Period, e.Kind, e.Date, present.FormatValue(e.Value), unitWithBaseline(ref, e.Unit), e.Smoothing)
			if len(e.Ties) > 0 {
				fmt.Fprintf(tw, "tied on\t%s\n", strings.Join(e.Ties, ", "))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code for national indicators")
	f.StringVar(&year, "year", "", "calendar year Y")
	f.StringVar(&month, "month", "", "month YYYY-MM")
	f.BoolVar(&all, "all", false, "all data")
	f.BoolVar(&ranking, "annual-ranking", false, "every complete year's extreme (--kind) in rank order")
	f.StringVar(&kind, "kind", "", "max or min (default: the indicator's headline extreme: min for sea ice, max for temperatures and gases)")
	f.StringVar(&smooth, "smooth", "", "smoothing of daily data: 5d (NSIDC 5-day trailing mean), Nd, Nd-centred")
	return cmd
}

// printAnnualExtremes prints the answer of extremes --annual-ranking: one
// row per year in rank order, "2023 maximum: lowest of 46".
func printAnnualExtremes(out io.Writer, ref catalog.Ref, r query.AnnualExtremesRanking) error {
	what := map[query.ExtremeKind]string{query.KindMax: "maximum", query.KindMin: "minimum"}[r.Kind]
	fmt.Fprintf(out, "%s: annual %s of %d complete years, %s (smoothing %s), %s\n", label(r.Indicator, string(r.Entity)), what, r.Of, r.Order, r.Smoothing, unitWithBaseline(ref, ref.Indicator.Unit))
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "YEAR\tDATE\tVALUE\tRANK")
	for _, y := range r.Years {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s of %d\n", y.Year, y.Date, present.ValueAt(y.Value, r.Resolution), y.Label, r.Of)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Incomplete) > 0 {
		fmt.Fprintf(out, "left out (a calendar month without data): %s\n", present.YearsText(r.Incomplete))
	}
	return nil
}

// label names a series in tables: the indicator id, then the entity of a
// national series.
func label(ind, entity string) string {
	if entity == "" {
		return ind
	}
	return ind + " " + entity
}

func newRecordsCmd() *cobra.Command {
	var entity, on, month, year, annual, kind, asOf, smooth, convention string
	cmd := &cobra.Command{
		Use:   "records ID [--entity E] (--on DATE | --month YYYY-MM | --year Y | --annual Y) [--kind max|min] [--as-of DATE] [--smooth 5d] [--convention calendar|daycount]",
		Short: "Was it a record? For a date, a month or every day of a year, now or as of any date",
		Long: `records answers "was that a record?".

--on DATE      the value on DATE, its rank among the same calendar day in every
               year, whether it is a record for the date, the record before
               DATE's year and the margin, and its all-time rank.
--month Y-M    the monthly value (the monthly mean for daily indicators), its rank
               among the same month in every year, the record before its year
               and the margin.
               Months failing the WMO 5/11 completeness rule are left out of the
               ranking; the month asked about is always shown, flagged if incomplete.
--year Y       every day of Y that set a record for its date and every all-time
               record, with the streaks of consecutive record days. Each day is
               judged against earlier years only, when it happened: a record set
               in 2023 stays listed for 2023 even if 2024 later beat it; days
               that only tied are listed with their dates.
--annual Y     Y's annual value ranked among every year's: the producer's
               published annual value where the file has one (GISTEMP J-D,
               NOAA's annual), the mean of complete years otherwise (WMO
               completeness), with the years tied at the published precision
               and those inside the combined 95% uncertainty.

Values are compared at the producer's published precision (means of
published values at one more digit): a margin below half a unit of the last
digit is a tie, never a record. Where the producer publishes a 95%
uncertainty (JMA ocean heat content), a record inside the combined
uncertainty is a record "not statistically distinguishable" from the one it
beat. --json carries the exact values in "comparison". Three-month series
(ONI) are labelled by season (MJJ), and records compare the same season.
--on YYYY is refused for monthly series: give a month, --annual or --year.

--on and --month judge the value against every year in the data up to
--as-of (all data without it), later years included: "is it still the
record?". For "was it a record when it happened?" give --as-of the same
date, as in the first example.

A record is strictly beyond every other value compared; equal values are ties,
never records. --as-of DATE uses only data up to DATE ("was it a record when it
happened?"); without it all data are used. The margin is how far the value goes
beyond the record before its year in the direction of --kind (negative: it fell short).
"The same calendar day" follows --convention: calendar (month-day, 29 February its
own day; the default) or daycount (day N since 1 January, as Climate Reanalyzer).`,
		Example: `  # was 21 February 2023 a record low for Antarctic sea ice when it happened?
  stocktake records seaice.south --on 2023-02-21 --kind min --smooth 5d --as-of 2023-02-21
  # was June 2023 the warmest June as of the end of June 2023?
  stocktake records gmst.noaa --month 2023-06 --as-of 2023-06-30 --json
  # every record-warm day of 2023 in the world SST series, with streaks
  stocktake records sst.world --year 2023
  # the warmest year? GISTEMP's published J-D value for 2024 among all years
  stocktake records gmst.gistemp --annual 2024
  # was 2024 a record year for ocean heat, and can it be told from 2022?
  stocktake records ohc.jma --annual 2024`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.RecordsResult, error) {
				return query.Records(ctx, st, query.RecordsRequest{ID: args[0], Entity: entity, On: on, Month: month, Year: year,
					Annual: annual, AsOf: asOf, Kind: kind, Smooth: smooth, Convention: convention})
			})
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			ref := res.Ref
			out := cmd.OutOrStdout()
			switch {
			case res.On != nil:
				r := *res.On
				onYear := r.Date[:4]
				res0 := present.ResolutionOf(r.Comparison)
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "indicator\t%s\n", label(r.Indicator, string(r.Entity)))
				when, prevWhen := r.Date, ""
				if r.PreviousForDate != nil {
					prevWhen = r.PreviousForDate.Date
				}
				if ref.Indicator.Seasonal {
					when = r.Date + ", season " + query.SeasonOf(r.Date)
					if prevWhen != "" {
						prevWhen = query.SeasonOf(prevWhen)
					}
				}
				fmt.Fprintf(tw, "date\t%s (%s, %s, smoothing %s)\n", when, r.Kind, r.Convention, r.Smoothing)
				unit := unitWithBaseline(ref, r.Unit)
				fmt.Fprintf(tw, "value\t%s %s\n", present.ValueAt(r.Value, res0), unit)
				fmt.Fprintf(tw, "rank for the date\t%d of %d%s\n", r.RankForDate, r.YearsForDate, tieNote(r.Tie))
				fmt.Fprintf(tw, "record for the date\t%s\n", present.RecordWord(r.RecordForDate, r.Comparison, prevWhen))
				if r.PreviousForDate != nil {
					fmt.Fprintf(tw, "record before %s\t%s, %s %s (margin %s)\n", onYear, prevWhen, present.ValueAt(r.PreviousForDate.Value, res0), unit, present.ValueAt(*r.Margin, res0))
				} else {
					fmt.Fprintf(tw, "record before %s\tnone (first year)\n", onYear)
				}
				fmt.Fprintf(tw, "all-time rank\t%d%s\n", r.RankAllTime, tieNote(r.TieAllTime))
				fmt.Fprintf(tw, "all-time record\t%s\n", yesNo(r.RecordAllTime))
				fmt.Fprintf(tw, "as of\t%s\n", asOfNote(r.AsOf))
				return tw.Flush()
			case res.Month != nil:
				r := *res.Month
				monthYear := r.Month[:4]
				res0 := present.ResolutionOf(r.Comparison)
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "indicator\t%s\n", label(r.Indicator, string(r.Entity)))
				prevWhen := ""
				if r.Previous != nil {
					prevWhen = r.Previous.Month
				}
				if ref.Indicator.Seasonal {
					fmt.Fprintf(tw, "season\t%s (dated %s, %s)\n", query.SeasonOf(r.Month), r.Month, r.Kind)
					if prevWhen != "" {
						prevWhen = query.SeasonOf(prevWhen)
					}
				} else {
					fmt.Fprintf(tw, "month\t%s (%s)\n", r.Month, r.Kind)
				}
				complete := ""
				if !r.Complete {
					complete = fmt.Sprintf(" (incomplete: %d days)", r.Days)
				}
				unit := unitWithBaseline(ref, r.Unit)
				fmt.Fprintf(tw, "value\t%s %s%s\n", present.ValueAt(r.Value, res0), unit, complete)
				fmt.Fprintf(tw, "rank\t%d of %d%s\n", r.Rank, r.Years, tieNote(r.Tie))
				switch {
				case !r.Complete && r.Rank == 1 && !r.Tie && r.Years > 1:
					fmt.Fprintf(tw, "record\tnot yet: first so far, but the month is incomplete (%d days)\n", r.Days)
				case !r.Complete:
					fmt.Fprintf(tw, "record\tno (incomplete month: %d days)\n", r.Days)
				default:
					fmt.Fprintf(tw, "record\t%s\n", present.RecordWord(r.Record, r.Comparison, prevWhen))
				}
				if r.Previous != nil {
					fmt.Fprintf(tw, "record before %s\t%s, %s %s (margin %s)\n", monthYear, prevWhen, present.ValueAt(r.Previous.Value, res0), unit, present.ValueAt(*r.Margin, res0))
				} else {
					fmt.Fprintf(tw, "record before %s\tnone (first year)\n", monthYear)
				}
				fmt.Fprintf(tw, "as of\t%s\n", asOfNote(r.AsOf))
				return tw.Flush()
			case res.Annual != nil:
				return printAnnualRank(out, ref, *res.Annual)
			default:
				r := *res.Year
				res0 := ref.Indicator.Resolution
				if r.Smoothing.String() != "none" {
					res0 = query.MeanResolution(res0)
				}
				ties := len(r.TiedDays) + len(r.TiedAllTime)
				fmt.Fprintf(out, "%s %d: %d %s records for the date, %d all-time records, %d %s (as of %s; %s, smoothing %s)\n",
					label(r.Indicator, string(r.Entity)), r.Year, len(r.RecordDays), r.Kind, len(r.AllTimeRecords), ties, plural(ties, "tie", "ties"), asOfNote(r.AsOf), r.Convention, r.Smoothing)
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				date := func(d string) string {
					if ref.Indicator.Seasonal {
						return d + " (" + query.SeasonOf(d) + ")"
					}
					return d
				}
				table := func(title string, rows []query.DayRecord) {
					if len(rows) == 0 {
						return
					}
					fmt.Fprintf(tw, "\n%s\tVALUE\tPREVIOUS\tPREVIOUS VALUE\n", title)
					for _, x := range rows {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", date(x.Date), present.ValueAt(x.Value, res0), date(x.Previous.Date), present.ValueAt(x.Previous.Value, res0))
					}
				}
				table("RECORD FOR THE DATE", r.RecordDays)
				table("ALL-TIME RECORD", r.AllTimeRecords)
				// Ties are never records; they are listed with the value
				// they equalled (at the published precision).
				table("TIED THE RECORD FOR THE DATE", r.TiedDays)
				table("TIED THE ALL-TIME RECORD", r.TiedAllTime)
				if len(r.Streaks) > 0 {
					fmt.Fprintln(tw, "\nSTREAK FROM\tTO\tLENGTH")
					for _, s := range r.Streaks {
						run := ""
						if s.RunFrom != "" {
							run = fmt.Sprintf(" (continues a run since %s: %d in all)", s.RunFrom, s.RunDays)
						}
						fmt.Fprintf(tw, "%s\t%s\t%d%s\n", s.From, s.To, s.Days, run)
					}
				}
				return tw.Flush()
			}
		},
	}
	f := cmd.Flags()
	f.StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code for national indicators")
	f.StringVar(&on, "on", "", "date YYYY-MM-DD (YYYY-MM for monthly indicators)")
	f.StringVar(&month, "month", "", "month YYYY-MM")
	f.StringVar(&year, "year", "", "year Y")
	f.StringVar(&annual, "annual", "", "rank year Y's annual value among all years (published annual value where the producer has one)")
	f.StringVar(&kind, "kind", "", "max or min (default: the indicator's headline extreme: min for sea ice, max for temperatures and gases)")
	f.StringVar(&asOf, "as-of", "", "use only data up to this date (YYYY-MM-DD, YYYY-MM or YYYY: the end of that period)")
	f.StringVar(&smooth, "smooth", "", "smoothing of daily data: 5d (NSIDC 5-day trailing mean), Nd, Nd-centred")
	f.StringVar(&convention, "convention", "calendar", "same day in other years: calendar (month-day) or daycount (day N of the year)")
	return cmd
}

// printAnnualRank prints the answer of records --annual.
func printAnnualRank(out io.Writer, ref catalog.Ref, r query.AnnualRank) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	unit := unitWithBaseline(ref, r.Unit)
	fmt.Fprintf(tw, "indicator\t%s\n", label(r.Indicator, string(r.Entity)))
	fmt.Fprintf(tw, "year\t%d (%s)\n", r.Year, r.Kind)
	u := ""
	if r.Uncertainty95 != nil {
		u = " ± " + present.ValueAt(*r.Uncertainty95, r.Resolution) + " (95%)"
	}
	fmt.Fprintf(tw, "annual value\t%s%s %s (%s)\n", present.ValueAt(r.Value, r.Resolution), u, unit, r.Basis)
	fmt.Fprintf(tw, "rank\t%s of %d years (rank %d from the %s)\n", r.Label, r.Of, r.Rank, map[query.ExtremeKind]string{query.KindMax: "highest", query.KindMin: "lowest"}[r.Kind])
	fmt.Fprintf(tw, "tied at the published precision\t%s\n", present.YearsText(r.TiedAtPrecision))
	prevLabel := ""
	if r.Previous != nil {
		prevLabel = fmt.Sprint(r.Previous.Year)
	}
	switch {
	case r.Comparison != nil:
		fmt.Fprintf(tw, "record when set\t%s\n", present.RecordWord(r.Comparison.Verdict.IsRecord(), r.Comparison, prevLabel))
	default:
		fmt.Fprintf(tw, "record when set\tno (first year)\n")
	}
	fmt.Fprintf(tw, "record now\t%s\n", yesNo(r.Record))
	if r.Previous != nil {
		fmt.Fprintf(tw, "record before %d\t%d, %s %s (margin %s)\n", r.Year, r.Previous.Year, present.ValueAt(r.Previous.Value, r.Resolution), unit, present.ValueAt(r.Comparison.Margin, r.Resolution))
	}
	if r.Indistinguishable != nil {
		fmt.Fprintf(tw, "not distinguishable from\t%s (within the combined 95%% uncertainty)\n", present.YearsText(r.Indistinguishable))
	}
	if len(r.Incomplete) > 0 {
		fmt.Fprintf(tw, "left out (incomplete)\t%s\n", present.YearsText(r.Incomplete))
	}
	fmt.Fprintf(tw, "as of\t%s\n", asOfNote(r.AsOf))
	return tw.Flush()
}

// plural picks the singular or plural of a noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// yesNo writes a flag for people.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// tieNote is " (tie)" after a rank shared with another year, else "".
func tieNote(tie bool) string {
	if tie {
		return " (tie)"
	}
	return ""
}

// unitWithBaseline writes a unit for people, naming the baseline of an
// anomaly series ("°C vs 1901-2000"): an anomaly without its baseline is
// not a number anyone can quote.
func unitWithBaseline(ref catalog.Ref, unit string) string {
	u := present.Unit(unit)
	if ref.Indicator.Baseline != "" {
		u += " vs " + ref.Indicator.Baseline
	}
	return u
}

// asOfNote writes the --as-of date a result used, or "all data" without one.
func asOfNote(s *string) string {
	if s == nil {
		return "all data"
	}
	return *s
}

func newClimatologyCmd() *cobra.Command {
	var entity, baseline, convention, smooth string
	var nsidcRule bool
	cmd := &cobra.Command{
		Use:   "climatology ID [--baseline Y0-Y1] [--convention calendar|daycount] [--smooth 5d]",
		Short: "Per-day (or per-month) mean, standard deviation and percentiles over a baseline",
		Long: `climatology prints, for every day of the year (daily indicators) or month
(monthly indicators), the mean, sample standard deviation (ddof 1), median and
10/25/75/90th percentiles (numpy's linear interpolation) of the values in the
baseline years Y0..Y1 inclusive, with the number of years.

--convention calendar groups by month-day (29 February its own slot, filled only
by leap years); daycount groups by day N since 1 January (day 60 is 29 February
or 1 March), as Climate Reanalyzer does.
Daily series have single missing days filled by linear interpolation first.
The defaults are the producer's: NSIDC sea ice uses the 1981-2010 baseline and
day count, with day 366 filled from common years' following 1 January, which
reproduces NSIDC's published climatology; other indicators use 1991-2020 and the
calendar. The API's /api/climatology answers the same question with the same
numbers. --nsidc is accepted and has no effect (these are now the defaults).`,
		Example: `  # the 1991-2020 daily climatology of world SST, as Climate Reanalyzer slots it
  stocktake climatology sst.world --baseline 1991-2020 --convention daycount
  # NSIDC's Arctic 1981-2010 climatology, recomputed
  stocktake climatology seaice.north --baseline 1981-2010 --json
  # monthly climatology of NOAA's global anomalies
  stocktake climatology gmst.noaa --baseline 1991-2020`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if nsidcRule {
				// A note on stderr, so that --json output stays clean.
				fmt.Fprintln(cmd.ErrOrStderr(), "stocktake: --nsidc has no effect: NSIDC sea ice uses NSIDC's conventions by default (1981-2010, day count, single missing days interpolated, day 366 from 1 January)")
			}
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.ClimatologyResult, error) {
				return query.Climatology(ctx, st, query.ClimatologyRequest{ID: args[0], Entity: entity, Baseline: baseline,
					Convention: convention, Smooth: smooth})
			})
			if err != nil {
				return err
			}
			c := res.Climatology
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			b := c.Baseline.String()
			if !res.Coverage.Full {
				b = res.Coverage.Label + " of " + b
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s climatology %s (%s, smoothing %s), %s\n", label(c.Indicator, string(c.Entity)), b, c.Convention, c.Smoothing, c.Unit)
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "SLOT\tN\tMEAN\tSTD\tP10\tP25\tMEDIAN\tP75\tP90\t")
			num := func(v float64) string {
				if v != v {
					return "-"
				}
				return strconv.FormatFloat(v, 'f', 3, 64)
			}
			for _, s := range c.Slots {
				if s.N == 0 {
					continue
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Label, s.N, num(s.Mean), num(s.Std), num(s.P10), num(s.P25), num(s.Median), num(s.P75), num(s.P90))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code for national indicators")
	f.StringVar(&baseline, "baseline", "", "baseline years Y0-Y1, e.g. 1991-2020, 1982-2011, 1981-2010 (default 1981-2010 for NSIDC sea ice, 1991-2020 otherwise)")
	f.StringVar(&convention, "convention", "", "day of year: calendar (month-day) or daycount (day N since 1 January); default daycount for NSIDC sea ice, calendar otherwise")
	f.StringVar(&smooth, "smooth", "", "smooth daily data before the climatology: 5d, Nd, Nd-centred")
	// --nsidc is accepted and does nothing: NSIDC's conventions are the
	// default for NSIDC sea ice (see query.ClimatologyOptions).
	f.BoolVar(&nsidcRule, "nsidc", false, "no effect: NSIDC sea ice uses NSIDC's climatology conventions by default")
	_ = f.MarkHidden("nsidc")
	return cmd
}

func newTrendCmd() *cobra.Command {
	var entity, from, to, basis, fit string
	cmd := &cobra.Command{
		Use:   "trend ID [--entity E] [--from Y] [--to Y] [--basis annual|monthly|raw] [--fit linear|quadratic]",
		Short: "Linear trend per decade: OLS with a 95% confidence interval, and Theil-Sen",
		Long: `trend fits a straight line to an indicator over the years --from..--to
(inclusive; default all). Daily and monthly indicators are fitted on their annual
means, and only complete years count (daily: every month meets the WMO 5/11 rule;
monthly: all 12 months; single missing days of daily data are interpolated first);
the years left out are listed. Annual indicators are
fitted as they are; weekly and irregular ones on their raw values. --basis
monthly fits monthly means of complete months instead. The means are taken
over the whole series first, then the periods starting inside --from..--to are
kept, exactly as /api/trend does.

Slopes are in the indicator's unit per decade. Two 95% intervals are given:
the OLS one (Student's t with n-2 degrees of freedom, independent residuals)
and the one corrected for autocorrelation (AR(1) effective sample size of the
residuals, n_eff = n(1-r1)/(1+r1), Santer et al. 2000), at every frequency;
quote the corrected one. Theil-Sen is the median of all pairwise slopes,
robust to outliers.

--fit quadratic adds a parabola and reports the acceleration (twice the
quadratic coefficient, in unit per year²) with its OLS and corrected 95%
intervals, and the rate at the centre of the span (unit per year).`,
		Example: `  # warming of world SST since 1982
  stocktake trend sst.world --from 1982 --to 2024
  # Arctic sea-ice decline 1979-2024, as JSON
  stocktake trend seaice.north --from 1979 --to 2024 --json
  # China's CO2 emissions since 2005
  stocktake trend co2.emissions --entity CHN --from 2005
  # is sea-level rise accelerating? (Nerem et al. 2018: 0.084 ± 0.025 mm/yr²)
  stocktake trend gmsl --fit quadratic`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.TrendResult, error) {
				return query.Trend(ctx, st, query.TrendRequest{ID: args[0], Entity: entity, From: from, To: to, Basis: basis, Fit: fit})
			})
			if err != nil {
				return err
			}
			tr := res.Trend
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "indicator\t%s\n", label(tr.Indicator, string(tr.Entity)))
			from, to := tr.From, tr.To
			if strings.HasPrefix(tr.Basis, "annual") && len(from) >= 4 && len(to) >= 4 {
				// Annual values are dated 1 January: name the years.
				from, to = from[:4], to[:4]
			}
			// Slopes are printed to three significant digits, the interval
			// with the slope's decimals; --json has them unrounded.
			dec := max(0, 2-int(math.Floor(math.Log10(math.Abs(tr.OLSPerDecade)))))
			if math.IsInf(math.Log10(math.Abs(tr.OLSPerDecade)), 0) {
				dec = 3
			}
			num := func(v float64) string { return strconv.FormatFloat(v, 'f', dec, 64) }
			fmt.Fprintf(tw, "fitted\t%s, %s..%s, n = %d\n", tr.Basis, from, to, tr.N)
			fmt.Fprintf(tw, "OLS slope\t%s %s per decade (95%% CI %s to %s, independent residuals)\n", num(tr.OLSPerDecade), present.Unit(tr.Unit), num(tr.CI95[0]), num(tr.CI95[1]))
			if c := tr.Corrected; c != nil {
				// The corrected interval is wider: one more decimal when
				// the slope's would hide its width.
				fmt.Fprintf(tw, "corrected 95%% CI\t%s to %s per decade (AR(1) effective sample size: lag-1 autocorrelation %.2f, effective n %.1f of %d)\n", num(c.CI95[0]), num(c.CI95[1]), c.Lag1, c.NEff, tr.N)
			} else if tr.CorrectedNote != "" {
				fmt.Fprintf(tw, "corrected 95%% CI\tnot computable: %s\n", tr.CorrectedNote)
			}
			fmt.Fprintf(tw, "Theil-Sen slope\t%s %s per decade\n", num(tr.TheilSenPerDecade), present.Unit(tr.Unit))
			if len(tr.Incomplete) > 0 {
				fmt.Fprintf(tw, "left out (incomplete)\t%s\n", strings.Join(tr.Incomplete, ", "))
			}
			if q := res.Quadratic; q != nil {
				u := present.Unit(q.Unit)
				g := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
				fmt.Fprintf(tw, "quadratic fit\t%s..%s, n = %d, centred on %s\n", q.From, q.To, q.N, q.Centre)
				fmt.Fprintf(tw, "rate at the centre\t%s %s per year (corrected 95%% CI %s to %s)\n", g(q.RatePerYear), u, g(q.RateCorrected.CI95[0]), g(q.RateCorrected.CI95[1]))
				fmt.Fprintf(tw, "acceleration\t%s %s per year² (corrected 95%% CI %s to %s, AR(1) effective n %.1f; OLS %s to %s)\n", g(q.AccelerationPerYear2), u,
					g(q.AccelerationCorrected.CI95[0]), g(q.AccelerationCorrected.CI95[1]), q.AccelerationCorrected.NEff, g(q.AccelerationCI95[0]), g(q.AccelerationCI95[1]))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code for national indicators")
	f.StringVar(&from, "from", "", "first year (or YYYY-MM, YYYY-MM-DD): periods starting from it are fitted")
	f.StringVar(&to, "to", "", "last year (or YYYY-MM, YYYY-MM-DD), inclusive")
	f.StringVar(&fit, "fit", "", "linear (default) or quadratic (adds the acceleration with its interval)")
	f.StringVar(&basis, "basis", "", "what is fitted: annual (annual means of complete years; default for daily and monthly series), monthly (monthly means of complete months) or raw (the values as published; default otherwise)")
	return cmd
}
