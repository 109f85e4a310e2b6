package flows

import (
	"fmt"
	"strings"
)

var (
	validStatuses = map[string]bool{StatusActive: true, StatusInactive: true}
	validTriggers = map[string]bool{
		TriggerWebhook:   true,
		TriggerEvent:     true,
		TriggerSchedule:  true,
		TriggerOperation: true,
		TriggerManual:    true,
	}
)

// assignIdentity gives every operation an id and a key: when only one is
// written the other takes its value; when neither is, both become
// `<type>_<n>`, numbered per type and skipping names already in use.
func assignIdentity(ops []*Operation) {
	taken := map[string]bool{}
	for _, op := range ops {
		taken[op.ID] = true
		taken[op.Key] = true
	}
	for _, op := range ops {
		switch {
		case op.ID == "" && op.Key == "":
			name := generatedName(op.Type, taken)
			op.ID, op.Key = name, name
		case op.ID == "":
			op.ID = op.Key
		case op.Key == "":
			op.Key = op.ID
		}
	}
}

// generatedName returns the first free `<type>_<n>` and marks it taken.
func generatedName(typ string, taken map[string]bool) string {
	for n := 1; ; n++ {
		name := fmt.Sprintf("%s_%d", typ, n)
		if !taken[name] {
			taken[name] = true
			return name
		}
	}
}

// GenerateKey returns a key `<type>_<n>` not used by any operation of f,
// for operations created without one.
func GenerateKey(f *Flow, typ string) string {
	taken := map[string]bool{}
	for _, op := range f.Operations {
		taken[op.ID] = true
		taken[op.Key] = true
	}
	return generatedName(typ, taken)
}

// checkStructure reports problems with the flow's own fields and with the
// uniqueness of its operations. It also decodes webhook and operation
// trigger options.
func checkStructure(f *Flow) ValidationErrors {
	var errs ValidationErrors
	if !validStatuses[f.Status] {
		errs.Add("status", `must be "active" or "inactive"`)
	}
	if !validTriggers[f.Trigger] {
		errs.Add("trigger", "must be one of webhook, event, schedule, operation, manual")
	}
	switch f.Trigger {
	case TriggerWebhook:
		f.Webhook = triggerOptions(&errs, f.Options, ParseWebhookOptions)
	case TriggerOperation:
		f.OperationTrigger = triggerOptions(&errs, f.Options, ParseOperationTriggerOptions)
	case TriggerEvent:
		f.Event = triggerOptions(&errs, f.Options, ParseEventOptions)
	case TriggerSchedule:
		f.Schedule = triggerOptions(&errs, f.Options, ParseScheduleOptions)
	case TriggerManual:
		f.Manual = triggerOptions(&errs, f.Options, ParseManualOptions)
	}
	ids := map[string]int{}
	keys := map[string]int{}
	for i, op := range f.Operations {
		path := fmt.Sprintf("operations[%d]", i)
		if first, dup := ids[op.ID]; dup {
			errs.Add(path+".id", "duplicate operation id %q (also operations[%d])", op.ID, first)
		} else {
			ids[op.ID] = i
		}
		if first, dup := keys[op.Key]; dup {
			errs.Add(path+".key", "duplicate operation key %q (also operations[%d])", op.Key, first)
		} else {
			keys[op.Key] = i
		}
		if !keyPattern.MatchString(op.Key) {
			errs.Add(path+".key", "must be 1-100 letters, digits, '_' or '-'")
		}
		if strings.TrimSpace(op.ID) == "" {
			errs.Add(path+".id", "must not be empty")
		}
	}
	return errs
}

// triggerOptions decodes a flow's options with its trigger's parse,
// adding the findings under "options".
func triggerOptions[T any](errs *ValidationErrors, options map[string]any, parse func(map[string]any) (T, ValidationErrors)) T {
	decoded, findings := parse(options)
	errs.Merge("options", findings)
	return decoded
}

// linkOperations turns edges that name keys into edges that name ids, applies
// the implicit-sequence rule and sets the entry operation.
//
// Implicit sequence: an operation whose document has no `resolve` field
// continues with the next element of the array, unless that element is the
// target of some written edge (then it heads a branch and the run ends
// there). `"resolve": null` ends explicitly.
func linkOperations(f *Flow, entry string, explicitResolve []bool, errs *ValidationErrors) {
	byID := map[string]*Operation{}
	byKey := map[string]*Operation{}
	for _, op := range f.Operations {
		byID[op.ID] = op
		byKey[op.Key] = op
	}
	resolveRef := func(ref *string, path string) *string {
		if ref == nil {
			return nil
		}
		if _, ok := byID[*ref]; ok {
			return ref
		}
		if op, ok := byKey[*ref]; ok {
			return ptr(op.ID)
		}
		errs.Add(path, "names no operation of this flow: %q", *ref)
		return nil
	}
	targets := map[string]bool{}
	for i, op := range f.Operations {
		op.Resolve = resolveRef(op.Resolve, fmt.Sprintf("operations[%d].resolve", i))
		op.Reject = resolveRef(op.Reject, fmt.Sprintf("operations[%d].reject", i))
		for _, t := range []*string{op.Resolve, op.Reject} {
			if t != nil {
				targets[*t] = true
			}
		}
	}
	for i, op := range f.Operations {
		if i < len(explicitResolve) && explicitResolve[i] {
			continue
		}
		if i+1 < len(f.Operations) && !targets[f.Operations[i+1].ID] {
			op.Resolve = ptr(f.Operations[i+1].ID)
		}
	}
	switch {
	case entry != "":
		f.Operation = resolveRef(&entry, "operation")
	case len(f.Operations) > 0:
		f.Operation = ptr(f.Operations[0].ID)
	}
}

// CheckGraph validates a flow whose operations were edited one by one (the
// Directus `/operations` API): ids and keys unique, every edge and the entry
// naming an existing operation. Nothing is chained implicitly.
func CheckGraph(f *Flow) ValidationErrors {
	errs := checkStructure(f)
	ids := map[string]bool{}
	for _, op := range f.Operations {
		ids[op.ID] = true
	}
	check := func(ref *string, path string) {
		if ref != nil && !ids[*ref] {
			errs.Add(path, "names no operation of this flow: %q", *ref)
		}
	}
	for i, op := range f.Operations {
		check(op.Resolve, fmt.Sprintf("operations[%d].resolve", i))
		check(op.Reject, fmt.Sprintf("operations[%d].reject", i))
	}
	check(f.Operation, "operation")
	return errs
}
