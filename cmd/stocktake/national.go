package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
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

// langFlag adds --lang and returns a reader of its value for a request's
// Lang field (internal/query checks it: a bad language is a usage error
// naming --lang).
func langFlag(cmd *cobra.Command) func() string {
	l := cmd.Flags().String("lang", "en", "language of titles, country names, notes and texts in the output: en, zh-Hant or zh-Hans (as lang= of the API)")
	return func() string { return *l }
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
