package engine

import (
	"encoding/json"
	"strings"
)

// jsonShape decides whether a template string is a JSON document with
// placeholders, and for each placeholder whether it sits inside a string
// literal. A string counts as JSON when it starts with `{` or `[` and is
// valid JSON once every placeholder outside a string literal is replaced by
// null — so `{"a": {{$last}}}` and `{"id": "{{$last.id}}"}` are JSON, while a
// log message such as "[warn] got {{name}}" is plain text.
func jsonShape(s string) (inString []bool, ok bool) {
	trimmed := strings.TrimSpace(s)
	if trimmed == "" || (trimmed[0] != '{' && trimmed[0] != '[') {
		return nil, false
	}
	var probe strings.Builder
	inStr, escaped := false, false
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], openTag) {
			end := strings.Index(s[i+len(openTag):], closeTag)
			if end < 0 {
				return nil, false
			}
			inString = append(inString, inStr)
			if !inStr {
				probe.WriteString("null")
			}
			i += len(openTag) + end + len(closeTag)
			continue
		}
		c := s[i]
		probe.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case inStr && c == '\\':
			escaped = true
		case c == '"':
			inStr = !inStr
		}
		i++
	}
	if !json.Valid([]byte(probe.String())) {
		return nil, false
	}
	return inString, true
}
