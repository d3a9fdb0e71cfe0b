// Command apiserver serves the stocktake API from a database, like
// `stocktake serve`, for the benchmark in bench/api/run.sh. It exists so that
// the benchmark runs before (and independently of) the serve command's
// wiring in cmd/stocktake; run.sh prefers `stocktake serve` when it exists.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/store"
)

func main() {
	db := flag.String("db", os.Getenv("STOCKTAKE_DB"), "database file")
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apiserver:", err)
		os.Exit(1)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := api.NewServer(st, api.Options{Logger: log, Version: "bench"})
	defer h.Close()
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	fmt.Printf("apiserver: serving %s on http://%s/\n", *db, *addr)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "apiserver:", err)
		os.Exit(1)
	}
}
