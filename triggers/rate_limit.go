package triggers

import (
	"context"
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/ratelimit"
)

// limit applies a flow's own rate limit to a call, writing the
// X-RateLimit-* headers into h; an exceeded limit is an
// *ratelimit.ExceededError.
func (w *Webhook) limit(ctx context.Context, f *flows.Flow, caller access.Caller, h http.Header) error {
	rl := f.Webhook.RateLimit
	if rl == nil || w.limiter == nil {
		return nil
	}
	d, err := w.limiter.Allow(ctx, rateKey(f.ID, rl.By, caller), ratelimit.Rule{Points: rl.Points, Duration: rl.Duration}, "flow")
	d.WriteHeaders(h)
	return err
}

// rateKey names the bucket of a call: the flow and what one bucket
// counts — the client address; the user of a verified token, else the
// client address (a credential we did not issue names nobody: a caller
// sending a new made-up one each time would get a new bucket each time);
// or the flow as a whole.
func rateKey(flowID, by string, caller access.Caller) string {
	switch by {
	case flows.RateLimitByFlow:
		return flowID
	case flows.RateLimitByToken:
		if caller.Authenticated() {
			return flowID + "\x00user:" + caller.User
		}
	}
	return flowID + "\x00ip:" + caller.IP
}
