package inbox

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"time"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
)

// Response is the answer an inbox gives to one request.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	// DelayMs is how long to hold the answer back. Receive does not wait;
	// the HTTP handler does, so that it can stop when the sender hangs up.
	DelayMs int `json:"delayMs"`
	// RequestID is the recorded request, for Abandon.
	RequestID string `json:"-"`
}

// Failure reasons: why an answer was a scripted failure.
const (
	FailureFirst = "fail_first"
	FailureRate  = "fail_rate"
)

// RequestSummary is one recorded request in a list.
type RequestSummary struct {
	ID    string `json:"id"`
	Inbox string `json:"inbox"`
	// N is the request's position in the inbox's sequence since its script
	// was saved; with the seed it reproduces the fail-rate draw.
	N int64 `json:"n"`
	// Number counts every request the inbox ever recorded: unlike N it does
	// not restart when the script is saved, so "#12" stays the same request.
	Number int64 `json:"number"`
	// Summary is one line about a Hookline webhook body ("Create ·
	// product/product-1"); "" for other bodies.
	Summary     string    `json:"summary"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query"`
	ContentType string    `json:"contentType"`
	BodySize    int64     `json:"bodySize"`
	Truncated   bool      `json:"truncated"`
	RemoteAddr  string    `json:"remoteAddr"`
	ReceivedAt  time.Time `json:"receivedAt"`
	// Signature is the verdict, SigVerified and so on, with its reason.
	Signature       string `json:"signature"`
	SignatureReason string `json:"signatureReason"`
	ResponseStatus  int    `json:"responseStatus"`
	// Failure is FailureFirst or FailureRate when the answer was a scripted
	// failure, empty otherwise.
	Failure string `json:"failure"`
	// AbandonedAfterMs is set when the sender hung up (or Hookline shut down)
	// before the delayed answer was sent.
	AbandonedAfterMs *int64 `json:"abandonedAfterMs"`
}

// Request is one recorded request in full.
type Request struct {
	RequestSummary
	Headers map[string][]string `json:"headers"`
	// Body is the text of the body, or its base64 when BodyEncoding is
	// "base64" (it was not UTF-8).
	Body         string `json:"body"`
	BodyEncoding string `json:"bodyEncoding"`
	// Roll is the fail-rate draw, 0 to 99, for this position; the request
	// failed when Roll < failRate. -1 when no draw was made.
	Roll     int      `json:"roll"`
	Response Response `json:"response"`
}

type requestRow struct {
	Seq             int64
	ID              string
	Inbox           string
	N               int64
	Number          int64
	Method          string
	Path            string
	Query           string
	Headers         string
	Body            []byte
	BodySize        int64
	Truncated       bool
	RemoteAddr      string
	ReceivedAt      int64
	Signature       string
	SignatureReason string
	Failure         string
	Roll            int
	RespStatus      int
	RespHeaders     string
	RespBody        string
	RespDelayMs     int
	AbandonedMs     int64
	// ContentType and the Hook* fields are filled only by summaryColumns.
	ContentType string
	HookAction  string
	HookType    string
	HookObject  string
}

// summaryColumns leaves out the headers, body and response, which a list
// does not show; only the content type is pulled out of the headers JSON.
// The hook_* columns read a Hookline (Flotiq) webhook body, when the body is
// one, for the list's one-line summary.
const summaryColumns = `seq, id, inbox, n, number, method, path, query, body_size, truncated, remote_addr, received_at,
	signature, signature_reason, failure, roll, resp_status, abandoned_ms,
	COALESCE(json_extract(headers, '$."Content-Type"[0]'), '') AS content_type,
	CASE WHEN json_valid(CAST(body AS TEXT)) THEN COALESCE(json_extract(CAST(body AS TEXT), '$.action'), '') ELSE '' END AS hook_action,
	CASE WHEN json_valid(CAST(body AS TEXT)) THEN COALESCE(json_extract(CAST(body AS TEXT), '$.contentTypeName'), '') ELSE '' END AS hook_type,
	CASE WHEN json_valid(CAST(body AS TEXT)) THEN COALESCE(json_extract(CAST(body AS TEXT), '$.payload.id'), '') ELSE '' END AS hook_object`

