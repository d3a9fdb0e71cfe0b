package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// listedIndicator is one row of 'stocktake list --json'.
type listedIndicator struct {
	Indicator string        `json:"indicator"`
	Version   string        `json:"version"`
	Default   bool          `json:"default"`
	Title     string        `json:"title"`
	Unit      string        `json:"unit"`
	Frequency obs.Frequency `json:"frequency"`
	National  bool          `json:"national"`
	Baseline  string        `json:"baseline,omitempty"`
	Entities  int           `json:"entities,omitempty"`
	First     *string       `json:"first"`
	Last      *string       `json:"last"`
	Rows      int           `json:"rows"`
	Source    jsonSource    `json:"source"`
	Producer  string        `json:"producer"`
	Licence   string        `json:"licence"`
	Note      string        `json:"note,omitempty"`
}

// jsonSource is the provenance object printed next to every number.
type jsonSource struct {
	Dataset   string     `json:"dataset"`
	Version   string     `json:"version"`
	SHA256    string     `json:"sha256"`
	URL       string     `json:"url"`
	Retrieved *time.Time `json:"retrieved,omitempty"`
}

func sourceJSON(s store.Source) jsonSource {
	out := jsonSource{Dataset: s.Dataset, Version: s.Version, SHA256: s.SHA256, URL: s.URL}
	if !s.Retrieved.IsZero() {
		t := s.Retrieved
		out.Retrieved = &t
	}
	return out
}

func newListCmd() *cobra.Command {
	var datasets, all bool
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
			st, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if datasets {
				return listDatasets(cmd, st)
			}
			cov, err := st.Coverage(cmd.Context())
			if err != nil {
				return err
			}
			byKey := map[[2]string]store.Coverage{}
			for _, c := range cov {
				byKey[[2]string{c.Dataset, c.Indicator}] = c
			}
			var rows []listedIndicator
			add := func(ref catalog.Ref, c store.Coverage, ok bool) error {
				row := listedIndicator{
					Indicator: ref.Indicator.ID, Version: ref.Dataset.Version, Default: ref.Indicator.Default,
					Title: ref.Indicator.Title, Unit: ref.Indicator.Unit, Frequency: ref.Indicator.Frequency,
					National: ref.Indicator.National, Baseline: ref.Indicator.Baseline,
					Producer: ref.Dataset.Producer, Licence: ref.Dataset.Licence, Note: ref.Indicator.Note,
					Source: jsonSource{Dataset: ref.Dataset.ID, Version: ref.Dataset.Version},
				}
				if ok {
					first, last := c.First.Format(c.Frequency), c.Last.Format(c.Frequency)
					row.First, row.Last, row.Rows = &first, &last, c.Rows
					row.Unit, row.Frequency = c.Unit, c.Frequency
					if row.National {
						row.Entities = c.Entities
					}
					v, has, err := st.CurrentVersion(cmd.Context(), c.Dataset)
					if err != nil {
						return err
					}
					if has {
						row.Source.SHA256, row.Source.URL = v.SHA256, v.Source
						t := v.Retrieved
						row.Source.Retrieved = &t
					}
				}
				rows = append(rows, row)
				return nil
			}
			for _, ref := range catalog.Indicators() {
				c, ok := byKey[[2]string{ref.Dataset.ID, ref.Indicator.ID}]
				if ok || all {
					if err := add(ref, c, ok); err != nil {
						return err
					}
				}
			}
			for _, c := range cov {
				if strings.HasPrefix(c.Dataset, "grid:") {
					ref := catalog.Ref{
						Dataset:   catalog.Dataset{ID: c.Dataset, Version: "per file", Producer: "stocktake grid ingest (regional mean of gridded files)", Licence: "as the gridded files"},
						Indicator: catalog.Indicator{ID: c.Indicator, Title: "Regional mean from gridded files", Unit: c.Unit, Frequency: c.Frequency, Default: true},
					}
					if err := add(ref, c, true); err != nil {
						return err
					}
				}
			}
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
				src := r.Source.Dataset + " v" + strings.TrimPrefix(r.Version, "v")
				if r.Source.SHA256 != "" {
					src += " sha256:" + r.Source.SHA256[:12]
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
	return cmd
}

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
