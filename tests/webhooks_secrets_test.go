package tests

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/secrets"
	"github.com/hookflow/hookflow/storage"
	_ "github.com/mattn/go-sqlite3" // reads the database file as another program would
)

// knownCredentials are a webhook's chosen credentials, distinct per n so
// that each can be looked for in the database files.
type knownCredentials struct {
	secret, password, apiKey, bearer string
}

func credentialsFor(n int) knownCredentials {
	key := fmt.Sprintf("signing-key-%02d-of-thirty-two-by", n) // 32 bytes
	return knownCredentials{
		secret:   "whsec_" + base64.StdEncoding.EncodeToString([]byte(key)),
		password: fmt.Sprintf("basic-password-%02d", n),
		apiKey:   fmt.Sprintf("api-key-value-%02d", n),
		bearer:   fmt.Sprintf("bearer-token-%02d", n),
	}
}

// values are what must never be found in clear: the secret (and its
// base64 part alone) and each credential.
func (k knownCredentials) values() []string {
	return []string{k.secret, strings.TrimPrefix(k.secret, "whsec_"), k.password, k.apiKey, k.bearer}
}

// secretsServer starts a server on db; the test closes it itself.
func secretsServer(t *testing.T, db hookflowtest.Database, options ...func(*hookflow.Config)) *hookflowtest.Server {
	t.Helper()
	return hookflowtest.New(t, append([]func(*hookflow.Config){allowLoopback, db.Use}, options...)...)
}

// stop closes a server before the test ends (its cleanup then does
// nothing more).
func stop(t *testing.T, srv *hookflowtest.Server) {
	t.Helper()
	srv.Close()
	if err := srv.Hookflow.Close(); err != nil {
		t.Fatal(err)
	}
}

// assertNoneInFiles fails when a value is found in the database file, its
// write-ahead log or its shared-memory index: a copy of them must hold no
// credential. On PostgreSQL, whose files are the server's, the rows of
// the webhooks table as the database returns them are searched instead.
func assertNoneInFiles(t *testing.T, db hookflowtest.Database, values []string) {
	t.Helper()
	if db.Client == storage.DialectPostgres {
		rows, err := db.SQL(t).Query("SELECT w::text FROM webhooks w")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var row string
			if err := rows.Scan(&row); err != nil {
				t.Fatal(err)
			}
			for _, v := range values {
				if strings.Contains(row, v) {
					t.Errorf("%q is in the webhooks table in clear", v)
				}
			}
		}
		return
	}
	dbFile := db.Filename
	found := 0
	for _, suffix := range []string{"", "-wal", "-shm"} {
		raw, err := os.ReadFile(dbFile + suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		found++
		for _, v := range values {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("%q is in %s in clear", v, filepath.Base(dbFile+suffix))
			}
		}
	}
	if found == 0 {
		t.Fatalf("no database file at %s", dbFile)
	}
}

// TestCredentialsAreEncryptedAtRest creates webhooks with known secrets,
// basic-auth passwords and credential headers in the three dialects, and
// checks that neither the database file nor its write-ahead log holds one
// in clear — while the server runs and after it closed — while deliveries
// still carry the real values.
func TestCredentialsAreEncryptedAtRest(t *testing.T) {
	t.Parallel()
	db := hookflowtest.NewDatabase(t)
	rc := hookflowtest.NewReceiver(t)
	srv := secretsServer(t, db)
	var all []string
	for n, create := range []func(k knownCredentials){
		func(k knownCredentials) {
			createWebhook(t, srv, map[string]any{
				"name": "directus", "actions": "create", "collections": "orders",
				"url": rc.URL, "secret": k.secret, "http_basic_user": "bob", "http_basic_password": k.password,
				"headers": []any{map[string]any{"header": "X-Api-Key", "value": k.apiKey}},
			})
		},
		func(k knownCredentials) {
			check(t, srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{
				"url": rc.URL, "events": []any{"orders.created"},
				"secret": k.secret, "headers": map[string]any{"Authorization": "Bearer " + k.bearer, "X-Api-Key": k.apiKey},
				"http_basic_password": nil,
			}), 201, "")
			all = append(all, k.password) // no password: looked for all the same
		},
		func(k knownCredentials) {
			resp := dato(t, srv, "POST", "/webhooks", fmt.Sprintf(`{"data": {"type": "webhook", "attributes": {"name": "dato",
				"url": %q, "secret": %q, "http_basic_user": "eve", "http_basic_password": %q, "headers": {"X-Api-Key": %q},
				"events": [{"entity_type": "item", "event_types": ["create"]}]}}}`, rc.URL, k.secret, k.password, k.apiKey))
			if resp.Status != http.StatusOK {
				t.Fatalf("DatoCMS create: %d %s", resp.Status, resp.Body)
			}
		},
	} {
		k := credentialsFor(n)
		create(k)
		all = append(all, k.values()...)
	}

	// Deliveries carry the real values.
	check(t, srv.Do(t, "POST", "/items/orders", `{"id": 1}`), 200, "")
	got := rc.Wait(t, 3)
	for _, r := range got {
		user, password, basic := (&http.Request{Header: r.Header}).BasicAuth()
		switch {
		case basic && user == "bob":
			k := credentialsFor(0)
			if password != k.password || r.Header.Get("X-Api-Key") != k.apiKey || verifyStandardWebhook(k.secret, r.Header, r.Body, time.Now()) != nil {
				t.Errorf("Directus webhook sent %v", r.Header)
			}
		case basic && user == "eve":
			k := credentialsFor(2)
			if password != k.password || r.Header.Get("X-Api-Key") != k.apiKey || verifyStandardWebhook(k.secret, r.Header, r.Body, time.Now()) != nil {
				t.Errorf("DatoCMS webhook sent %v", r.Header)
			}
		default:
			k := credentialsFor(1)
			if r.Header.Get("Authorization") != "Bearer "+k.bearer || r.Header.Get("X-Api-Key") != k.apiKey ||
				!verifySeedSignature(k.secret, r.Header.Get("X-Webhook-Signature"), r.Body) {
				t.Errorf("generic webhook sent %v", r.Header)
			}
		}
	}

	// A copy of the files taken while the server runs, then after it
	// closed.
	assertNoneInFiles(t, db, all)
	stop(t, srv)
	assertNoneInFiles(t, db, all)
	info, err := os.Stat(filepath.Join(filepath.Dir(db.Filename), secrets.KeyFileName))
	if db.Client == storage.DialectPostgres {
		// PostgreSQL requires SECRET_KEY: no key is generated beside one server.
		if err == nil {
			t.Fatal("a key file was generated beside a server on PostgreSQL")
		}
		return
	}
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the generated key file: %v %v", info, err)
	}
}

