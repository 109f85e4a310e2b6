package redact

import "bytes"

// Field names that hold credentials are recognised by their letters and
// digits, lower-cased, so that "X-Api-Key", "api_key" and "apiKey" are one
// name ("xapikey" contains "apikey"). A name holds a secret when it
// contains one of secretFragments, or is one of secretWords (too short to
// be searched inside longer names: "auth" would match "author").
var (
	secretFragments = []string{
		"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey",
		"privatekey", "authorization", "cookie", "credential",
	}
	secretWords = []string{"auth", "pwd", "pass"}
)

// maxNameLength is the longest name examined byte by byte; longer names
// (rare, and never header or field names people type) are cut there.
const maxNameLength = 128

// fragmentsByPair lists secretFragments by their first two letters, so
// that most positions of a name are passed over with one array read.
var fragmentsByPair = indexFragments(secretFragments)

// pairIndex is the slot of two lower-case letters; -1 for anything else.
func pairIndex(a, b byte) int {
	if a < 'a' || a > 'z' || b < 'a' || b > 'z' {
		return -1
	}
	return int(a-'a')*26 + int(b-'a')
}

func indexFragments(list []string) *[26 * 26][]string {
	var t [26 * 26][]string
	for _, f := range list {
		i := pairIndex(f[0], f[1])
		t[i] = append(t[i], f)
	}
	return &t
}

// IsSecretName reports whether a field or header name holds credentials.
// It runs for every key of every stored value, so it does not allocate and
// only compares where a fragment's first two letters match.
func IsSecretName(name string) bool {
	var buf [maxNameLength]byte
	n := 0
	for i := 0; i < len(name) && n < maxNameLength; i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			buf[n] = c
			n++
		case 'A' <= c && c <= 'Z':
			buf[n] = c + ('a' - 'A')
			n++
		}
	}
	norm := buf[:n]
	if n <= 4 {
		for _, w := range secretWords {
			if string(norm) == w {
				return true
			}
		}
	}
	for i := 0; i+5 <= n; i++ { // every fragment has at least 5 letters
		p := pairIndex(norm[i], norm[i+1])
		if p < 0 {
			continue
		}
		for _, f := range fragmentsByPair[p] {
			if len(f) <= n-i && string(norm[i:i+len(f)]) == f {
				return true
			}
		}
	}
	return false
}

// MayNameSecret reports whether encoded JSON could hold a secret-named
// field: whether some fragment of one appears in it, in any case. It is
// the cheap test before decoding a document to look at its names.
func MayNameSecret(raw []byte) bool {
	lower := bytes.ToLower(raw)
	for _, list := range [][]string{secretFragments, secretWords, {"key"}} { // "key": "api_key" is "apikey" split
		for _, f := range list {
			if bytes.Contains(lower, []byte(f)) {
				return true
			}
		}
	}
	return false
}
