// Package signature implements Standard Webhooks signing: the
// webhook-signature header a sender computes and a receiver checks.
//
// It is its own package so that the delivery engine can sign without
// depending on webhook definitions or content.
package signature

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SecretPrefix marks a Standard Webhooks secret; the key is the base64 after it.
const SecretPrefix = "whsec_"

// ErrNoMatch is returned by Verify when no signature in the header
// matches the message.
var ErrNoMatch = errors.New("no matching webhook signature")

// GenerateSecret returns a new signing secret: "whsec_" and the base64 of 24
// random bytes, the size Standard Webhooks generates.
func GenerateSecret() string {
	key := make([]byte, 24)
	rand.Read(key) // never fails since Go 1.24; it would crash the process instead
	return SecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// Sign returns the Standard Webhooks signature header value for one request:
// "v1," and the base64 HMAC-SHA256 of "{msgID}.{ts}.{body}", keyed by the
// base64-decoded secret after "whsec_". A secret without the prefix is read
// as bare base64, as the reference libraries do.
func Sign(secret, msgID string, ts int64, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, msgID, ts, body)), nil
}

// Verify checks a received webhook-signature header, which may carry several
// space-separated signatures (during secret rotation), against the message.
// It returns nil when one v1 signature matches. Checking that ts is recent is
// the caller's job, since only it has the clock.
func Verify(secret, msgID string, ts int64, body []byte, header string) error {
	key, err := decodeSecret(secret)
	if err != nil {
		return err
	}
	want := mac(key, msgID, ts, body)
	for _, sig := range strings.Fields(header) {
		version, value, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(value)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrNoMatch
}

func decodeSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("signing secret is not %sbase64: %w", SecretPrefix, err)
	}
	if len(key) == 0 {
		return nil, errors.New("signing secret is empty")
	}
	return key, nil
}

func mac(key []byte, msgID string, ts int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msgID))
	h.Write([]byte{'.'})
	h.Write(strconv.AppendInt(nil, ts, 10))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}
