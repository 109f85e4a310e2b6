package jsonnum

import (
	"bytes"
	"fmt"
	"reflect"

	gojson "github.com/goccy/go-json"
)

// Unmarshal decodes data into v as encoding/json does, except that the
// numbers decoded into `any` (interface fields, map and slice elements)
// follow Decode's rule. Typed fields (int, float64, json.RawMessage) are
// decoded as usual.
func Unmarshal(data []byte, v any) error {
	if floatsOnly(data) {
		return gojson.Unmarshal(data, v)
	}
	dec := gojson.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return fmt.Errorf("invalid character %q after top-level value", rest[0])
	}
	settleValue(reflect.ValueOf(v))
	return nil
}

// settleValue applies settle to every interface value reachable from rv
// without a typed json.Number in between. It runs only for documents that
// hold a number float64 cannot stand for, so reflection costs nothing on
// the common path.
func settleValue(rv reflect.Value) {
	switch rv.Kind() {
	case reflect.Pointer:
		if !rv.IsNil() {
			settleValue(rv.Elem())
		}
	case reflect.Interface:
		if rv.IsNil() {
			return
		}
		settled := settle(rv.Elem().Interface())
		if rv.CanSet() {
			rv.Set(reflect.ValueOf(settled))
		}
	case reflect.Struct:
		for i := range rv.NumField() {
			if rv.Type().Field(i).IsExported() {
				settleValue(rv.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes and json.RawMessage
		}
		for i := range rv.Len() {
			settleValue(rv.Index(i))
		}
	case reflect.Map:
		if rv.Type().Elem().Kind() != reflect.Interface {
			for _, k := range rv.MapKeys() {
				settleValue(rv.MapIndex(k))
			}
			return
		}
		for _, k := range rv.MapKeys() {
			if e := rv.MapIndex(k); !e.IsNil() {
				rv.SetMapIndex(k, reflect.ValueOf(settle(e.Elem().Interface())))
			}
		}
	}
}
