package delivery

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/events"
)

// LogSummary is one execution log as lists and events show it.
type LogSummary struct {
	ID              string    `json:"id"`
	WebhookID       string    `json:"webhookId"`
	Status          string    `json:"status"`
	Action          string    `json:"action"`
	ContentTypeName string    `json:"contentTypeName"`
	ObjectID        string    `json:"objectId"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
	// Attempts made so far.
	Attempts int `json:"attempts"`
	// ResponseCode of the latest attempt; 0 when none got a response.
	ResponseCode int `json:"responseCode"`
	// Error of the latest attempt, for a person; "" when it succeeded.
	// "Request failed: …" means the receiver could not be reached.
	Error string `json:"error"`
	// NextAttemptAt is when a pending log that has failed will be tried
	// again; absent otherwise.
	NextAttemptAt *time.Time `json:"nextAttemptAt,omitempty"`
	// Verdict is set on the logs of synchronous webhooks only: accepted,
	// modified, rejected or failed (see RecordFinished).
	Verdict string `json:"verdict,omitempty"`
	// MaxAttempts is how many attempts the running retry schedule makes
	// before giving up (len(delays)+1), so a person reads "attempt 2 of 6";
	// 0 when the policy does not say.
	MaxAttempts int `json:"maxAttempts,omitempty"`
	// Test marks a delivery queued by "Send test" (and its redeliveries).
	// Events from the worker pool leave it out; lists and details carry it.
	Test bool `json:"test,omitempty"`
	// RedeliveryOf is the log id this execution re-sends, if it is a
	// redelivery. Like Test, lists and details carry it, events do not.
	RedeliveryOf string `json:"redeliveryOf,omitempty"`
}

// LogDetail is one execution log with what was sent and received.
type LogDetail struct {
	LogSummary
	// MessageID is the webhook-id header: the log id, or for a redelivery
	// the id of the log it re-sends, so receivers can drop repeats.
	MessageID string `json:"messageId"`
	// Request is the latest attempt's request, or for a log not yet
	// attempted, the request as it will be sent (without the per-attempt
	// timestamp and signature).
	Request LogRequest `json:"request"`
	// Response is the latest attempt's response; nil when none arrived.
	Response *LogResponse `json:"response"`
	// History is every attempt, oldest first.
	History []LogAttempt `json:"history"`
}

// LogRequest is a request as sent. The signing secret is never part of it;
// the webhook-signature header (derived from it) is.
type LogRequest struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []Header `json:"headers"`
	Body    string   `json:"body"`
}

// LogResponse is a response as received, its body capped at MaxResponseBody.
type LogResponse struct {
	Status        int      `json:"status"`
	Headers       []Header `json:"headers"`
	Body          string   `json:"body"`
	BodyTruncated bool     `json:"bodyTruncated"`
	// HeadersTruncated says Headers holds only the first MaxResponseHeaders
	// headers or MaxResponseHeaderBytes of them.
	HeadersTruncated bool  `json:"headersTruncated"`
	DurationMs       int64 `json:"durationMs"`
}

// LogAttempt is one attempt.
type LogAttempt struct {
	N          int       `json:"n"`
	StartedAt  time.Time `json:"startedAt"`
	DurationMs int64     `json:"durationMs"`
	// Outcome is "done", "retry" or "error".
	Outcome        string       `json:"outcome"`
	Error          string       `json:"error"`
	RequestHeaders []Header     `json:"requestHeaders"`
	Response       *LogResponse `json:"response"`
	NextAttemptAt  *time.Time   `json:"nextAttemptAt,omitempty"`
}

// LogQuery selects a page of a webhook's logs.
type LogQuery struct {
	// Page is 1-based; default 1.
	Page int `json:"page"`
	// Limit is the page size; default 20, at most 1000.
	Limit int `json:"limit"`
	// Status filters by status ("pending", "done", "error"); "" for all.
	Status string `json:"status"`
}

// LogPage is one page of logs, newest first, and the total that match.
type LogPage struct {
	Total int          `json:"total"`
	Items []LogSummary `json:"items"`
}

// summaryRow is the columns a LogSummary is built from.
type summaryRow struct {
	Seq           int64
	ID            string
	WebhookID     string
	Status        string
	Action        string
	ContentType   string
	ObjectID      string
	CreatedAt     int64
	UpdatedAt     int64
	Attempts      int
	ResponseCode  int
	Error         string
	NextAttemptAt int64
	ClaimedBy     sql.NullString
	Verdict       string
	Test          bool
	RedeliveryOf  sql.NullString
}

const summaryCols = `seq, id, webhook_id, status, action, content_type, object_id, created_at, updated_at,
	attempts, response_code, error, next_attempt_at, claimed_by, verdict, test, redelivery_of`

func (r summaryRow) summary() LogSummary {
	l := LogSummary{
		ID: r.ID, WebhookID: r.WebhookID, Status: r.Status, Action: r.Action, ContentTypeName: r.ContentType,
		ObjectID: r.ObjectID, CreatedAt: time.UnixMilli(r.CreatedAt).UTC(), UpdatedAt: time.UnixMilli(r.UpdatedAt).UTC(),
		Attempts: r.Attempts, ResponseCode: r.ResponseCode, Error: r.Error, Verdict: r.Verdict,
		Test: r.Test, RedeliveryOf: r.RedeliveryOf.String,
	}
	// While claimed, next_attempt_at is a lease expiry, not a retry time.
	if r.Status == StatusPending && r.Attempts > 0 && !r.ClaimedBy.Valid {
		t := time.UnixMilli(r.NextAttemptAt).UTC()
		l.NextAttemptAt = &t
	}
	return l
}

func (j *job) pendingSummary() LogSummary {
	at := time.UnixMilli(j.createdAt).UTC()
	return LogSummary{ID: j.id, WebhookID: j.webhookID, Status: StatusPending, Action: j.action,
		ContentTypeName: j.contentType, ObjectID: j.objectID, CreatedAt: at, UpdatedAt: at}
}

func (o *outcome) summary() LogSummary {
	j := o.job
	l := LogSummary{
		ID: j.id, WebhookID: j.webhookID, Status: o.status, Action: j.action, ContentTypeName: j.contentType,
		ObjectID: j.objectID, CreatedAt: time.UnixMilli(j.createdAt).UTC(), UpdatedAt: time.UnixMilli(ms(o.at)).UTC(),
		Attempts: j.attempts + 1, ResponseCode: o.att.code, Error: o.errMsg,
	}
	if o.status == StatusPending {
		t := time.UnixMilli(ms(o.next)).UTC()
		l.NextAttemptAt = &t
	}
	return l
}

func notFound() error { return errs.New(errs.NotFound, "Not found") }

// ListLogs returns a page of webhookID's execution logs, newest first.
func (s *Service) ListLogs(ctx context.Context, webhookID string, q LogQuery) (LogPage, error) {
	if q.Page <= 0 {
		q.Page = 1
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	f := errs.Fields{}
	if q.Limit > 1000 {
		f.Add("limit", "Must be at most 1000")
	}
	where := `webhook_id = ?`
	args := []any{webhookID}
	switch q.Status {
	case "":
	case StatusPending:
		where += ` AND status = 'pending'`
	case StatusDone, StatusError:
		// The repeated term lets SQLite use the partial index of
		// finished logs.
		where += ` AND status = ? AND status <> 'pending'`
		args = append(args, q.Status)
	default:
		f.Add("status", "Must be one of pending, done, error")
	}
	if err := f.Err(); err != nil {
		return LogPage{}, err
	}
	page := LogPage{Items: []LogSummary{}}
	// One read transaction, so the total and the page agree.
	err := s.db.R.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var total int64
		if err := tx.Raw(`SELECT COUNT(*) FROM deliveries WHERE `+where, args...).Scan(&total).Error; err != nil {
			return err
		}
		page.Total = int(total)
		var rows []summaryRow
		err := tx.Raw(`SELECT `+summaryCols+` FROM deliveries WHERE `+where+` ORDER BY seq DESC LIMIT ? OFFSET ?`,
			append(args, q.Limit, (q.Page-1)*q.Limit)...).Scan(&rows).Error
		for _, r := range rows {
			page.Items = append(page.Items, s.withMax(r.summary()))
		}
		return err
	})
	if err != nil {
		return LogPage{}, fmt.Errorf("list logs of %s: %w", webhookID, err)
	}
	return page, nil
}

// GetLog returns one execution log of webhookID with its request, response
// and every attempt. The signing secret is never part of it.
func (s *Service) GetLog(ctx context.Context, webhookID, logID string) (LogDetail, error) {
	var d LogDetail
	err := s.db.R.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row struct {
			Summary   summaryRow `gorm:"embedded"`
			MessageID string
			URL       string
			Headers   string
			Body      []byte
			History   string
		}
		res := tx.Raw(`SELECT `+summaryCols+`, message_id, url, headers, body, history
			FROM deliveries JOIN delivery_payloads USING (seq) WHERE id = ? AND webhook_id = ?`, logID, webhookID).Scan(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound()
		}
		d.LogSummary = s.withMax(row.Summary.summary())
		d.MessageID = row.MessageID
		d.Request = LogRequest{Method: "POST", URL: row.URL, Body: string(row.Body)}

		var own []Header
		if err := json.Unmarshal([]byte(row.Headers), &own); err != nil {
			return err
		}
		var atts []attemptRecord
		if err := json.Unmarshal([]byte(row.History), &atts); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		d.History = make([]LogAttempt, 0, len(atts))
		for _, a := range atts {
			la := LogAttempt{N: a.N, StartedAt: time.UnixMilli(a.StartedAt).UTC(), DurationMs: a.DurationMs,
				Outcome: a.Outcome, Error: a.Error, RequestHeaders: nonNil(a.Request)}
			if a.Request == nil && a.Timestamp != 0 {
				la.RequestHeaders = requestHeaders(a.UserAgent, own, row.MessageID, strconv.FormatInt(a.Timestamp, 10), a.Signature)
			}
			if a.Code != 0 {
				la.Response = &LogResponse{Status: a.Code, Headers: nonNil(a.Headers),
					BodyTruncated: a.Truncated, HeadersTruncated: a.HeadersTruncated, DurationMs: a.DurationMs}
				if a.Body != nil {
					la.Response.Body = *a.Body
				}
			}
			if a.Outcome == resultRetry {
				t := time.UnixMilli(a.Next).UTC()
				la.NextAttemptAt = &t
			}
			d.History = append(d.History, la)
		}
		if n := len(d.History); n > 0 {
			d.Request.Headers = d.History[n-1].RequestHeaders
			d.Response = d.History[n-1].Response
		} else {
			// Not attempted yet: the request as it will be sent, without
			// the per-attempt timestamp and signature.
			d.Request.Headers = append([]Header{
				{Name: "Content-Type", Value: "application/json"},
				{Name: "User-Agent", Value: s.opts.UserAgent},
			}, own...)
			d.Request.Headers = append(d.Request.Headers, Header{Name: "Webhook-Id", Value: row.MessageID})
		}
		return nil
	})
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return LogDetail{}, err
		}
		return LogDetail{}, fmt.Errorf("get log %s: %w", logID, err)
	}
	return d, nil
}

// requestHeaders is the header list of a request as sender.send builds it,
// in the same order, for the log: the attempt record keeps only userAgent,
// timestamp and signature, and the rest is the delivery's. An empty
// signature is left out.
func requestHeaders(userAgent string, own []Header, messageID, timestamp, signature string) []Header {
	hs := make([]Header, 0, len(own)+5)
	hs = append(hs, Header{Name: "Content-Type", Value: "application/json"}, Header{Name: "User-Agent", Value: userAgent})
	for _, h := range own {
		hs = append(hs, Header{Name: http.CanonicalHeaderKey(h.Name), Value: h.Value})
	}
	hs = append(hs, Header{Name: "Webhook-Id", Value: messageID}, Header{Name: "Webhook-Timestamp", Value: timestamp})
	if signature != "" {
		hs = append(hs, Header{Name: "Webhook-Signature", Value: signature})
	}
	return hs
}

// Target is where a redelivery goes: the webhook's current URL, headers and
// secret, for when the user fixed the webhook after the original failed.
type Target struct {
	URL     string
	Headers []Header
	Secret  string
}

// Redeliver queues a new execution of log logID with the same payload, to
// the same URL with the same headers and secret as the original, and wakes
// the pool. The new log has its own id but sends the original's webhook-id,
// so a receiver that already processed the message can recognise it.
func (s *Service) Redeliver(ctx context.Context, webhookID, logID string) (LogSummary, error) {
	return s.redeliver(ctx, webhookID, logID, nil)
}

// RedeliverTo is Redeliver to t instead of the original's URL, headers and
// secret; the payload and webhook-id stay the original's.
func (s *Service) RedeliverTo(ctx context.Context, webhookID, logID string, t Target) (LogSummary, error) {
	if t.URL == "" {
		return LogSummary{}, errs.InvalidField("url", "The property url is required")
	}
	return s.redeliver(ctx, webhookID, logID, &t)
}

func (s *Service) redeliver(ctx context.Context, webhookID, logID string, t *Target) (LogSummary, error) {
	var sum LogSummary
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		var err error
		sum, err = s.redeliverTx(ctx, tx, webhookID, logID, t, ms(s.opts.Now()))
		return err
	})
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return LogSummary{}, err
		}
		return LogSummary{}, fmt.Errorf("redeliver %s: %w", logID, err)
	}
	s.Notify()
	return sum, nil
}

// redeliverTx queues one redelivery of logID inside tx (see Redeliver). A
// redelivery of a test delivery is a test too.
func (s *Service) redeliverTx(ctx context.Context, tx *gorm.DB, webhookID, logID string, t *Target, now int64) (LogSummary, error) {
	var orig struct {
		MessageID   string
		Action      string
		ContentType string
		ObjectID    string
		URL         string
		Headers     string
		Secret      string
		TLSCAPEM    string `gorm:"column:tls_ca_pem"`
		Body        []byte
		Test        bool
		Verdict     string
	}
	res := tx.Raw(`SELECT message_id, action, content_type, object_id, url, headers, secret, tls_ca_pem, body, test, verdict
		FROM deliveries JOIN delivery_payloads USING (seq) WHERE id = ? AND webhook_id = ?`, logID, webhookID).Scan(&orig)
	if res.Error != nil {
		return LogSummary{}, res.Error
	}
	if res.RowsAffected == 0 {
		return LogSummary{}, notFound()
	}
	if orig.Verdict != "" {
		// Its answer decided a save that is over; sending it again
		// through the queue could decide nothing.
		return LogSummary{}, errs.New(errs.Invalid, "A synchronous webhook's execution cannot be redelivered; save the object again instead")
	}
	d := NewDelivery{WebhookID: webhookID, Action: orig.Action, ContentType: orig.ContentType,
		ObjectID: orig.ObjectID, URL: orig.URL, Secret: orig.Secret, TLSCAPEM: orig.TLSCAPEM, Body: orig.Body}
	if err := json.Unmarshal([]byte(orig.Headers), &d.Headers); err != nil {
		return LogSummary{}, err
	}
	if t != nil {
		d.URL, d.Headers, d.Secret = t.URL, t.Headers, t.Secret
	}
	id := newID()
	if err := insert(ctx, tx, []NewDelivery{d}, []string{id}, []string{orig.MessageID}, logID, now); err != nil {
		return LogSummary{}, err
	}
	if orig.Test {
		if err := markTestTx(tx, id); err != nil {
			return LogSummary{}, err
		}
	}
	at := time.UnixMilli(now).UTC()
	return s.withMax(LogSummary{ID: id, WebhookID: webhookID, Status: StatusPending, Action: d.Action,
		ContentTypeName: d.ContentType, ObjectID: d.ObjectID, CreatedAt: at, UpdatedAt: at,
		Test: orig.Test, RedeliveryOf: logID}), nil
}

// LastStatus returns the newest log of each of webhookIDs, for the webhooks
// list. Webhooks without logs are absent from the map.
func (s *Service) LastStatus(ctx context.Context, webhookIDs []string) (map[string]LogSummary, error) {
	out := make(map[string]LogSummary, len(webhookIDs))
	if len(webhookIDs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(webhookIDs)
	if err != nil {
		return nil, err
	}
	var rows []summaryRow
	// One index probe per webhook (MAX over (webhook_id, seq)), whatever
	// the number of logs.
	err = s.db.R.WithContext(ctx).Raw(queriesOf(s.db.R).lastStatus, string(ids)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("last status: %w", err)
	}
	for _, r := range rows {
		out[r.WebhookID] = s.withMax(r.summary())
	}
	return out, nil
}

// maxSeq is the newest queued row; logs after it are announced as they appear.
func (s *Service) maxSeq(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := s.db.R.WithContext(ctx).Raw(`SELECT MAX(seq) FROM deliveries`).Scan(&seq).Error
	return seq.Int64, err
}

// announce publishes the logs queued since hwm and returns the new mark.
// Only unclaimed pending rows are announced here: a claimed or finished row
// was announced by the claim that took it (see dispatch), and announcing it
// again from this snapshot could publish a stale "pending" after "done". Rows commit in seq order (one
// writer, AUTOINCREMENT), so nothing committed is ever behind the mark.
func (s *Service) announce(ctx context.Context, hwm int64) int64 {
	for {
		var rows []summaryRow
		err := s.db.R.WithContext(ctx).Raw(`SELECT `+summaryCols+` FROM deliveries WHERE seq > ? ORDER BY seq LIMIT 1000`,
			hwm).Scan(&rows).Error
		if err != nil {
			if ctx.Err() == nil {
				s.opts.Logger.Error("delivery: announce new logs", "err", err)
			}
			return hwm
		}
		for _, r := range rows {
			hwm = r.Seq
			if r.Status == StatusPending && !r.ClaimedBy.Valid {
				s.opts.Bus.Publish(events.Event{Type: "delivery", Data: s.withMax(r.summary())})
			}
		}
		if len(rows) < 1000 {
			return hwm
		}
	}
}

// retainTx deletes the finished logs of webhookIDs beyond the newest
// RetentionPerWebhook of each, in one statement. Pending logs are never
// touched. Per webhook, the subquery walks at most that many entries of the
// finished-logs index and the delete only the entries it removes, so the cost
// does not grow with the table; attempts go with their delivery (ON DELETE
// CASCADE).
func (s *Service) retainTx(tx *gorm.DB, webhookIDs []string) error {
	if len(webhookIDs) == 0 {
		return nil
	}
	ids, err := json.Marshal(webhookIDs)
	if err != nil {
		return err
	}
	q := queriesOf(tx)
	if q.lockWebhooks != "" {
		if err := tx.Exec(q.lockWebhooks, string(ids)).Error; err != nil {
			return fmt.Errorf("retention: %w", err)
		}
	}
	err = tx.Exec(q.retain, string(ids), s.opts.RetentionPerWebhook-1).Error
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	return nil
}
