package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/query"
)

func newLineageCmd() *cobra.Command {
	var entity string
	cmd := &cobra.Command{
		Use:   "lineage ID DATE [--entity E] [--json]",
		Short: "Which file a stored value came from: dataset, version, sha256, source and retrieval time",
		Long: `lineage traces one stored value to the dataset version that supplied it: the
producer's version, the file's path or URL, its sha256 and size, when it was
retrieved and ingested, and whether that version is still current. A value
keeps the version that last changed it, so an unchanged value read again from
a newer file still names the file it first came from.

For a gridded series (grid ingest) every day has its own file; 'show' then
names the folder and the number of files, and lineage names the day's file.

With --json: {"indicator", "entity", "date", "value", "unit", "version":
{"id", "dataset", "version", "source", "sha256", "size", "retrieved",
"ingested", "rows", "current"}, "files": [{"path", "sha256", "size"}]}. A
dataset of several files (an Our World in Data CSV with its metadata.json)
has a version sha256 that is the sha256 of its files' sha256 in catalog
order; "files" gives each file's own.`,
		Example: `  stocktake lineage seaice.south 2023-02-21
  stocktake lineage co2.emissions 2023 --entity CHN --json
  stocktake lineage sst.world.oisst 2024-07-24`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ask(cmd, func(ctx context.Context, st query.Store) (query.LineageResult, error) {
				return query.Lineage(ctx, st, query.LineageRequest{ID: args[0], Entity: entity, Date: args[1]})
			})
			if err != nil {
				return err
			}
			ref, se, point, v := res.Ref, res.Series, res.Point, res.Version
			out := res.JSON()
			if jsonFlag(cmd) {
				return printJSON(cmd, out)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "value\t%s on %s: %s %s\n", label(se.Indicator, se.Entity), out.Date, present.FormatValue(point.Value), unitWithBaseline(ref, se.Unit))
			fmt.Fprintf(tw, "dataset\t%s (%s)\n", v.Dataset, ref.Dataset.Title)
			fmt.Fprintf(tw, "version\t%s (stored version %d, current: %s)\n", v.ProducerVersion, v.ID, yesNo(v.Current))
			if len(res.Files) > 1 {
				// A multi-file version's checksum is a hash of the files'
				// hashes: name each file with its own.
				for i, f := range res.Files {
					fmt.Fprintf(tw, "file %d\t%s\n", i+1, f.Path)
					fmt.Fprintf(tw, "  sha256\t%s (%d bytes)\n", f.SHA256, f.Size)
				}
				fmt.Fprintf(tw, "version sha256\t%s (sha256 of the %d files' sha256 in catalog order, not a file's)\n", v.SHA256, len(res.Files))
			} else {
				fmt.Fprintf(tw, "file\t%s\n", v.Source)
				fmt.Fprintf(tw, "sha256\t%s (%d bytes)\n", v.SHA256, v.Size)
			}
			fmt.Fprintf(tw, "retrieved\t%s\n", v.Retrieved.UTC().Format("2006-01-02 15:04:05 UTC"))
			fmt.Fprintf(tw, "ingested\t%s\n", v.Ingested.UTC().Format("2006-01-02 15:04:05 UTC"))
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code or country name, for national indicators")
	return cmd
}
