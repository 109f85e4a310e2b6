package flows

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"github.com/hookflow/hookflow/jsonnum"
)

// YAML flow files: authors prefer YAML for multi-line templates. A YAML
// file is read into the same values a JSON file gives: numbers keep the
// digits they are written with (`1.10`, `12345678901234567890`) through
// jsonnum, as in JSON files, which a YAML decoder's float64 would not.
// Anchors, aliases and merge keys (`<<: *defaults`) are resolved; what
// aliases expand to is bounded, so a file cannot expand to billions of
// values.

// MaxYAMLValues bounds the values one YAML file expands to, aliases
// included.
const MaxYAMLValues = 1_000_000

// maxYAMLDepth bounds nesting, as the server bounds documents.
const maxYAMLDepth = 128

// DecodeYAML reads a YAML document holding one flow object.
func DecodeYAML(data []byte) (map[string]any, error) {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	var body ast.Node
	for _, doc := range file.Docs {
		if doc.Body == nil {
			continue
		}
		if body != nil {
			return nil, fmt.Errorf("YAML: a flow file holds one document; this one has several (---)")
		}
		body = doc.Body
	}
	r := yamlReader{anchors: map[string]ast.Node{}}
	v, err := r.value(body, 0)
	if err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("YAML: expected a flow object (a mapping)")
	}
	return m, nil
}

// yamlReader turns YAML nodes into JSON values.
type yamlReader struct {
	anchors map[string]ast.Node
	count   int
}

func (r *yamlReader) value(n ast.Node, depth int) (any, error) {
	r.count++
	if r.count > MaxYAMLValues {
		return nil, fmt.Errorf("the document expands to more than %d values (through aliases)", MaxYAMLValues)
	}
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("values nest deeper than %d levels", maxYAMLDepth)
	}
	switch x := n.(type) {
	case nil, *ast.NullNode:
		return nil, nil
	case *ast.StringNode:
		if x.Token.Type == token.StringType && isJSONNumber(x.Value) {
			// YAML 1.2 reads a plain 1e3 as a number; the parser
			// leaves it text.
			return jsonnum.Decode([]byte(x.Value))
		}
		return x.Value, nil
	case *ast.LiteralNode:
		return x.Value.Value, nil
	case *ast.BoolNode:
		return x.Value, nil
	case *ast.IntegerNode, *ast.FloatNode:
		return yamlNumber(x.(ast.ScalarNode))
	case *ast.InfinityNode, *ast.NanNode:
		return nil, fmt.Errorf("line %d: %s is not a JSON number", n.GetToken().Position.Line, n.GetToken().Value)
	case *ast.MappingNode:
		return r.mapping(x.Values, depth)
	case *ast.MappingValueNode:
		return r.mapping([]*ast.MappingValueNode{x}, depth)
	case *ast.SequenceNode:
		out := make([]any, len(x.Values))
		for i, e := range x.Values {
			v, err := r.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case *ast.AnchorNode:
		r.anchors[x.Name.GetToken().Value] = x.Value
		return r.value(x.Value, depth)
	case *ast.AliasNode:
		target, ok := r.anchors[x.Value.GetToken().Value]
		if !ok {
			return nil, fmt.Errorf("line %d: alias *%s names no anchor before it", x.GetToken().Position.Line, x.Value.GetToken().Value)
		}
		return r.value(target, depth)
	case *ast.TagNode:
		return r.tagged(x, depth)
	}
	return nil, fmt.Errorf("line %d: %s is not supported in flow files", n.GetToken().Position.Line, n.Type())
}

// mapping reads a mapping's pairs into an object; merge keys add the
// fields of the mappings they name that the mapping does not set itself.
func (r *yamlReader) mapping(pairs []*ast.MappingValueNode, depth int) (map[string]any, error) {
	out := make(map[string]any, len(pairs))
	var merged []map[string]any
	for _, pair := range pairs {
		if pair.Key.IsMergeKey() {
			m, err := r.mergeSources(pair.Value, depth)
			if err != nil {
				return nil, err
			}
			merged = append(merged, m...)
			continue
		}
		key, err := r.key(pair.Key)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("line %d: key %q is given twice", pair.Key.GetToken().Position.Line, key)
		}
		v, err := r.value(pair.Value, depth+1)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	for _, m := range merged {
		for k, v := range m {
			if _, set := out[k]; !set {
				out[k] = v
			}
		}
	}
	return out, nil
}

// mergeSources are the mappings a merge key names: one, or a list.
func (r *yamlReader) mergeSources(n ast.Node, depth int) ([]map[string]any, error) {
	v, err := r.value(n, depth)
	if err != nil {
		return nil, err
	}
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	out := make([]map[string]any, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("line %d: a merge key (<<) takes mappings", n.GetToken().Position.Line)
		}
		out[i] = m
	}
	return out, nil
}

// key is a mapping key as JSON writes it: the text of a scalar.
func (r *yamlReader) key(n ast.MapKeyNode) (string, error) {
	var node ast.Node = n
	if k, ok := n.(*ast.MappingKeyNode); ok {
		node = k.Value
	}
	switch x := node.(type) {
	case *ast.StringNode:
		return x.Value, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode:
		return x.GetToken().Value, nil
	}
	return "", fmt.Errorf("line %d: a key must be text", n.GetToken().Position.Line)
}

// tagged reads a value with a standard tag (!!str, !!int, !!float,
// !!bool, !!null, !!map, !!seq); others are not supported.
func (r *yamlReader) tagged(n *ast.TagNode, depth int) (any, error) {
	line := n.GetToken().Position.Line
	_, scalar := n.Value.(ast.ScalarNode)
	switch token.ReservedTagKeyword(n.Start.Value) {
	case token.StringTag:
		if scalar {
			return n.Value.GetToken().Value, nil
		}
	case token.IntegerTag, token.FloatTag:
		if scalar {
			s := n.Value.GetToken().Value
			if v, err := jsonnum.Decode([]byte(s)); err == nil {
				if _, isStr := v.(string); !isStr {
					return v, nil
				}
			}
			return nil, fmt.Errorf("line %d: %s %q is not a JSON number", line, n.Start.Value, s)
		}
	case token.BooleanTag, token.NullTag, token.MappingTag, token.SequenceTag:
		return r.value(n.Value, depth)
	}
	return nil, fmt.Errorf("line %d: the tag %s is not supported in flow files", line, n.Start.Value)
}

// yamlNumber is a number with the digits it is written with, when they
// are JSON's; other notations (0x1F, 0o17, +5, .5) by their value.
func yamlNumber(n ast.ScalarNode) (any, error) {
	text := strings.TrimSpace(n.GetToken().Value)
	if isJSONNumber(text) {
		return jsonnum.Decode([]byte(text))
	}
	switch v := n.GetValue().(type) {
	case int64:
		return jsonnum.Decode([]byte(strconv.FormatInt(v, 10)))
	case uint64:
		return jsonnum.Decode([]byte(strconv.FormatUint(v, 10)))
	case float64:
		return jsonnum.Decode([]byte(strconv.FormatFloat(v, 'g', -1, 64)))
	}
	return nil, fmt.Errorf("line %d: %s is not a number", n.GetToken().Position.Line, text)
}

// isJSONNumber reports whether s is a number as JSON writes it.
func isJSONNumber(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}
