package webhook

import "hookline/backend/webhook/signature"

// secretPrefix marks a signing secret; see signature.SecretPrefix.
const secretPrefix = signature.SecretPrefix

// ErrNoSignature is returned by Verify when no signature matches.
var ErrNoSignature = signature.ErrNoMatch

// GenerateSecret returns a new signing secret: "whsec_" and the base64 of 24
// random bytes.
func GenerateSecret() string { return signature.GenerateSecret() }

// Sign returns the Standard Webhooks webhook-signature value for one request:
// "v1," and the base64 HMAC-SHA256 of "{msgID}.{ts}.{body}", keyed by the
// base64-decoded secret after "whsec_".
func Sign(secret, msgID string, ts int64, body []byte) (string, error) {
	return signature.Sign(secret, msgID, ts, body)
}

// Verify checks a received webhook-signature header (one or more
// space-separated signatures) against the message; nil means one matched.
// The caller checks that ts is recent.
func Verify(secret, msgID string, ts int64, body []byte, header string) error {
	return signature.Verify(secret, msgID, ts, body, header)
}
