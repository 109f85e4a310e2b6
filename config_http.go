package hookflow

import (
	"fmt"
	"time"
)

// Defaults of the HTTP server (docs/server.md).
const (
	// DefaultHTTPReadTimeout bounds reading one whole request.
	DefaultHTTPReadTimeout = 60 * time.Second
	// DefaultMaxConnections caps open connections, lowered when the
	// open-file limit cannot hold them.
	DefaultMaxConnections = 10000
	// answerMargin is what the default write timeout leaves for writing an
	// answer after the longest body read and the longest synchronous run.
	answerMargin = 10 * time.Second
)

// HTTPConfig is how cmd/hookflow serves HTTP; programs that embed
// hookflow serve its handler themselves.
type HTTPConfig struct {
	// ReadTimeout bounds reading a whole request, headers and body
	// (HTTP_READ_TIMEOUT, 60s). Once the body is read it no longer
	// applies (Go's server lifts it), so it never cuts a run short.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end
	// of its answer (HTTP_WRITE_TIMEOUT). It must exceed SyncTimeout; the
	// default, ReadTimeout + SyncTimeout + 10s, holds the slowest body the
	// read timeout lets through, then the longest synchronous run, then
	// the answer.
	WriteTimeout time.Duration
	// MaxConnections caps open connections (HTTP_MAX_CONNECTIONS). Zero is
	// DefaultMaxConnections, lowered to what the open-file limit holds; a
	// value set that the limit cannot hold stops the server at start.
	MaxConnections int
}

// withDefaults fills unset timeouts; syncTimeout is the server's
// FLOWS_SYNC_TIMEOUT.
func (h HTTPConfig) withDefaults(syncTimeout time.Duration) HTTPConfig {
	if h.ReadTimeout <= 0 {
		h.ReadTimeout = DefaultHTTPReadTimeout
	}
	if h.WriteTimeout <= 0 {
		h.WriteTimeout = h.ReadTimeout + syncTimeout + answerMargin
	}
	return h
}

// HTTPServer is the HTTP configuration with its defaults applied.
func (c Config) HTTPServer() HTTPConfig { return c.withDefaults().HTTP }

// httpFromEnv reads HTTP_READ_TIMEOUT, HTTP_WRITE_TIMEOUT and
// HTTP_MAX_CONNECTIONS; c.SyncTimeout is read already.
func httpFromEnv(getenv func(string) string, c *Config, fail func(string, error)) {
	durationVar(getenv, "HTTP_READ_TIMEOUT", &c.HTTP.ReadTimeout, fail)
	durationVar(getenv, "HTTP_WRITE_TIMEOUT", &c.HTTP.WriteTimeout, fail)
	intVar(getenv, "HTTP_MAX_CONNECTIONS", &c.HTTP.MaxConnections, fail)
	if w := c.HTTP.WriteTimeout; w > 0 {
		if sync := (Config{SyncTimeout: c.SyncTimeout}).withDefaults().SyncTimeout; w <= sync {
			fail("HTTP_WRITE_TIMEOUT", fmt.Errorf("%s must exceed FLOWS_SYNC_TIMEOUT (%s), or synchronous runs could not answer", w, sync))
		}
	}
}
