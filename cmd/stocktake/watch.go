package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/watch"
)

func newWatchCmd() *cobra.Command {
	var source sourceFlags
	var addr string
	var only []string
	var every time.Duration
	var pl pictureLimits
	cmd := &cobra.Command{
		Use:   "watch [--every 6h] [--addr 127.0.0.1:8080] [--from DIR] [--only ID,...]",
		Short: "Keep the data fresh on a schedule, serve HTTP and deliver record alerts",
		Long: `watch runs 'update' at once and then every --every (spread by ±10% jitter), from
the producers' URLs or, with --from DIR, from a local mirror. After each new
version of a dataset it detects record events (see docs/alerts.md) and sends
them to the registered webhooks. Meanwhile it serves HTTP on --addr: the Atom
feed /feed.xml and /api/events (and whatever else the build mounts).

A producer that fails is recorded in the store (last failure and error, see
'stocktake list --datasets') and never blocks the others; its last good data
stay stored and served. Stop with Ctrl-C.`,
		Example: `  stocktake watch --every 6h
  stocktake watch --every 1h --addr 0.0.0.0:8080 --only seaice.south,sst.world`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if every < time.Minute {
				return usagef("--every %s: want at least 1m", every)
			}
			datasets, err := ingest.Select(only)
			if err != nil {
				return usageError{err}
			}
			opts := ingest.Options{Logger: slog.Default()}
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
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()

			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("--addr %s: %w", addr, err)
			}
			handler := httpHandler(st, pl)
			defer handler.Close()
			srv := api.HTTPServer(handler, slog.Default())
			srvErr := make(chan error, 1)
			go func() { srvErr <- srv.Serve(ln) }()
			fmt.Fprintf(cmd.ErrOrStderr(), "stocktake watch: serving http://%s, updating every %s, database %s\n", ln.Addr(), every, st.Path())

			d := alerts.NewDeliverer(st, alerts.DelivererOptions{Logger: slog.Default(), AllowPrivateTargets: source.allowPrivate})
			delDone := make(chan struct{})
			go func() { _ = d.Run(ctx); close(delDone) }()

			watchErr := make(chan error, 1)
			go func() {
				watchErr <- watch.Run(ctx, st, watch.Options{
					Datasets: datasets, Ingest: opts, Every: every, Deliverer: d, Logger: slog.Default(),
					OnCycle: func(outs []ingest.Outcome, err error) {
						if err != nil {
							slog.Error("update cycle failed", "err", err)
						}
						for _, o := range outs {
							if o.Status == ingest.Failed {
								slog.Warn("update failed; last good data kept", "dataset", o.Dataset, "err", o.Error)
							} else if o.Error != "" {
								slog.Warn("update", "dataset", o.Dataset, "status", o.Status, "note", o.Error)
							}
						}
					},
				})
			}()
			var runErr error
			watchDone := false
			select {
			case runErr = <-srvErr:
			case runErr = <-watchErr:
				watchDone = true
			case <-ctx.Done():
			}
			cancel()
			shutCtx, done := context.WithTimeout(context.Background(), 5*time.Second)
			defer done()
			_ = srv.Shutdown(shutCtx)
			// Stop cleanly: the update loop and the deliverer end before the
			// deferred st.Close, so no ingest is cut off by a closed store.
			if !watchDone {
				if err := <-watchErr; runErr == nil {
					runErr = err
				}
			}
			<-delDone
			if runErr != nil && !errors.Is(runErr, context.Canceled) && !errors.Is(runErr, http.ErrServerClosed) {
				return runErr
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&every, "every", 6*time.Hour, "interval between updates (±10% jitter)")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "HTTP listen address")
	pictureFlags(cmd, &pl)
	source.add(cmd)
	cmd.Flags().StringSliceVar(&only, "only", nil, "watch only these datasets or indicators (comma-separated)")
	return cmd
}
