package triggers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/jsonnum"
)

// manual starts a flow whose trigger is "manual": POST
// /flows/trigger/{id} with {"collection": "orders", "keys": [1, 2]}, as
// Directus's app sends when its button is pressed on items. The caller
// needs the trigger permission on the flow; `$trigger` is the request's,
// as for a webhook, so `$trigger.body` holds the collection and keys. A
// collection outside the flow's collections is 400 INVALID_PAYLOAD.
func (w *Webhook) manual(ctx context.Context, plan *engine.Plan, r *http.Request, caller access.Caller, h http.Header) (*Response, error) {
	opts := plan.Flow.Manual
	if r.Method != http.MethodPost {
		return nil, &MethodNotAllowedError{Method: r.Method, Allow: http.MethodPost}
	}
	if err := w.authorize(plan.Flow, caller); err != nil {
		return nil, err
	}
	if opts.Async && w.queue.Full() {
		return nil, w.queue.fullError()
	}
	raw, err := readBody(r, w.cfg.MaxPayload)
	if err != nil {
		return nil, err
	}
	if err := checkManualBody(raw, opts.Accepts); err != nil {
		return nil, err
	}
	res, queued, err := w.start(ctx, plan, NewHTTPRequest(r, raw), caller, StartedByManual, opts.Async, h)
	if res == nil {
		return queued, err
	}
	if res.Err != nil {
		return nil, res.Err
	}
	return &Response{Status: http.StatusOK, Data: plan.ReturnValue(res), RunID: res.RunID}, nil
}

// checkManualBody checks a manual call's body: an object whose
// `collection` the flow accepts and whose `keys`, when given, are a list
// of strings and numbers.
func checkManualBody(raw []byte, accepts func(string) bool) error {
	var body map[string]any
	if err := jsonnum.Unmarshal(raw, &body); err != nil || body == nil {
		return &PayloadError{Err: errors.New(`a manual flow is started with {"collection": "…", "keys": […]}`)}
	}
	collection, _ := body["collection"].(string)
	if !accepts(collection) {
		return &PayloadError{Err: fmt.Errorf("this flow cannot be started on collection %q", collection)}
	}
	switch keys := body["keys"].(type) {
	case nil:
	case []any:
		for i, k := range keys {
			if _, isText := k.(string); !isText && !jsonnum.IsNumber(k) {
				return &PayloadError{Err: fmt.Errorf("keys[%d] must be a string or a number", i)}
			}
		}
	default:
		return &PayloadError{Err: errors.New("keys must be a list of item keys")}
	}
	return nil
}
