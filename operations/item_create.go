package operations

import (
	"context"

	"github.com/hookflow/hookflow/flows"
)

// ItemCreate stores its `payload` in a collection (docs/items.md#item-operations): an object
// creates one item and returns it, an array creates them all in one
// transaction and returns them. Options: collection, payload, permissions,
// emitEvents.
type ItemCreate Items

// Prepare checks the options and compiles the payload.
func (op ItemCreate) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "collection", "payload", "permissions", "emitEvents")
	checkItemOptions(p.Options, &errs)
	if v, ok := p.Options["payload"]; !ok || v == nil {
		errs.Add("payload", "is required")
		return nil, errs
	}
	step := &itemCreateStep{
		itemBase: itemBase{Items: Items(op), action: "create"},
		payload:  compileJSONOption(p, "payload", &errs),
	}
	checkPayloadShape(p.Options["payload"], &errs)
	return step, errs.Err()
}

// checkPayloadShape refuses a constant payload that is not an object or an
// array (a template's shape is only known per run).
func checkPayloadShape(v any, errs *flows.ValidationErrors) {
	switch x := v.(type) {
	case map[string]any, []any:
	case string:
		if !isTemplate(x) && !looksLikeJSON(x) {
			errs.Add("payload", "must be an object, an array or a JSON string")
		}
	default:
		errs.Add("payload", "must be an object, an array or a JSON string")
	}
}

type itemCreateStep struct {
	itemBase
	payload jsonOption
}

// SelfRendered: the payload may be JSON text to parse after rendering.
func (s *itemCreateStep) SelfRendered() []string { return []string{"payload"} }

// Run creates the items.
func (s *itemCreateStep) Run(ctx context.Context, in Input) (any, error) {
	t, err := s.begin(ctx, in)
	if err != nil {
		return nil, err
	}
	payload, err := s.payload.resolve(ctx, in, "item-create: payload")
	if err != nil {
		return nil, err
	}
	items, many, err := itemsOf(payload, in.Chain)
	if err != nil {
		return nil, err
	}
	created, err := s.Store.CreateItems(ctx, t.collection, items, t.write)
	if err != nil {
		return nil, itemFailure(s.action, err)
	}
	if many {
		return listOf(created), nil
	}
	return created[0], nil
}
