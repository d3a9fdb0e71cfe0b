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
func httpHandler(st *store.Store, pl pictureLimits) *api.Server {
	return api.NewServer(st, api.Options{Logger: slog.Default(), Version: stocktakeVersion, UI: web.Handler(),
		ChartRate: pl.rate, ChartBurst: pl.burst, ChartRateTotal: pl.total})
}

// pictureLimits are the admission limits of PNG and SVG charts
// (internal/api/chartguard.go): per client, a burst then a sustained rate in
// pictures per second; for the whole server, a rate in pictures per second.
// Zero keeps the API's default; a negative rate turns that limit off.
type pictureLimits struct {
	rate  float64
	burst int
	total float64
}

// pictureFlags adds the flags that set pictureLimits to serve and watch.
func pictureFlags(cmd *cobra.Command, pl *pictureLimits) {
	cmd.Flags().Float64Var(&pl.rate, "chart-rate", 0, "PNG/SVG charts per second one client (IPv4 address or IPv6 /64) may fetch after its burst; over it: 429 with Retry-After (0: the default, 2; below 0: no limit)")
	cmd.Flags().IntVar(&pl.burst, "chart-burst", 0, "PNG/SVG charts one client may fetch at once before --chart-rate applies (0: the default, 20)")
	cmd.Flags().Float64Var(&pl.total, "chart-rate-total", 0, "PNG/SVG charts per second for all clients together; over it: 503 with Retry-After (0: the default, 10 per CPU; below 0: no limit)")
}

func newServeCmd() *cobra.Command {
	var addr string
	var pl pictureLimits
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Serve the HTTP API (and the dashboard) from the database",
		Long: `serve answers HTTP requests from the database: the JSON API under /api/
(documented by the OpenAPI 3.1 document at /api/openapi.json), chart downloads
(PNG, SVG, CSV) under /api/chart/, /healthz and Prometheus metrics at /metrics.

It prints the address it listens on and serves until interrupted (SIGINT or
SIGTERM), then stops accepting connections and lets requests in flight finish
(up to 10 seconds). Data ingested by 'stocktake update' while it runs are
noticed within a second. Request logs go to stderr at --log-level info.

PNG and SVG charts are the expensive answers: a client may fetch a burst of
--chart-burst, then --chart-rate per second (429 with Retry-After beyond);
all clients together --chart-rate-total per second (503 with Retry-After).
JSON answers are never queued behind charts. Behind a reverse proxy every
client shares the proxy's address: set the per-client limit at the proxy
and --chart-rate -1 here (docs/security.md).`,
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
			h := httpHandler(st, pl)
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
	pictureFlags(cmd, &pl)
	archiveFlag(cmd)
	return cmd
}