// TestCredentialsAreUpgradedAndRotated: credentials a previous version
// stored in clear are encrypted at start (the files then hold none), a
// changed SECRET_KEY is refused until SECRET_KEY_PREVIOUS names the old
// one, and after that start the new key alone suffices.
func TestCredentialsAreUpgradedAndRotated(t *testing.T) {
	t.Parallel()
	db := hookflowtest.NewDatabase(t)
	keyA, keyB := strings.Repeat("a", 32), strings.Repeat("b", 40)
	withKey := func(key string, previous ...string) func(*hookflow.Config) {
		return func(c *hookflow.Config) { c.SecretKey, c.SecretKeyPrevious = key, previous }
	}
	rc := hookflowtest.NewReceiver(t)
	k := credentialsFor(7)
	srv := secretsServer(t, db, withKey(keyA))
	hook := createWebhook(t, srv, map[string]any{
		"name": "legacy", "actions": "create", "collections": "orders",
		"url": rc.URL, "secret": k.secret, "http_basic_user": "bob", "http_basic_password": k.password,
		"headers": map[string]any{"X-Api-Key": k.apiKey},
	})
	stop(t, srv)

	// What a version without encryption left: the values in clear.
	_, err := db.SQL(t).Exec(`UPDATE webhooks SET secret = $1, basic_password = $2, headers = $3 WHERE id = $4`,
		k.secret, k.password, `[{"header":"X-Api-Key","value":"`+k.apiKey+`"}]`, hook["id"])
	if err != nil {
		t.Fatal(err)
	}

	// A test delivery proves the server reads what it stored.
	sends := 0
	sendsReal := func(srv *hookflowtest.Server) {
		t.Helper()
		check(t, srv.Do(t, "POST", webhookPath(hook, "/test"), nil), 200, "")
		sends++
		r := rc.Wait(t, sends)[sends-1]
		_, password, _ := (&http.Request{Header: r.Header}).BasicAuth()
		if password != k.password || r.Header.Get("X-Api-Key") != k.apiKey || verifyStandardWebhook(k.secret, r.Header, r.Body, time.Now()) != nil {
			t.Fatalf("the test delivery sent %v", r.Header)
		}
	}
	srv = secretsServer(t, db, withKey(keyA))
	sendsReal(srv)
	stop(t, srv)
	assertNoneInFiles(t, db, k.values())

	// Another key: refused, naming the way out.
	cfg := hookflow.Config{AdminToken: hookflowtest.AdminToken, SecretKey: keyB, Logger: slog.New(slog.DiscardHandler)}
	db.Use(&cfg)
	if s, err := hookflow.New(context.Background(), cfg); err == nil {
		_ = s.Close()
		t.Fatal("started with a key that decrypts nothing")
	} else if !strings.Contains(err.Error(), "SECRET_KEY_PREVIOUS") {
		t.Fatalf("the refusal does not say what to do: %v", err)
	}
	srv = secretsServer(t, db, withKey(keyB, keyA))
	sendsReal(srv)
	stop(t, srv)
	srv = secretsServer(t, db, withKey(keyB))
	sendsReal(srv)
	stop(t, srv)
}
