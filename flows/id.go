package flows

import (
	"regexp"
	"strings"

	"github.com/google/uuid"
)

// slugPattern is a readable flow id: `github-push`, so that trigger URLs
// read well (/flows/trigger/github-push).
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// MaxSlugLength is the longest slug id.
const MaxSlugLength = 64

// ValidID reports whether id may name a flow: a UUID (any notation
// uuid.Parse reads) or a slug of 1-64 lower-case letters, digits, '-' and
// '_' that starts with a letter or a digit.
func ValidID(id string) bool {
	if _, err := uuid.Parse(id); err == nil {
		return true
	}
	return slugPattern.MatchString(id)
}

// IDFinding explains why id cannot name a flow; "" when it can.
func IDFinding(id string) string {
	if ValidID(id) {
		return ""
	}
	if lower := strings.ToLower(id); lower != id && slugPattern.MatchString(lower) {
		return "a slug id is written in lower case: " + lower
	}
	return "must be a UUID or a slug: 1-64 lower-case letters, digits, '-' or '_', starting with a letter or a digit " +
		"(leave it out to have a UUID assigned)"
}

// CanonicalID is the form a flow id is saved and looked up in: a UUID in
// lower case with hyphens, so that an id written in upper case (or in
// another UUID notation) names the same flow everywhere; other ids in
// lower case, so that /flows/trigger/GitHub-Push finds github-push.
func CanonicalID(id string) string {
	if parsed, err := uuid.Parse(id); err == nil {
		return parsed.String()
	}
	return strings.ToLower(id)
}
