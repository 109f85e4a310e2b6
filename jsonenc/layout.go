package jsonenc

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Layout is how a struct type is written: its JSON members read from its
// tags once, as encoding/json reads them for structs without embedded
// fields (names, omitempty, "-"). The common field types are read at
// their offsets and written directly, so writing a record costs little
// more than its hand-written encoder, and a field added to the struct is
// written without a line of code.
type Layout struct {
	typ    reflect.Type
	fields []layoutField
}

type layoutField struct {
	offset    uintptr
	typ       reflect.Type
	kind      fieldKind
	name      string
	member    []byte // `"name":`
	omitEmpty bool
}

// fieldKind says how a field is read.
type fieldKind int

const (
	kindOther    fieldKind = iota // through reflect
	kindString                    // string
	kindBool                      // bool
	kindInt                       // int
	kindAny                       // any
	kindMap                       // map[string]any
	kindTime                      // time.Time
	kindTimePtr                   // *time.Time
	kindFloatPtr                  // *float64
)

// kindOf is how a field of type t is read.
func kindOf(t reflect.Type) fieldKind {
	switch t {
	case reflect.TypeFor[string]():
		return kindString
	case reflect.TypeFor[bool]():
		return kindBool
	case reflect.TypeFor[int]():
		return kindInt
	case reflect.TypeFor[any]():
		return kindAny
	case reflect.TypeFor[map[string]any]():
		return kindMap
	case reflect.TypeFor[time.Time]():
		return kindTime
	case reflect.TypeFor[*time.Time]():
		return kindTimePtr
	case reflect.TypeFor[*float64]():
		return kindFloatPtr
	}
	return kindOther
}

// LayoutOf reads the layout of struct type T.
func LayoutOf[T any]() *Layout {
	t := reflect.TypeFor[T]()
	l := &Layout{typ: t}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		l.fields = append(l.fields, layoutField{
			offset:    f.Offset,
			typ:       f.Type,
			kind:      kindOf(f.Type),
			name:      name,
			member:    append(AppendString(nil, name), ':'),
			omitEmpty: opts == "omitempty",
		})
	}
	return l
}

// MemberWriter writes the value of a struct's member of type any or
// map[string]any: a hook for values that need more than encoding
// (scrubbing).
type MemberWriter func(dst []byte, name string, v any) ([]byte, error)

// Append appends *v (v points to a struct of the layout's type) as
// compact JSON. Members of type any or map[string]any go through write
// when it is not nil.
func (l *Layout) Append(dst []byte, v any, write MemberWriter) ([]byte, error) {
	sv := reflect.ValueOf(v)
	if sv.Kind() != reflect.Pointer || sv.Type().Elem() != l.typ || sv.IsNil() {
		return dst, fmt.Errorf("%w: %T is not a non-nil *%s", ErrUnsupportedValue, v, l.typ)
	}
	base := sv.UnsafePointer()
	out := dst // dst itself is returned as it was on an error
	out = append(out, '{')
	first := true
	var err error
	var times timeText
	for i := range l.fields {
		f := &l.fields[i]
		p := unsafe.Add(base, f.offset)
		if f.omitEmpty && f.empty(p) {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, f.member...)
		if out, err = f.append(out, p, write, &times); err != nil {
			return dst, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return append(out, '}'), nil
}

// append writes the field's value found at p.
func (f *layoutField) append(dst []byte, p unsafe.Pointer, write MemberWriter, times *timeText) ([]byte, error) {
	switch f.kind {
	case kindString:
		return AppendString(dst, *(*string)(p)), nil
	case kindBool:
		return strconv.AppendBool(dst, *(*bool)(p)), nil
	case kindInt:
		return strconv.AppendInt(dst, int64(*(*int)(p)), 10), nil
	case kindAny, kindMap:
		var v any
		if f.kind == kindAny {
			v = *(*any)(p)
		} else {
			v = *(*map[string]any)(p)
		}
		if write != nil {
			return write(dst, f.name, v)
		}
		return appendValue(dst, v)
	case kindTime:
		return times.append(dst, (*time.Time)(p))
	case kindTimePtr:
		return times.append(dst, *(**time.Time)(p))
	case kindFloatPtr:
		if x := *(**float64)(p); x != nil {
			return AppendFloat(dst, *x)
		}
		return append(dst, "null"...), nil
	}
	return appendValue(dst, reflect.NewAt(f.typ, p).Elem().Interface())
}

// empty reports encoding/json's empty value, which omitempty leaves out.
func (f *layoutField) empty(p unsafe.Pointer) bool {
	switch f.kind {
	case kindString:
		return *(*string)(p) == ""
	case kindBool:
		return !*(*bool)(p)
	case kindInt:
		return *(*int)(p) == 0
	case kindAny:
		return *(*any)(p) == nil
	case kindMap:
		return len(*(*map[string]any)(p)) == 0
	case kindTimePtr:
		return *(**time.Time)(p) == nil
	case kindFloatPtr:
		return *(**float64)(p) == nil
	case kindTime:
		return false
	}
	v := reflect.NewAt(f.typ, p).Elem()
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
