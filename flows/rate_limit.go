package flows

import (
	"time"

	"github.com/hookflow/hookflow/jsonnum"
)

// Rate-limit subjects: what one bucket of a flow's rate limit counts.
const (
	RateLimitByIP    = "ip"    // each client address (the default)
	RateLimitByToken = "token" // each caller: user, else the credential sent, else the address
	RateLimitByFlow  = "flow"  // every call of the flow together
)

// RateLimit is a webhook flow's `rate_limit` option: Points calls per
// Duration for each subject of By.
type RateLimit struct {
	Points   int
	Duration time.Duration
	By       string
}

// maxRateLimitPoints bounds points so that the refill rate stays a sane
// floating-point number.
const maxRateLimitPoints = 1_000_000_000

// parseRateLimit reads `rate_limit`: {"points": 100, "duration": "1h",
// "by": "ip"}; findings are relative to it.
func parseRateLimit(v any) (*RateLimit, ValidationErrors) {
	var errs ValidationErrors
	m, ok := v.(map[string]any)
	if !ok {
		errs.Add("", `must be an object such as {"points": 100, "duration": "1h", "by": "ip"}`)
		return nil, errs
	}
	for _, k := range sortedKeys(m) {
		if k != "points" && k != "duration" && k != "by" {
			errs.Add(k, "unknown rate_limit option (known: points, duration, by)")
		}
	}
	rl := &RateLimit{By: RateLimitByIP}
	switch p, isInt := jsonnum.Int(m["points"]); {
	case !isInt || p < 1 || p > maxRateLimitPoints:
		errs.Add("points", "must be a whole number of calls from 1 to %d", maxRateLimitPoints)
	default:
		rl.Points = int(p)
	}
	if s, isStr := m["duration"].(string); !isStr {
		errs.Add("duration", `must be a duration such as "1s", "1m", "1h" or "1d"`)
	} else if d, err := ParseDuration(s); err != nil {
		errs.Add("duration", "%v", err)
	} else {
		rl.Duration = d
	}
	if by, present := m["by"]; present && by != nil {
		switch by {
		case RateLimitByIP, RateLimitByToken, RateLimitByFlow:
			rl.By = by.(string)
		default:
			errs.Add("by", `must be "ip", "token" or "flow"`)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rl, nil
}
