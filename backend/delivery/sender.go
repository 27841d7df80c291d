package delivery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"hookline/backend/tlstrust"
	"hookline/backend/webhook/signature"
)

// MaxResponseBody is how much of a response body an attempt record keeps.
const MaxResponseBody = 64 << 10

// What an attempt record keeps of the response headers: at most
// MaxResponseHeaders of them and MaxResponseHeaderBytes of names and values
// (every attempt keeps its own, so a receiver answering with megabytes of
// headers would otherwise fill the disk). The sender refuses to read more
// than MaxReadResponseHeaderBytes of them in the first place.
const (
	MaxResponseHeaders         = 64
	MaxResponseHeaderBytes     = 16 << 10
	MaxReadResponseHeaderBytes = 256 << 10
)

// drainLimit is how much more of a long response is read and discarded so the
// connection can be reused; beyond it, closing the connection is cheaper.
const drainLimit = 256 << 10

// sender makes one attempt of one delivery. It wraps go-retryablehttp only to
// ride out blips inside that attempt; the durable retry schedule is the
// completer's business.
type sender struct {
	client    *retryablehttp.Client
	transport *http.Transport // nil when a test supplied its own client
	// trusted holds one client per distinct trusted-certificate text, for
	// webhooks whose receiver presents a certificate the system does not
	// trust. They share nothing with client but its settings.
	trusted   sync.Map // string → trustedClient
	opts      Options
	userAgent string
	timeout   time.Duration
	now       func() time.Time
}

// trustedClient is a client whose transport trusts extra certificates.
type trustedClient struct {
	client    *retryablehttp.Client
	transport *http.Transport
}

// keepIdle hides the transport's CloseIdleConnections from http.Client:
// go-retryablehttp calls it after every failed request, which would drop the
// idle connections of every healthy receiver whenever one receiver is down.
type keepIdle struct{ http.RoundTripper }

func newSender(opts Options) *sender {
	s := &sender{userAgent: opts.UserAgent, timeout: opts.Timeout, now: opts.Now, opts: opts}
	hc := opts.HTTPClient
	if hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// One idle connection per worker and receiver, so a busy webhook
		// reuses connections instead of dialling for every delivery.
		t.MaxIdleConnsPerHost = max(opts.Workers, 16)
		t.MaxIdleConns = max(4*opts.Workers, 100)
		t.MaxResponseHeaderBytes = MaxReadResponseHeaderBytes
		s.transport = t
		hc = &http.Client{Transport: keepIdle{t}}
	} else {
		c := *hc
		hc = &c
	}
	hc.Timeout = opts.Timeout
	// A 3xx is reported, not followed: the receiver's URL is wrong and the
	// user should see that, rather than Hookline posting somewhere else.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     opts.QuickRetries,
		RetryWaitMin: 50 * time.Millisecond,
		RetryWaitMax: 500 * time.Millisecond,
		CheckRetry:   quickRetry,
		// Plain exponential backoff: DefaultBackoff would sleep for a
		// Retry-After inside the attempt, holding a worker for as long as
		// the receiver asks. Retry-After is honoured by the durable schedule.
		Backoff: func(lo, hi time.Duration, n int, _ *http.Response) time.Duration {
			return min(lo<<n, hi)
		},
		// Without an ErrorHandler, exhausted retries return no response;
		// the attempt record wants the last one.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	// Only when debug is on: retryablehttp formats its log arguments
	// eagerly, on every request.
	if opts.Logger.Enabled(context.Background(), slog.LevelDebug) {
		rc.Logger = retryLogger{opts.Logger}
	}
	s.client = rc
	return s
}

// quickRetry repeats an attempt only for failures that a moment's wait can
// fix. Timeouts already cost a full Timeout, and certificate, URL and 4xx
// failures will not change in half a second, so those go to the schedule.
func quickRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return !isTimeout(err) && !isPermanentTransportError(err), nil
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return resp.Header.Get("Retry-After") == "", nil
	}
	return false, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func isPermanentTransportError(err error) bool {
	var (
		unknownAuth x509.UnknownAuthorityError
		hostname    x509.HostnameError
		invalid     x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		header      tls.RecordHeaderError // plain HTTP spoken to an https URL
	)
	return errors.As(err, &unknownAuth) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &header)
}

// attempt is what happened when one attempt ran.
type attempt struct {
	startedAt time.Time
	duration  time.Duration
	// sent says the request was built and its headers set: Content-Type,
	// userAgent, the delivery's own headers, Webhook-Id, Webhook-Timestamp
	// (startedAt in unix seconds) and, when signature is set,
	// Webhook-Signature. That is all the attempt record keeps of the
	// request; the rest is the delivery's (see requestHeaders).
	sent      bool
	userAgent string
	signature string
	code      int // 0 when no response arrived
	status    string
	location  string
	respHdrs  []Header
	// hdrsTruncated says respHdrs holds only the first headers (see
	// MaxResponseHeaders).
	hdrsTruncated bool
	body          []byte
	truncated     bool
	// failure is the transport error, for a person ("Request failed: …").
	failure    string
	retryAfter time.Duration
}

