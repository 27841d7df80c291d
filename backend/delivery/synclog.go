package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"hookline/backend/events"
)

// Verdicts of a synchronous webhook's execution, as its log shows them.
const (
	VerdictAccepted = "accepted" // 200, the object saved as it was
	VerdictModified = "modified" // 200 with a different payload, which was saved
	VerdictRejected = "rejected" // the receiver refused the save with errors
	VerdictFailed   = "failed"   // no usable answer: bad JSON, other status, timeout, refused connection, a script error
)

// FinishedLog is one execution that ran outside the queue, while a save
// waited for it (a synchronous webhook), recorded after the fact so that it
// shows among the webhook's logs like a queued delivery.
type FinishedLog struct {
	// ID is the log id, which was also sent as the webhook-id header; see
	// NewLogID.
	ID          string
	WebhookID   string
	Action      string
	ContentType string
	ObjectID    string
	// URL is where the request went; for a code webhook, a description.
	URL string
	// Headers are the webhook's own headers as sent.
	Headers []Header
	Body    []byte
	// UserAgent, Timestamp and Signature are what varied in the request
	// headers; Timestamp 0 when no request was sent (a code webhook).
	UserAgent string
	Timestamp int64
	Signature string
	StartedAt time.Time
	Duration  time.Duration
	// Code is the response status, 0 when none arrived.
	Code            int
	ResponseHeaders []Header
	ResponseBody    []byte
	Error           string
	Verdict         string
}

// NewLogID returns a fresh log id ("msg_…", sorting by time), for a caller
// that sends the request itself and records it with RecordFinished.
func NewLogID() string { return newID() }

// RecordFinished stores finished execution logs in one transaction, applies
// the retention of their webhooks, and announces them. Accepted and modified
// executions are "done", rejected and failed ones "error". No payload row
// keeps a signing secret.
func (s *Service) RecordFinished(ctx context.Context, logs []FinishedLog) ([]LogSummary, error) {
	if len(logs) == 0 {
		return nil, nil
	}
	sums := make([]LogSummary, len(logs))
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		var webhooks []string
		seen := map[string]bool{}
		for i, l := range logs {
			sum, err := s.recordTx(tx, l)
			if err != nil {
				return err
			}
			sums[i] = sum
			if !seen[l.WebhookID] {
				seen[l.WebhookID] = true
				webhooks = append(webhooks, l.WebhookID)
			}
		}
		return s.retainTx(tx, webhooks)
	})
	if err != nil {
		return nil, fmt.Errorf("record sync executions: %w", err)
	}
	if s.opts.Bus != nil {
		for _, sum := range sums {
			s.opts.Bus.Publish(events.Event{Type: "delivery", Data: sum})
		}
	}
	return sums, nil
}

func (s *Service) recordTx(tx *gorm.DB, l FinishedLog) (LogSummary, error) {
	switch l.Verdict {
	case VerdictAccepted, VerdictModified, VerdictRejected, VerdictFailed:
	default:
		return LogSummary{}, fmt.Errorf("log %s: unknown verdict %q", l.ID, l.Verdict)
	}
	if l.ID == "" || l.WebhookID == "" {
		return LogSummary{}, fmt.Errorf("a finished log needs an id and a webhook id")
	}
	status := StatusDone
	if l.Verdict == VerdictRejected || l.Verdict == VerdictFailed {
		status = StatusError
	}
	end := l.StartedAt.Add(l.Duration)
	rec := attemptRecord{N: 1, StartedAt: ms(l.StartedAt), DurationMs: l.Duration.Milliseconds(),
		UserAgent: l.UserAgent, Timestamp: l.Timestamp, Signature: l.Signature,
		Code: l.Code, Headers: l.ResponseHeaders, Error: l.Error, Outcome: status}
	if l.Code != 0 {
		b := l.ResponseBody
		if len(b) > MaxResponseBody {
			b, rec.Truncated = b[:MaxResponseBody], true
		}
		body := string(b)
		rec.Body = &body
	}
	history, err := json.Marshal([]attemptRecord{rec})
	if err != nil {
		return LogSummary{}, err
	}
	hdrs, err := json.Marshal(nonNil(l.Headers))
	if err != nil {
		return LogSummary{}, err
	}
	res := tx.Exec(`INSERT INTO deliveries
		(id, message_id, webhook_id, action, content_type, object_id, status, attempts, next_attempt_at,
		 response_code, error, created_at, updated_at, history, verdict)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.ID, l.WebhookID, l.Action, l.ContentType, l.ObjectID, status,
		l.Code, l.Error, ms(l.StartedAt), ms(end), string(history), l.Verdict)
	if res.Error != nil {
		return LogSummary{}, res.Error
	}
	if err := tx.Exec(`INSERT INTO delivery_payloads (seq, url, headers, secret, tls_ca_pem, body)
		VALUES ((SELECT seq FROM deliveries WHERE id = ?), ?, ?, '', '', ?)`, l.ID, l.URL, string(hdrs), l.Body).Error; err != nil {
		return LogSummary{}, err
	}
	return LogSummary{ID: l.ID, WebhookID: l.WebhookID, Status: status, Action: l.Action, ContentTypeName: l.ContentType,
		ObjectID: l.ObjectID, CreatedAt: time.UnixMilli(ms(l.StartedAt)).UTC(), UpdatedAt: time.UnixMilli(ms(end)).UTC(),
		Attempts: 1, ResponseCode: l.Code, Error: l.Error, Verdict: l.Verdict}, nil
}
