package inbox

import (
	"bufio"
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"hookline/backend/webhook/signature"
)

// FuzzParseRequest feeds raw HTTP/1.1 requests through what an inbox does
// with a request it receives: parse it, cap the body, check the signature.
// Seeds live in testdata/fuzz/FuzzParseRequest; one of them is signed with
// vecSecret at vecTS, so the verified path is explored too.
func FuzzParseRequest(f *testing.F) {
	const maxBody = 64
	now := time.Unix(vecTS, 0)
	known := map[string]bool{SigUnchecked: true, SigVerified: true, SigMissing: true, SigBad: true, SigStale: true}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := readRequest(raw)
		if err != nil {
			return // not HTTP: the server would have refused it before us
		}
		c := parseRequest(r, "/inbox/x", maxBody)
		if int64(len(c.Body)) > maxBody {
			t.Fatalf("kept %d body bytes, cap %d", len(c.Body), maxBody)
		}
		if c.Truncated != (c.BodySize > maxBody || c.BodySize == -1) {
			t.Fatalf("truncated=%v with size %d", c.Truncated, c.BodySize)
		}
		if !c.Truncated && c.BodySize != int64(len(c.Body)) {
			t.Fatalf("size %d but kept %d", c.BodySize, len(c.Body))
		}
		if !strings.HasPrefix(c.Path, "/") {
			t.Fatalf("path %q does not start with /", c.Path)
		}
		check := checkSignature(vecSecret, c.Header, c.Body, c.Truncated, now)
		if !known[check.Status] || check.Reason == "" {
			t.Fatalf("verdict %+v", check)
		}
		if check.Status == SigVerified {
			// Never verified without an independent match.
			h := c.Header
			ts, _ := parseTS(h.Get("webhook-timestamp"))
			if signature.Verify(vecSecret, h.Get("webhook-id"), ts, c.Body, h.Get("webhook-signature")) != nil {
				t.Fatalf("verified a request whose signature does not match")
			}
		}
		text, enc := encodeBody(c.Body)
		if enc == "base64" {
			if back, err := decodeB64(text); err != nil || !bytes.Equal(back, c.Body) {
				t.Fatalf("base64 round trip lost the body")
			}
		} else if text != string(c.Body) {
			t.Fatalf("text body changed")
		}
	})
}

func readRequest(raw []byte) (*http.Request, error) {
	return http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
}

func parseTS(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) }
