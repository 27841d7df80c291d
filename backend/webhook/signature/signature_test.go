package signature

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The published Standard Webhooks test vector, as issue 4 requires.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS     = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignVector(t *testing.T) {
	t.Parallel()
	got, err := Sign(vectorSecret, vectorID, vectorTS, []byte(vectorBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vectorSig {
		t.Errorf("Sign = %s, want %s", got, vectorSig)
	}
	// Without the prefix the key is the same.
	if got, _ := Sign(strings.TrimPrefix(vectorSecret, "whsec_"), vectorID, vectorTS, []byte(vectorBody)); got != vectorSig {
		t.Errorf("bare secret: %s", got)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(vectorBody)
	if err := Verify(vectorSecret, vectorID, vectorTS, body, vectorSig); err != nil {
		t.Errorf("vector: %v", err)
	}
	if err := Verify(vectorSecret, vectorID, vectorTS, body, "v1,bm9wZQ== "+vectorSig); err != nil {
		t.Errorf("second of two signatures: %v", err)
	}
	for name, tc := range map[string]struct {
		id     string
		ts     int64
		body   string
		header string
	}{
		"other body":   {vectorID, vectorTS, `{"test": 2432232315}`, vectorSig},
		"other ts":     {vectorID, vectorTS + 1, vectorBody, vectorSig},
		"other id":     {"msg_x", vectorTS, vectorBody, vectorSig},
		"v2 prefix":    {vectorID, vectorTS, vectorBody, "v2," + strings.TrimPrefix(vectorSig, "v1,")},
		"empty header": {vectorID, vectorTS, vectorBody, ""},
		"garbage":      {vectorID, vectorTS, vectorBody, "v1,!!!"},
	} {
		if err := Verify(vectorSecret, tc.id, tc.ts, []byte(tc.body), tc.header); !errors.Is(err, ErrNoMatch) {
			t.Errorf("%s: err = %v, want ErrNoMatch", name, err)
		}
	}
	if err := Verify("whsec_%%%", vectorID, vectorTS, body, vectorSig); err == nil || errors.Is(err, ErrNoMatch) {
		t.Errorf("bad secret: %v", err)
	}
}

func TestGenerateSecret(t *testing.T) {
	t.Parallel()
	a, b := GenerateSecret(), GenerateSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if !strings.HasPrefix(a, "whsec_") || err != nil || len(key) != 24 {
		t.Errorf("secret %q: %d bytes, %v", a, len(key), err)
	}
	sig, err := Sign(a, "msg_1", 1, []byte("{}"))
	if err != nil || Verify(a, "msg_1", 1, []byte("{}"), sig) != nil {
		t.Errorf("round trip: %v", err)
	}
}

func ExampleSign() {
	sig, _ := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	fmt.Println(sig)
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}
