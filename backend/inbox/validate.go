package inbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"hookline/backend/errs"
	"hookline/backend/webhook/signature"
)

// Limits of a script, each refused with a 400 naming the field.
const (
	MaxDelayMs     = 120_000
	MaxFailFirst   = 1_000_000
	MaxScriptBody  = 64 << 10 // kept with every recorded request, so kept small
	maxSafeInteger = 1<<53 - 1
)

var (
	namePattern       = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
	headerNamePattern = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
)

// ownedHeaders are framing headers Go's server writes itself; a scripted
// value would corrupt the response.
var ownedHeaders = map[string]bool{"Content-Length": true, "Transfer-Encoding": true, "Connection": true}

// ValidName reports whether name can name an inbox.
func ValidName(name string) bool { return namePattern.MatchString(name) }

// script is an Input resolved against defaults and ready to store.
type script struct {
	status, failStatus int
	seed               int64
	headers            string
	sync               syncScript
}

// validate checks in and fills defaults. cur is the inbox being replaced,
// nil on create.
func (s *Service) validate(in Input, cur *Inbox) (script, error) {
	f := errs.Fields{}
	if !ValidName(in.Name) {
		f.Add("name", "must be 1 to 64 characters, each a-z, 0-9 or -")
	}
	sc := script{status: http.StatusOK, failStatus: http.StatusInternalServerError}
	if in.Status != nil {
		sc.status = *in.Status
		if sc.status < 100 || sc.status > 599 {
			f.Add("status", "must be between 100 and 599")
		}
	}
	for k, v := range in.Headers {
		switch {
		case !headerNamePattern.MatchString(k):
			f.Add("headers", "header name %q may contain only letters, digits and -", k)
		case ownedHeaders[http.CanonicalHeaderKey(k)]:
			f.Add("headers", "header %s is set by Hookline and cannot be scripted", http.CanonicalHeaderKey(k))
		case ProtectedHeader(k):
			f.Add("headers", "header %s cannot be scripted: it would change what a browser lets the answer do on Hookline's own origin", http.CanonicalHeaderKey(k))
		case strings.ContainsAny(v, "\r\n"):
			f.Add("headers", "the value of header %s may not contain a line break", k)
		}
	}
	if len(in.Body) > MaxScriptBody {
		f.Add("body", "must be at most %d bytes", MaxScriptBody)
	}
	if in.DelayMs < 0 || in.DelayMs > MaxDelayMs {
		f.Add("delayMs", "must be between 0 and %d (120 s)", MaxDelayMs)
	}
	if in.FailFirst < 0 || in.FailFirst > MaxFailFirst {
		f.Add("failFirst", "must be between 0 and %d", MaxFailFirst)
	}
	if in.FailRate < 0 || in.FailRate > 100 {
		f.Add("failRate", "must be a percentage between 0 and 100")
	}
	switch {
	case in.FailSeed != nil:
		sc.seed = *in.FailSeed
		// The UI holds the seed in a JavaScript number.
		if sc.seed < 0 || sc.seed > maxSafeInteger {
			f.Add("failSeed", "must be between 0 and %d", int64(maxSafeInteger))
		}
	case cur != nil:
		sc.seed = cur.FailSeed
	default:
		// A short seed is easy to read back and type into another inbox.
		sc.seed = s.opts.Rand() & 0x7fffffff
	}
	if in.FailStatus != nil {
		sc.failStatus = *in.FailStatus
		// 3xx counts: senders must not follow redirects from a webhook receiver.
		if sc.failStatus < 300 || sc.failStatus > 599 {
			f.Add("failStatus", "must be between 300 and 599, so that it reads as a failure")
		}
	}
	if in.Secret != "" {
		if !strings.HasPrefix(in.Secret, signature.SecretPrefix) {
			f.Add("secret", "must start with %s", signature.SecretPrefix)
		} else if _, err := signature.Sign(in.Secret, "", 0, nil); err != nil {
			f.Add("secret", "must be %s followed by base64", signature.SecretPrefix)
		}
	}
	sc.sync = validateSync(f, in)
	if err := f.Err(); err != nil {
		return script{}, err
	}
	h := in.Headers
	if h == nil {
		h = map[string]string{}
	}
	b, err := json.Marshal(h)
	if err != nil {
		return script{}, err
	}
	sc.headers = string(b)
	return sc, nil
}
