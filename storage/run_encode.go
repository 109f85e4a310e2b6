package storage

import "github.com/hookflow/hookflow/jsonenc"

// recordLayout is how a run's document is written: RunRecord's members
// read from its tags once (a field added to RunRecord is written without a
// line of code; TestRecordEncodingMatchesTags compares with
// encoding/json). The runner hands a record's large values over already
// encoded (jsonenc.Encoded), so writing a record costs a few copies.
var recordLayout = jsonenc.LayoutOf[RunRecord]()

// appendRecord appends a run's document.
func appendRecord(dst []byte, d *RunRecord) ([]byte, error) {
	return recordLayout.Append(dst, d, nil)
}
