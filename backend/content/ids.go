package content

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
)

// newUUID returns a random UUID v4, used as the id of a user type.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// internalTypeID is a stable UUID (v5 style) for an internal type, so that
// its id does not change between launches.
func internalTypeID(name string) string {
	sum := sha1.Sum([]byte("hookline internal content type " + name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// newObjectID returns a candidate id of the form {type}-{6 digits}, as
// Flotiq's docs show, for the attempt-th try at a free one (the caller
// inserts it and tries again if some object of the type, live or removed,
// has it). With the 6-digit space crowded it moves to 12 digits rather than
// loop for long, and gives up after 50 tries.
func newObjectID(rnd io.Reader, typeName string, attempt int) (string, error) {
	if attempt >= 50 {
		return "", fmt.Errorf("could not find a free id for type %s", typeName)
	}
	digits := 6
	if attempt >= 20 {
		digits = 12
	}
	lo := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits-1)), nil)
	n, err := rand.Int(rnd, new(big.Int).Mul(lo, big.NewInt(9)))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%s", typeName, n.Add(n, lo).String()), nil
}
