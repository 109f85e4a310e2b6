package webhooks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/outbound"
)

// Error classes of a failed attempt.
const (
	// ClassDNS: the host name did not resolve.
	ClassDNS = "dns"
	// ClassConnect: no connection, or it broke before an answer.
	ClassConnect = "connect"
	// ClassTLS: the TLS handshake or the certificate failed.
	ClassTLS = "tls"
	// ClassTimeout: no complete answer within the attempt's timeout.
	ClassTimeout = "timeout"
	// ClassBlocked: the outbound policy refused the address.
	ClassBlocked = "blocked"
	// ClassStatus: the receiver answered, but not with a 2xx.
	ClassStatus = "status"
)

// classify names what went wrong with a request that got no response.
func classify(ctx context.Context, err error) string {
	var (
		dnsErr  *net.DNSError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		netErr  net.Error
	)
	switch {
	case outbound.IsBlocked(err):
		return ClassBlocked
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return ClassTimeout
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.As(err, &recErr), errors.As(err, &alert), errors.As(err, &certErr), errors.As(err, &unknown),
		errors.As(err, &host), errors.As(err, &invalid),
		// net/http's answer when the handshake met a plain HTTP server.
		errors.Is(err, http.ErrSchemeMismatch):
		return ClassTLS
	case errors.As(err, &netErr) && netErr.Timeout():
		return ClassTimeout
	default:
		return ClassConnect
	}
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. Anything else, or a time in the past, is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
