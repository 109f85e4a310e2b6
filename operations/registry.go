package operations

import (
	"fmt"
	"regexp"
	"sort"
)

// typeName is the shape of an operation type key: kebab-case.
var typeName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Registry maps operation type names to operations. It is built explicitly
// when the server is wired (no init-time globals), so tests get isolated
// registries and operations get their dependencies injected.
type Registry struct {
	ops map[string]Operation
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{ops: map[string]Operation{}} }

// Register adds an operation type; a malformed or duplicate name is an error.
func (r *Registry) Register(typ string, op Operation) error {
	if !typeName.MatchString(typ) {
		return fmt.Errorf("operation type %q: must be kebab-case", typ)
	}
	if op == nil {
		return fmt.Errorf("operation type %q: nil operation", typ)
	}
	if _, dup := r.ops[typ]; dup {
		return fmt.Errorf("operation type %q registered twice", typ)
	}
	r.ops[typ] = op
	return nil
}

// MustRegister is Register for wiring code, where a mistake is a bug.
func (r *Registry) MustRegister(typ string, op Operation) {
	if err := r.Register(typ, op); err != nil {
		panic(err)
	}
}

// Lookup returns the operation registered under typ.
func (r *Registry) Lookup(typ string) (Operation, bool) {
	op, ok := r.ops[typ]
	return op, ok
}

// Types lists the registered type names in order.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.ops))
	for t := range r.ops {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
