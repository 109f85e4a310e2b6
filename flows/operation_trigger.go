package flows

// OperationTriggerOptions are the decoded trigger options of a flow whose
// trigger is "operation": a flow started by another flow's `trigger`
// operation (Directus's "Another Flow" trigger).
type OperationTriggerOptions struct {
	// Return is what the calling operation receives, with the same forms as
	// a webhook's `return` ("$last" by default, "$all", a key, a path, a
	// template or a literal).
	Return any
}

// ParseOperationTriggerOptions decodes and checks the options of an
// operation-triggered flow; findings are relative to the options object.
func ParseOperationTriggerOptions(opts map[string]any) (*OperationTriggerOptions, ValidationErrors) {
	var errs ValidationErrors
	o := &OperationTriggerOptions{Return: "$last"}
	for _, k := range sortedKeys(opts) {
		if k != "return" {
			errs.Add(k, "unknown operation trigger option (known: return)")
		}
	}
	if v, ok := opts["return"]; ok {
		o.Return = v
	}
	return o, errs
}
