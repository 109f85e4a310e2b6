package webhooks

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// The expected values were computed with Python's hmac module, an
// implementation independent of this package.
const (
	vectorSecret   = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	vectorBody     = `{"test":2432232314}`
	vectorStandard = "v1,6yx7+XhOWWOSjhirfOtXJMThPkVqDapJNfla5pArnYg="
	vectorHex      = "df8ee08ef27ad7290f9b4bf6d397d97cf717b747a9c6a008479377858c6a5bae"
)

func headerMap(pairs [][2]string) map[string]string {
	m := map[string]string{}
	for _, kv := range pairs {
		m[kv[0]] = kv[1]
	}
	return m
}

func TestSignaturesMatchAnIndependentImplementation(t *testing.T) {
	t.Parallel()
	h := headerMap(signingSecrets{current: vectorSecret}.headers("evt_1", 1614265330, []byte(vectorBody)))
	want := map[string]string{HeaderID: "evt_1", HeaderTimestamp: "1614265330", HeaderSignature: vectorStandard, HeaderHexSignature: vectorHex}
	for k, v := range want {
		if h[k] != v {
			t.Errorf("%s = %q, want %q", k, h[k], v)
		}
	}
	if _, ok := h[HeaderPreviousHexSignature]; ok || len(h) != len(want) {
		t.Fatalf("headers %v", h)
	}
}

func TestRotatedSecretSignsUntilItExpires(t *testing.T) {
	t.Parallel()
	now := time.Unix(1614265330, 0)
	until := now.Add(time.Hour)
	next, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	during := headerMap(secretsAt(next, vectorSecret, &until, now).headers("evt_1", now.Unix(), []byte(vectorBody)))
	sigs := strings.Fields(during[HeaderSignature])
	if len(sigs) != 2 || sigs[1] != vectorStandard || during[HeaderPreviousHexSignature] != vectorHex || during[HeaderHexSignature] == vectorHex {
		t.Fatalf("during the grace period: %v", during)
	}
	after := headerMap(secretsAt(next, vectorSecret, &until, until).headers("evt_1", until.Unix(), []byte(vectorBody)))
	if strings.Contains(after[HeaderSignature], " ") || after[HeaderPreviousHexSignature] != "" {
		t.Fatalf("after the grace period: %v", after)
	}
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if !strings.HasPrefix(a, "whsec_") || err != nil || len(key) != 32 || a == b {
		t.Fatalf("secrets %q %q", a, b)
	}
	if CheckSecret(a) != nil {
		t.Fatal("a generated secret does not pass CheckSecret")
	}
}

func TestCheckSecret(t *testing.T) {
	t.Parallel()
	for secret, ok := range map[string]bool{
		vectorSecret: true,
		"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 24)): true,
		"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16)): false,
		"whsec_not base64!": false,
		"sk_" + strings.TrimPrefix(vectorSecret, "whsec_"): false,
		"": false,
	} {
		if err := CheckSecret(secret); (err == nil) != ok {
			t.Errorf("CheckSecret(%q) = %v", secret, err)
		}
	}
	if MaskSecret(vectorSecret) != "whsec_••••••••••••••••••••••••••••••" || MaskSecret("") != "" {
		t.Fatal(MaskSecret(vectorSecret))
	}
}
