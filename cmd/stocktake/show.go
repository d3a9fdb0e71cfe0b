package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// parseDateFlag reads a --from/--to/--as-of value (YYYY-MM-DD, YYYY-MM or
// YYYY); an empty value yields ok=false.
func parseDateFlag(name, v string) (d obs.Date, ok bool, err error) {
	if v == "" {
		return 0, false, nil
	}
	d, err = obs.ParseDate(v)
	if err != nil {
		return 0, false, usagef("--%s: %v", name, err)
	}
	return d, true, nil
}

// dateRange is the inclusive --from/--to window of a command's output.
type dateRange struct {
	from, to       obs.Date
	hasFrom, hasTo bool
}

// parseRange reads --from and --to (YYYY-MM-DD, YYYY-MM or YYYY; a coarser
// --to means the end of that period).
func parseRange(from, to string) (dateRange, error) {
	var r dateRange
	var err error
	if r.from, r.hasFrom, err = parseDateFlag("from", from); err != nil {
		return r, err
	}
	if r.to, r.hasTo, err = parseDateFlag("to", to); err != nil {
		return r, err
	}
	r.to = endOf(to, r.to)
	if r.hasFrom && r.hasTo && r.from > r.to {
		return r, usagef("--from %s is after --to %s", from, to)
	}
	return r, nil
}

// keep returns the points inside the window, in a new slice.
func (r dateRange) keep(pts []obs.Point) []obs.Point {
	out := pts[:0:0]
	for _, p := range pts {
		if (!r.hasFrom || p.Date >= r.from) && (!r.hasTo || p.Date <= r.to) {
			out = append(out, p)
		}
	}
	return out
}

// outputFormat resolves --format (table, csv or json) and --json.
func outputFormat(cmd *cobra.Command, format string) (string, error) {
	if jsonFlag(cmd) {
		if cmd.Flags().Changed("format") && format != "json" {
			return "", usagef("--json and --format %s contradict each other: give one", format)
		}
		return "json", nil
	}
	if format != "table" && format != "csv" && format != "json" {
		return "", usagef("--format %q: expected table, csv or json", format)
	}
	return format, nil
}

// smoothingName is the "smoothing" of printed series: "" when the values
// are the producer's own.
func smoothingName(sm analysis.Smoothing) string {
	if sm.None() {
		return ""
	}
	return sm.String()
}

// endOf returns the last day covered by a --to value given at a coarser
// resolution: "2023" means up to 2023-12-31, "2023-02" up to 2023-02-28.
func endOf(v string, d obs.Date) obs.Date {
	y, m, _ := d.YMD()
	switch len(v) {
	case 4:
		return obs.NewDate(y, 12, 31)
	case 7:
		return obs.NewDate(y, m, obs.DaysIn(y, m))
	}
	return d
}

// periodMeans is the JSON of 'show --means monthly|annual': the monthly or
// annual means of a series with the completeness of each period.
type periodMeans struct {
	Indicator string         `json:"indicator"`
	Entity    *string        `json:"entity"`
	Unit      string         `json:"unit"`
	Means     string         `json:"means"`
	Rule      string         `json:"rule"`
	Smoothing *string        `json:"smoothing"`
	Periods   []periodMean   `json:"periods"`
	Source    present.Source `json:"source"`
}

// periodMean is one month or year: N values present of Expected, the
// longest run of missing values inside the period, and whether the period
// meets the completeness rule. Incomplete periods are listed, never hidden.
type periodMean struct {
	Date         string  `json:"date"`
	Value        float64 `json:"value"`
	N            int     `json:"n"`            // published values in the period
	Interpolated int     `json:"interpolated"` // single missing days filled for the mean
	Expected     int     `json:"expected"`
	LongestGap   int     `json:"longest_gap"` // longest run without a published value, up to the data's end
	Complete     bool    `json:"complete"`
	InProgress   bool    `json:"in_progress"` // the data do not reach the period's end yet
}

// presentIn counts the published values of pts (daily, or monthly for
// annual means) dated from..to and the longest run of missing days (or
// months) in that span.
func presentIn(pts []obs.Point, freq obs.Frequency, from, to obs.Date) (n, gap int) {
	pos := func(d obs.Date) int { return int(d) }
	if freq == obs.Monthly {
		pos = func(d obs.Date) int { y, m, _ := d.YMD(); return y*12 + m - 1 }
	}
	prev := pos(from) - 1
	for _, p := range pts {
		if p.Date < from || p.Date > to {
			continue
		}
		n++
		gap = max(gap, pos(p.Date)-prev-1)
		prev = pos(p.Date)
	}
	return n, max(gap, pos(to)-prev)
}

