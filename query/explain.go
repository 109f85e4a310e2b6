package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// phrases are the human readings of the operators, completed with the
// operand ("type must equal \"order\"").
var phrases = map[string]string{
	"_eq": "must equal", "_neq": "must not equal",
	"_lt": "must be less than", "_lte": "must be less than or equal to",
	"_gt": "must be greater than", "_gte": "must be greater than or equal to",
	"_in": "must be one of", "_nin": "must not be one of",
	"_between": "must be between", "_nbetween": "must not be between",
	"_contains": "must contain", "_ncontains": "must not contain",
	"_icontains": "must contain", "_nicontains": "must not contain",
	"_starts_with": "must start with", "_nstarts_with": "must not start with",
	"_istarts_with": "must start with", "_nistarts_with": "must not start with",
	"_ends_with": "must end with", "_nends_with": "must not end with",
	"_iends_with": "must end with", "_niends_with": "must not end with",
	"_regex": "must match",
}

// condMismatch describes a failing leaf. Expected is the resolved operand,
// Actual the value seen (nil when missing).
func condMismatch(c *Cond, info *opInfo, p *prepared, perr error, v any, env *Env) Mismatch {
	expected := c.Operand.Value(*env)
	field := c.Field.String()
	name := field
	if name == "" {
		name = "value"
	}
	var msg string
	switch info.kind {
	case kindNull, kindEmpty, kindSubmitted:
		msg = name + " " + flagPhrase(info, p != nil && perr == nil && p.flag)
	case kindBetween:
		msg = name + " " + phrases[info.name] + " " + betweenText(expected)
	default:
		msg = name + " " + phrases[info.name] + " " + display(expected)
		if info.fold {
			msg += " (case-insensitive)"
		}
	}
	if perr != nil {
		msg += " (invalid operand: " + perr.Error() + ")"
	}
	return Mismatch{
		Field:    field,
		Operator: info.name,
		Expected: expected,
		Actual:   v,
		Message:  msg,
	}
}

// flagPhrase words the boolean operators; {"_null": false} reads "must not be
// null", {"_nempty": true} reads "must not be empty".
func flagPhrase(info *opInfo, flag bool) string {
	want := flag != info.neg
	switch info.kind {
	case kindNull:
		if want {
			return "must be null"
		}
		return "must not be null"
	case kindEmpty:
		if want {
			return "must be empty"
		}
		return "must not be empty"
	}
	if flag {
		return "must be submitted"
	}
	return "must not be submitted"
}

func betweenText(v any) string {
	if list, ok := toList(v); ok && len(list) == 2 {
		return display(list[0]) + " and " + display(list[1])
	}
	return display(v)
}

// display writes a value as JSON, the notation flow authors wrote it in
// (without HTML escaping: "<" stays readable in a message).
func display(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func someMismatch(field Path, none bool, v any, present, isArray bool) Mismatch {
	name := field.String()
	if name == "" {
		name = "value"
	}
	op, msg := "_some", name+" must have an element matching the filter"
	if none {
		op, msg = "_none", name+" must have no element matching the filter"
	}
	if present && !isArray {
		msg += " (it is not an array)"
	}
	return Mismatch{
		Field:    field.String(),
		Operator: op,
		Actual:   v,
		Message:  msg,
	}
}
