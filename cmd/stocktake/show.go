package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
)

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
			if means != "" {
				return showMeans(cmd, query.MeansRequest{ID: args[0], Entity: entity, Means: means, From: from, To: to, Smooth: smooth}, format)
			}
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.SeriesResult, error) {
				return query.Series(ctx, st, query.SeriesRequest{ID: args[0], Entity: entity, From: from, To: to, Smooth: smooth})
			})
			if err != nil {
				return err
			}
			se, src, smoothName := res.Windowed(), res.Source, query.SmoothingName(res.Smoothing)
			switch format {
			case "json":
				return printJSON(cmd, res.JSON())
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

// showMeans prints the monthly or annual means of query.Means.
func showMeans(cmd *cobra.Command, req query.MeansRequest, format string) error {
	st, err := openExistingStore(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	out, src, err := query.Means(cmd.Context(), st, req)
	if err != nil {
		return cliErr(err)
	}
	entity := ""
	if out.Entity != nil {
		entity = *out.Entity
	}
	w := cmd.OutOrStdout()
	switch format {
	case "json":
		return printJSON(cmd, out)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"date", "mean", "n", "interpolated", "expected", "longest_gap", "complete", "in_progress", "indicator", "entity", "unit", "dataset", "version", "sha256"})
		for _, p := range out.Periods {
			_ = cw.Write([]string{p.Date, present.ValueAt(p.Value, out.Resolution), strconv.Itoa(p.N), strconv.Itoa(p.Interpolated), strconv.Itoa(p.Expected),
				strconv.Itoa(p.LongestGap), strconv.FormatBool(p.Complete), strconv.FormatBool(p.InProgress), out.Indicator, entity, out.Unit,
				src.Dataset, src.Version, src.SHA256})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "%s, %s means, %s\nrule: %s\n", label(out.Indicator, entity), out.Means, present.Unit(out.Unit), out.Rule)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PERIOD\tMEAN\tVALUES\tINTERPOLATED\tLONGEST GAP\tCOMPLETE")
	for _, p := range out.Periods {
		complete := yesNo(p.Complete)
		if p.InProgress {
			complete = "no (in progress)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d of %d\t%d\t%d\t%s\n", p.Date, present.ValueAt(p.Value, out.Resolution), p.N, p.Expected, p.Interpolated, p.LongestGap, complete)
	}
	tw.Flush()
	if len(out.Periods) == 0 {
		fmt.Fprintln(w, "(no periods in that range)")
	}
	fmt.Fprintln(w, present.SourceLine(src.Dataset, out.Source))
	return nil
}
