package triggers

import (
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/ratelimit"
)

// limit applies a flow's own rate limit to a call, writing the
// X-RateLimit-* headers into h; an exceeded limit is an
// *ratelimit.ExceededError.
func (w *Webhook) limit(f *flows.Flow, r *http.Request, caller access.Caller, h http.Header) error {
	rl := f.Webhook.RateLimit
	if rl == nil || w.limiter == nil {
		return nil
	}
	d, err := w.limiter.Allow(rateKey(f.ID, rl.By, r, caller), ratelimit.Rule{Points: rl.Points, Duration: rl.Duration}, "flow")
	d.WriteHeaders(h)
	return err
}

// rateKey names the bucket of a call: the flow and what one bucket
// counts — the client address; the caller (a user, else the credential it
// sent — a sender's own key on a public flow —, else its address); or the
// flow as a whole.
func rateKey(flowID, by string, r *http.Request, caller access.Caller) string {
	switch by {
	case flows.RateLimitByFlow:
		return flowID
	case flows.RateLimitByToken:
		if caller.Authenticated() {
			return flowID + "\x00user:" + caller.User
		}
		if cred := credential(r); cred != "" {
			return flowID + "\x00credential:" + access.HashToken(cred)
		}
	}
	return flowID + "\x00ip:" + caller.IP
}

// credential is what a request presents as its credential: the
// Authorization header, or the access_token parameter.
func credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		return h
	}
	token, _ := access.TokenFromRequest(r)
	return token
}
