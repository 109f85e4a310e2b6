package secrets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyFileIsCreatedOnceWithMode0600(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", KeyFileName)
	first, origin, err := KeySource{KeyFile: path}.Keyring()
	if err != nil || origin != FromNewKeyFile {
		t.Fatalf("first start: %v %v", origin, err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", info, err)
	}
	sealed := first.Seal("p", "v")
	second, origin, err := KeySource{KeyFile: path}.Keyring()
	if err != nil || origin != FromKeyFile {
		t.Fatalf("second start: %v %v", origin, err)
	}
	if plain, current, err := second.Open("p", sealed); plain != "v" || !current || err != nil {
		t.Fatalf("the kept key does not open what the first made: %q %v %v", plain, current, err)
	}
}

func TestSecretKeyTakesOverFromTheKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), KeyFileName)
	generated, _, err := KeySource{KeyFile: path}.Keyring()
	if err != nil {
		t.Fatal(err)
	}
	sealed := generated.Seal("p", "v")
	k, origin, err := KeySource{SecretKey: keyA, KeyFile: path}.Keyring()
	if err != nil || origin != FromSecretKey {
		t.Fatalf("%v %v", origin, err)
	}
	if plain, current, err := k.Open("p", sealed); plain != "v" || current || err != nil {
		t.Fatalf("the key file's key is not a previous key: %q %v %v", plain, current, err)
	}
	// The file's key moved into SECRET_KEY as it is: the same key.
	raw, _ := os.ReadFile(path)
	same, _, err := KeySource{SecretKey: strings.TrimSpace(string(raw)), KeyFile: path}.Keyring()
	if err != nil {
		t.Fatal(err)
	}
	if _, current, err := same.Open("p", sealed); !current || err != nil {
		t.Fatalf("the file's key as SECRET_KEY: current=%v %v", current, err)
	}
}

func TestKeySourceErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(bad, []byte("too short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src  KeySource
		want string
	}{
		{KeySource{SecretKey: "short"}, "SECRET_KEY must be at least 32 characters (it has 5)"},
		{KeySource{SecretKey: keyA, Previous: []string{"short"}}, "SECRET_KEY_PREVIOUS: previous key 1 must be at least"},
		{KeySource{Previous: []string{keyB}}, "SECRET_KEY_PREVIOUS is set without SECRET_KEY"},
		{KeySource{KeyFile: bad}, "key file " + bad},
		{KeySource{SecretKey: keyA, KeyFile: bad}, "key file " + bad},
		{KeySource{RequireSecretKey: true, KeyFile: filepath.Join(dir, KeyFileName)}, "SECRET_KEY is required"},
	} {
		if _, _, err := tc.src.Keyring(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.src, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); err == nil {
		t.Fatal("a refused start created a key file")
	}
	if _, origin, err := (KeySource{}).Keyring(); err != nil || origin != FromThisProcess {
		t.Fatalf("in memory: %v %v", origin, err)
	}
}
