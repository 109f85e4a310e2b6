package flows

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/hookflow/hookflow/jsonnum"
)

// flowFields are the fields a flow document may carry; read-only fields that
// clients echo back (dates, authors) and a flow file's `$schema` are
// accepted and ignored.
var flowFields = map[string]bool{
	"id": true, "name": true, "icon": true, "color": true, "description": true, "status": true,
	"trigger": true, "accountability": true, "options": true, "operation": true, "operations": true,
	"date_created": true, "date_updated": true, "user_created": true, "user_updated": true,
	"$schema": true,
}

// DecodeDocuments reads the body of a flow upload: one JSON object or an
// array of them.
func DecodeDocuments(data []byte) (docs []map[string]any, isArray bool, err error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, false, fmt.Errorf("empty body: expected a flow object or an array of flows")
	}
	if trimmed[0] == '[' {
		var list []map[string]any
		if err := jsonnum.Unmarshal(trimmed, &list); err != nil {
			return nil, true, fmt.Errorf("expected an array of flow objects: %w", err)
		}
		return list, true, nil
	}
	var one map[string]any
	if err := jsonnum.Unmarshal(trimmed, &one); err != nil {
		return nil, false, fmt.Errorf("expected a flow object: %w", err)
	}
	return []map[string]any{one}, false, nil
}

// Decode turns one uploaded flow document, in the seed or the Directus shape,
// into a Flow whose operations all have ids and keys, whose edges name ids,
// and whose implicit sequence has been made explicit. Every finding is
// returned, with paths relative to the document.
func Decode(doc map[string]any) (*Flow, ValidationErrors) {
	doc = UnwrapData(doc)
	var errs ValidationErrors
	f := &Flow{Status: StatusActive, Trigger: TriggerWebhook, Options: map[string]any{}}
	for _, k := range sortedKeys(doc) {
		if !flowFields[k] {
			errs.Add(k, "unknown flow field")
		}
	}
	if id, ok := optionalString(doc, "id", &errs); ok && id != "" {
		f.ID = CanonicalID(id)
		if finding := IDFinding(id); finding != "" {
			errs.Add("id", "%s", finding)
		}
	}
	f.Name, _ = optionalString(doc, "name", &errs)
	f.Icon, _ = optionalString(doc, "icon", &errs)
	f.Color, _ = optionalString(doc, "color", &errs)
	f.Description, _ = optionalString(doc, "description", &errs)
	if s, ok := optionalString(doc, "status", &errs); ok {
		f.Status = s
	}
	if s, ok := optionalString(doc, "trigger", &errs); ok {
		f.Trigger = s
	}
	f.Accountability = decodeAccountability(doc, &errs)
	if v, ok := doc["options"]; ok && v != nil {
		m, isMap := v.(map[string]any)
		if !isMap {
			errs.Add("options", "must be an object")
		} else {
			f.Options = m
		}
	}
	entry, _ := optionalString(doc, "operation", &errs)
	explicitResolve := decodeOperations(doc, f, &errs)
	assignIdentity(f.Operations)
	errs = append(errs, checkStructure(f)...)
	if len(errs) == 0 {
		linkOperations(f, entry, explicitResolve, &errs)
	}
	return f, errs
}

// decodeAccountability applies the default ("all" when absent) and keeps an
// explicit null as "record nothing".
func decodeAccountability(doc map[string]any, errs *ValidationErrors) *string {
	v, ok := doc["accountability"]
	if !ok {
		return ptr(AccountabilityAll)
	}
	if v == nil {
		return nil
	}
	s, isStr := v.(string)
	if !isStr || (s != AccountabilityAll && s != AccountabilityActivity) {
		errs.Add("accountability", `must be "all", "activity" or null`)
		return ptr(AccountabilityAll)
	}
	return ptr(s)
}

