package jsonenc

import (
	"fmt"
	"time"
)

// AppendTime writes a time as encoding/json does (RFC 3339 with
// nanoseconds, in the time's own zone), or null for a nil pointer.
func AppendTime(dst []byte, t *time.Time) ([]byte, error) {
	var times timeText
	return times.append(dst, t)
}

// timeText writes the times of one value: a run's record holds three,
// mostly within one second, and the date and clock of a second are
// written once.
type timeText struct {
	sec    int64
	offset int
	n      int      // the length of text; 0 before the first time
	text   [24]byte // "2006-01-02T15:04:05" of sec in the zone offset
}

// append writes t as AppendTime does.
func (tt *timeText) append(dst []byte, t *time.Time) ([]byte, error) {
	if t == nil {
		return append(dst, "null"...), nil
	}
	if y := t.Year(); y < 0 || y > 9999 {
		return dst, fmt.Errorf("%w: year %d outside [0,9999]", ErrUnsupportedValue, y)
	}
	_, offset := t.Zone()
	if offset%60 != 0 {
		// A zone with seconds in its offset: encoding/json's own form.
		return t.AppendFormat(append(dst, '"'), `2006-01-02T15:04:05.999999999Z07:00"`), nil
	}
	if sec := t.Unix(); tt.n == 0 || sec != tt.sec || offset != tt.offset {
		tt.sec, tt.offset = sec, offset
		tt.n = len(t.AppendFormat(tt.text[:0], "2006-01-02T15:04:05"))
	}
	dst = append(append(dst, '"'), tt.text[:tt.n]...)
	if ns := t.Nanosecond(); ns != 0 {
		dst = appendFraction(dst, ns)
	}
	return append(appendZone(dst, offset), '"'), nil
}

// appendFraction writes the nanoseconds of a second as ".999999999" does:
// without trailing zeros.
func appendFraction(dst []byte, ns int) []byte {
	var digits [9]byte
	for i := 8; i >= 0; i-- {
		digits[i] = byte('0' + ns%10)
		ns /= 10
	}
	n := 9
	for n > 0 && digits[n-1] == '0' {
		n--
	}
	return append(append(dst, '.'), digits[:n]...)
}

// appendZone writes a zone offset as "Z07:00" does.
func appendZone(dst []byte, offset int) []byte {
	if offset == 0 {
		return append(dst, 'Z')
	}
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	h, m := offset/3600, offset/60%60
	return append(dst, sign, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}