func (r requestRow) summary() RequestSummary {
	s := RequestSummary{
		ID: r.ID, Inbox: r.Inbox, N: r.N, Number: r.Number, Method: r.Method, Path: r.Path, Query: r.Query,
		BodySize: r.BodySize, Truncated: r.Truncated, RemoteAddr: r.RemoteAddr,
		ReceivedAt: time.UnixMilli(r.ReceivedAt).UTC(), Signature: r.Signature, SignatureReason: r.SignatureReason,
		ResponseStatus: r.RespStatus, Failure: r.Failure, ContentType: r.ContentType,
	}
	if r.AbandonedMs >= 0 {
		ms := r.AbandonedMs
		s.AbandonedAfterMs = &ms
	}
	s.Summary = hookSummary(r.HookAction, r.HookType, r.HookObject)
	return s
}

// hookSummary is "Create · product/product-1" for a webhook body that names
// an action and a type; "" otherwise.
func hookSummary(action, typeName, objectID string) string {
	if action == "" || typeName == "" {
		return ""
	}
	if objectID == "" {
		return action + " · " + typeName
	}
	return action + " · " + typeName + "/" + objectID
}

func (r requestRow) request() Request {
	out := Request{RequestSummary: r.summary(), Headers: map[string][]string{}, Roll: r.Roll}
	_ = json.Unmarshal([]byte(r.Headers), &out.Headers) // written by us from http.Header
	if ct := out.Headers["Content-Type"]; len(ct) > 0 {
		out.ContentType = ct[0]
	}
	out.Body, out.BodyEncoding = encodeBody(r.Body)
	out.Response = Response{Status: r.RespStatus, Body: r.RespBody, DelayMs: r.RespDelayMs, Headers: map[string]string{}}
	_ = json.Unmarshal([]byte(r.RespHeaders), &out.Response.Headers)
	return out
}

// Receive records one request to the inbox called name and returns the
// scripted answer. The caller (the HTTP handler) waits out Response.DelayMs
// and writes the answer. An unknown inbox is NotFound.
//
// The record is written even if ctx is cancelled meanwhile: a sender that
// hangs up still sent the request, and the inbox should show it.
func (s *Service) Receive(ctx context.Context, name string, r *http.Request) (Response, error) {
	if !ValidName(name) {
		return Response{}, notFound(name)
	}
	if err := checkMethod(r.Method); err != nil {
		return Response{}, err
	}
	if err := checkFetchSite(r.Header); err != nil {
		return Response{}, err
	}
	c := parseRequest(r, "/inbox/"+name, s.opts.MaxBody)
	return s.record(context.WithoutCancel(ctx), name, c)
}

