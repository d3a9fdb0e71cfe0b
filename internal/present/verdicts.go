package present

import (
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/analysis"
)

// This file writes the precision and uncertainty rules of docs/records.md
// for people, for the command line's text output: values at the resolution
// they were compared at, and the verdict of a comparison in words.

// ValueAt writes v at resolution res (analysis.Format), or as stored
// when no resolution is known.
func ValueAt(v, res float64) string {
	if res > 0 {
		return analysis.Format(v, res)
	}
	return FormatValue(v)
}

// ResolutionOf is the resolution of a comparison (0 when there is none).
func ResolutionOf(c *analysis.Comparison) float64 {
	if c == nil {
		return 0
	}
	return c.Resolution
}

// VerdictText words a comparison against the previous record prevLabel:
// "" for a plain record or no comparison, "tie at the published precision
// (0.01): ..." for a tie, "not statistically distinguishable from 2022
// (48.80 ± 2.53 vs 46.77 ± 2.53, combined ± 3.58, 95%; probability it truly beats it 0.71)"
// for a record inside the combined uncertainty.
func VerdictText(c *analysis.Comparison, prevLabel string) string {
	if c == nil {
		return ""
	}
	res := c.Resolution
	switch c.Verdict {
	case analysis.VerdictTie:
		if res > 0 {
			return fmt.Sprintf("tie at the published precision (%s) with %s: %s = %s", analysis.Format(res, res), prevLabel,
				analysis.Format(c.Value, res), analysis.Format(c.Previous, res))
		}
		return "tie with " + prevLabel
	case analysis.VerdictIndistinguishable:
		s := "not statistically distinguishable from " + prevLabel
		if c.Uncertainty95 != nil && c.PreviousUncertainty95 != nil && c.Combined95 != nil {
			s += fmt.Sprintf(" (%s ± %s vs %s ± %s, combined ± %s, 95%%", analysis.Format(c.Value, res), analysis.Format(*c.Uncertainty95, res),
				analysis.Format(c.Previous, res), analysis.Format(*c.PreviousUncertainty95, res), analysis.Format(*c.Combined95, res))
			if c.Probability != nil {
				s += fmt.Sprintf("; probability it truly beats it %.2f", *c.Probability)
			}
			s += ")"
		}
		return s
	}
	return ""
}

// RecordWord writes whether a result is a record, with the verdict: "yes",
// "yes, not statistically distinguishable from ...", "no (tie at the
// published precision ...)", "no".
func RecordWord(record bool, c *analysis.Comparison, prevLabel string) string {
	v := VerdictText(c, prevLabel)
	switch {
	case record && v != "":
		return "yes, " + v
	case record:
		return "yes"
	case c != nil && c.Verdict == analysis.VerdictTie:
		return "no (" + v + ")"
	}
	return "no"
}

// YearsText writes a list of years ("2016, 2020"), or "none".
func YearsText(ys []int) string {
	if len(ys) == 0 {
		return "none"
	}
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
}
