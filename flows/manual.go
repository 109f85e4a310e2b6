package flows

// ManualOptions are the decoded trigger options of a flow whose trigger is
// "manual": started by hand on items of its collections (Directus's
// "Manual" trigger, the button in the item and collection pages), through
// POST /flows/trigger/{id} with {"collection", "keys"}.
type ManualOptions struct {
	// Collections are the collections the flow can be started on; empty
	// means any.
	Collections []string
	// Async answers 202 as soon as the run is queued.
	Async bool
	// Return is what a synchronous call answers ("$last" by default).
	Return any
}

// manualOptionKeys are the trigger options a manual flow may carry; the
// editor's own ones (where the button shows, the confirmation dialog) are
// accepted and kept as written.
var manualOptionKeys = map[string]bool{
	"collections": true, "async": true, "return": true, "location": true, "requireConfirmation": true,
	"confirmationDescription": true, "confirmationInputFields": true, "fields": true,
}

// ParseManualOptions decodes and checks a manual flow's trigger options;
// findings are relative to the options object.
func ParseManualOptions(opts map[string]any) (*ManualOptions, ValidationErrors) {
	var errs ValidationErrors
	o := &ManualOptions{Return: "$last"}
	for _, k := range sortedKeys(opts) {
		if !manualOptionKeys[k] {
			errs.Add(k, "unknown manual trigger option (known: collections, async, return, location, requireConfirmation, confirmationDescription, confirmationInputFields)")
		}
	}
	o.Collections = stringList(opts, "collections", &errs)
	for i, c := range o.Collections {
		if !collectionPattern.MatchString(c) {
			errs.Add(indexPath("collections", i), "%q is not a collection name", c)
		}
	}
	o.Async = boolOption(opts, "async", &errs)
	if v, ok := opts["return"]; ok {
		o.Return = v
	}
	return o, errs
}

// Accepts reports whether the flow may be started on collection.
func (o *ManualOptions) Accepts(collection string) bool {
	if len(o.Collections) == 0 {
		return true
	}
	for _, c := range o.Collections {
		if c == collection {
			return true
		}
	}
	return false
}
