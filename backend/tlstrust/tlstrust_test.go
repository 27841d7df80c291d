package tlstrust

import (
	"encoding/pem"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	good := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	tests := []struct {
		name, in, wantErr string
		n                 int
	}{
		{"one", good, "", 1},
		{"two with blank lines", good + "\n\n" + good, "", 2},
		{"empty", "  ", "not a PEM certificate", 0},
		{"junk", "hello", "not a PEM certificate", 0},
		{"trailing junk", good + "junk", "not PEM", 0},
		{"private key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}})), "only CERTIFICATE", 0},
		{"bad bytes", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}})), "does not parse", 0},
	}
	for _, tt := range tests {
		certs, err := Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || len(certs) != tt.n {
			t.Errorf("%s: %d certs, %v", tt.name, len(certs), err)
		}
	}
	if _, err := Pool(good); err != nil {
		t.Fatal(err)
	}
}