// decodeOperations reads the nested `operations` array and reports, per
// operation, whether `resolve` was written (null included) — the input of
// the implicit-sequence rule.
func decodeOperations(doc map[string]any, f *Flow, errs *ValidationErrors) []bool {
	v, ok := doc["operations"]
	if !ok || v == nil {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		errs.Add("operations", "must be an array of operations")
		return nil
	}
	explicit := make([]bool, 0, len(list))
	for i, item := range list {
		path := fmt.Sprintf("operations[%d]", i)
		m, isMap := item.(map[string]any)
		if !isMap {
			errs.Add(path, "must be an operation object")
			continue
		}
		op, opErrs := DecodeOperation(m)
		errs.Merge(path, opErrs)
		_, hasResolve := m["resolve"]
		f.Operations = append(f.Operations, op)
		explicit = append(explicit, hasResolve)
	}
	return explicit
}

// operationFields are the fields an operation document may carry.
var operationFields = map[string]bool{
	"id": true, "key": true, "type": true, "operation": true, "name": true, "options": true,
	"resolve": true, "reject": true, "position_x": true, "position_y": true, "flow": true,
	"date_created": true, "user_created": true,
}

// keyPattern is what an operation key may look like: it is used as the first
// segment of template paths (`{{process-order.id}}`).
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// DecodeOperation reads one operation document in either shape (`operation`
// or `type` for the type; `id` and/or `key`). Edges are kept as written.
func DecodeOperation(m map[string]any) (*Operation, ValidationErrors) {
	var errs ValidationErrors
	op := &Operation{Options: map[string]any{}}
	for _, k := range sortedKeys(m) {
		if !operationFields[k] {
			errs.Add(k, "unknown operation field")
		}
	}
	op.ID, _ = optionalString(m, "id", &errs)
	op.Key, _ = optionalString(m, "key", &errs)
	typ, hasType := optionalString(m, "type", &errs)
	seedType, hasSeedType := optionalString(m, "operation", &errs)
	switch {
	case hasType && hasSeedType && typ != seedType:
		errs.Add("type", "conflicts with operation %q", seedType)
	case hasType:
		op.Type = typ
	case hasSeedType:
		op.Type = seedType
	}
	if op.Type == "" {
		errs.Add("type", "operation type is required (`operation` or `type`)")
	}
	op.Name, _ = optionalString(m, "name", &errs)
	op.Flow, _ = optionalString(m, "flow", &errs)
	op.Flow = CanonicalID(op.Flow)
	op.PositionX = optionalInt(m, "position_x", &errs)
	op.PositionY = optionalInt(m, "position_y", &errs)
	if v, ok := m["options"]; ok && v != nil {
		opts, isMap := v.(map[string]any)
		if !isMap {
			errs.Add("options", "must be an object")
		} else {
			op.Options = opts
		}
	}
	op.Resolve = optionalEdge(m, "resolve", &errs)
	op.Reject = optionalEdge(m, "reject", &errs)
	if op.Key != "" && !keyPattern.MatchString(op.Key) {
		errs.Add("key", "must be 1-100 letters, digits, '_' or '-'")
	}
	return op, errs
}

// optionalString reads a string field; present reports whether it was given
// and not null.
func optionalString(m map[string]any, key string, errs *ValidationErrors) (value string, present bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		errs.Add(key, "must be a string")
		return "", false
	}
	return strings.TrimSpace(s), true
}

// optionalInt reads an integer field such as an editor position.
func optionalInt(m map[string]any, key string, errs *ValidationErrors) int {
	v, ok := m[key]
	if !ok || v == nil {
		return 0
	}
	n, isInt := jsonnum.Int(v)
	if !isInt || n != int64(int(n)) {
		errs.Add(key, "must be an integer")
		return 0
	}
	return int(n)
}

// optionalEdge reads `resolve`/`reject`: a string naming an operation, or null.
func optionalEdge(m map[string]any, key string, errs *ValidationErrors) *string {
	s, ok := optionalString(m, key, errs)
	if !ok || s == "" {
		return nil
	}
	return &s
}

// UnwrapData is the flow inside {"data": {…}}, the way GET /flows/{id}
// answers, so that an answer pasted into a file or a PUT applies as it
// is; any other document is returned as it is.
func UnwrapData(doc map[string]any) map[string]any {
	if len(doc) != 1 {
		return doc
	}
	if inner, ok := doc["data"].(map[string]any); ok {
		return inner
	}
	return doc
}
