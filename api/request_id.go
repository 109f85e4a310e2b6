package api

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
)

// requestIDHeader names a request, in the request (when the caller or a
// proxy names it) and in every answer.
const requestIDHeader = "X-Request-Id"

// maxRequestIDLength bounds a request id taken from the caller: ids are
// logged with every request line, so a caller cannot make them large.
const maxRequestIDLength = 128

// requestIDs names requests: a caller's own X-Request-Id is kept when it
// is short and of plain characters, else a new id is made of a random
// prefix chosen when the server starts and a counter — unique without
// asking the random source on every request.
type requestIDs struct {
	prefix string
	next   atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return &requestIDs{prefix: hex.EncodeToString(b[:]) + "-"}
}

// of is the id of a request that sent sent as its X-Request-Id ("" for
// none).
func (r *requestIDs) of(sent string) string {
	if validRequestID(sent) {
		return sent
	}
	return r.prefix + strconv.FormatUint(r.next.Add(1), 36)
}

// validRequestID accepts 1 to maxRequestIDLength letters, digits and
// -_.:@/+= — what tracing systems and proxies put there (UUIDs, Heroku's
// and AWS's ids, base64), and nothing that could forge a log line.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == ':' || c == '@' || c == '/' || c == '+' || c == '=':
		default:
			return false
		}
	}
	return true
}
