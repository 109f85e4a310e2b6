package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/query"
)

// chainNames are the data chain's own entries: a template path starts with
// one of them or with an operation key of its flow (docs/operations.md).
var chainNames = []string{"$trigger", "$last", "$accountability", "$env", "$flow", "$run"}

// builtinNames are the placeholders that are not paths, offered as
// suggestions too.
var builtinNames = []string{"$NOW", "$CURRENT_USER", "$CURRENT_ROLE"}

// envRoot is the chain entry holding the allowed environment variables.
const envRoot = "$env"

// compiler compiles the option values of one step (or a flow's return
// option). With checkRoots set, a placeholder whose path starts with a
// name that is neither a chain name nor an operation key of the flow is a
// finding with a suggestion: the upload checks of Engine.Check. Flows
// loaded at start are compiled without, so one saved before the check
// existed still runs. Every `$env` name a template reads is noted for the
// warnings of uploads and for the step's failures at run time.
type compiler struct {
	checkRoots bool
	keys       map[string]bool // operation keys of the flow
	// templates holds every template compiled, by source text, so that
	// the warnings can point at the option strings that hold them.
	templates map[string]*Template
	env       map[string]bool // `$env` names read
}

func newCompiler(keys map[string]bool, checkRoots bool) *compiler {
	return &compiler{
		checkRoots: checkRoots,
		keys:       keys,
		templates:  map[string]*Template{},
		env:        map[string]bool{},
	}
}

// compile compiles a value whose findings are relative to raw.
func (c *compiler) compile(raw any) (Value, flows.ValidationErrors) {
	var errs flows.ValidationErrors
	return Value{root: compileValue(raw, "", &errs, c)}, errs
}

// template notes a compiled template and checks the names its paths start
// with; findings go to errs at path.
func (c *compiler) template(t *Template, path string, errs *flows.ValidationErrors) {
	c.templates[t.src] = t
	for i := range t.parts {
		p := &t.parts[i]
		if p.now != nil {
			continue
		}
		c.path(p.path, fmt.Sprintf("%s%s%s", openTag, strings.TrimSpace(p.path.String()), closeTag), path, errs)
	}
}

// path notes a `$env` read and checks the name a path starts with; shown
// is how the path was written, for the finding.
func (c *compiler) path(p query.Path, shown, at string, errs *flows.ValidationErrors) {
	head := p.Head()
	if head == envRoot && p.Len() > 1 {
		c.env[p.Segments()[1]] = true
	}
	if !c.checkRoots || c.keys[head] || isChainName(head) {
		return
	}
	msg := fmt.Sprintf("%s starts with %q, which is neither a data chain name (%s) nor an operation key of this flow",
		shown, head, strings.Join(chainNames, ", "))
	if s := c.suggest(head); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	errs.Add(at, "template: %s", msg)
}

func isChainName(name string) bool {
	for _, n := range chainNames {
		if n == name {
			return true
		}
	}
	return false
}

// suggest is the chain name, built-in placeholder or operation key closest
// to name, when it is close enough to be a typo: at most a third of its
// letters differ (and at least one may).
func (c *compiler) suggest(name string) string {
	candidates := append(append([]string{}, chainNames...), builtinNames...)
	keys := make([]string, 0, len(c.keys))
	for k := range c.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	candidates = append(candidates, keys...)
	best, bestDist := "", max(1, len([]rune(name))/3)+1
	for _, cand := range candidates {
		if d := levenshtein(strings.ToLower(name), strings.ToLower(cand)); d < bestDist {
			best, bestDist = cand, d
		}
	}
	return best
}

// levenshtein is the edit distance between a and b in runes, counting a
// swap of two neighbours as one edit ("$lats" is one edit from "$last"):
// Levenshtein's distance with transpositions (optimal string alignment).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := [3][]int{make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		before, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], before[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, before
	}
	return rows[1][len(rb)]
}

// envWarnings are the warnings of an upload about `$env` names the allow
// list does not hold: each option string holding a template that reads
// one, at its path (prefix + the path inside options), in order.
func (c *compiler) envWarnings(options map[string]any, prefix string, allowed map[string]bool) flows.ValidationErrors {
	var out flows.ValidationErrors
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case string:
			if t := c.templates[x]; t != nil {
				for _, name := range t.envNames() {
					if !allowed[name] {
						out.Add(path, "%s", envWarning(name))
					}
				}
			}
		case map[string]any:
			for _, k := range sortedOptionKeys(x) {
				walk(x[k], flows.JoinPath(path, k))
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	for _, k := range sortedOptionKeys(options) {
		walk(options[k], flows.JoinPath(prefix, k))
	}
	return out
}

// envWarning says what an `$env` name outside the allow list does.
func envWarning(name string) string {
	return fmt.Sprintf("$env.%s is not in FLOWS_ENV_ALLOW_LIST, so it is null when the flow runs", name)
}

// envNames are the `$env` variables the template's placeholders read.
func (t *Template) envNames() []string {
	var out []string
	for i := range t.parts {
		p := &t.parts[i]
		if p.now == nil && p.path.Head() == envRoot && p.path.Len() > 1 {
			out = append(out, p.path.Segments()[1])
		}
	}
	return out
}

// sortedNames lists a set in order.
func sortedNames(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
