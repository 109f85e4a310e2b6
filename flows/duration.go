package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads a duration as flow authors and operators write it:
// Go's form ("30s", "5m", "1h30m") or a whole number of days or weeks
// ("7d", "2w"), which Go's form lacks and retention and rate-limit windows
// need. The result is positive.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, unit, ok := cutUnit(s); ok {
		days, err := strconv.ParseInt(n, 10, 64)
		if err != nil || days <= 0 || days > 100*365 {
			return 0, fmt.Errorf("%q is not a duration such as \"30s\", \"5m\", \"1h\" or \"7d\"", s)
		}
		return time.Duration(days) * unit, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration such as \"30s\", \"5m\", \"1h\" or \"7d\"", s)
	}
	return d, nil
}

// cutUnit splits "7d" and "2w" into the number and the unit.
func cutUnit(s string) (number string, unit time.Duration, ok bool) {
	switch {
	case strings.HasSuffix(s, "d"):
		return strings.TrimSuffix(s, "d"), 24 * time.Hour, true
	case strings.HasSuffix(s, "w"):
		return strings.TrimSuffix(s, "w"), 7 * 24 * time.Hour, true
	}
	return "", 0, false
}
