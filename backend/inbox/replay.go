package inbox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hookline/backend/errs"
)

// MaxReplayResponse caps the response body a replay keeps, as execution logs do.
const MaxReplayResponse = 64 << 10

// hopHeaders describe one connection, not the request, so a replay must not
// copy them (RFC 9110 §7.6.1). Host and Content-Length are rewritten for the
// new target and body by Go's client.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Content-Length",
}

// ReplayResult is what the target answered to a replayed request. When no
// answer came (refused, timed out, bad TLS), Error says why and Status is 0:
// the replay itself worked, the target did not.
type ReplayResult struct {
	URL     string              `json:"url"`
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
	// BodyEncoding is "utf8" or "base64", as for a recorded request.
	BodyEncoding string `json:"bodyEncoding"`
	Truncated    bool   `json:"truncated"`
	DurationMs   int64  `json:"durationMs"`
	Error        string `json:"error,omitempty"`
}

// Replay re-sends a recorded request (method, headers minus hop-by-hop
// ones, body) to target, an absolute http or https URL, and reports the
// answer. Redirects are not followed, so a 3xx is shown as it came.
func (s *Service) Replay(ctx context.Context, name, id, target string) (ReplayResult, error) {
	u, err := url.Parse(strings.TrimSpace(target))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ReplayResult{}, errs.InvalidField("url", "must be an absolute http or https URL")
	}
	req, err := s.GetRequest(ctx, name, id)
	if err != nil {
		return ReplayResult{}, err
	}
	var body []byte
	if req.BodyEncoding == "base64" {
		// The stored bytes, not their encoding, go out again.
		body, _ = decodeB64(req.Body)
	} else {
		body = []byte(req.Body)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.ReplayTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, req.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return ReplayResult{}, errs.InvalidField("url", "cannot build a request: %v", err)
	}
	for k, vs := range req.Headers {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	for _, k := range hopHeaders {
		hr.Header.Del(k)
	}
	if len(body) == 0 {
		hr.Body, hr.ContentLength = http.NoBody, 0
	}
	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	out := ReplayResult{URL: u.String()}
	start := time.Now()
	res, err := client.Do(hr)
	if err != nil {
		out.DurationMs = time.Since(start).Milliseconds()
		out.Error = "Request failed: " + replayError(ctx, err, s.opts.ReplayTimeout)
		return out, nil
	}
	defer res.Body.Close()
	got, err := io.ReadAll(io.LimitReader(res.Body, MaxReplayResponse+1))
	out.DurationMs = time.Since(start).Milliseconds()
	out.Status = res.StatusCode
	out.Headers = res.Header
	if len(got) > MaxReplayResponse {
		got, out.Truncated = got[:MaxReplayResponse], true
	}
	out.Body, out.BodyEncoding = encodeBody(got)
	if err != nil {
		out.Error = "the response body broke off: " + err.Error()
	}
	return out, nil
}

func replayError(ctx context.Context, err error, timeout time.Duration) string {
	if ctx.Err() == context.DeadlineExceeded {
		return "no answer within " + timeout.String()
	}
	// url.Error repeats the method and URL, which the UI already shows.
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
