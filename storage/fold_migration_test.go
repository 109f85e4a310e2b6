package storage

import (
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/hookflow/hookflow/query"
)

// foldMigration is the migration that creates hf_fold, PostgreSQL's
// query.FoldString.
const foldMigration = "migrations/postgres/00003_case_folding.sql"

// foldMigrationSQL writes the migration from Go's Unicode tables: ASCII
// letters fold with upper() under the C collation (which maps nothing
// else), and every other rune whose folding orbit has a smaller member is
// mapped to it by translate().
func foldMigrationSQL() string {
	var from, to strings.Builder
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		f, _ := utf8.DecodeRuneInString(query.FoldString(string(r)))
		if f != r {
			from.WriteRune(r)
			to.WriteRune(f)
		}
	}
	return `-- hf_fold is query.FoldString, simple case folding to the smallest rune of
-- each folding orbit, generated from Go's Unicode tables by
-- TestFoldMigrationMatchesGo (storage/fold_migration_test.go). ASCII-only
-- text, the common case, is folded by upper() under the C collation alone.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION hf_fold(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN octet_length(s) = char_length(s) THEN upper(s COLLATE "C")
ELSE translate(upper(s COLLATE "C"),
'` + from.String() + `',
'` + to.String() + `')
END
$$;
-- +goose StatementEnd
`
}

// TestFoldMigrationMatchesGo keeps the migration equal to Go's folding.
// When Go's Unicode tables change, a new migration must replace hf_fold
// (released migrations never change); HOOKFLOW_WRITE_FOLD_MIGRATION=1
// writes the first one.
func TestFoldMigrationMatchesGo(t *testing.T) {
	t.Parallel()
	want := foldMigrationSQL()
	if os.Getenv("HOOKFLOW_WRITE_FOLD_MIGRATION") != "" {
		if err := os.WriteFile(foldMigration, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := migrations.ReadFile(foldMigration)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s no longer matches query.FoldString over Go's Unicode tables: add a migration that replaces hf_fold", foldMigration)
	}
}