// send makes one attempt of j. It never returns an error: every failure is
// described in the attempt, because every failure is recorded.
func (s *sender) send(ctx context.Context, j *job) attempt {
	a := attempt{startedAt: s.now()}
	ts := a.startedAt.Unix()
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, j.url, j.body)
	if err != nil {
		a.failure = "Request failed: " + err.Error()
		return a
	}
	// The order here is the one requestHeaders rebuilds for the log.
	a.sent, a.userAgent = true, s.userAgent
	req.Header.Add("Content-Type", "application/json")
	req.Header.Add("User-Agent", s.userAgent)
	for _, h := range j.headers {
		req.Header.Add(h.Name, h.Value)
	}
	req.Header.Add("Webhook-Id", j.messageID)
	req.Header.Add("Webhook-Timestamp", strconv.FormatInt(ts, 10))
	if j.secret != "" {
		sig, err := signature.Sign(j.secret, j.messageID, ts, j.body)
		if err != nil {
			// Validation keeps bad secrets out; one that slipped in must
			// not send an unsigned request the receiver would trust less.
			a.failure = "Request not sent: the webhook's signing secret is invalid"
			return a
		}
		req.Header.Add("Webhook-Signature", sig)
		a.signature = sig
	}

	client, err := s.clientFor(j.tlsCAPEM)
	if err != nil {
		a.failure = "Request not sent: the webhook's trusted certificate is invalid: " + err.Error()
		return a
	}
	start := time.Now() // monotonic, whatever the injected clock says
	resp, err := client.Do(req)
	if resp != nil {
		a.code = resp.StatusCode
		a.status = resp.Status
		a.location = resp.Header.Get("Location")
		a.respHdrs, a.hdrsTruncated = headerList(resp.Header)
		a.body, a.truncated, err = readCapped(resp.Body)
		resp.Body.Close()
		a.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), a.startedAt)
		if err != nil {
			// The status arrived; a broken body does not change the
			// outcome, but the record should say so.
			a.failure = "Response body incomplete: " + transportDetail(err, s.timeout)
		}
	} else if err != nil {
		a.failure = "Request failed: " + transportDetail(err, s.timeout)
	}
	a.duration = time.Since(start)
	return a
}

// transportDetail describes a transport error without the method and URL
// that url.Error repeats (the log shows the URL already).
func transportDetail(err error, timeout time.Duration) string {
	if isTimeout(err) {
		return fmt.Sprintf("no response within %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func readCapped(body io.Reader) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(body, MaxResponseBody+1))
	if err != nil {
		return b, false, err
	}
	if len(b) <= MaxResponseBody {
		return b, false, nil
	}
	io.CopyN(io.Discard, body, drainLimit)
	return b[:MaxResponseBody], true, nil
}

// headerList is h in name order, cut at MaxResponseHeaders headers or
// MaxResponseHeaderBytes of names and values, whichever comes first.
func headerList(h http.Header) ([]Header, bool) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]Header, 0, min(len(h), MaxResponseHeaders))
	size := 0
	for _, k := range names {
		for _, v := range h[k] {
			size += len(k) + len(v)
			if len(out) == MaxResponseHeaders || size > MaxResponseHeaderBytes {
				return out, true
			}
			out = append(out, Header{Name: k, Value: v})
		}
	}
	return out, false
}

// clientFor returns the client for a receiver that may present one of the
// certificates in caPEM besides the system's roots ("" for none).
func (s *sender) clientFor(caPEM string) (*retryablehttp.Client, error) {
	if caPEM == "" {
		return s.client, nil
	}
	if c, ok := s.trusted.Load(caPEM); ok {
		return c.(trustedClient).client, nil
	}
	pool, err := tlstrust.Pool(caPEM)
	if err != nil {
		return nil, err
	}
	var t *http.Transport
	if s.transport != nil {
		t = s.transport.Clone()
	} else {
		t = http.DefaultTransport.(*http.Transport).Clone()
	}
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	base := s.client
	c := &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport:     keepIdle{t},
			Timeout:       base.HTTPClient.Timeout,
			CheckRedirect: base.HTTPClient.CheckRedirect,
		},
		RetryMax:     base.RetryMax,
		RetryWaitMin: base.RetryWaitMin,
		RetryWaitMax: base.RetryWaitMax,
		CheckRetry:   base.CheckRetry,
		Backoff:      base.Backoff,
		ErrorHandler: base.ErrorHandler,
		Logger:       base.Logger,
	}
	actual, _ := s.trusted.LoadOrStore(caPEM, trustedClient{client: c, transport: t})
	return actual.(trustedClient).client, nil
}

// closeIdle drops idle connections; Stop calls it so nothing lingers.
func (s *sender) closeIdle() {
	s.trusted.Range(func(_, c any) bool {
		c.(trustedClient).transport.CloseIdleConnections()
		return true
	})
	if s.transport != nil {
		s.transport.CloseIdleConnections()
	} else {
		s.client.HTTPClient.CloseIdleConnections()
	}
}

// retryLogger routes go-retryablehttp's logging to slog at debug level:
// per-request chatter is not worth an info line, and failures are recorded
// in the attempt anyway.
type retryLogger struct {
	l interface{ Debug(string, ...any) }
}

func (r retryLogger) Error(msg string, kv ...any) { r.l.Debug("retryablehttp: "+msg, kv...) }
func (r retryLogger) Info(msg string, kv ...any)  { r.l.Debug("retryablehttp: "+msg, kv...) }
func (r retryLogger) Debug(msg string, kv ...any) { r.l.Debug("retryablehttp: "+msg, kv...) }
func (r retryLogger) Warn(msg string, kv ...any)  { r.l.Debug("retryablehttp: "+msg, kv...) }
