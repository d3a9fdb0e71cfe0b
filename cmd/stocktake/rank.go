package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
)

// This file wires the rank question (internal/query) to the command line.

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
	}
	lang := langFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		res, err := ask(cmd, func(ctx context.Context, st query.Store) (present.WithSource[national.Ranking], error) {
			return query.Rank(ctx, st, query.RankRequest{ID: args[0], Year: intFlag(cmd, "year", year), Top: intFlag(cmd, "top", top),
				Cumulative: strconv.FormatBool(cumulative), Since: intFlag(cmd, "since", since), Lang: lang()})
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
	}
	cmd.Flags().IntVar(&year, "year", 0, "year to rank, or last year summed with --cumulative (default: the latest year in which at least half as many countries have data as in the best-covered year)")
	cmd.Flags().IntVar(&top, "top", 10, "number of countries to show; 0 shows all")
	cmd.Flags().BoolVar(&cumulative, "cumulative", false, "rank sums over --since..--year instead of one year")
	cmd.Flags().IntVar(&since, "since", 0, "first year summed with --cumulative (default: the first year with data)")
	return cmd
}
