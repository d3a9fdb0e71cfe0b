package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/buildinfo"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/web"
)

// shutdownGrace is how long serve waits for requests in flight after
// SIGINT or SIGTERM before closing their connections.
const shutdownGrace = 10 * time.Second

// serveMemoryLimit is the soft Go heap limit of serve, in bytes, unless
// $GOMEMLIMIT sets another.
const serveMemoryLimit = 64 << 20

// stocktakeVersion is the program version reported by the API (/healthz, /metrics,
// the OpenAPI document).
var stocktakeVersion = buildinfo.Read().Version

// httpHandler is what serve and watch answer HTTP with: the JSON API, the
// alerts feed and events, and the dashboard at "/".
// The caller closes it (removing its folder of large cached bodies).
func httpHandler(st *store.Store) *api.Server {
	return api.NewServer(st, api.Options{Logger: slog.Default(), Version: stocktakeVersion, UI: web.Handler()})
}

func newServeCmd() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Serve the HTTP API (and the dashboard) from the database",
		Long: `serve answers HTTP requests from the database: the JSON API under /api/
(documented by the OpenAPI 3.1 document at /api/openapi.json), chart downloads
(PNG, SVG, CSV) under /api/chart/, /healthz and Prometheus metrics at /metrics.

It prints the address it listens on and serves until interrupted (SIGINT or
SIGTERM), then stops accepting connections and lets requests in flight finish
(up to 10 seconds). Data ingested by 'stocktake update' while it runs are
noticed within a second. Request logs go to stderr at --log-level info.`,
		Example: `  stocktake serve
  stocktake serve --addr 0.0.0.0:8080 --log-level info
  curl -s 'http://127.0.0.1:8080/api/series/seaice.south?from=2023-02-17&to=2023-02-23'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if os.Getenv("GOMEMLIMIT") == "" {
				// A soft heap limit keeps a long-running server small: the
				// response cache is bounded anyway, and garbage is collected
				// harder rather than letting the heap double (GOGC) first.
				debug.SetMemoryLimit(serveMemoryLimit)
			}
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			h := httpHandler(st)
			defer h.Close()
			arc, err := serveArchive(cmd)
			if err != nil {
				return err
			}
			if arc != nil {
				defer arc.Close()
				h.SetStations(arc)
			}
			srv := api.HTTPServer(h, slog.Default())
			fmt.Fprintf(cmd.OutOrStdout(), "stocktake: serving %s on http://%s/ (API: http://%s/api/openapi.json)\n", st.Path(), ln.Addr(), ln.Addr())
			ctx := cmd.Context()
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			select {
			case err := <-done:
				return fmt.Errorf("serve: %w", err)
			case <-ctx.Done():
			}
			slog.Info("shutting down", "grace", shutdownGrace)
			sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				srv.Close()
				return fmt.Errorf("serve: shutdown: %w", err)
			}
			if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port)")
	archiveFlag(cmd)
	return cmd
}
