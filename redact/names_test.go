package redact

import "testing"

func TestSecretNames(t *testing.T) {
	t.Parallel()
	secret := []string{
		"password", "Password", "user_password", "passwd", "PASSPHRASE", "client_secret", "x-webhook-secret",
		"token", "access_token", "refreshToken", "x-auth-token", "api_key", "apiKey", "X-API-KEY", "x-api-key",
		"aws_secret_access_key", "accessKeyId", "private_key", "Authorization", "proxy-authorization", "cookie",
		"set-cookie", "credentials", "auth", "pwd", "pass",
	}
	plain := []string{
		"author", "authority", "pass_count", "passenger", "key", "keys", "monkey", "type", "email", "content-type",
		"x-signature", "x-hub-signature-256", "user-agent", "total", "customer_id", "", "passport", "tok",
	}
	checkClassifier(t, IsSecretName, "a secret's name", secret, plain)
}

func BenchmarkSecretName(b *testing.B) {
	names := []string{"customer_id", "content-type", "shipping", "total", "items", "x-api-key"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		IsSecretName(names[i%len(names)])
	}
}

func TestCredentialHeaders(t *testing.T) {
	t.Parallel()
	credential := []string{
		"Authorization", "authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "x-api-key", "X-Auth-Token",
		"X-Access-Token", "X-Webhook-Secret", "X-Password", "Idempotency-Key", "Ocp-Apim-Subscription-Key", "X-Auth",
		"WWW-Authenticate", "Set-Cookie", "PRIVATE-TOKEN", "X-KEY",
	}
	plain := []string{"Content-Type", "X-Tenant", "User-Agent", "Accept", "X-Request-Id", "X-Signature", ""}
	checkClassifier(t, IsCredentialHeader, "a credential header", credential, plain)
}

// checkClassifier checks that is holds for every name of yes and for none
// of no; what names what is says.
func checkClassifier(t *testing.T, is func(string) bool, what string, yes, no []string) {
	t.Helper()
	for _, n := range yes {
		if !is(n) {
			t.Errorf("%q is %s", n, what)
		}
	}
	for _, n := range no {
		if is(n) {
			t.Errorf("%q is not %s", n, what)
		}
	}
}