// meansRule states the completeness rule of 'show --means' for people.
func meansRule(freq obs.Frequency, means string) string {
	switch {
	case freq == obs.Daily && means == "monthly":
		return "WMO 5/11: a month is complete with at most 10 missing days and no run of 5 or more; single missing days are interpolated first"
	case freq == obs.Daily:
		return "a year is complete when its 12 months are (WMO 5/11 per month); single missing days are interpolated first"
	case freq == obs.Monthly && means == "annual":
		return "a year is complete with all 12 months"
	}
	return "every period with a value is complete"
}

func newShowCmd() *cobra.Command {
	var entity, from, to, smooth, format, means string
	cmd := &cobra.Command{
		Use:   "show ID [--entity ISO3] [--from D] [--to D] [--smooth 5d] [--format table|csv|json]",
		Short: "Print an indicator's values with their source",
		Long: `show prints the stored values of one indicator, exactly as the producer wrote
them, with the dataset, version and file checksum they come from.

ID is an indicator id from 'stocktake list' (seaice.south, sst.world, co2.mlo,
...); append @VERSION to pick a non-default dataset version (seaice.north@4.0).
National indicators need --entity with an ISO 3166 alpha-3 code.
--from and --to take YYYY-MM-DD, YYYY-MM or YYYY and are inclusive.
--smooth applies an N-day running mean to daily data before printing: 5d is
NSIDC's 5-day trailing mean (single missing days interpolated, 3 of 5 days
needed); 7d-centred is a centred 7-day mean. A mean needs a value on its own
date and a majority of its window (days beyond the data count as missing, so
a centred mean at the end of the data averages the days that exist).
--means monthly (daily series) or --means annual (daily or monthly series)
prints period means instead, each with the published values present, the
single missing days interpolated for the mean, the longest run of missing
values and whether the period is complete: a month under the WMO 5/11 rule
(at most 10 missing days, no run of 5 or more, single missing days
interpolated first), a year when all its months are; a period the data do
not reach the end of is "in progress". Incomplete periods are listed and
marked, never hidden or silently used.`,
		Example: `  stocktake show seaice.south --from 2023-02-17 --to 2023-02-23
  stocktake show seaice.south --from 2022-02-20 --to 2022-02-28 --smooth 5d
  stocktake show co2.mlo --from 2024 --format csv
  stocktake show gmst.noaa --from 2023-06 --to 2023-06 --json
  stocktake show sst.world --means monthly --from 2023 --to 2024
  stocktake show seaice.north --means annual --format csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := outputFormat(cmd, format)
			if err != nil {
				return err
			}
			window, err := parseRange(from, to)
			if err != nil {
				return err
			}
			sm, err := smoothFlag(smooth)
			if err != nil {
				return err
			}
			_, se, src, err := loadSeries(cmd, args[0], entity)
			if err != nil {
				return err
			}
			if err := checkSmooth(sm, se); err != nil {
				return err
			}
			if means != "" {
				if means != "monthly" && means != "annual" {
					return usagef("--means %q: expected monthly or annual", means)
				}
				if means == "monthly" && se.Frequency != obs.Daily {
					return usagef("--means monthly needs a daily series; %s is %s", se.Indicator, se.Frequency)
				}
				if means == "annual" && se.Frequency != obs.Daily && se.Frequency != obs.Monthly {
					return usagef("--means annual needs a daily or monthly series; %s is %s", se.Indicator, se.Frequency)
				}
			}
			if !sm.None() {
				se.Points = sm.Apply(se.Points)
			}
			if means != "" {
				return showMeans(cmd, se, src, sm, means, window, format)
			}
			se.Points = window.keep(se.Points)
			smoothName := smoothingName(sm)
			switch format {
			case "json":
				return printJSON(cmd, present.NewSeries(se, src, smoothName))
			case "csv":
				return present.WriteSeriesCSV(cmd.OutOrStdout(), se, src)
			}
			out := cmd.OutOrStdout()
			title := se.Indicator
			if se.Entity != "" {
				title += " " + se.Entity
			}
			if smoothName != "" {
				title += " (" + smoothName + " mean)"
			}
			fmt.Fprintf(out, "%s, %s\n", title, se.Unit)
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "DATE\tVALUE")
			for _, p := range se.Points {
				fmt.Fprintf(w, "%s\t%s\n", p.Date.Format(se.Frequency), present.FormatValue(p.Value))
			}
			w.Flush()
			if len(se.Points) == 0 {
				fmt.Fprintln(out, "(no values in that range)")
			}
			fmt.Fprintf(out, "source: %s version %s, %s", src.Dataset, src.Version, src.URL)
			if src.Files > 1 {
				fmt.Fprintf(out, " (%d files; 'stocktake lineage %s DATE' names each value's file)", src.Files, se.Indicator)
			}
			if src.SHA256 != "" {
				fmt.Fprintf(out, ", sha256 %s", src.SHA256)
			}
			fmt.Fprintf(out, ", retrieved %s\n", src.Retrieved.Format("2006-01-02 15:04 UTC"))
			return nil
		},
	}
	cmd.Flags().StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code for national indicators")
	cmd.Flags().StringVar(&from, "from", "", "first date (YYYY-MM-DD, YYYY-MM or YYYY), inclusive")
	cmd.Flags().StringVar(&to, "to", "", "last date (YYYY-MM-DD, YYYY-MM or YYYY), inclusive")
	cmd.Flags().StringVar(&smooth, "smooth", "", "running mean for daily data: 5d (NSIDC 5-day trailing), Nd, Nd-centred")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	cmd.Flags().StringVar(&means, "means", "", "print monthly or annual means with their completeness instead of the values")
	return cmd
}

// showMeans prints the monthly or annual means of se (already smoothed)
// whose periods start inside window.
func showMeans(cmd *cobra.Command, se obs.Series, src store.Source, sm analysis.Smoothing, means string, window dateRange, format string) error {
	pts := se.Points
	if se.Frequency == obs.Daily {
		pts = analysis.FillGaps(pts, 1)
	}
	var aggs []analysis.Aggregate
	if means == "monthly" {
		aggs = analysis.Monthly(pts, analysis.WMO511)
	} else {
		aggs = analysis.Annual(pts, se.Frequency, analysis.WMO511)
	}
	freq := obs.Monthly
	if means == "annual" {
		freq = obs.Annual
	}
	out := periodMeans{Indicator: se.Indicator, Unit: se.Unit, Means: means, Rule: meansRule(se.Frequency, means),
		Periods: []periodMean{}, Source: present.NewSource(src)}
	if se.Entity != "" {
		out.Entity = &se.Entity
	}
	if name := smoothingName(sm); name != "" {
		out.Smoothing = &name
	}
	raw := se.Points
	lastData := raw[len(raw)-1].Date
	for _, a := range aggs {
		end := a.Date + obs.Date(obs.DaysIn(a.Date.Year(), a.Date.Month())-1)
		if freq == obs.Annual {
			end = obs.NewDate(a.Date.Year(), 12, 31)
		}
		if window.hasFrom && end < window.from || window.hasTo && a.Date > window.to {
			continue
		}
		// Values present and the longest gap come from the published
		// values; interpolated days count only towards the mean and the
		// completeness rule, and are reported apart. The days after the
		// last value of a period in progress are still to come, not a gap.
		n, gap := presentIn(raw, se.Frequency, a.Date, min(end, lastData))
		p := periodMean{Date: a.Date.Format(freq), Value: roundMean(a.Value), N: n, Interpolated: a.N - n,
			Expected: a.Expected, LongestGap: gap, Complete: a.Complete && end <= lastData, InProgress: end > lastData}
		out.Periods = append(out.Periods, p)
	}
	w := cmd.OutOrStdout()
	switch format {
	case "json":
		return printJSON(cmd, out)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"date", "mean", "n", "interpolated", "expected", "longest_gap", "complete", "in_progress", "indicator", "entity", "unit", "dataset", "version", "sha256"})
		for _, p := range out.Periods {
			_ = cw.Write([]string{p.Date, present.FormatValue(p.Value), strconv.Itoa(p.N), strconv.Itoa(p.Interpolated), strconv.Itoa(p.Expected),
				strconv.Itoa(p.LongestGap), strconv.FormatBool(p.Complete), strconv.FormatBool(p.InProgress), se.Indicator, se.Entity, se.Unit,
				src.Dataset, src.Version, src.SHA256})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "%s, %s means, %s\nrule: %s\n", label(se.Indicator, se.Entity), means, present.Unit(se.Unit), out.Rule)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PERIOD\tMEAN\tVALUES\tINTERPOLATED\tLONGEST GAP\tCOMPLETE")
	for _, p := range out.Periods {
		complete := yesNo(p.Complete)
		if p.InProgress {
			complete = "no (in progress)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d of %d\t%d\t%d\t%s\n", p.Date, present.FormatValue(p.Value), p.N, p.Expected, p.Interpolated, p.LongestGap, complete)
	}
	tw.Flush()
	if len(out.Periods) == 0 {
		fmt.Fprintln(w, "(no periods in that range)")
	}
	fmt.Fprintln(w, present.SourceLine(src.Dataset, out.Source))
	return nil
}

// roundMean rounds a mean to 6 decimals, more than any producer publishes,
// so that printed means carry no floating-point residue.
func roundMean(v float64) float64 { return math.Round(v*1e6) / 1e6 }
