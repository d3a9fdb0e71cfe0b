package main

import (
	"errors"
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
)

// anomalySeries is the JSON of 'stocktake anomalies': a series (as 'show'
// prints it) whose values are departures from the baseline's mean for the
// same slot, with the baseline and the slot convention named.
type anomalySeries struct {
	present.Series
	Baseline   string `json:"baseline"`
	Convention string `json:"convention"`
}

func newAnomaliesCmd() *cobra.Command {
	var entity, baseline, convention, smooth, from, to, format string
	cmd := &cobra.Command{
		Use:   "anomalies ID --baseline Y0-Y1 [--from D] [--to D] [--convention calendar|daycount] [--smooth 5d]",
		Short: "Departures from a baseline's mean for the same day or month; re-bases anomaly series",
		Long: `anomalies prints each value minus the mean of the same slot over the baseline
years Y0..Y1 inclusive: the same calendar day (daily data, --convention calendar,
29 February its own slot; or the same day count with --convention daycount) or the
same month (monthly data). Single missing days are interpolated before the
climatology and the anomalies are computed, as in 'stocktake climatology'.

For indicators that are already anomalies (gmst.noaa vs 1901-2000, gmst.gistemp
vs 1951-1980, ...) this re-bases them: NOAA's June 2023 anomaly of 1.06 °C vs
1901-2000 becomes 0.47 °C vs 1991-2020 (June's 1991-2020 mean, 0.587, is
subtracted). --smooth applies to daily data before anything else.`,
		Example: `  # NOAA's global anomalies re-based to 1991-2020
  stocktake anomalies gmst.noaa --baseline 1991-2020 --from 2023 --to 2023
  # world SST departures from its 1982-2011 daily climatology
  stocktake anomalies sst.world --baseline 1982-2011 --from 2024-01 --to 2024-01 --json
  # Antarctic sea ice vs NSIDC's 1981-2010 baseline, 5-day means
  stocktake anomalies seaice.south --baseline 1981-2010 --smooth 5d --from 2023-02-15 --to 2023-02-25`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := outputFormat(cmd, format)
			if err != nil {
				return err
			}
			b, err := analysis.ParseBaseline(baseline)
			if err != nil {
				return usageError{fmt.Errorf("--baseline: %w", err)}
			}
			conv, err := analysis.ParseConvention(convention)
			if err != nil || conv == analysis.Month {
				return usagef("--convention %q: expected calendar or daycount", convention)
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
			if se.Frequency != obs.Daily && se.Frequency != obs.Monthly {
				return usagef("anomalies need daily or monthly data; %s is %s", se.Indicator, se.Frequency)
			}
			opt := analysis.ClimatologyOptions{Baseline: b, Convention: conv, Smoothing: sm}
			pts := se.Points
			if se.Frequency == obs.Daily {
				opt.Fill = 1
				pts = analysis.FillGaps(pts, 1)
				if !sm.None() {
					pts = sm.Apply(pts)
				}
			}
			c, err := analysis.NewClimatology(se, opt)
			if err != nil {
				if errors.Is(err, analysis.ErrNoData) {
					return err
				}
				return usageError{err}
			}
			kept := window.keep(analysis.Anomalies(pts, c))
			for i := range kept {
				// Differences of means carry float noise in the last bits;
				// 1e-6 is finer than any producer's precision.
				kept[i].Value = math.Round(kept[i].Value*1e6) / 1e6
			}
			out := se
			out.Points = kept
			smoothName := smoothingName(sm)
			convName := conv.String()
			if se.Frequency == obs.Monthly {
				convName = analysis.Month.String()
			}
			switch format {
			case "json":
				return printJSON(cmd, anomalySeries{Series: present.NewSeries(out, src, smoothName), Baseline: b.String(), Convention: convName})
			case "csv":
				return present.WriteSeriesCSV(cmd.OutOrStdout(), out, src)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s anomalies vs %s (%s), %s\n", label(se.Indicator, se.Entity), b, convName, se.Unit)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DATE\tANOMALY")
			for _, p := range kept {
				fmt.Fprintf(tw, "%s\t%+.4g\n", p.Date.Format(se.Frequency), p.Value)
			}
			tw.Flush()
			sourceLine(w, src)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code for national indicators")
	f.StringVar(&baseline, "baseline", "1991-2020", "reference period Y0-Y1, inclusive")
	f.StringVar(&convention, "convention", "calendar", "day-of-year convention for daily data: calendar or daycount")
	f.StringVar(&smooth, "smooth", "", "running mean for daily data before anything else: 5d, Nd, Nd-centred")
	f.StringVar(&from, "from", "", "first date printed (YYYY-MM-DD, YYYY-MM or YYYY)")
	f.StringVar(&to, "to", "", "last date printed (YYYY-MM-DD, YYYY-MM or YYYY)")
	f.StringVar(&format, "format", "table", "output format: table, csv or json")
	return cmd
}
