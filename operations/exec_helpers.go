package operations

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/google/uuid"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

// rejection is what reject(value) raises: the evaluation stops and the
// node takes its `reject` edge with value as its result.
type rejection struct{ data any }

func (r *rejection) Error() string { return "rejected" }

// execHelpers are the functions exec expressions may call besides expr's
// builtins (upper, split, map, filter, len, date, duration, …). Names are
// snake_case so they never collide with expr's camelCase builtins.
//
//	hmac_sha256(key, message)   hex HMAC-SHA256 of message keyed with key
//	sha256(text)                hex SHA-256
//	base64_encode(text)         standard base64 with padding
//	base64_decode(text)         standard or URL-safe, padded or not
//	secure_compare(a, b)        constant-time string equality
//	now()                       the current time, RFC 3339 UTC with milliseconds (as {{$NOW}})
//	uuid()                      a random UUID (v4)
//	json_parse(text)            the JSON value text holds
//	json_stringify(value)       compact JSON text
//	reject(value)               take the `reject` edge with value as the result
func execHelpers(now func() time.Time) []expr.Option {
	return []expr.Option{
		expr.Function("hmac_sha256", func(args ...any) (any, error) {
			key, msg, err := twoStrings("hmac_sha256", args)
			if err != nil {
				return nil, err
			}
			mac := hmac.New(sha256.New, []byte(key))
			mac.Write([]byte(msg))
			return hex.EncodeToString(mac.Sum(nil)), nil
		}, new(func(string, string) string)),
		expr.Function("sha256", func(args ...any) (any, error) {
			s, err := oneString("sha256", args)
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:]), nil
		}, new(func(string) string)),
		expr.Function("base64_encode", func(args ...any) (any, error) {
			s, err := oneString("base64_encode", args)
			if err != nil {
				return nil, err
			}
			return base64.StdEncoding.EncodeToString([]byte(s)), nil
		}, new(func(string) string)),
		expr.Function("base64_decode", func(args ...any) (any, error) {
			s, err := oneString("base64_decode", args)
			if err != nil {
				return nil, err
			}
			return decodeBase64(s)
		}, new(func(string) string)),
		expr.Function("secure_compare", func(args ...any) (any, error) {
			a, b, err := twoStrings("secure_compare", args)
			if err != nil {
				return nil, err
			}
			return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1, nil
		}, new(func(string, string) bool)),
		expr.DisableBuiltin("now"),
		expr.Function("now", func(...any) (any, error) {
			return query.FormatTime(now()), nil
		}, new(func() string)),
		expr.Function("uuid", func(...any) (any, error) {
			return uuid.NewString(), nil
		}, new(func() string)),
		expr.Function("json_parse", func(args ...any) (any, error) {
			s, err := oneString("json_parse", args)
			if err != nil {
				return nil, err
			}
			v, err := jsonnum.Decode([]byte(s))
			if err != nil {
				return nil, fmt.Errorf("json_parse: %v", err)
			}
			return v, nil
		}, new(func(string) any)),
		expr.Function("reject", func(args ...any) (any, error) {
			r := &rejection{}
			if len(args) > 0 {
				v, err := jsonValue(args[0])
				if err != nil {
					return nil, fmt.Errorf("reject: %v", err)
				}
				r.data = v
			}
			return nil, r
		}, new(func() any), new(func(any) any)),
	}
}

func oneString(name string, args []any) (string, error) {
	if len(args) != 1 {
		return "", fmt.Errorf("%s takes one argument", name)
	}
	s, ok := args[0].(string)
	if !ok {
		return "", fmt.Errorf("%s: the argument must be a string, not %s", name, jsonTypeName(args[0]))
	}
	return s, nil
}

func twoStrings(name string, args []any) (string, string, error) {
	if len(args) != 2 {
		return "", "", fmt.Errorf("%s takes two arguments", name)
	}
	a, okA := args[0].(string)
	b, okB := args[1].(string)
	if !okA || !okB {
		return "", "", fmt.Errorf("%s: both arguments must be strings (got %s, %s)", name, jsonTypeName(args[0]), jsonTypeName(args[1]))
	}
	return a, b, nil
}

// decodeBase64 accepts the standard and URL-safe alphabets, with or
// without padding, as senders use all four.
func decodeBase64(s string) (string, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("base64_decode: not base64 text")
}

// jsonTypeName names a value's JSON type for messages.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, int, int64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
