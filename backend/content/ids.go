package content

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/big"

	"gorm.io/gorm"
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

// newObjectIDTx picks an id of the form {type}-{6 digits}, as Flotiq's docs
// show, that no object of the type (live or removed) has. With the 6-digit
// space crowded it falls back to more digits rather than loop for long.
func newObjectIDTx(tx *gorm.DB, typeName string) (string, error) {
	for attempt := 0; attempt < 50; attempt++ {
		digits := 6
		if attempt >= 20 {
			digits = 12
		}
		lo := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits-1)), nil)
		n, err := rand.Int(rand.Reader, new(big.Int).Mul(lo, big.NewInt(9)))
		if err != nil {
			return "", err
		}
		id := fmt.Sprintf("%s-%s", typeName, n.Add(n, lo).String())
		var taken int
		if err := tx.Raw(`SELECT COUNT(*) FROM objects WHERE type = ? AND id = ?`, typeName, id).Scan(&taken).Error; err != nil {
			return "", err
		}
		if taken == 0 {
			return id, nil
		}
	}
	return "", fmt.Errorf("could not find a free id for type %s", typeName)
}
