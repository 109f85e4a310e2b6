package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// The canonical file format is how a flow is kept in git: the seed shape
// (nested `operations` with `id` and `operation`, implicit sequence), the
// operations in their order, no server fields (dates, authors, an
// operation's `flow`), and no field that holds what the server assumes
// when it is left out (`status: active`, `trigger: webhook`,
// `accountability: all`, a `key` equal to the `id`, an entry that is the
// first operation, generated ids, edges the implicit sequence draws).
// Keys are sorted, indented by two spaces, and the file ends with a
// newline. Decoding a canonical document gives back the same flow, so
// export → apply → export gives the same bytes (docs/flows-as-code.md).

// Export is the canonical file of a flow.
func Export(f *Flow) ([]byte, error) { return MarshalCanonical(Canonical(f)) }

// MarshalCanonical writes a document as a canonical file: keys sorted,
// two-space indent, no HTML escaping (templates keep their `<` and `&`),
// a newline at the end. Numbers keep their digits (json.Number).
func MarshalCanonical(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode flow: %w", err)
	}
	return buf.Bytes(), nil
}

// Canonical is the flow as the document an author would write.
func Canonical(f *Flow) map[string]any {
	doc := map[string]any{"id": f.ID}
	setString(doc, "name", f.Name)
	setString(doc, "icon", f.Icon)
	setString(doc, "color", f.Color)
	setString(doc, "description", f.Description)
	if f.Status != StatusActive {
		doc["status"] = f.Status
	}
	if f.Trigger != TriggerWebhook {
		doc["trigger"] = f.Trigger
	}
	switch {
	case f.Accountability == nil:
		doc["accountability"] = nil
	case *f.Accountability != AccountabilityAll:
		doc["accountability"] = *f.Accountability
	}
	if len(f.Options) > 0 {
		doc["options"] = f.Options
	}
	if len(f.Operations) == 0 {
		return doc
	}
	if f.Operation != nil && *f.Operation != f.Operations[0].ID {
		doc["operation"] = *f.Operation
	}
	ops := canonicalOperations(f.Operations)
	referenced := referencedIDs(f, ops)
	omitGeneratedIDs(f.Operations, ops, referenced)
	list := make([]any, len(ops))
	for i, op := range ops {
		list[i] = op
	}
	doc["operations"] = list
	return doc
}

// setString sets a text field that is not empty.
func setString(doc map[string]any, key, value string) {
	if value != "" {
		doc[key] = value
	}
}

// canonicalOperations writes each operation with the edges the implicit
// sequence does not draw by itself (see linkOperations): every reject,
// and the resolve beside it, so a branch shows both ways; a resolve to
// the next operation only when that one is the target of a written edge
// (else it follows anyway); `resolve: null` where the run must end
// although the next operation would follow.
func canonicalOperations(ops []*Operation) []map[string]any {
	explicit := make([]bool, len(ops))
	targets := map[string]bool{}
	for i, op := range ops {
		if op.Reject != nil {
			targets[*op.Reject] = true
		}
		toNext := op.Resolve != nil && i+1 < len(ops) && *op.Resolve == ops[i+1].ID
		explicit[i] = op.Resolve != nil && (op.Reject != nil || !toNext)
		if explicit[i] {
			targets[*op.Resolve] = true
		}
	}
	out := make([]map[string]any, len(ops))
	for i, op := range ops {
		m := map[string]any{"id": op.ID, "operation": op.Type}
		if op.Key != op.ID {
			m["key"] = op.Key
		}
		setString(m, "name", op.Name)
		if op.PositionX != 0 {
			m["position_x"] = op.PositionX
		}
		if op.PositionY != 0 {
			m["position_y"] = op.PositionY
		}
		if len(op.Options) > 0 {
			m["options"] = op.Options
		}
		if op.Reject != nil {
			m["reject"] = *op.Reject
		}
		nextFollows := i+1 < len(ops) && !targets[ops[i+1].ID]
		switch {
		case op.Resolve == nil && nextFollows:
			m["resolve"] = nil
		case op.Resolve != nil && (explicit[i] || !nextFollows):
			m["resolve"] = *op.Resolve
		}
		out[i] = m
	}
	return out
}

// referencedIDs are the operation ids the written document names: edges
// and the entry.
func referencedIDs(f *Flow, docs []map[string]any) map[string]bool {
	refs := map[string]bool{}
	for _, m := range docs {
		for _, k := range []string{"resolve", "reject"} {
			if s, ok := m[k].(string); ok {
				refs[s] = true
			}
		}
	}
	if f.Operation != nil {
		refs[*f.Operation] = true
	}
	return refs
}

// generatedID matches the names assignIdentity gives (`<type>_<n>`).
var generatedID = regexp.MustCompile(`_[1-9][0-9]*$`)

// omitGeneratedIDs leaves out the id of operations whose id and key are
// the `<type>_<n>` decoding would give them again, and that nothing
// names. It checks by assigning names as Decode does; an operation that
// would get another name keeps its id, and the check repeats until it
// holds for all.
func omitGeneratedIDs(ops []*Operation, docs []map[string]any, referenced map[string]bool) {
	omit := make([]bool, len(ops))
	for i, op := range ops {
		omit[i] = op.ID == op.Key && !referenced[op.ID] && generatedID.MatchString(op.ID) &&
			op.ID[:generatedID.FindStringIndex(op.ID)[0]] == op.Type
	}
	for changed := true; changed; {
		changed = false
		taken := map[string]bool{}
		for i, op := range ops {
			if !omit[i] {
				taken[op.ID], taken[op.Key] = true, true
			}
		}
		for i, op := range ops {
			if omit[i] && generatedName(op.Type, taken) != op.ID {
				omit[i], changed = false, true
				break
			}
		}
	}
	for i := range ops {
		if omit[i] {
			delete(docs[i], "id")
		}
	}
}
