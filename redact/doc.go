// Package redact is the one definition of which names hold credentials:
// run records hide the values of such fields and headers, the webhook
// delivery log hides such headers, and the webhook API masks (and storage
// encrypts) the values of such custom headers. A name recognised here is
// treated as a credential everywhere.
package redact

// Placeholder replaces a credential in logs and run records.
const Placeholder = "[REDACTED]"
