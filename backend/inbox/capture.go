package inbox

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hookline/backend/webhook/signature"
)

// drainLimit bounds how much of an oversized body is read (and thrown away)
// just to count it and let the sender finish writing before it gets its
// answer. Past it the size is reported as unknown.
const drainLimit = 64 << 20

// captured is what an incoming request is recorded as.
type captured struct {
	Method     string
	Path       string // escaped sub-path after /inbox/{name}, always starting with "/"
	Query      string
	Header     http.Header
	Body       []byte
	BodySize   int64 // -1 when the sender sent more than drainLimit
	Truncated  bool
	RemoteAddr string
}

// parseRequest reads r into a capture: its sub-path below prefix, headers
// (Host included, which Go moves out of the map), and at most maxBody bytes
// of body. It never fails: a body that breaks off midway is recorded as far
// as it came, since showing what arrived is the point of an inbox.
func parseRequest(r *http.Request, prefix string, maxBody int64) captured {
	c := captured{
		Method:     r.Method,
		Query:      r.URL.RawQuery,
		Header:     r.Header.Clone(),
		RemoteAddr: r.RemoteAddr,
	}
	if c.Header == nil {
		c.Header = http.Header{}
	}
	if r.Host != "" {
		c.Header.Set("Host", r.Host)
	}
	p := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(p, prefix); ok && (rest == "" || rest[0] == '/') {
		p = rest
	}
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	c.Path = p
	if r.Body == nil {
		return c
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	c.BodySize = int64(len(body))
	if int64(len(body)) > maxBody {
		c.Truncated = true
		body = body[:maxBody]
		n, _ := io.CopyN(io.Discard, r.Body, drainLimit)
		c.BodySize += n
		if n == drainLimit {
			c.BodySize = -1
		}
	}
	c.Body = body
	return c
}

// Signature check outcomes.
const (
	SigUnchecked = "unchecked"       // the inbox has no secret, or the body was too large to check
	SigVerified  = "verified"        // a v1 signature matched and the timestamp is recent
	SigMissing   = "missing_headers" // webhook-id, webhook-timestamp or webhook-signature is absent
	SigBad       = "bad_signature"   // no signature matched, or the timestamp is not a number
	SigStale     = "stale_timestamp" // the signature matched, but the timestamp is over 5 minutes off
)

// SignatureTolerance is how far webhook-timestamp may be from now, either
// way, as Standard Webhooks recommends against replayed requests.
const SignatureTolerance = 5 * time.Minute

// SignatureCheck is the verdict on one request's signature, with a reason a
// person can act on when it did not verify.
type SignatureCheck struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// checkSignature verifies a request's Standard Webhooks signature. The
// signature is checked before the timestamp's age, so that a stale replay of
// a genuine request says "too old" rather than hiding behind a failure it
// does not have.
func checkSignature(secret string, h http.Header, body []byte, truncated bool, now time.Time) SignatureCheck {
	if secret == "" {
		if h.Get("webhook-signature") != "" {
			// A signed request is worth saying so: the sender signs, and
			// setting the inbox's secret would check it.
			return SignatureCheck{Status: SigUnchecked, Reason: "signed, but the inbox has no signing secret to check it"}
		}
		return SignatureCheck{Status: SigUnchecked, Reason: "the inbox has no signing secret"}
	}
	var missing []string
	for _, name := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		if h.Get(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return SignatureCheck{Status: SigMissing, Reason: "missing header " + strings.Join(missing, ", ")}
	}
	if truncated {
		return SignatureCheck{Status: SigUnchecked, Reason: "the body is larger than the inbox keeps, so the signature could not be checked"}
	}
	tsText := h.Get("webhook-timestamp")
	ts, err := strconv.ParseInt(strings.TrimSpace(tsText), 10, 64)
	if err != nil {
		return SignatureCheck{Status: SigBad, Reason: "webhook-timestamp " + strconv.Quote(tsText) + " is not Unix seconds"}
	}
	err = signature.Verify(secret, h.Get("webhook-id"), ts, body, h.Get("webhook-signature"))
	if errors.Is(err, signature.ErrNoMatch) {
		return SignatureCheck{Status: SigBad, Reason: "no v1 signature in webhook-signature matches: the secret differs, or the id, timestamp or body changed on the way"}
	}
	if err != nil {
		return SignatureCheck{Status: SigBad, Reason: err.Error()}
	}
	age := now.Sub(time.Unix(ts, 0))
	switch {
	case age > SignatureTolerance:
		return SignatureCheck{Status: SigStale, Reason: "the signature matches, but webhook-timestamp is " + age.Truncate(time.Second).String() + " old; the limit is 5 minutes"}
	case -age > SignatureTolerance:
		return SignatureCheck{Status: SigStale, Reason: "the signature matches, but webhook-timestamp is " + (-age).Truncate(time.Second).String() + " in the future; the limit is 5 minutes"}
	}
	return SignatureCheck{Status: SigVerified, Reason: "signature matches and webhook-timestamp is recent"}
}

// encodeBody returns body as JSON can carry it: the text itself when it is
// UTF-8, base64 otherwise.
func encodeBody(body []byte) (text, encoding string) {
	if utf8.Valid(body) {
		return string(body), "utf8"
	}
	return b64(body), "base64"
}
