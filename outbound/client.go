package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ErrTooManyRedirects is returned by a client that met more redirects than
// it may follow.
var ErrTooManyRedirects = errors.New("too many redirects")

// NewTransport returns a transport whose every connection is checked by g.
// Proxies are never used (see the package documentation).
func NewTransport(g *Guard) *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: g.Control}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// NewClient returns a client enforcing p. It follows at most maxRedirects
// redirects, each hop checked like the first request; with maxRedirects 0
// a redirect response is returned as it is (webhook deliveries count a 3xx
// as a failed attempt). The client has no overall timeout: callers bound
// each request with its context.
func NewClient(p Policy, maxRedirects int) *http.Client {
	return &http.Client{Transport: NewTransport(NewGuard(p)), CheckRedirect: redirectPolicy(maxRedirects)}
}

// redirectPolicy stops after max redirects. via holds the requests already
// made, so when the next hop would be redirect number max+1, len(via) is
// max+1.
func redirectPolicy(max int) func(*http.Request, []*http.Request) error {
	return func(_ *http.Request, via []*http.Request) error {
		if max <= 0 {
			return http.ErrUseLastResponse
		}
		if len(via) > max {
			return fmt.Errorf("%w (stopped after %d)", ErrTooManyRedirects, max)
		}
		return nil
	}
}
