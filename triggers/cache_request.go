package triggers

import (
	"net/http"
	"net/url"
	"strings"
)

// cacheKey is the key of a GET webhook's answer: the flow, the caller's
// role, and the query string with every parameter, in canonical order
// (names sorted, a repeated parameter's values in the order sent). No
// access_token is in the query any more (the API removes every one: the
// role stands for a token that authenticated). A query that cannot be
// parsed is not cached (ok is false).
func cacheKey(flowID, role, rawQuery string) (key string, ok bool) {
	q := ""
	if rawQuery != "" {
		values, err := url.ParseQuery(rawQuery)
		if err != nil {
			return "", false
		}
		q = values.Encode()
	}
	return flowID + "\x00" + role + "\x00" + q, true
}

// cacheDirectives reads the request's Cache-Control: "no-store" keeps the
// call away from the cache entirely; "no-cache" asks for a fresh answer,
// which is then cached.
func cacheDirectives(h http.Header) (read, write bool) {
	read, write = true, true
	for _, line := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(line, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-store":
				read, write = false, false
			case "no-cache":
				read = false
			}
		}
	}
	return read, write
}
