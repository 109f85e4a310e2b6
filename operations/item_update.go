package operations

import (
	"context"
	"net/http"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/query"
)

// ItemUpdate merges its `payload` into items (docs/items.md#item-operations): the item `key`
// names (returns it), or those `keys` or `query` select (returns them as an
// array). Without a selection an array payload updates each item by its
// id, as Directus does. Options: collection, payload, key, keys, query,
// permissions, emitEvents.
type ItemUpdate Items

// Prepare checks the options and compiles payload and query.
func (op ItemUpdate) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "collection", "payload", "key", "keys", "query", "permissions", "emitEvents")
	checkItemOptions(p.Options, &errs)
	if v, ok := p.Options["payload"]; !ok || v == nil {
		errs.Add("payload", "is required")
		return nil, errs
	}
	checkPayloadShape(p.Options["payload"], &errs)
	_, isArray := p.Options["payload"].([]any)
	checkSelection(p.Options, !isArray && !isTemplate(p.Options["payload"]), &errs)
	step := &itemUpdateStep{
		selector: selectorOf(p.Options),
		itemBase: itemBase{Items: Items(op), action: "update"},
		payload:  compileJSONOption(p, "payload", &errs),
		query:    prepareQueryOption(p, &errs),
	}
	return step, errs.Err()
}

type itemUpdateStep struct {
	itemBase
	selector selector // key or keys as the flow gives them
	payload  jsonOption
	query    *queryOption
}

// SelfRendered: payload and query are rendered by the step.
func (s *itemUpdateStep) SelfRendered() []string { return []string{"payload", "query"} }

// Run updates.
func (s *itemUpdateStep) Run(ctx context.Context, in Input) (any, error) {
	t, err := s.begin(ctx, in)
	if err != nil {
		return nil, err
	}
	payload, err := s.payload.resolve(ctx, in, "item-update: payload")
	if err != nil {
		return nil, err
	}
	sel, single, err := writeSelection(ctx, t, in, s.selector, s.query)
	if err != nil {
		return nil, err
	}
	if sel.Keys == nil && s.query == nil {
		items, _, err := itemsOf(payload, in.Chain)
		if err != nil {
			return nil, err
		}
		updated, err := s.Store.UpdateEach(ctx, t.collection, items, t.write)
		if err != nil {
			return nil, itemFailure(s.action, err)
		}
		return listOf(updated), nil
	}
	data, ok := payload.(map[string]any)
	if !ok {
		return nil, Failf(http.StatusBadRequest, "INVALID_PAYLOAD", "payload must be an object, got %s", query.TypeName(payload))
	}
	updated, err := s.Store.UpdateItems(ctx, t.collection, sel, data, t.write)
	if err != nil {
		return nil, itemFailure(s.action, err)
	}
	if single {
		return updated[0], nil
	}
	return listOf(updated), nil
}
