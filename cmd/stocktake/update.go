package main

import (
	"context"
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
	"github.com/stocktake/stocktake/internal/store"
)

// sourceFlags are the flags of update and watch that say where the files
// come from: a local mirror folder (--from) or the producers' URLs, fetched
// with a timeout per attempt (--timeout) and extra attempts (--retries).
type sourceFlags struct {
	from        string
	timeout     time.Duration
	retries     int
	allowShrink bool
	// allowPrivate lifts the outbound address policy (downloads and webhook
	// deliveries may reach loopback, private and link-local addresses).
	allowPrivate bool
}

func (f *sourceFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.from, "from", "", "read files from this local mirror folder instead of downloading")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 60*time.Second, "timeout of one download attempt")
	cmd.Flags().IntVar(&f.retries, "retries", 3, "extra attempts after a failed download")
	cmd.Flags().BoolVar(&f.allowPrivate, "allow-private-targets", false, "let downloads, their redirects and webhook deliveries reach loopback, private and link-local addresses (refused by default; for a lab)")
	cmd.Flags().BoolVar(&f.allowShrink, "allow-shrink", false, "accept a file that loses a series' latest dates or more than 2% of the stored values (refused by default as probably truncated)")
}

// apply sets opts.Mirror to the --from folder (a usage error when it is not
// one) or, without --from, opts.Fetcher to a downloader.
func (f *sourceFlags) apply(opts *ingest.Options) error {
	if f.timeout <= 0 {
		return usagef("--timeout %s: expected a positive duration such as 30s or 2m", f.timeout)
	}
	if f.retries < 0 {
		return usagef("--retries %d: expected 0 or more", f.retries)
	}
	opts.AllowShrink = f.allowShrink
	if f.from == "" {
		opts.Fetcher = fetch.New(fetch.Options{Timeout: f.timeout, Retries: f.retries, Logger: slog.Default(), AllowPrivateTargets: f.allowPrivate})
		return nil
	}
	abs, err := filepath.Abs(f.from)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return usagef("--from %s: not a folder", f.from)
	}
	opts.Mirror = abs
	return nil
}

func newUpdateCmd() *cobra.Command {
	var source sourceFlags
	var only []string
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
it was named with --only, in which case it fails. A file that would delete
stored data (a series losing its latest dates, or more than 2% of the stored
values gone) is refused as probably truncated and nothing changes; accept it
with --allow-shrink when the producer really withdrew data.

WRITTEN counts the values inserted or revised by this update and DELETED the
stored values the new file no longer has: a changed file rewrites only the
values that changed ('stocktake list --datasets' has each version's total
rows). An unchanged file writes nothing.

New record events are detected after each changed dataset ('stocktake events')
and, when webhooks are registered ('stocktake webhook add'), sent once at the
end; a receiver that fails gets the delivery again, with backoff, on the next
update or from 'stocktake watch'. With --json the output is {"db", "outcomes":
[...], "webhooks": {"delivered", "pending", "failed"}} (webhooks only when some
are registered).`,
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
			if err := source.apply(&opts); err != nil {
				return err
			}
			st, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			// The database may hold webhook secrets: owner-only (0600).
			if err := st.RestrictPermissions(); err != nil {
				return err
			}
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
			if runErr == nil {
				// Detection that failed after an earlier ingest (or a
				// database filled without it) is caught up here; datasets
				// already scanned at their current version cost one query.
				if err := alerts.CatchUp(cmd.Context(), st, datasets); err != nil {
					slog.Warn("record-event detection failed; it will be retried on the next update", "err", err)
				}
			}
			hooks, err := deliverWebhooks(cmd.Context(), st, source.allowPrivate)
			if err != nil {
				slog.Warn("webhook deliveries failed; they stay queued for the next update or 'stocktake watch'", "err", err)
			}
			if jsonFlag(cmd) {
				out := map[string]any{"db": st.Path(), "outcomes": outcomes}
				if hooks != nil {
					out["webhooks"] = hooks
				}
				if err := printJSON(cmd, out); err != nil {
					return err
				}
			} else {
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "DATASET\tSTATUS\tWRITTEN\tDELETED\tSHA256\tNOTE")
				for _, o := range outcomes {
					sum := o.SHA256
					if len(sum) > 12 {
						sum = sum[:12]
					}
					fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%s\t%s\n", o.Dataset, o.Status, o.Rows, o.Deleted, sum, firstLine(o.Error))
				}
				w.Flush()
				if hooks != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "webhooks: %d delivered, %d pending (retried by the next update or 'stocktake watch'), %d failed\n",
						hooks.Delivered, hooks.Pending, hooks.Failed)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "database: %s\n", st.Path())
			}
			if runErr != nil {
				return runErr
			}
			var failed []string
			for _, o := range outcomes {
				if o.Status == ingest.Failed {
					failed = append(failed, o.Error)
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d dataset(s) failed; stored data kept as before:\n  %s", len(failed), strings.Join(failed, "\n  "))
			}
			return nil
		},
	}
	source.add(cmd)
	cmd.Flags().StringSliceVar(&only, "only", nil, "update only these datasets or indicators (comma-separated); an indicator id selects its default dataset, id@version another (seaice.south@4.0)")
	return cmd
}

// webhookTally counts an update's webhook deliveries: Delivered in this
// run, and the deliveries still Pending or Failed for good afterwards.
type webhookTally struct {
	Delivered int `json:"delivered"`
	Pending   int `json:"pending"`
	Failed    int `json:"failed"`
}

// deliverWebhooks makes one attempt at every due webhook delivery, the ones
// this update queued included, so that 'update' run from cron notifies as
// 'watch' does. A failed attempt stays queued with its backoff for the next
// update or watch. It returns nil when no webhook is registered.
func deliverWebhooks(ctx context.Context, st *store.Store, allowPrivate bool) (*webhookTally, error) {
	hooks, err := alerts.Webhooks(ctx, st)
	if err != nil || len(hooks) == 0 {
		return nil, err
	}
	var t webhookTally
	t.Delivered, err = alerts.NewDeliverer(st, alerts.DelivererOptions{Logger: slog.Default(), AllowPrivateTargets: allowPrivate}).DeliverDue(ctx)
	if err != nil {
		return &t, err
	}
	dels, err := alerts.Deliveries(ctx, st, 0)
	if err != nil {
		return &t, err
	}
	for _, d := range dels {
		switch d.State {
		case "pending":
			t.Pending++
		case "failed":
			t.Failed++
		}
	}
	return &t, nil
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
