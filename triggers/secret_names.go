package triggers

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

// isSecretName reports whether a field or header name holds credentials.
// It runs for every key of every stored value, so it does not allocate and
// only looks further at positions where a fragment could start.
func isSecretName(name string) bool {
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
		switch norm[i] {
		case 'p', 's', 't', 'a', 'c':
			for _, f := range secretFragments {
				if f[0] == norm[i] && len(f) <= n-i && string(norm[i:i+len(f)]) == f {
					return true
				}
			}
		}
	}
	return false
}
