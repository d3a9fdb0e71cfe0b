package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// This file wires the warming question (internal/query) to the command
// line.

func init() { register(newWarmingCmd) }

const warmingLong = `How far above pre-industrial (1850-1900, the Paris Agreement's reference) is the
world: the latest day, the latest month, the latest complete year and in the
long-term sense (the IPCC AR6 20-year mean centred on the year, completed by the
trend of the last 30 years), for ERA5 (daily), HadCRUT5, NOAAGlobalTemp and
GISTEMP (monthly), each re-based as its producer or the WMO does (docs/paris.md).

Thresholds: the days, months, 12-month periods and calendar years at or above
1.5 °C and 2.0 °C (compared unrounded), the first and latest of them, the longest
run and the count in --year. Budget: the remaining carbon budgets of the registry,
counted down with the world's CO2 emissions (a proxy without land-use CO2).

Every number is printed with the dataset, version and sha256 of the file it comes
from. --lang writes the re-basing statements, the threshold events' sentences and
the budgets' titles, coverage and counted emissions in zh-Hant or zh-Hans, as
lang= of GET /api/warming does. JSON: {"year","datasets":[{"key","dataset","indicator","method","offset",
"statement","source","latest_day","latest_month","latest_year","year_value",
"long_term_level","trend_reaches_1_5","thresholds":[...],"days":[...]}],
"year_mean","long_term_level","budgets":[...],"missing"}.`

const warmingExample = `  # how far above pre-industrial are we, by every dataset, with the budget left
  stocktake warming
  # ERA5 only: the days of 2024 at or above 1.5 °C and 2.0 °C
  stocktake warming --dataset era5 --year 2024
  # the long-term level of 2023 by HadCRUT5 and NOAAGlobalTemp, as JSON
  stocktake warming --dataset hadcrut5,noaa --year 2023 --json
  # the IPCC AR6 budget only
  stocktake warming --budget ar6-1p5-50
  # the statements, threshold sentences and budgets in traditional Chinese
  stocktake warming --lang zh-Hant`

func newWarmingCmd() *cobra.Command {
	var dataset, budget string
	var year int
	var lang func() string
	cmd := &cobra.Command{
		Use:     "warming [--dataset era5,hadcrut5,noaa,gistemp] [--year Y] [--budget ID] [--lang L]",
		Short:   "Warming above 1850-1900: today, this month, this year, long-term; 1.5/2 °C thresholds; carbon budget",
		Long:    warmingLong,
		Example: warmingExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.Warming, error) {
				// The store also holds the threshold events: each year's
				// latest one comes with the days by year, as on the API.
				es, _ := st.(store.EventStore)
				return query.WarmingWithEvents(ctx, st, es, query.WarmingRequest{Dataset: dataset, Year: intFlag(cmd, "year", year), Budget: budget, Lang: lang()})
			})
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res)
			}
			return printWarming(cmd, res)
		},
	}
	cmd.Flags().StringVar(&dataset, "dataset", "", "datasets, comma-separated: "+strings.Join(query.WarmingDatasetKeys(), ", ")+" (default all)")
	cmd.Flags().IntVar(&year, "year", 0, "year of the threshold counts and the long-term level (default: the latest year of ERA5)")
	cmd.Flags().StringVar(&budget, "budget", "", "carbon budget id of goals.yaml (default every budget)")
	lang = langFlag(cmd)
	return cmd
}

