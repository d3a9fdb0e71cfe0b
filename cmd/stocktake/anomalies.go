package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
)

func newAnomaliesCmd() *cobra.Command {
	var entity, baseline, convention, smooth, from, to, format string
	cmd := &cobra.Command{
		Use:   "anomalies ID [--baseline Y0-Y1] [--from D] [--to D] [--convention calendar|daycount] [--smooth 5d]",
		Short: "Departures from a baseline's mean for the same day or month; re-bases anomaly series",
		Long: `anomalies prints each value minus the mean of the same slot over the baseline
years Y0..Y1 inclusive: the same calendar day (daily data, --convention calendar,
29 February its own slot; or the same day count with --convention daycount) or the
same month (monthly data). Single missing days are interpolated before the
climatology and the anomalies are computed: the climatology is exactly that of
'stocktake climatology' with the same --baseline, --convention and --smooth, whose
defaults are the producer's (NSIDC sea ice: 1981-2010, day count, NSIDC's own
climatology; others: 1991-2020, calendar). /api/anomalies gives the same numbers.

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
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.AnomaliesResult, error) {
				return query.Anomalies(ctx, st, query.AnomaliesRequest{ID: args[0], Entity: entity, Baseline: baseline,
					Convention: convention, Smooth: smooth, From: from, To: to})
			})
			if err != nil {
				return err
			}
			se, src, kept := res.Series, res.Source, res.Points
			out := se
			out.Points = kept
			js := res.JSON()
			b, convName := js.BaselineUsed, js.Convention
			if b != js.Baseline {
				b += " of " + js.Baseline
			}
			switch format {
			case "json":
				return printJSON(cmd, res.JSON())
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
	f.StringVar(&baseline, "baseline", "", "reference period Y0-Y1, inclusive (default 1981-2010 for NSIDC sea ice, 1991-2020 otherwise)")
	f.StringVar(&convention, "convention", "", "day-of-year convention for daily data: calendar or daycount (default daycount for NSIDC sea ice, calendar otherwise)")
	f.StringVar(&smooth, "smooth", "", "running mean for daily data before anything else: 5d, Nd, Nd-centred")
	f.StringVar(&from, "from", "", "first date printed (YYYY-MM-DD, YYYY-MM or YYYY)")
	f.StringVar(&to, "to", "", "last date printed (YYYY-MM-DD, YYYY-MM or YYYY)")
	f.StringVar(&format, "format", "table", "output format: table, csv or json")
	return cmd
}
