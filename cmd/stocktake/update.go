package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/ingest"
)

func newUpdateCmd() *cobra.Command {
	var from string
	var only []string
	var timeout time.Duration
	var retries int
	cmd := &cobra.Command{
		Use:   "update [--from DIR] [--only ID,...]",
		Short: "Fetch the producers' files and ingest them",
		Long: `update downloads each dataset's files from the producer (conditional requests,
retries with backoff, a size limit) or, with --from DIR, reads them from a local
mirror laid out like ../shared/data. Each dataset is stored in one transaction:
a file that fails to download or parse leaves what was stored before intact.
Identical bytes are not stored twice; changed bytes become a new version and the
older versions stay in the history ('stocktake list --datasets').

A dataset whose file is missing from the mirror is skipped (reported), unless
it was named with --only, in which case it fails.`,
		Example: `  stocktake update --from ../shared/data
  stocktake update --only seaice.south,sst.world
  stocktake update --only seaice.north@4.0 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			datasets, err := ingest.Select(only)
			if err != nil {
				return usageError{err}
			}
			explicit := map[string]bool{}
			for _, d := range datasets {
				explicit[d.ID] = len(only) > 0
			}
			opts := ingest.Options{Explicit: explicit, Logger: slog.Default()}
			if from != "" {
				abs, err := filepath.Abs(from)
				if err != nil {
					return err
				}
				if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
					return usagef("--from %s: not a folder", from)
				}
				opts.Mirror = abs
			} else {
				opts.Fetcher = fetch.New(fetch.Options{Timeout: timeout, Retries: retries, Logger: slog.Default()})
			}
			st, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			// Record events (new records, retractions) are detected after every
			// dataset that changed, and queued for webhooks.
			opts.AfterIngest = alerts.Hook(st, nil)
			var bar *progressbar.ProgressBar
			if !jsonFlag(cmd) && isTerminal(cmd.OutOrStdout()) && isTerminal(cmd.ErrOrStderr()) {
				bar = progressbar.NewOptions(len(datasets), progressbar.OptionSetWriter(cmd.ErrOrStderr()),
					progressbar.OptionSetDescription("updating"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
				opts.OnDone = func(o ingest.Outcome) { bar.Describe(o.Dataset); _ = bar.Add(1) }
			}
			outcomes, runErr := ingest.Run(cmd.Context(), st, datasets, opts)
			if bar != nil {
				_ = bar.Finish()
			}
			failed := 0
			for _, o := range outcomes {
				if o.Status == ingest.Failed {
					failed++
				}
			}
			if jsonFlag(cmd) {
				if err := printJSON(cmd, map[string]any{"db": st.Path(), "outcomes": outcomes}); err != nil {
					return err
				}
			} else {
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "DATASET\tSTATUS\tROWS\tSHA256\tNOTE")
				for _, o := range outcomes {
					sum := o.SHA256
					if len(sum) > 12 {
						sum = sum[:12]
					}
					fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", o.Dataset, o.Status, o.Rows, sum, firstLine(o.Error))
				}
				w.Flush()
				fmt.Fprintf(cmd.OutOrStdout(), "database: %s\n", st.Path())
			}
			if runErr != nil {
				return runErr
			}
			if failed > 0 {
				var msgs []string
				for _, o := range outcomes {
					if o.Status == ingest.Failed {
						msgs = append(msgs, o.Error)
					}
				}
				return fmt.Errorf("%d dataset(s) failed; stored data kept as before:\n  %s", failed, strings.Join(msgs, "\n  "))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "read files from this local mirror folder instead of downloading")
	cmd.Flags().StringSliceVar(&only, "only", nil, "update only these datasets or indicators (comma-separated; id@version allowed)")
	cmd.Flags().DurationVar(&timeout, "timeout", 60*time.Second, "timeout of one download attempt")
	cmd.Flags().IntVar(&retries, "retries", 3, "extra attempts after a failed download")
	return cmd
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
