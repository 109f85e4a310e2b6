package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/envconfig"
)

// defaultGCPercent is used when GOGC is not set. hookflow's live heap is
// small (compiled plans, connection buffers) while every request allocates
// its payload, so with Go's default of 100 the collector runs constantly;
// 400 cut CPU per webhook call by about a quarter in BenchmarkTriggerOrderWebhook
// for a few tens of megabytes of extra heap.
const defaultGCPercent = 400

// serve runs the server until ctx ends (SIGINT, SIGTERM), then shuts it
// down in order. stopSignals restores the default signal handling once
// shutdown begins, so a second signal stops the process at once.
func serve(ctx context.Context, stopSignals func()) error {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	cfg, err := envconfig.Read(os.Getenv)
	if err != nil {
		return err
	}
	srv, err := hookflow.New(ctx, cfg)
	if err != nil {
		return err
	}
	if srv.GeneratedAdminToken != "" {
		fmt.Fprintf(os.Stderr, "\n  Admin token (shown once, store it now; set ADMIN_TOKEN to choose your own):\n\n    %s\n\n",
			srv.GeneratedAdminToken)
	}
	httpServer, listener, err := newHTTPServer(srv, srv.Addr(), cfg.HTTPServer(), cfg.Logger)
	if err != nil {
		_ = srv.Close()
		return err
	}
	if addr := os.Getenv("PPROF_ADDR"); addr != "" {
		servePprof(addr, cfg.Logger)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(listener) }()
	// The listener is bound: connections made from now on are served.
	cfg.Logger.Info("hookflow listening", "addr", listener.Addr().String())

	select {
	case err := <-serveErr:
		_ = srv.Close()
		return err
	case <-ctx.Done():
	}
	stopSignals()
	cfg.Logger.Info("shutting down")
	// The queue takes no new runs from now on; runs in progress finish
	// while requests drain, and Close waits for what is left of their time.
	srv.BeginShutdown()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), srv.DrainTimeout())
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		cfg.Logger.Error("http shutdown", "error", err)
	}
	return srv.Close()
}

// servePprof serves Go's profiler on its own listener (PPROF_ADDR, e.g.
// 127.0.0.1:6060), never on the API's port; it is off unless asked for.
func servePprof(addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/heap", pprof.Index)
	go func() {
		logger.Info("profiler listening", "addr", addr)
		if err := http.ListenAndServe(addr, mux); err != nil {
			logger.Error("profiler stopped", "error", err)
		}
	}()
}
