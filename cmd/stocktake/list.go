package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

func newListCmd() *cobra.Command {
	var datasets, all bool
	var lang func() string
	cmd := &cobra.Command{
		Use:   "list [--datasets] [--all]",
		Short: "List indicators with unit, frequency, coverage, source and version",
		Long: `list shows every indicator stored, with its unit, frequency, coverage (first and
last date), number of entities for national indicators, and the dataset, version
and file checksum it comes from. --all also lists catalog indicators not yet
ingested. --datasets lists the dataset versions (provenance history) instead.`,
		Example: `  stocktake list
  stocktake list --all --json
  stocktake list --datasets`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if datasets {
				return listDatasets(cmd, st)
			}
			l, err := query.ParseLang(lang())
			if err != nil {
				return cliErr(err)
			}
			rows, err := query.Indicators(cmd.Context(), st, all)
			if err != nil {
				return err
			}
			rows = query.LocalizeIndicators(l, rows)
			if jsonFlag(cmd) {
				return printJSON(cmd, rows)
			}
			if len(rows) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "nothing stored in %s yet: run 'stocktake update' (or --all to see the catalog)\n", st.Path())
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "INDICATOR\tUNIT\tFREQ\tFIRST\tLAST\tROWS\tSOURCE")
			for _, r := range rows {
				id := r.Indicator
				if !r.Default {
					id += "@" + r.Version
				}
				first, last := "-", "-"
				if r.First != nil {
					first, last = *r.First, *r.Last
				}
				src := r.Source.Dataset + " " + versionLabel(r.Version)
				if r.Source.SHA256 != "" {
					src += " sha256:" + r.Source.SHA256[:min(12, len(r.Source.SHA256))]
				}
				unit := r.Unit
				if r.Baseline != "" {
					unit += " (vs " + r.Baseline + ")"
				}
				rowsText := fmt.Sprint(r.Rows)
				if r.National {
					rowsText += fmt.Sprintf(" (%d entities)", r.Entities)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, unit, r.Frequency, first, last, rowsText, src)
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&datasets, "datasets", false, "list dataset versions (provenance history) instead of indicators")
	cmd.Flags().BoolVar(&all, "all", false, "include catalog indicators that are not ingested yet")
	lang = langFlag(cmd)
	return cmd
}

// listDatasets prints every stored dataset version, newest first, as a table
// or (--json) as store.Version rows.
func listDatasets(cmd *cobra.Command, st *store.Store) error {
	vs, err := st.Versions(cmd.Context(), "")
	if err != nil {
		return err
	}
	if jsonFlag(cmd) {
		if vs == nil {
			vs = []store.Version{}
		}
		return printJSON(cmd, vs)
	}
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "DATASET\tVERSION\tCURRENT\tROWS\tSIZE\tSHA256\tRETRIEVED\tSOURCE")
	for _, v := range vs {
		cur := ""
		if v.Current {
			cur = "yes"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", v.Dataset, v.ProducerVersion, cur, v.Rows, v.Size, v.SHA256[:min(12, len(v.SHA256))], v.Retrieved.Format(time.RFC3339), v.Source)
	}
	return w.Flush()
}

// versionLabel writes a producer version for the list table: "v3.0" for a
// version number, "(monthly release)" for a version that is a description.
func versionLabel(v string) string {
	n := strings.TrimPrefix(v, "v")
	if n != "" && n[0] >= '0' && n[0] <= '9' {
		return "v" + n
	}
	return "(" + v + ")"
}
