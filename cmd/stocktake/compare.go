package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
)

// This file wires the compare and pledges questions (internal/query) to the
// command line.

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
	}
	lang := langFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		res, err := ask(cmd, func(ctx context.Context, st query.Store) (present.Comparison, error) {
			return query.Compare(ctx, st, query.CompareRequest{Entities: args, Indicators: indicators, Year: intFlag(cmd, "year", year), Lang: lang()})
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
	lang := langFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		minYears, minBelow := rule()
		report, err := ask(cmd, func(ctx context.Context, st query.Store) (present.PledgeReport, error) {
			return query.Pledges(ctx, st, query.PledgesRequest{Entity: entity, MinYears: minYears, MinBelowPct: minBelow, Lang: lang()})
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
