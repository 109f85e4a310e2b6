package operations

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
	"github.com/hookflow/hookflow/storage"
)

// ItemGuard decides whether an item operation may act (access.ItemRules
// until roles exist).
type ItemGuard interface {
	CheckItems(ctx context.Context, permissions string, accountability map[string]any, collection, action string) error
}

// Items is what the item operations (ItemCreate, ItemRead, ItemUpdate,
// ItemDelete) work with: the store, and the guard of their permissions.
type Items struct {
	Store *storage.Store
	Guard ItemGuard
}

// itemBase is what every prepared item node shares: its Items and the
// action it performs.
type itemBase struct {
	Items
	action string
}

// checkItemOptions validates the options every item operation takes.
func checkItemOptions(opts map[string]any, errs *flows.ValidationErrors) {
	checkString(opts, "collection", true, errs)
	if c, ok := opts["collection"].(string); ok && !isTemplate(c) && strings.TrimSpace(c) != "" {
		var nameErr *storage.CollectionNameError
		if err := storage.CheckCollectionName(c); errors.As(err, &nameErr) {
			errs.Add("collection", "%s", nameErr.Problem())
		}
	}
	if v, ok := opts["permissions"]; ok && v != nil {
		s, isStr := v.(string)
		switch {
		case !isStr:
			errs.Add("permissions", "must be a string: $trigger, $public, $full or a role id")
		case strings.HasPrefix(s, "$") && !isTemplate(s) && s != access.PermissionsTrigger &&
			s != access.PermissionsPublic && s != access.PermissionsFull:
			errs.Add("permissions", "must be $trigger, $public, $full or a role id")
		}
	}
	if v, ok := opts["emitEvents"]; ok && v != nil && !isTemplate(v) {
		if _, isBool := v.(bool); !isBool {
			errs.Add("emitEvents", "must be true or false")
		}
	}
}

// checkSelection validates key / keys / query: at most one of them, and one
// of them when required.
func checkSelection(opts map[string]any, required bool, errs *flows.ValidationErrors) {
	n := 0
	for _, k := range []string{"key", "keys", "query"} {
		if v, ok := opts[k]; ok && v != nil {
			n++
		}
	}
	switch {
	case n > 1:
		errs.Add("key", "give one of key, keys or query")
	case n == 0 && required:
		errs.Add("key", "give key, keys or query to say which items")
	}
	if v, ok := opts["key"]; ok && v != nil && !isTemplate(v) {
		if _, isStr := v.(string); !isStr && !jsonnum.IsNumber(v) {
			errs.Add("key", "must be a string or a number")
		}
	}
	if v, ok := opts["keys"]; ok && v != nil && !isTemplate(v) {
		if _, isList := v.([]any); !isList {
			errs.Add("keys", "must be a list of keys")
		}
	}
}

// target is a rendered node's collection, write options and accountability.
type target struct {
	collection string
	env        query.Env    // what the query's filter is evaluated in
	scope      *filterScope // env's scope when the filter has templates
	write      storage.WriteOptions
}

// begin reads the common options of a run and checks permissions.
func (b *itemBase) begin(ctx context.Context, in Input) (*target, error) {
	collection := optionText(in.Options, "collection")
	if err := storage.CheckCollectionName(collection); err != nil {
		return nil, itemFailure(b.action, err)
	}
	acc, _ := in.Chain["$accountability"].(map[string]any)
	permissions := optionText(in.Options, "permissions")
	if permissions == "" {
		permissions = access.PermissionsTrigger
	}
	if err := b.Guard.CheckItems(ctx, permissions, acc, collection, b.action); err != nil {
		return nil, itemFailure(b.action, err)
	}
	emit := true
	switch v := in.Options["emitEvents"].(type) {
	case bool:
		emit = v
	case string:
		emit = v != "false"
	}
	t := &target{collection: collection}
	t.env, _ = filterEnv(ctx, in, false)
	if acc != nil {
		t.write.Accountability = map[string]any{"user": acc["user"], "role": acc["role"]}
	}
	t.write.Quiet = !emit
	return t, nil
}

