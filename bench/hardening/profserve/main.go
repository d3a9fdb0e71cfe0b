// Command profserve serves the stocktake API like `stocktake serve` (same
// handler, same http.Server limits from api.HTTPServer) and, on a second
// loopback address, net/http/pprof, so that the chart-load test can take a
// CPU profile of the server while charts are hammered:
//
//	profserve -db st.db -addr 127.0.0.1:8080 -pprof 127.0.0.1:6060 &
//	go tool pprof -seconds 8 http://127.0.0.1:6060/debug/pprof/profile
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/store"
)

func main() {
	db := flag.String("db", os.Getenv("STOCKTAKE_DB"), "database file")
	addr := flag.String("addr", "127.0.0.1:8080", "address of the API")
	pprofAddr := flag.String("pprof", "127.0.0.1:6060", "address of net/http/pprof")
	chartRate := flag.Float64("chart-rate", 0, "api.Options.ChartRate: pictures per second per client (0 default, <0 no limit)")
	chartBurst := flag.Int("chart-burst", 0, "api.Options.ChartBurst (0 default)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profserve:", err)
		os.Exit(1)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := api.NewServer(st, api.Options{Logger: log, Version: "profserve", ChartRate: *chartRate, ChartBurst: *chartBurst})
	defer h.Close()
	go func() {
		if err := http.ListenAndServe(*pprofAddr, nil); err != nil {
			fmt.Fprintln(os.Stderr, "profserve: pprof:", err)
		}
	}()
	srv := api.HTTPServer(h, log)
	srv.Addr = *addr
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "profserve:", err)
		os.Exit(1)
	}
}
