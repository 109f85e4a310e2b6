package triggers

import (
	"errors"
	"fmt"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
)

// The checks of an uploaded flow, in one place: the server runs them on
// every upload (POST, PUT and PATCH /flows, /operations, POST
// /flows/apply) and `hookflow flows validate` runs the same functions on
// files, offline, with an engine over the same operation types.

// CheckFlow checks a decoded flow as an upload is checked: its graph
// (flows.CheckGraph) and everything engine.Check finds. Warnings name the
// `$env` variables it reads that FLOWS_ENV_ALLOW_LIST does not hold.
func CheckFlow(e *engine.Engine, f *flows.Flow) (*engine.Plan, flows.ValidationErrors, error) {
	var warnings flows.ValidationErrors
	p, err := compileFlow(e, f, func(f *flows.Flow) (*engine.Plan, error) {
		p, w, err := e.Check(f)
		warnings = w
		return p, err
	})
	return p, warnings, err
}

// compileFlow checks f's graph and compiles it with compile, reporting
// the findings of both together.
func compileFlow(e *engine.Engine, f *flows.Flow, compile func(*flows.Flow) (*engine.Plan, error)) (*engine.Plan, error) {
	errs := flows.CheckGraph(f)
	p, err := compile(f)
	if err != nil {
		var cerrs flows.ValidationErrors
		if !errors.As(err, &cerrs) {
			return nil, err
		}
		errs = append(errs, cerrs...)
	}
	if len(errs) > 0 {
		return nil, errs.Unique()
	}
	return p, nil
}

// CheckEditedFlow is the warnings of a flow changed one operation at a
// time (/operations), whose findings Catalog.Save reports: a template
// path starting with an unknown name is a warning here, not a finding,
// since an editor creates operations one by one and a template may name
// the key of an operation the next request adds.
func CheckEditedFlow(e *engine.Engine, f *flows.Flow) flows.ValidationErrors {
	_, warnings, err := e.Check(f)
	var strict flows.ValidationErrors
	if errors.As(err, &strict) {
		if _, lenient := e.Compile(f); lenient == nil {
			warnings = append(warnings, strict...)
		}
	}
	return warnings
}

// CheckDocument decodes a flow document and checks it (CheckFlow): the
// flow, the warnings, and every finding of both steps.
func CheckDocument(e *engine.Engine, doc map[string]any) (f *flows.Flow, warnings, findings flows.ValidationErrors) {
	f, findings = flows.Decode(doc)
	_, warnings, err := CheckFlow(e, f)
	if err != nil {
		var cerrs flows.ValidationErrors
		if !errors.As(err, &cerrs) {
			cerrs = flows.ValidationErrors{{Message: err.Error()}}
		}
		findings = append(findings, cerrs...)
		return f, warnings, findings.Unique()
	}
	return f, warnings, findings.Unique()
}

// CheckFlowFiles checks the documents of a set of flow files (an apply):
// each as CheckDocument, and together: every one names its id, since
// applying matches flows by id, and no two name the same. Findings and
// warnings are prefixed with the document's index ("[2].id"); a finding
// about a repeated id names the other document by its name in names
// (file names), or by its index when names is nil.
func CheckFlowFiles(e *engine.Engine, docs []map[string]any, names []string) (fs []*flows.Flow, warnings, findings flows.ValidationErrors) {
	fs = make([]*flows.Flow, len(docs))
	first := map[string]int{}
	for i, doc := range docs {
		prefix := fmt.Sprintf("[%d]", i)
		f, w, errs := CheckDocument(e, doc)
		warnings.Merge(prefix, w)
		findings.Merge(prefix, errs)
		fs[i] = f
		switch j, seen := first[f.ID]; {
		case f.ID == "":
			if !hasFinding(errs, "id") {
				findings.Add(prefix+".id", "is required in a flow file: applying matches flows by id (a UUID, or a slug such as github-push)")
			}
		case seen:
			other := fmt.Sprintf("[%d]", j)
			if j < len(names) {
				other = names[j]
			}
			findings.Add(prefix+".id", "flow id %s is also the id of %s", f.ID, other)
		default:
			first[f.ID] = i
		}
	}
	return fs, warnings, findings
}

// hasFinding reports whether errs has a finding at path.
func hasFinding(errs flows.ValidationErrors, path string) bool {
	for _, e := range errs {
		if e.Path == path {
			return true
		}
	}
	return false
}