func (s *Service) record(ctx context.Context, name string, c captured) (Response, error) {
	now := s.opts.Now()
	headers, err := json.Marshal(c.Header)
	if err != nil {
		return Response{}, err
	}
	id := "req_" + rand.Text()
	var resp Response
	var sum RequestSummary
	err = s.db.InTx(ctx, func(tx *gorm.DB) error {
		var rows []inboxRow
		// Locked: the next number is computed here, and another instance
		// may be receiving for the same inbox.
		if err := tx.Raw(`SELECT * FROM inboxes WHERE name = ?`+store.DialectOf(tx).LockForUpdate(), name).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return notFound(name)
		}
		ib := rows[0].inbox()
		n := ib.Received + 1
		var number int64
		if err := tx.Raw(`UPDATE inboxes SET received = ?, total = total + 1 WHERE name = ? RETURNING total`, n, name).Scan(&number).Error; err != nil {
			return err
		}
		failure, roll := decide(n, ib.FailFirst, ib.FailRate, ib.FailSeed)
		resp = answer(ib, n, failure, roll)
		if failure == "" {
			if sr, ok := syncAnswer(ib, c.Body); ok {
				resp = sr
			}
		}
		sig := checkSignature(ib.Secret, c.Header, c.Body, c.Truncated, now)
		respHeaders, err := json.Marshal(resp.Headers)
		if err != nil {
			return err
		}
		row := requestRow{
			ID: id, Inbox: name, N: n, Number: number, Method: c.Method, Path: c.Path, Query: c.Query, Headers: string(headers),
			Body: c.Body, BodySize: c.BodySize, Truncated: c.Truncated, RemoteAddr: c.RemoteAddr, ReceivedAt: now.UnixMilli(),
			Signature: sig.Status, SignatureReason: sig.Reason, Failure: failure, Roll: roll,
			RespStatus: resp.Status, RespHeaders: string(respHeaders), RespBody: resp.Body, RespDelayMs: resp.DelayMs, AbandonedMs: -1,
		}
		if row.Body == nil {
			row.Body = []byte{} // the column is NOT NULL
		}
		err = tx.Exec(`INSERT INTO inbox_requests(id, inbox, n, number, method, path, query, headers, body, body_size, truncated, remote_addr,
			received_at, signature, signature_reason, failure, roll, resp_status, resp_headers, resp_body, resp_delay_ms, abandoned_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.ID, row.Inbox, row.N, row.Number, row.Method, row.Path, row.Query, row.Headers, row.Body, row.BodySize, row.Truncated, row.RemoteAddr,
			row.ReceivedAt, row.Signature, row.SignatureReason, row.Failure, row.Roll, row.RespStatus, row.RespHeaders, row.RespBody,
			row.RespDelayMs, row.AbandonedMs).Error
		if err != nil {
			return err
		}
		sum = row.summary()
		sum.ContentType = c.Header.Get("Content-Type")
		if v := hookFields(c.Body); v != nil {
			sum.Summary = hookSummary(v.Action, v.ContentTypeName, v.Payload.ID)
		}
		return s.retain(tx, name)
	})
	if err != nil {
		return Response{}, err
	}
	resp.RequestID = id
	s.publish(Event{Kind: EventRequest, Inbox: name, Request: &sum})
	return resp, nil
}

// retain keeps the newest MaxRequests requests of one inbox. It finds the
// newest request beyond the limit by walking the (inbox, seq) index and
// deletes it and everything older, so its cost does not grow with the table.
func (s *Service) retain(tx *gorm.DB, name string) error {
	return tx.Exec(`DELETE FROM inbox_requests WHERE inbox = ? AND seq <= (
		SELECT seq FROM inbox_requests WHERE inbox = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
		name, name, s.opts.MaxRequests).Error
}

// decide returns whether the n-th request (1-based) of an inbox is a
// scripted failure, and the fail-rate draw made for it (-1 when none).
func decide(n int64, failFirst, failRate int, seed int64) (failure string, roll int) {
	if n <= int64(failFirst) {
		return FailureFirst, -1
	}
	if failRate <= 0 {
		return "", -1
	}
	roll = Draw(seed, n)
	if roll < failRate {
		return FailureRate, roll
	}
	return "", roll
}

// Draw returns the fail-rate draw, 0 to 99, for position n of an inbox
// seeded with seed. It is a pure function of both, rather than a stream
// kept in memory, so the sequence survives restarts and anyone can
// recompute why request n failed. PCG's output is fixed by Go's
// compatibility promise for math/rand/v2.
func Draw(seed, n int64) int {
	return mrand.New(mrand.NewPCG(uint64(seed), uint64(n))).IntN(100)
}

func answer(ib Inbox, n int64, failure string, roll int) Response {
	switch failure {
	case FailureFirst:
		return Response{
			Status:  ib.FailStatus,
			Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
			Body:    fmt.Sprintf("Scripted failure: request %d is one of the first %d, which fail.\n", n, ib.FailFirst),
			DelayMs: ib.DelayMs,
		}
	case FailureRate:
		return Response{
			Status:  ib.FailStatus,
			Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
			Body:    fmt.Sprintf("Scripted failure: request %d drew %d, under the %d%% fail rate (seed %d).\n", n, roll, ib.FailRate, ib.FailSeed),
			DelayMs: ib.DelayMs,
		}
	}
	h := make(map[string]string, len(ib.Headers))
	for k, v := range ib.Headers {
		h[http.CanonicalHeaderKey(k)] = v
	}
	return Response{Status: ib.Status, Headers: h, Body: ib.Body, DelayMs: ib.DelayMs}
}

// Abandon records that the sender of request id hung up, or Hookline shut
// down, after waiting this long for a delayed answer.
func (s *Service) Abandon(ctx context.Context, name, id string, waited time.Duration) error {
	var sum RequestSummary
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE inbox_requests SET abandoned_ms = ? WHERE inbox = ? AND id = ?`, waited.Milliseconds(), name, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.NotFound, "inbox %q has no request %q", name, id)
		}
		var rows []requestRow
		if err := tx.Raw(`SELECT `+summaryColumnsOf(tx)+` FROM inbox_requests WHERE id = ?`, id).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 1 {
			sum = rows[0].summary()
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.publish(Event{Kind: EventRequestUpdated, Inbox: name, Request: &sum})
	return nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func decodeB64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// hookBody is the part of a Hookline/Flotiq webhook body the summary reads.
type hookBody struct {
	Action          string `json:"action"`
	ContentTypeName string `json:"contentTypeName"`
	Payload         struct {
		ID string `json:"id"`
	} `json:"payload"`
}

// hookFields reads body as a webhook body, or nil when it is not JSON.
func hookFields(body []byte) *hookBody {
	var v hookBody
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	return &v
}
