package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/secrets"
)

const (
	testKeyA = "storage-test-key-a-of-32-characters"
	testKeyB = "storage-test-key-b-of-32-characters"
)

func testKeys(t testing.TB, current string, previous ...string) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKeyring(current, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// credentialSub is a subscription with every kind of credential.
func credentialSub(name string) *Subscription {
	return &Subscription{
		Name: &name, URL: "https://example.com", Method: "POST", Status: "active", Format: "generic",
		Secret: "whsec_" + name + "-signing", PreviousSecret: "whsec_" + name + "-previous", BasicUser: "bob",
		BasicPassword: name + "-basic-password",
		Headers:       []Header{{Name: "X-Api-Key", Value: name + "-api-key"}, {Name: "X-Tenant", Value: name + "-tenant"}},
	}
}

// credentialsOf are the values credentialSub keeps secret.
func credentialsOf(name string) []string {
	return []string{"whsec_" + name + "-signing", "whsec_" + name + "-previous", name + "-basic-password", name + "-api-key"}
}

// rawColumns reads a subscription's credential columns as stored.
func rawColumns(t *testing.T, s *Store, id int64) string {
	t.Helper()
	var row struct{ Secret, PreviousSecret, BasicPassword, Headers string }
	if err := s.write.Raw("SELECT secret, previous_secret, basic_password, headers FROM webhooks WHERE id = ?", id).Scan(&row).Error; err != nil {
		t.Fatal(err)
	}
	return row.Secret + row.PreviousSecret + row.BasicPassword + row.Headers
}

// TestSubscriptionCredentialsAreSealed: callers read and write credentials
// in clear while the table holds them sealed; other header values stay
// readable.
func TestSubscriptionCredentialsAreSealed(t *testing.T) {
	t.Parallel()
	s := openTestStore(t, func(c *Config) { c.Keys = testKeys(t, testKeyA) })
	ctx := context.Background()
	sub := credentialSub("a")
	if err := s.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	if sub.Secret != "whsec_a-signing" || sub.ID == 0 {
		t.Fatalf("the caller's subscription changed: %+v", sub)
	}
	check := func(when string) {
		t.Helper()
		raw := rawColumns(t, s, sub.ID)
		for _, v := range credentialsOf("a") {
			if bytes.Contains([]byte(raw), []byte(v)) {
				t.Fatalf("%s: %q is stored in clear: %s", when, v, raw)
			}
		}
		if !bytes.Contains([]byte(raw), []byte("a-tenant")) {
			t.Fatalf("%s: a header that is no credential was sealed: %s", when, raw)
		}
		got, err := s.GetSubscription(ctx, sub.ID)
		if err != nil || got.Secret != sub.Secret || got.PreviousSecret != sub.PreviousSecret ||
			got.BasicPassword != sub.BasicPassword || got.Headers[0].Value != sub.Headers[0].Value {
			t.Fatalf("%s: read back %+v %v", when, got, err)
		}
		list, err := s.ListSubscriptions(ctx)
		if err != nil || len(list) != 1 || list[0].Secret != sub.Secret {
			t.Fatalf("%s: listed %+v %v", when, list, err)
		}
	}
	check("created")
	sub.BasicPassword = "a-basic-password" // unchanged, written again
	if err := s.UpdateSubscription(ctx, sub, false); err != nil {
		t.Fatal(err)
	}
	check("updated")
	if n, err := s.SealCredentials(ctx); n != 0 || err != nil {
		t.Fatalf("nothing to seal, yet %d rewritten (%v)", n, err)
	}
}

// TestSealCredentialsUpgradesAndRotates: values stored in clear (before
// encryption) and values of a previous key are sealed under the current
// key at start, after which the previous key is no longer needed; a key
// that opens nothing stops the start and changes nothing.
func TestSealCredentialsUpgradesAndRotates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbFile := filepath.Join(t.TempDir(), "test.db")
	open := func(keys *secrets.Keyring) *Store {
		t.Helper()
		s, err := Open(ctx, Config{Filename: dbFile, Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// A database written before encryption: credentials in clear, among
	// them those of a webhook deleted since, which linger in free space.
	s := open(testKeys(t, testKeyA))
	legacy, deleted := credentialSub("legacy"), credentialSub("deleted")
	subs := []*Subscription{legacy, deleted}
	for i := range 40 { // several pages of webhooks, freed by the deletion
		sub := credentialSub(fmt.Sprintf("filler%d", i))
		sub.Description = strings.Repeat("d", 2000)
		subs = append(subs, sub)
	}
	if err := s.CreateSubscriptions(ctx, subs); err != nil {
		t.Fatal(err)
	}
	for _, sub := range subs {
		err := s.write.Exec("UPDATE webhooks SET secret = ?, previous_secret = ?, basic_password = ?, headers = ? WHERE id = ?",
			sub.Secret, sub.PreviousSecret, sub.BasicPassword,
			`[{"header":"X-Api-Key","value":"`+sub.Headers[0].Value+`"},{"header":"X-Tenant","value":"t"}]`, sub.ID).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	gone := []int64{deleted.ID}
	for _, sub := range subs[2:] {
		gone = append(gone, sub.ID)
	}
	if err := s.DeleteSubscriptions(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SealCredentials(ctx); n != 1 || err != nil {
		t.Fatalf("upgrade: %d rewritten, %v", n, err)
	}
	if n, _ := s.SealCredentials(ctx); n != 0 {
		t.Fatalf("a second start rewrote %d", n)
	}
	// Checked while the store is open: its log is not checkpointed away
	// at close.
	secret := append(credentialsOf("legacy"), credentialsOf("deleted")...)
	secret = append(secret, credentialsOf("filler39")...)
	assertNotInFiles(t, dbFile, secret)
	_ = s.Close()
	assertNotInFiles(t, dbFile, secret)

	// A new key with the old one as previous: sealed again under the new.
	s = open(testKeys(t, testKeyB, testKeyA))
	if n, err := s.SealCredentials(ctx); n != 1 || err != nil {
		t.Fatalf("rotation: %d rewritten, %v", n, err)
	}
	_ = s.Close()
	s = open(testKeys(t, testKeyB))
	got, err := s.GetSubscription(ctx, legacy.ID)
	if err != nil || got.BasicPassword != "legacy-basic-password" || got.Headers[0].Value != "legacy-api-key" {
		t.Fatalf("after rotation, the new key alone: %+v %v", got, err)
	}
	_ = s.Close()

	// The old key alone opens nothing now: the start fails, naming it.
	s = open(testKeys(t, testKeyA))
	defer s.Close()
	if _, err := s.SealCredentials(ctx); !errors.Is(err, secrets.ErrUndecryptable) {
		t.Fatalf("a wrong key: %v", err)
	}
	if _, err := s.GetSubscription(ctx, legacy.ID); !errors.Is(err, secrets.ErrUndecryptable) {
		t.Fatalf("reading under a wrong key: %v", err)
	}
}

// assertNotInFiles fails when any of values appears in the database file,
// its write-ahead log or its shared-memory index.
func assertNotInFiles(t *testing.T, dbFile string, values []string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		raw, err := os.ReadFile(dbFile + suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("%q is in %s in clear", v, filepath.Base(dbFile+suffix))
			}
		}
	}
}
