package secrets

import (
	"errors"
	"strings"
	"testing"
)

const (
	keyA = "first-key-of-at-least-32-characters"
	keyB = "second-key-of-at-least-32-characters"
)

func mustKeyring(t *testing.T, current string, previous ...string) *Keyring {
	t.Helper()
	k, err := NewKeyring(current, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, keyA)
	sealed := k.Seal("webhooks.secret", "whsec_abc")
	if !IsSealed(sealed) || strings.Contains(sealed, "whsec_abc") {
		t.Fatalf("sealed %q", sealed)
	}
	if again := k.Seal("webhooks.secret", "whsec_abc"); again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not fresh")
	}
	plain, current, err := k.Open("webhooks.secret", sealed)
	if err != nil || plain != "whsec_abc" || !current {
		t.Fatalf("open: %q %v %v", plain, current, err)
	}
	// Another purpose, another key, or a changed byte: not opened.
	if _, _, err := k.Open("webhooks.basic_password", sealed); !errors.Is(err, ErrUndecryptable) {
		t.Fatalf("opened for another purpose: %v", err)
	}
	if _, _, err := mustKeyring(t, keyB).Open("webhooks.secret", sealed); !errors.Is(err, ErrUndecryptable) {
		t.Fatalf("opened under another key: %v", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}
	if _, _, err := k.Open("webhooks.secret", tampered); !errors.Is(err, ErrUndecryptable) {
		t.Fatalf("opened a changed value: %v", err)
	}
	for _, broken := range []string{sealedPrefix, sealedPrefix + "!!", sealedPrefix + "AAAA"} {
		if _, _, err := k.Open("webhooks.secret", broken); !errors.Is(err, ErrUndecryptable) {
			t.Fatalf("opened %q: %v", broken, err)
		}
	}
	// The empty string stays empty; a value in clear is read as it is and
	// asks to be sealed.
	if k.Seal("p", "") != "" {
		t.Fatal("sealed the empty string")
	}
	if plain, current, err := k.Open("p", "legacy"); plain != "legacy" || current || err != nil {
		t.Fatalf("a value in clear: %q %v %v", plain, current, err)
	}
}

func TestPreviousKeysOpen(t *testing.T) {
	t.Parallel()
	old := mustKeyring(t, keyA).Seal("p", "v")
	rotated := mustKeyring(t, keyB, keyA)
	plain, current, err := rotated.Open("p", old)
	if err != nil || plain != "v" || current {
		t.Fatalf("a value of the previous key: %q current=%v %v", plain, current, err)
	}
	if _, current, _ := rotated.Open("p", rotated.Seal("p", "v")); !current {
		t.Fatal("a value sealed now is not current")
	}
}

func TestShortKeysAreRefused(t *testing.T) {
	t.Parallel()
	if _, err := NewKeyring("short"); err == nil || !strings.Contains(err.Error(), "at least 32 characters") {
		t.Fatalf("short key: %v", err)
	}
	if _, err := NewKeyring(keyA, "short"); err == nil || !strings.Contains(err.Error(), "previous key 1") {
		t.Fatalf("short previous key: %v", err)
	}
	// Characters, not bytes: 32 accented letters are a valid key.
	if err := CheckKey(strings.Repeat("é", 32)); err != nil {
		t.Fatal(err)
	}
	if err := CheckKey(strings.Repeat("é", 31)); err == nil {
		t.Fatal("31 characters accepted")
	}
}
