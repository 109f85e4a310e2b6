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
	for _, n := range secret {
		if !IsSecretName(n) {
			t.Errorf("%q holds a secret", n)
		}
	}
	for _, n := range plain {
		if IsSecretName(n) {
			t.Errorf("%q is not a secret", n)
		}
	}
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
	for _, n := range credential {
		if !IsCredentialHeader(n) {
			t.Errorf("%q is a credential header", n)
		}
	}
	for _, n := range plain {
		if IsCredentialHeader(n) {
			t.Errorf("%q is not a credential header", n)
		}
	}
}
