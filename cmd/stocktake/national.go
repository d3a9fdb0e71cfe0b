package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// This file holds the national commands: rank, peaks, growth, compare and
// pledges. They read series from the store and leave every computation to
// internal/national.

// peakRuleFlags adds --min-years and --min-below-pct and returns a reader of
// their values as text for a request (empty when not given, so that the
// question applies national.DefaultPeakRule).
func peakRuleFlags(cmd *cobra.Command) func() (minYears, minBelowPct string) {
	k := cmd.Flags().Int("min-years", national.DefaultPeakRule.MinYears, "peak rule K: the maximum must be at least K years before the latest year")
	p := cmd.Flags().Float64("min-below-pct", national.DefaultPeakRule.MinBelowPct, "peak rule P: the latest value must be at least P% below the maximum")
	return func() (string, string) {
		return intFlag(cmd, "min-years", *k), floatFlag(cmd, "min-below-pct", *p)
	}
}

// intFlag is an integer flag's value as text for a request, "" when the
// flag was not given.
func intFlag(cmd *cobra.Command, name string, v int) string {
	if !cmd.Flags().Changed(name) {
		return ""
	}
	return strconv.Itoa(v)
}

// floatFlag is a decimal flag's value as text for a request, "" when the
// flag was not given.
func floatFlag(cmd *cobra.Command, name string, v float64) string {
	if !cmd.Flags().Changed(name) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// indicatorTitle is the catalog title of an indicator reference, or the
// reference itself.
func indicatorTitle(id string) string {
	if r, err := catalog.Resolve(id); err == nil {
		return r.Indicator.Title
	}
	return id
}

// fmtNum writes a value for people (see national.FormatValue).
func fmtNum(v float64) string { return national.FormatValue(v) }

// fmtPct writes an optional percentage; signed adds a leading + or -.
func fmtPct(p *float64, signed bool) string {
	if p == nil {
		return "-"
	}
	if signed {
		return fmt.Sprintf("%+.1f%%", *p)
	}
	return fmt.Sprintf("%.1f%%", *p)
}

// sourceLine writes the "Source:" line of a result computed from one
// dataset: dataset, version, the first 12 hex digits of the sha256 and the
// URL, each when known.
func sourceLine(w io.Writer, src store.Source) {
	sourceLineP(w, present.NewSource(src))
}

// sourceLineP writes the source line of a printed source.
func sourceLineP(w io.Writer, src present.Source) {
	fmt.Fprintf(w, "Source: %s, version %s", src.Dataset, src.Version)
	if src.SHA256 != "" {
		fmt.Fprintf(w, ", sha256 %.12s", src.SHA256)
	}
	if src.URL != "" {
		fmt.Fprintf(w, ", %s", src.URL)
	}
	fmt.Fprintln(w)
}

// printSources writes one "Source:" line (dataset, version, the first 12 hex
// digits of the sha256) per dataset behind results, in order of first use.
func printSources[T any](w io.Writer, results []present.WithSource[T]) {
	seen := map[string]bool{}
	for _, r := range results {
		if !seen[r.Source.Dataset] {
			seen[r.Source.Dataset] = true
			fmt.Fprintf(w, "Source: %s, version %s, sha256 %.12s\n", r.Source.Dataset, r.Source.Version, r.Source.SHA256)
		}
	}
}

const rankLong = `Rank countries by a national indicator in one year, with each country's value,
share of the world and change from the previous year; or, with --cumulative, by
the sum of their values over a span of years (historical responsibility).

Aggregates (World, continents, income groups, EU-27, producers' regions; codes
OWID_*, except Kosovo OWID_KOS and the USSR OWID_USS, which are ranked as
countries) and Global Forest Watch's disputed areas are never ranked. Shares
are percentages of the World row when the producer publishes one (OWID), else
of the sum over all countries and areas (Global Forest Watch); indicators in
percent (electricity.*.share) get no share. Countries with equal values share
a rank.

JSON: {"indicator","year","unit","cumulative","since","world_value","world_basis",
"countries","ranking":[{"rank","entity","name","value","share_of_world",
"change_from_previous_year","change_from_previous_year_pct"}],"source"};
share_of_world and change_from_previous_year_pct are percentages, values are in
"unit".`

const rankExample = `  # the top emitters of CO2 in 2023, with shares of the world
  stocktake rank co2.emissions --year 2023 --top 10
  # historical responsibility: cumulative CO2 since 1850
  stocktake rank co2.emissions --cumulative --since 1850 --year 2023
  # installed solar capacity, all countries, as JSON
  stocktake rank solar.capacity --year 2023 --top 0 --json
  # tree-cover loss from OWID's copy instead of Global Forest Watch's file
  stocktake rank forest.loss@owid --year 2023`

func newRankCmd() *cobra.Command {
	var year, top, since int
	var cumulative bool
	cmd := &cobra.Command{
		Use:     "rank ID [--year Y] [--top N] [--cumulative [--since Y0]]",
		Short:   "Rank countries by a national indicator (value, share of world, change)",
		Long:    rankLong,
		Example: rankExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (present.WithSource[national.Ranking], error) {
				return query.Rank(ctx, st, query.RankRequest{ID: args[0], Year: intFlag(cmd, "year", year), Top: intFlag(cmd, "top", top),
					Cumulative: strconv.FormatBool(cumulative), Since: intFlag(cmd, "since", since)})
			})
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res)
			}
			r, src := res.Result, res.Source
			w := cmd.OutOrStdout()
			what := fmt.Sprintf("%d", r.Year)
			if r.Cumulative {
				what = fmt.Sprintf("cumulative %d-%d", *r.Since, r.Year)
			}
			fmt.Fprintf(w, "%s (%s), %s: %d countries ranked", indicatorTitle(args[0]), r.Unit, what, r.Countries)
			if r.World != nil {
				basis := "World row"
				if r.WorldBasis == "sum" {
					basis = "sum of all countries and areas"
				}
				fmt.Fprintf(w, "; world %s %s (%s)", fmtNum(*r.World), r.Unit, basis)
			}
			fmt.Fprintln(w)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			if r.Cumulative {
				fmt.Fprintf(tw, "rank\tentity\tname\t%s\tshare of world\t\n", r.Unit)
			} else if r.Unit == "%" {
				// Shares change in percentage points.
				fmt.Fprintf(tw, "rank\tentity\tname\t%s\tshare of world\tvs %d (pp)\t\n", r.Unit, r.Year-1)
			} else {
				fmt.Fprintf(tw, "rank\tentity\tname\t%s\tshare of world\tvs %d\t\n", r.Unit, r.Year-1)
			}
			for _, row := range r.Ranking {
				switch {
				case r.Cumulative:
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t\n", row.Rank, row.Entity, row.Name, fmtNum(row.Value), fmtPct(row.ShareOfWorld, false))
				case r.Unit == "%":
					pp := "-"
					if row.ChangeFromPreviousYear != nil {
						pp = fmt.Sprintf("%+.1f", *row.ChangeFromPreviousYear)
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", row.Rank, row.Entity, row.Name, fmtNum(row.Value), fmtPct(row.ShareOfWorld, false), pp)
				default:
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", row.Rank, row.Entity, row.Name, fmtNum(row.Value), fmtPct(row.ShareOfWorld, false), fmtPct(row.ChangeFromPreviousYearPct, true))
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			sourceLineP(w, src)
			return nil
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "year to rank, or last year summed with --cumulative (default: the latest year in which at least half as many countries have data as in the best-covered year)")
	cmd.Flags().IntVar(&top, "top", 10, "number of countries to show; 0 shows all")
	cmd.Flags().BoolVar(&cumulative, "cumulative", false, "rank sums over --since..--year instead of one year")
	cmd.Flags().IntVar(&since, "since", 0, "first year summed with --cumulative (default: the first year with data)")
	return cmd
}

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
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		minYears, minBelow := rule()
		results, err := ask(cmd, func(ctx context.Context, st query.Store) ([]present.WithSource[national.PeakResult], error) {
			return query.Peaks(ctx, st, query.PeaksRequest{IDs: args, Entities: entities, AsOf: intFlag(cmd, "as-of", asOf),
				MinYears: minYears, MinBelowPct: minBelow})
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
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (present.WithSource[national.GrowthResult], error) {
				return query.Growth(ctx, st, query.GrowthRequest{ID: args[0], Entity: entity, From: intFlag(cmd, "from", from), To: intFlag(cmd, "to", to)})
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
		},
	}
	cmd.Flags().StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code or name (required)")
	cmd.Flags().IntVar(&from, "from", 0, "first year (default: the first year with data)")
	cmd.Flags().IntVar(&to, "to", 0, "last year (default: the latest year with data)")
	return cmd
}

const compareLong = `Put countries side by side: for each indicator, each country's value, its rank among
countries and its share of the world in the same year. The year is --year, or,
per indicator, the latest year in which every country given has a value and at
least half as many countries as in the best-covered year have data (so that a
producer's partial latest year is not used by default).

Default indicators: ` + "co2.emissions, ch4.emissions, electricity.coal, electricity.coal.share, solar.capacity, wind.capacity, wind.generation, hydro.generation, forest.loss" + `.

JSON: {"entities":[...],"indicators":[{"indicator","unit","year","countries",
"entities":[{"entity","name","value","share_of_world","rank",
"change_from_previous_year_pct"}],"source"}]}.`

const compareExample = `  # China and the United States on every national indicator
  stocktake compare CHN USA
  # clean power: solar and wind capacity, hydro generation, with ranks and world shares
  stocktake compare CHN USA --indicators solar.capacity,wind.capacity,hydro.generation
  # a given year, as JSON
  stocktake compare CHN USA IND --indicators co2.emissions --year 2020 --json`

func newCompareCmd() *cobra.Command {
	var indicators []string
	var year int
	cmd := &cobra.Command{
		Use:     "compare ENTITY ENTITY... [--indicators ID,...] [--year Y]",
		Short:   "Compare countries side by side: value, rank and share of world",
		Long:    compareLong,
		Example: compareExample,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (present.Comparison, error) {
				return query.Compare(ctx, st, query.CompareRequest{Entities: args, Indicators: indicators, Year: intFlag(cmd, "year", year)})
			})
			if err != nil {
				return err
			}
			codes, rows := res.Entities, res.Indicators
			if jsonFlag(cmd) {
				return printJSON(cmd, res)
			}
			w := cmd.OutOrStdout()
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprint(tw, "indicator\tunit\tyear\t")
			for _, c := range codes {
				fmt.Fprintf(tw, "%s\t", national.Name(c))
			}
			fmt.Fprintln(tw)
			for _, row := range rows {
				r := row.Result
				fmt.Fprintf(tw, "%s\t%s\t%d\t", r.Indicator, r.Unit, r.Year)
				for _, c := range r.Cells {
					if c.Value == nil {
						fmt.Fprint(tw, "no data\t")
						continue
					}
					extra := []string{}
					if c.Rank != nil {
						extra = append(extra, fmt.Sprintf("#%d/%d", *c.Rank, r.Countries))
					}
					if c.ShareOfWorld != nil {
						extra = append(extra, fmtPct(c.ShareOfWorld, false)+" of world")
					}
					cell := fmtNum(*c.Value)
					if len(extra) > 0 {
						cell += " (" + strings.Join(extra, ", ") + ")"
					}
					fmt.Fprintf(tw, "%s\t", cell)
				}
				fmt.Fprintln(tw)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			printSources(w, rows)
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&indicators, "indicators", nil, "national indicator ids, comma-separated (default: all main ones)")
	cmd.Flags().IntVar(&year, "year", 0, "year to compare (default: the latest year every entity has, per indicator)")
	return cmd
}

const pledgesLong = `Show the registry of climate commitments (China, the United States, the Global
Methane Pledge) with their source documents and, where the stored data can
measure a pledge, the progress so far.

Every measurement says how it measures: "direct" when the data measure what was
pledged, "PROXY" with what the data cannot measure (a net-GHG target measured
with fossil CO2 only says so), or "not measurable" with the reason. Progress
versus a base year is the latest value's change from that year; versus a peak,
the distance below the series' maximum; the rate needed is the constant annual
change that would reach the less demanding end of the target by its year.

JSON: {"rule","pledges":[{"pledge":{...registry fields, "source":{title,publisher,
date,url}},"measurable","measurements":[{"entity","indicator","unit","method",
"coverage","caveat","base_year","base_value","latest_year","latest_value",
"change_pct","cagr_pct","target_value","required_annual_change_pct","peak",
"summary","error","source"}]}]}.`

const pledgesExample = `  # every pledge with its progress
  stocktake pledges
  # China's pledges only (CO2 peak, neutrality, 2035 NDC, methane plan, coal)
  stocktake pledges --entity CHN
  # the United States, as JSON
  stocktake pledges --entity USA --json`

func newPledgesCmd() *cobra.Command {
	var entity string
	cmd := &cobra.Command{
		Use:     "pledges [--entity E]",
		Short:   "Climate commitments with their sources and progress measured from the data",
		Long:    pledgesLong,
		Example: pledgesExample,
		Args:    cobra.NoArgs,
	}
	rule := peakRuleFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		minYears, minBelow := rule()
		report, err := ask(cmd, func(ctx context.Context, st query.Store) (present.PledgeReport, error) {
			return query.Pledges(ctx, st, query.PledgesRequest{Entity: entity, MinYears: minYears, MinBelowPct: minBelow})
		})
		if err != nil {
			return err
		}
		if jsonFlag(cmd) {
			return printJSON(cmd, report)
		}
		w := cmd.OutOrStdout()
		for i, pg := range report.Pledges {
			p := pg.Pledge
			if i > 0 {
				fmt.Fprintln(w)
			}
			who := national.Name(p.Entity)
			if len(p.Participants) > 0 {
				who = "collective (participants include " + strings.Join(p.Participants, ", ")
				if p.ParticipantsComplete != nil && !*p.ParticipantsComplete {
					who += ", ..."
				}
				who += ")"
			}
			fmt.Fprintf(w, "[%s] %s — %s\n", p.ID, p.Title, who)
			fmt.Fprintf(w, "  status: %s; announced %s", p.Status, p.Announced)
			if p.StatusNote != "" {
				fmt.Fprintf(w, "; %s", p.StatusNote)
			}
			fmt.Fprintln(w)
			fmt.Fprintf(w, "  scope: %s\n", p.Scope)
			fmt.Fprintf(w, "  source: %s (%s, %s) %s\n", p.Source.Title, p.Source.Publisher, p.Source.Date, p.Source.URL)
			switch {
			case len(pg.Measurements) == 0:
				fmt.Fprintf(w, "  progress: NOT MEASURABLE from the data: %s\n", p.Unmeasurable)
			default:
				fmt.Fprintf(w, "  progress (%s):\n", pg.Measurable)
				for _, m := range pg.Measurements {
					fmt.Fprintf(w, "    - %s\n", m.Summary)
					if m.Source != nil {
						fmt.Fprintf(w, "      source: %s, version %s, sha256 %.12s\n", m.Source.Dataset, m.Source.Version, m.Source.SHA256)
					}
				}
			}
		}
		return nil
	}
	cmd.Flags().StringVar(&entity, "entity", "", "show only pledges of (or joined by) this ISO 3166 alpha-3 code or name")
	return cmd
}
