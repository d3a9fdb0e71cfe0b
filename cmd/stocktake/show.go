package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
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

func newShowCmd() *cobra.Command {
	var entity, from, to, smooth, format string
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
needed); 7d-centred is a centred 7-day mean.`,
		Example: `  stocktake show seaice.south --from 2023-02-17 --to 2023-02-23
  stocktake show seaice.south --from 2022-02-20 --to 2022-02-28 --smooth 5d
  stocktake show co2.mlo --from 2024 --format csv
  stocktake show gmst.noaa --from 2023-06 --to 2023-06 --json`,
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
			if !sm.None() {
				se.Points = sm.Apply(se.Points)
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
			fmt.Fprintf(out, "source: %s version %s, %s, sha256 %s, retrieved %s\n", src.Dataset, src.Version, src.URL, src.SHA256, src.Retrieved.Format("2006-01-02 15:04 UTC"))
			return nil
		},
	}
	cmd.Flags().StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code for national indicators")
	cmd.Flags().StringVar(&from, "from", "", "first date (YYYY-MM-DD, YYYY-MM or YYYY), inclusive")
	cmd.Flags().StringVar(&to, "to", "", "last date (YYYY-MM-DD, YYYY-MM or YYYY), inclusive")
	cmd.Flags().StringVar(&smooth, "smooth", "", "running mean for daily data: 5d (NSIDC 5-day trailing), Nd, Nd-centred")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	return cmd
}