// itemFailure turns a store or permission error into the operation's
// failure, with the status it maps to when it ends a run.
func itemFailure(action string, err error) error {
	var (
		verr  *storage.ValidationError
		qerrs query.Errors
		ferr  *Error
	)
	switch {
	case errors.As(err, &ferr):
		return ferr
	case errors.As(err, &verr):
		list := make([]any, len(verr.Fields))
		for i, f := range verr.Fields {
			list[i] = map[string]any{"field": f.Field, "message": f.Message}
		}
		return &Error{
			Status:  http.StatusBadRequest,
			Code:    "FAILED_VALIDATION",
			Message: verr.Error(),
			Details: map[string]any{"collection": verr.Collection, "errors": list},
		}
	case errors.As(err, &qerrs):
		return &Error{Status: http.StatusBadRequest, Code: "INVALID_QUERY", Message: "invalid query: " + qerrs.Error()}
	case errors.Is(err, storage.ErrInvalidPayload):
		return &Error{Status: http.StatusBadRequest, Code: "INVALID_PAYLOAD", Message: err.Error()}
	case errors.Is(err, access.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "FORBIDDEN", Message: err.Error()}
	case errors.Is(err, storage.ErrQueryTimeout):
		return &Error{Status: http.StatusServiceUnavailable, Code: "QUERY_TIMEOUT", Message: err.Error()}
	case errors.Is(err, storage.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: err.Error()}
	case errors.Is(err, storage.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "RECORD_NOT_UNIQUE", Message: err.Error()}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "OPERATION_FAILED", Message: fmt.Sprintf("item %s: %v", action, err)}
}

// selector is which of key and keys a flow gives (none, or a query).
type selector uint8

const (
	selectNone selector = iota
	selectKey
	selectKeys
)

// selectorOf is the selector of the options as written.
func selectorOf(opts map[string]any) selector {
	switch {
	case opts["key"] != nil:
		return selectKey
	case opts["keys"] != nil:
		return selectKeys
	}
	return selectNone
}

// selection reads the rendered key / keys options that sel says the flow
// gives; single is set for key. A key or keys whose template gives no value
// is a failure, never "no selection": item-delete with a key of
// {{$trigger.body.id}} must not delete the whole collection when a request
// lacks the id. Empty keys select no item.
func selection(opts map[string]any, sel selector) (keys []any, single bool, err error) {
	switch sel {
	case selectKey:
		switch v := opts["key"].(type) {
		case nil:
			return nil, true, Failf(http.StatusBadRequest, "INVALID_PAYLOAD", "key is null: its value names no item")
		case string:
			if v == "" {
				return nil, true, Failf(http.StatusBadRequest, "INVALID_PAYLOAD", "key is empty")
			}
		}
		return []any{opts["key"]}, true, nil
	case selectKeys:
		switch v := opts["keys"].(type) {
		case nil:
			return nil, false, Failf(http.StatusBadRequest, "INVALID_PAYLOAD", "keys is null: its value names no items")
		case []any:
			return v, false, nil
		case string:
			list := []any{}
			for part := range strings.SplitSeq(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					list = append(list, part)
				}
			}
			return list, false, nil
		default:
			return []any{v}, false, nil
		}
	}
	return nil, false, nil
}

// writeSelection is what item-update and item-delete write to in one run:
// the items `key` or `keys` name (single for `key`), or else those the
// resolved `query` selects.
func writeSelection(ctx context.Context, t *target, in Input, sel selector, q *queryOption) (storage.ItemSelection, bool, error) {
	keys, single, err := selection(in.Options, sel)
	if err != nil {
		return storage.ItemSelection{}, false, err
	}
	params, err := q.resolveWrite(ctx, t, in)
	if err != nil {
		return storage.ItemSelection{}, false, err
	}
	if keys != nil {
		return storage.ItemSelection{Keys: keys}, single, nil
	}
	return storage.ItemSelection{Query: &storage.ItemQuery{Params: params, Env: t.env}}, false, nil
}

// itemsOf reads a rendered payload as items: an object is one item, an
// array a list of them. A payload that is the webhook's whole `$trigger`
// (the seed's `"payload": "{{$trigger}}"`) stores the request body: the
// request's method, headers (credentials included) and raw bytes are not
// item data.
func itemsOf(payload any, chain map[string]any) (items []map[string]any, many bool, err error) {
	if body, ok := triggerBody(payload, chain); ok {
		payload = body
	}
	switch v := payload.(type) {
	case map[string]any:
		return []map[string]any{v}, false, nil
	case []any:
		items = make([]map[string]any, len(v))
		for i, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, true, Failf(http.StatusBadRequest, "INVALID_PAYLOAD",
					"payload[%d] must be an object, got %s", i, query.TypeName(e))
			}
			items[i] = m
		}
		return items, true, nil
	}
	return nil, false, Failf(http.StatusBadRequest, "INVALID_PAYLOAD",
		"payload must be an object or an array of objects, got %s", query.TypeName(payload))
}

// triggerBody returns the body of a webhook request when v is that
// request's `$trigger` map itself.
func triggerBody(v any, chain map[string]any) (any, bool) {
	m, ok := v.(map[string]any)
	t, ok2 := chain["$trigger"].(map[string]any)
	if !ok || !ok2 || reflect.ValueOf(m).UnsafePointer() != reflect.ValueOf(t).UnsafePointer() {
		return nil, false
	}
	if _, isRequest := t["headers"]; !isRequest {
		return nil, false
	}
	body, has := t["body"]
	return body, has
}

// listOf converts items for the data chain, where arrays are []any.
func listOf(items []map[string]any) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}
