package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/connlimit"
)

// headerTimeout bounds reading a request's headers (never longer than
// HTTP_READ_TIMEOUT, which bounds the whole request).
const headerTimeout = 10 * time.Second

// idleTimeout closes keep-alive connections unused this long; they count
// against HTTP_MAX_CONNECTIONS meanwhile.
const idleTimeout = 120 * time.Second

// newHTTPServer listens on the configured address and builds the server
// that serves handler there: the whole-request read timeout, the write
// timeout and the connection cap of cfg (see docs/server.md). The open-file
// limit is raised first, and the cap must fit in it.
//
// ReadTimeout is Go's: it runs from the first byte of a request to the end
// of its body, and the server lifts it once the body is read, so it never
// cuts a handler that works longer.
func newHTTPServer(handler http.Handler, addr string, cfg hookflow.HTTPConfig, logger *slog.Logger) (*http.Server, net.Listener, error) {
	maxConns, err := connectionCap(cfg.MaxConnections, logger)
	if err != nil {
		return nil, nil, err
	}
	inner, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	listener := connlimit.New(inner, connlimit.Config{Max: maxConns})
	srv := &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: min(headerTimeout, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       idleTimeout,
		ConnContext:       listener.ConnContext,
	}
	logger.Info("http limits", "read_timeout", cfg.ReadTimeout, "write_timeout", cfg.WriteTimeout,
		"max_connections", maxConns)
	return srv, listener, nil
}

// connectionCap is HTTP_MAX_CONNECTIONS checked against the open-file
// limit, raised to its hard limit first. Unset, the default is lowered to
// fit (with a warning); set beyond what fits, it is an error, since the
// server could not keep its promise to health checks.
func connectionCap(configured int, logger *slog.Logger) (int, error) {
	limit, err := connlimit.RaiseOpenFileLimit()
	if err != nil {
		logger.Warn("cannot read the open-file limit; HTTP_MAX_CONNECTIONS is not checked against it", "error", err)
	}
	fits := connlimit.MaxWithin(limit, connlimit.DefaultReserve)
	switch {
	case configured > fits:
		return 0, fmt.Errorf("HTTP_MAX_CONNECTIONS=%d does not fit the open-file limit of %d: at most %d do "+
			"(the rest is kept for health checks, the database and outgoing requests); raise the limit (ulimit -n) or lower HTTP_MAX_CONNECTIONS",
			configured, limit, fits)
	case configured > 0:
		return configured, nil
	case fits < 1:
		return 0, fmt.Errorf("the open-file limit of %d leaves no room for connections; raise it (ulimit -n)", limit)
	case fits < hookflow.DefaultMaxConnections:
		logger.Warn("HTTP_MAX_CONNECTIONS lowered to fit the open-file limit", "max_connections", fits, "open_file_limit", limit)
		return fits, nil
	}
	return hookflow.DefaultMaxConnections, nil
}
