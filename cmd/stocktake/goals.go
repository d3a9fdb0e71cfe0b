package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/query"
)

// This file wires the Global Stocktake goals question (internal/query) to
// the command line.

func init() { register(newGoalsCmd) }

const goalsLong = `Is the world on track for the goals of the first Global Stocktake (decision
1/CMA.5, COP28) and the Global Methane Pledge? For each goal of the registry
(internal/goals/goals.yaml): the decision paragraph, the baseline, the target,
the required path (linear, or compound for a multiple), the actual values, the
gap in the latest year, the step needed from now on, when the trend of the last
5 years reaches the target ("never at this rate" when it moves away), and the
part China, the United States, the EU and India take in the change since the
baseline (--entity replaces them by one entity).

Without GOAL every goal is listed; with GOAL the path is printed year by year.
Every goal names its measure's coverage (direct or proxy) and the dataset, version
and sha256 of the data. JSON: {"entity","goals":[...]} without GOAL, one goal
object {"goal","unit","baseline","path","actual","latest","gap","on_track",
"reach","contributions","sources",...} with it.`

const goalsExample = `  # every goal: on track or not, and when the trend gets there
  stocktake goals
  # tripling renewables: the required path and the actual line, year by year
  stocktake goals triple-renewables
  # China's part in each goal
  stocktake goals --entity CHN
  # the methane pledge as of 2022, as JSON
  stocktake goals global-methane-pledge --as-of 2022 --json`

func newGoalsCmd() *cobra.Command {
	var entity string
	var asOf int
	cmd := &cobra.Command{
		Use:     "goals [GOAL] [--entity E] [--as-of Y]",
		Short:   "Global Stocktake goals (COP28): required path, actual values, gap and contributions",
		Long:    goalsLong,
		Example: goalsExample,
		Args:    cobra.MaximumNArgs(1),
	}
	lang := langFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req := query.GoalsRequest{Entity: entity, AsOf: intFlag(cmd, "as-of", asOf), Lang: lang()}
		if len(args) == 1 {
			req.ID = args[0]
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.GoalProgress, error) {
				return query.Goal(ctx, st, req)
			})
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res)
			}
			return printGoal(cmd.OutOrStdout(), res, true)
		}
		res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.GoalsReport, error) {
			return query.Goals(ctx, st, req)
		})
		if err != nil {
			return err
		}
		if jsonFlag(cmd) {
			return printJSON(cmd, res)
		}
		for i, g := range res.Goals {
			if i > 0 {
				fmt.Fprintln(cmd.OutOrStdout())
			}
			if err := printGoal(cmd.OutOrStdout(), g, false); err != nil {
				return err
			}
		}
		return nil
	}
	cmd.Flags().StringVar(&entity, "entity", "", "report this entity's contribution (ISO3, name, or EU) instead of CHN, USA, EU, IND")
	cmd.Flags().IntVar(&asOf, "as-of", 0, "use only data up to this year")
	return cmd
}

// printGoal writes one goal's assessment; withPath adds the path year by
// year.
func printGoal(w io.Writer, g query.GoalProgress, withPath bool) error {
	a := g.Assessment
	fmt.Fprintf(w, "%s (%s, %s %s)\n", a.Goal.Title, a.Goal.ID, a.Goal.Decision, a.Goal.Paragraph)
	if g.Error != "" {
		fmt.Fprintf(w, "  Not assessed: %s\n", g.Error)
		return nil
	}
	fmt.Fprintf(w, "  Measure: %v (%s), %s\n", a.Goal.Indicators, a.Unit, a.Goal.Coverage)
	fmt.Fprintf(w, "  Baseline %d: %s %s (%s)\n", a.Baseline.Year, fmtNum(a.Baseline.Value), a.Unit, a.BaselineNote)
	if a.Path != nil {
		fmt.Fprintf(w, "  Target %d: %s %s, %s path\n", a.Path.TargetYear, fmtNum(a.Path.Target), a.Unit, a.Path.Kind)
	}
	fmt.Fprintf(w, "  Latest %d: %s %s", a.Latest.Year, fmtNum(a.Latest.Value), a.Unit)
	if a.RequiredAtLatest != nil && a.Gap != nil {
		fmt.Fprintf(w, ", path %s, gap %s (%s)", fmtNum(*a.RequiredAtLatest), fmtNum(*a.Gap), fmtPct(a.GapPct, true))
	}
	if a.OnTrack != nil {
		if *a.OnTrack {
			fmt.Fprint(w, ": on track")
		} else {
			fmt.Fprint(w, ": off track")
		}
	}
	fmt.Fprintln(w)
	switch {
	case a.Reach == nil:
		fmt.Fprintf(w, "  Direction: %s\n", a.Direction)
	case a.Reach.Status == "met":
		fmt.Fprintln(w, "  Target already met")
	case a.Reach.Status == "year":
		fmt.Fprintf(w, "  At the trend of %d-%d the target is reached in %d\n", a.Trend.FitFirst, a.Trend.FitLast, a.Reach.Year)
	default:
		fmt.Fprintf(w, "  At the trend of %d-%d: never at this rate\n", a.Trend.FitFirst, a.Trend.FitLast)
	}
	if withPath && a.Path != nil {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  year\tactual (%s)\trequired\t\n", a.Unit)
		actual := map[int]float64{}
		for _, v := range a.Actual {
			actual[v.Year] = v.Value
		}
		for _, r := range g.RequiredPath {
			act := "-"
			if v, ok := actual[r.Year]; ok {
				act = fmtNum(v)
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t\n", r.Year, act, fmtNum(r.Value))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  entity\tbase\tlatest\tchange\tshare of world change\t")
	for _, c := range a.Contributions {
		if c.Error != "" {
			fmt.Fprintf(tw, "  %s\t%s\t\t\t\t\n", c.Name, c.Error)
			continue
		}
		opt := func(p *float64) string {
			if p == nil {
				return "-"
			}
			return fmtNum(*p)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t\n", c.Name, opt(c.Base), opt(c.Latest), opt(c.Change), fmtPct(c.SharePct, false))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if a.Goal.Caveat != "" {
		fmt.Fprintf(w, "  Caveat: %s\n", a.Goal.Caveat)
	}
	fmt.Fprintf(w, "  Goal source: %s, %s (%s)\n", a.Goal.Source.Title, a.Goal.Source.Publisher, a.Goal.Source.URL)
	for _, s := range g.Sources {
		fmt.Fprintf(w, "  %s: ", s.Indicator)
		sourceLineP(w, s.Source)
	}
	return nil
}
