package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
)

// This file wires the peaks and growth questions (internal/query) to the
// command line.

const peaksLong = `Find the year of an indicator's maximum for a country, the latest value's distance
below it (absolute and %) and the years since, and decide whether it "has
peaked" by an explicit rule, never by a single dip:

  peaked = the maximum is at least K years before the latest year
           and the latest value is at least P% below it      (K=5, P=5 by default)

When the maximum is reached in several years the latest of them counts. --as-of Y
uses only the values up to Y. Several indicators and entities may be given.

JSON: one object {"indicator","entity","name","unit","peak_year","peak_value",
"latest_year","latest_value","below_peak","below_peak_pct","years_since_peak",
"peaked","rule","source"}, or an array of them when several indicators or
entities are given.`

const peaksExample = `  # has China's CO2 peaked? and the US's?
  stocktake peaks co2.emissions --entity CHN,USA
  # coal power and its share of China's electricity
  stocktake peaks electricity.coal electricity.coal.share --entity CHN
  # a stricter rule: 10 years and 10% below the maximum
  stocktake peaks co2.emissions --entity GBR --min-years 10 --min-below-pct 10 --json`

func newPeaksCmd() *cobra.Command {
	var entities []string
	var asOf int
	cmd := &cobra.Command{
		Use:     "peaks ID... --entity E[,E...] [--min-years K] [--min-below-pct P] [--as-of Y]",
		Short:   "Peak year, distance below the peak and whether a country has peaked",
		Long:    peaksLong,
		Example: peaksExample,
		Args:    cobra.MinimumNArgs(1),
	}
	rule := peakRuleFlags(cmd)
	lang := langFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		minYears, minBelow := rule()
		results, err := ask(cmd, func(ctx context.Context, st query.Store) ([]present.WithSource[national.PeakResult], error) {
			return query.Peaks(ctx, st, query.PeaksRequest{IDs: args, Entities: entities, AsOf: intFlag(cmd, "as-of", asOf),
				MinYears: minYears, MinBelowPct: minBelow, Lang: lang()})
		})
		if err != nil {
			return err
		}
		if jsonFlag(cmd) {
			if len(results) == 1 {
				return printJSON(cmd, results[0])
			}
			return printJSON(cmd, results)
		}
		w := cmd.OutOrStdout()
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "indicator\tentity\tpeak year\tpeak value\tlatest\tlatest value\tbelow peak\tyears since\tpeaked\t")
		for _, res := range results {
			r := res.Result
			peaked := "no"
			if r.Peaked {
				peaked = "yes"
			}
			below := fmtNum(r.BelowPeak)
			if r.Unit == "%" {
				below += " pp" // percentage points of a share
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s %s\t%d\t%s %s\t%s (%.1f%%)\t%d\t%s\t\n", r.Indicator, r.Entity, r.PeakYear, fmtNum(r.PeakValue), r.Unit,
				r.LatestYear, fmtNum(r.LatestValue), r.Unit, below, r.BelowPeakPct, r.YearsSincePeak, peaked)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		pr, _ := query.PeakRule(minYears, minBelow) // valid: the question accepted it
		fmt.Fprintf(w, "Rule: %s.\n", pr)
		printSources(w, results)
		return nil
	}
	cmd.Flags().StringSliceVar(&entities, "entity", nil, "ISO 3166 alpha-3 codes or names, comma-separated (required)")
	cmd.Flags().IntVar(&asOf, "as-of", 0, "use only values up to this year")
	return cmd
}

const growthLong = `Show how a country's indicator changed over a period: the value each year with its
year-on-year change, the total change, the compound annual growth rate
(CAGR = (last/first)^(1/years) - 1) and the least-squares linear trend (unit per
year, and as % of the period's mean per year).

JSON: {"indicator","entity","name","unit","from","to","from_value","to_value",
"change","change_pct","cagr_pct","trend_per_year","trend_pct_per_year","trend_r2",
"years":[{"year","value","change","change_pct"}],"source"}.`

const growthExample = `  # China's methane emissions since 2020, the base year of the Global Methane Pledge
  stocktake growth ch4.emissions --entity CHN --from 2020
  # installed solar capacity in India, 2015-2023, as JSON
  stocktake growth solar.capacity --entity IND --from 2015 --to 2023 --json`

func newGrowthCmd() *cobra.Command {
	var entity string
	var from, to int
	cmd := &cobra.Command{
		Use:     "growth ID --entity E [--from Y0] [--to Y1]",
		Short:   "Year-on-year changes, compound annual growth and trend of a national indicator",
		Long:    growthLong,
		Example: growthExample,
		Args:    cobra.ExactArgs(1),
	}
	lang := langFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		res, err := ask(cmd, func(ctx context.Context, st query.Store) (present.WithSource[national.GrowthResult], error) {
			return query.Growth(ctx, st, query.GrowthRequest{ID: args[0], Entity: entity, From: intFlag(cmd, "from", from), To: intFlag(cmd, "to", to), Lang: lang()})
		})
		if err != nil {
			return err
		}
		if jsonFlag(cmd) {
			return printJSON(cmd, res)
		}
		g, src := res.Result, res.Source
		w := cmd.OutOrStdout()
		// A share's change is in percentage points; its change in
		// percent is relative (60.7% is 0.5% below 61.0%, or -0.3 pp).
		changeUnit, relative := g.Unit, "change %"
		if g.Unit == "%" {
			changeUnit, relative = "pp", "relative change %"
		}
		fmt.Fprintf(w, "%s, %s (%s), %s, %d-%d\n", indicatorTitle(args[0]), g.Name, g.Entity, g.Unit, g.From, g.To)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "year\t%s\tchange (%s)\t%s\t\n", g.Unit, changeUnit, relative)
		for _, y := range g.Years {
			ch := "-"
			if y.Change != nil {
				ch = fmtNum(*y.Change)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", y.Year, fmtNum(y.Value), ch, fmtPct(y.ChangePct, true))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		rel := ""
		if g.Unit == "%" {
			rel = " relative"
		}
		fmt.Fprintf(w, "Change %d-%d: %s %s (%s%s); compound annual rate %s/yr", g.From, g.To, fmtNum(g.Change), changeUnit, fmtPct(g.ChangePct, true), rel, fmtPct(g.CAGRPct, true))
		if g.TrendPerYear != nil {
			fmt.Fprintf(w, "; linear trend %s %s/yr (%s of the mean per year", fmtNum(*g.TrendPerYear), changeUnit, fmtPct(g.TrendPctPerYear, true))
			if g.R2 != nil {
				fmt.Fprintf(w, ", R2 %.2f", *g.R2)
			}
			fmt.Fprint(w, ")")
		}
		fmt.Fprintln(w, ".")
		sourceLineP(w, src)
		return nil
	}
	cmd.Flags().StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code or name (required)")
	cmd.Flags().IntVar(&from, "from", 0, "first year (default: the first year with data)")
	cmd.Flags().IntVar(&to, "to", 0, "last year (default: the latest year with data)")
	return cmd
}
