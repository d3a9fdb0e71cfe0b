package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
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
"ingested", "rows", "current"}}.`,
		Example: `  stocktake lineage seaice.south 2023-02-21
  stocktake lineage co2.emissions 2023 --entity CHN --json
  stocktake lineage sst.world.oisst 2024-07-24`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			date, err := obs.ParseDate(args[1])
			if err != nil {
				return usagef("DATE: %v", err)
			}
			ref, se, _, err := loadSeries(cmd, args[0], entity)
			if err != nil {
				return err
			}
			date = present.PeriodStart(date, se.Frequency)
			var point *obs.Point
			for i := range se.Points {
				if se.Points[i].Date == date {
					point = &se.Points[i]
				}
			}
			if point == nil && len(se.Points) == 0 {
				return fmt.Errorf("%s has no stored values", label(se.Indicator, se.Entity))
			}
			if point == nil {
				return fmt.Errorf("%s has no stored value on %s (coverage %s to %s)", label(se.Indicator, se.Entity),
					date.Format(se.Frequency), se.Points[0].Date.Format(se.Frequency), se.Points[len(se.Points)-1].Date.Format(se.Frequency))
			}
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			v, err := st.Lineage(cmd.Context(), ref.Dataset.ID, se.Indicator, se.Entity, date)
			if err != nil {
				return err
			}
			out := present.NewValueLineage(se, *point, v)
			if jsonFlag(cmd) {
				return printJSON(cmd, out)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "value\t%s on %s: %s %s\n", label(se.Indicator, se.Entity), out.Date, present.FormatValue(point.Value), unitWithBaseline(ref, se.Unit))
			fmt.Fprintf(tw, "dataset\t%s (%s)\n", v.Dataset, ref.Dataset.Title)
			fmt.Fprintf(tw, "version\t%s (stored version %d, current: %s)\n", v.ProducerVersion, v.ID, yesNo(v.Current))
			fmt.Fprintf(tw, "file\t%s\n", v.Source)
			fmt.Fprintf(tw, "sha256\t%s (%d bytes)\n", v.SHA256, v.Size)
			fmt.Fprintf(tw, "retrieved\t%s\n", v.Retrieved.UTC().Format("2006-01-02 15:04:05 UTC"))
			fmt.Fprintf(tw, "ingested\t%s\n", v.Ingested.UTC().Format("2006-01-02 15:04:05 UTC"))
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&entity, "entity", "", "ISO 3166 alpha-3 code or country name, for national indicators")
	return cmd
}
