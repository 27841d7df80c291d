package syncwebhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"hookline/backend/delivery"
	"hookline/backend/tlstrust"
	"hookline/backend/webhook"
)

// maxAnswer bounds the answer read from a receiver: an object may be up to
// 1 MB, and its envelope adds a little.
const maxAnswer = 2 << 20

// encode renders v as the webhook payloads are rendered: HTML left
// unescaped, so logs read like the objects.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// post sends req to w's URL once (no retries: a save is waiting) and reads
// the answer within w's timeout.
func (r *Runner) post(ctx context.Context, w webhook.Webhook, req Request) result {
	start := r.opts.Now()
	id := delivery.NewLogID()
	res := result{log: delivery.FinishedLog{ID: id, WebhookID: w.ID, URL: w.URL, StartedAt: start, UserAgent: r.opts.UserAgent}}
	for _, h := range w.Headers {
		res.log.Headers = append(res.log.Headers, delivery.Header{Name: h.Name, Value: h.Value})
	}
	fail := func(detail string) result {
		res.log.Verdict, res.log.Error = delivery.VerdictFailed, detail
		return res
	}
	body, err := encode(req)
	if err != nil {
		return fail("the object cannot be encoded: " + err.Error())
	}
	res.log.Body = body

	timeout := w.Timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fail("request failed: " + err.Error())
	}
	// The order is the one the log rebuilds (delivery.requestHeaders).
	ts := start.Unix()
	res.log.Timestamp = ts
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("User-Agent", r.opts.UserAgent)
	for _, h := range w.Headers {
		hreq.Header.Add(h.Name, h.Value)
	}
	hreq.Header.Set("Webhook-Id", id)
	hreq.Header.Set("Webhook-Timestamp", strconv.FormatInt(ts, 10))
	if w.SigningSecret != "" {
		sig, err := webhook.Sign(w.SigningSecret, id, ts, body)
		if err != nil {
			return fail("request not sent: the webhook's signing secret is invalid")
		}
		hreq.Header.Set("Webhook-Signature", sig)
		res.log.Signature = sig
	}
	client, err := r.client(w.TLSCAPEM)
	if err != nil {
		return fail("request not sent: the webhook's trusted certificate is invalid: " + err.Error())
	}
	began := time.Now()
	resp, err := client.Do(hreq)
	res.log.Duration = time.Since(began)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return fail(fmt.Sprintf("no response within %s", timeout))
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fail("request failed: " + err.Error())
	}
	defer resp.Body.Close()
	answerBody, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	res.log.Duration = time.Since(began)
	res.log.Code = resp.StatusCode
	res.log.ResponseHeaders = headerList(resp.Header)
	res.log.ResponseBody = answerBody
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return fail(fmt.Sprintf("no complete response within %s", timeout))
		}
		return fail("the response broke off: " + err.Error())
	}
	if len(answerBody) > maxAnswer {
		return fail(fmt.Sprintf("the response is larger than %d MiB", maxAnswer>>20))
	}
	a := decodeAnswer(resp.StatusCode, answerBody, req.Payload)
	res.log.Verdict, res.payload, res.errors = a.verdict, a.payload, a.errors
	if a.verdict == delivery.VerdictFailed {
		res.log.Error = a.detail
	} else if a.verdict == delivery.VerdictRejected {
		res.log.Error = "rejected the save"
	}
	return res
}

// client returns an HTTP client that never follows redirects (a 3xx is an
// answer like any other status) and trusts caPEM besides the system roots.
func (r *Runner) client(caPEM string) (*http.Client, error) {
	rt := r.opts.Transport
	if caPEM != "" {
		pool, err := tlstrust.Pool(caPEM)
		if err != nil {
			return nil, err
		}
		base, ok := rt.(*http.Transport)
		if !ok {
			base = http.DefaultTransport.(*http.Transport)
		}
		t := base.Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		rt = t
	}
	return &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, nil
}

func headerList(h http.Header) []delivery.Header {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []delivery.Header
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, delivery.Header{Name: k, Value: v})
		}
	}
	return out
}