// printWarming writes the warming answer as text tables.
func printWarming(cmd *cobra.Command, res query.Warming) error {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "Warming above 1850-1900 (°C), year %d\n\n", res.Year)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\tlatest day\tlatest month\tlatest year\tyear\tlong-term level (95%)\treaches 1.5 °C\t")
	for _, d := range res.Datasets {
		day, month, yr, yv, lvl, reach := "-", "-", "-", "-", "-", "-"
		if d.LatestDay != nil {
			day = fmt.Sprintf("%s %.2f", d.LatestDay.Date, d.LatestDay.Value)
		}
		if d.LatestMonth != nil {
			month = fmt.Sprintf("%s %.2f", d.LatestMonth.Date, d.LatestMonth.Value)
		}
		if d.LatestYear != nil {
			yr = fmt.Sprintf("%d %.2f", d.LatestYear.Year, d.LatestYear.Value)
		}
		if d.YearValue != nil {
			yv = fmt.Sprintf("%.2f", *d.YearValue)
		}
		if d.Level != nil {
			lvl = fmt.Sprintf("%.2f (%.2f-%.2f)", d.Level.Value, d.Level.Low, d.Level.High)
		}
		if c := d.Reaches15; c != nil {
			switch {
			case c.AlreadyReached:
				reach = "reached"
			case c.Never:
				reach = "never at this trend"
			default:
				reach = fmt.Sprint(c.Year)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", d.Dataset, day, month, yr, yv, lvl, reach)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if m := res.YearMean; m != nil {
		fmt.Fprintf(w, "\n%d, mean of %d datasets: %.2f °C (%.2f to %.2f)\n", m.Year, len(m.Datasets), m.Mean, m.Min, m.Max)
	}
	if e := res.LongTerm; e != nil {
		fmt.Fprintf(w, "Long-term level %d, mean of %d datasets: %.2f °C, spread %.2f, interval %.2f to %.2f\n", e.Year, len(e.Members), e.Mean, e.Spread, e.Low, e.High)
	}
	fmt.Fprintf(w, "\nThresholds (steps at or above; %d is the year counted)\n", res.Year)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\tsteps\tthreshold\tin year\tall\tfirst\tlongest run\t")
	for _, d := range res.Datasets {
		for _, t := range d.Thresholds {
			first, longest := "-", "-"
			if t.First != nil {
				first = fmt.Sprintf("%s (%.2f)", t.First.Date, t.First.Value)
			}
			if t.Longest != nil {
				longest = fmt.Sprintf("%d: %s to %s", t.Longest.Steps, t.Longest.Start, t.Longest.End)
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%d of %d\t%d\t%s\t%s\t\n", d.Dataset, t.Steps, t.Threshold, t.InYear.Above, t.InYear.Present, t.Count, first, longest)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range res.Datasets {
		if len(d.DaysByYear) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s days at or above 1.5 / 2.0 °C by year, with the latest crossing\n", d.Dataset)
		for _, y := range d.DaysByYear {
			latest := ""
			if y.Latest != nil {
				latest = "  " + y.Latest.Sentence
			}
			fmt.Fprintf(w, "%d  %3d / %d of %d%s\n", y.Year, y.Days15, y.Days20, y.Present, latest)
		}
	}
	if len(res.Budgets) > 0 {
		fmt.Fprintln(w, "\nRemaining carbon budget (GtCO2)")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "budget\tfrom\temitted\tleft\ton\tyears at latest rate\t")
		for _, b := range res.Budgets {
			emitted := "-"
			if b.FirstYear != 0 {
				emitted = fmt.Sprintf("%.1f (%d-%d)", b.Emitted, b.FirstYear, b.LastYear)
			}
			fmt.Fprintf(tw, "%s\t%.0f Gt %d\t%s\t%.1f\t1 Jan %d\t%.1f (at %.1f Gt in %d)\t\n", b.Budget.ID, b.Budget.GtCO2, b.Budget.StartYear,
				emitted, b.Remaining, b.AsOfYear, b.YearsLeft, b.Latest, b.LatestYear)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, b := range res.Budgets {
			fmt.Fprintf(w, "%s: %s; %s\n", b.Budget.ID, b.Budget.Title, b.Budget.Covers)
		}
		fmt.Fprintf(w, "Counted: %s (a proxy: the budgets also cover land-use CO2).\n", res.Budgets[0].Counted)
	}
	fmt.Fprintln(w)
	for _, d := range res.Datasets {
		fmt.Fprintf(w, "%s\n  ", d.Statement)
		sourceLineP(w, d.Source)
	}
	if len(res.Budgets) > 0 {
		fmt.Fprint(w, "Emissions: ")
		sourceLineP(w, res.Budgets[0].Source)
	}
	for _, m := range res.Missing {
		fmt.Fprintf(w, "Not included: %s\n", m)
	}
	return nil
}
