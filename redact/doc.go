// Package redact owns what nobody is shown. It is the one definition of
// which names hold credentials (names.go, headers.go) and of which values
// are secrets (secrets.go: those of `$env`, and the credentials a request
// carried), and the one walk that hides them (scrub.go):
//
//   - run records hide the values of secret-named fields and headers and
//     every secret value inside strings, and also cut long strings and
//     deeply nested values (Scrubber, CleanJSON for bytes kept as sent);
//   - error answers of runs and a condition's rejection hide `$env` values
//     (Secrets.Hide);
//   - the webhook delivery log hides credential headers, and the webhook
//     API masks (and storage encrypts) the values of such custom headers.
//
// A name or value recognised here is treated as a credential everywhere.
package redact

// Placeholder replaces a credential in logs, answers and run records.
const Placeholder = "[REDACTED]"
