package operations

// ForChecks returns a registry of every built-in operation type for
// checking flows without a server (`hookflow flows validate`): each type
// checks its options and prepares its steps exactly as the server's do.
// Steps that need the server (items, other flows, emitted events) cannot
// run from it.
func ForChecks() *Registry {
	r := Builtins(Dependencies{})
	items := Items{}
	r.MustRegister("item-create", ItemCreate(items))
	r.MustRegister("item-read", ItemRead(items))
	r.MustRegister("item-update", ItemUpdate(items))
	r.MustRegister("item-delete", ItemDelete(items))
	return r
}
