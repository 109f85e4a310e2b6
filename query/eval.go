package query

// evaluator walks the AST with a type switch rather than interface methods:
// passing the subject through an interface call would make it escape, and
// Match must not allocate for static filters.
type evaluator struct {
	env *Env
	out *[]Mismatch // nil unless explaining
}

// get reads a field path from the caller's Subject fn, or, when fn is nil
// (inside Some/None), from the array element elem. The two travel as
// separate arguments, not one struct: element values may end up in a
// Mismatch on the heap, and escape analysis, which does not tell struct
// fields apart, would then move the caller's Subject closure to the heap as
// well, costing every Match an allocation.
func get(fn Subject, elem any, p Path) (any, bool) {
	if fn == nil {
		return walk(p.segs, elem)
	}
	if len(p.segs) == 0 {
		return nil, false
	}
	v, ok := fn(p.segs[0].name)
	if !ok {
		return nil, false
	}
	return walk(p.segs[1:], v)
}

// node evaluates n against fn, or, when fn is nil, against the array
// element elem.
func (e *evaluator) node(n Node, fn Subject, elem any) bool {
	switch x := n.(type) {
	case Cond:
		return e.cond(&x, fn, elem)
	case *Cond:
		return e.cond(x, fn, elem)
	case And:
		return e.and(x.Nodes, fn, elem)
	case *And:
		return e.and(x.Nodes, fn, elem)
	case Or:
		return e.or(x.Nodes, fn, elem)
	case *Or:
		return e.or(x.Nodes, fn, elem)
	case Some:
		return e.some(x.Field, x.Filter, false, fn, elem)
	case *Some:
		return e.some(x.Field, x.Filter, false, fn, elem)
	case None:
		return e.some(x.Field, x.Filter, true, fn, elem)
	case *None:
		return e.some(x.Field, x.Filter, true, fn, elem)
	}
	return false
}

func (e *evaluator) and(nodes []Node, fn Subject, elem any) bool {
	ok := true
	for _, n := range nodes {
		if !e.node(n, fn, elem) {
			if e.out == nil {
				return false
			}
			ok = false // keep going to report every failing branch
		}
	}
	return ok
}

func (e *evaluator) or(nodes []Node, fn Subject, elem any) bool {
	mark := 0
	if e.out != nil {
		mark = len(*e.out)
	}
	for _, n := range nodes {
		if e.node(n, fn, elem) {
			if e.out != nil {
				*e.out = (*e.out)[:mark] // the alternatives that failed do not matter
			}
			return true
		}
	}
	if e.out != nil && len(*e.out) == mark {
		// Only an empty _or fails without a failing leaf to show.
		*e.out = append(*e.out, Mismatch{Operator: "_or", Message: "_or has no alternatives"})
	}
	return false
}

// some evaluates _some (none=false) and _none. The nested filter is
// evaluated quietly: a mismatch is reported for the array as a whole.
func (e *evaluator) some(field Path, filter Node, none bool, fn Subject, elem any) bool {
	v, present := get(fn, elem, field)
	n := arrayLen(v)
	found := false
	if present && n >= 0 {
		quiet := evaluator{env: e.env}
		for i := 0; i < n && !found; i++ {
			found = filter == nil || quiet.node(filter, nil, arrayAt(v, i))
		}
	}
	pass := present && n >= 0 && found != none
	if !pass && e.out != nil {
		*e.out = append(*e.out, someMismatch(field, none, v, present, n >= 0))
	}
	return pass
}

func (e *evaluator) cond(c *Cond, fn Subject, elem any) bool {
	info := c.info
	if info == nil || info.name != c.Op {
		info = opsByName[c.Op] // a hand-built Cond
	}
	if info == nil {
		if e.out != nil {
			*e.out = append(*e.out, Mismatch{
				Field: c.Field.String(), Operator: c.Op,
				Message: "unknown operator " + c.Op,
			})
		}
		return false
	}
	p := c.Operand.prep
	var perr error
	if p == nil || c.Operand.info != info {
		p, perr = prepare(info, c.Operand.Value(*e.env))
	}
	v, present := get(fn, elem, c.Field)
	pass := false
	switch {
	case perr != nil:
		// A dynamic operand that resolved to an unusable value fails the
		// condition instead of the run: it is data, not a flow bug.
	case present:
		pass = evalPresent(info, v, p)
	default:
		pass = evalMissing(info, p)
	}
	if !pass && e.out != nil {
		*e.out = append(*e.out, condMismatch(c, info, p, perr, v, e.env))
	}
	return pass
}
