// Package secrets keeps credentials encrypted at rest: webhook signing
// secrets, basic-auth passwords and credential headers are stored sealed
// with AES-256-GCM under a key derived with HKDF-SHA256 from SECRET_KEY,
// or from a key generated on the first start and kept in a file beside
// the database (KeySource decides which, in one place).
//
// A sealed value names its format ("hfenc:v1:…"), so values written
// before encryption existed read as they are until the store seals them,
// and the keys of SECRET_KEY_PREVIOUS open values sealed before a
// rotation (Open says when a value should be sealed again). See
// docs/webhooks.md for rotation.
package secrets
