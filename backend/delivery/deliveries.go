package delivery

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"hookline/backend/errs"
	"hookline/backend/store"
)

// Statuses a filter may ask for besides the stored three: "retrying" is a
// pending delivery that has failed at least once and waits for its next
// attempt, "queued" one never tried. The API keeps the seed's three stored
// statuses; these two only narrow "pending".
const (
	FilterRetrying = "retrying"
	FilterQueued   = "queued"
)

// TestHeader is sent with every delivery queued by "Send test", so that a
// receiver can tell a test from a real change.
const TestHeader = "webhook-test"

// maxAttemptser is implemented by retry policies that know how many attempts
// they make (Schedule does).
type maxAttemptser interface{ MaxAttempts() int }

// withMax fills in MaxAttempts from the running retry policy.
func (s *Service) withMax(l LogSummary) LogSummary {
	if m, ok := s.opts.Retry.(maxAttemptser); ok {
		l.MaxAttempts = m.MaxAttempts()
	}
	return l
}

// markTestTx marks log id as a test delivery.
func markTestTx(tx *gorm.DB, id string) error {
	return tx.Exec(`UPDATE deliveries SET test = 1 WHERE id = ?`, id).Error
}

// EnqueueTestTx queues d as a test delivery inside tx: like EnqueueTx, but
// the request carries `webhook-test: 1` and the log is marked as a test.
// Call Notify after the commit.
func (s *Service) EnqueueTestTx(ctx context.Context, tx *gorm.DB, d NewDelivery) (string, error) {
	d.Headers = append(append([]Header(nil), d.Headers...), Header{Name: TestHeader, Value: "1"})
	ids, err := s.EnqueueTx(ctx, tx, []NewDelivery{d})
	if err != nil {
		return "", err
	}
	return ids[0], markTestTx(tx, ids[0])
}

// LogFilter selects execution logs across every webhook. Zero fields match
// everything.
type LogFilter struct {
	// Status is pending, queued, retrying, done or error.
	Status      string `json:"status"`
	WebhookID   string `json:"webhookId"`
	ContentType string `json:"contentType"`
	Action      string `json:"action"`
	// ObjectID matches exactly (ids compare case-insensitively).
	ObjectID string `json:"objectId"`
	// ResponseCode of the latest attempt; 0 for any.
	ResponseCode int `json:"responseCode"`
	// Since and Until bound the creation time: Since <= createdAt < Until.
	Since *time.Time `json:"since,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	// Q searches the object id and the error text (substring, any case).
	Q string `json:"q"`
}

// where builds the SQL condition of f, or a validation error.
func (f LogFilter) where(d store.Dialect) (string, []any, error) {
	conds := []string{"1 = 1"}
	var args []any
	bad := errs.Fields{}
	switch f.Status {
	case "":
	case StatusPending:
		conds = append(conds, `status = 'pending'`)
	case FilterQueued:
		conds = append(conds, `status = 'pending' AND attempts = 0`)
	case FilterRetrying:
		conds = append(conds, `status = 'pending' AND attempts > 0`)
	case StatusDone, StatusError:
		conds = append(conds, `status = ?`)
		args = append(args, f.Status)
	default:
		bad.Add("status", "Must be one of pending, queued, retrying, done, error")
	}
	if f.WebhookID != "" {
		conds = append(conds, d.EqualFold(`webhook_id`))
		args = append(args, f.WebhookID)
	}
	if f.ContentType != "" {
		conds = append(conds, `content_type = ?`)
		args = append(args, f.ContentType)
	}
	if f.Action != "" {
		conds = append(conds, `action = ?`)
		args = append(args, f.Action)
	}
	if f.ObjectID != "" {
		conds = append(conds, d.EqualFold(`object_id`))
		args = append(args, f.ObjectID)
	}
	if f.ResponseCode < 0 || f.ResponseCode > 999 {
		bad.Add("responseCode", "Must be an HTTP status code")
	} else if f.ResponseCode != 0 {
		conds = append(conds, `response_code = ?`)
		args = append(args, f.ResponseCode)
	}
	if f.Since != nil {
		conds = append(conds, `created_at >= ?`)
		args = append(args, ms(*f.Since))
	}
	if f.Until != nil {
		conds = append(conds, `created_at < ?`)
		args = append(args, ms(*f.Until))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// instr, not LIKE: the user's text is matched literally, % and _
		// included, and lower() makes it case-insensitive for ASCII.
		conds = append(conds, `(`+d.ContainsFold(`object_id`)+` OR `+d.ContainsFold(`error`)+`)`)
		args = append(args, q, q)
	}
	if err := bad.Err(); err != nil {
		return "", nil, err
	}
	return strings.Join(conds, " AND "), args, nil
}

// ListAllLogs returns a page of the execution logs of every webhook that
// match f, newest first, and how many match.
func (s *Service) ListAllLogs(ctx context.Context, f LogFilter, page, limit int) (LogPage, error) {
	if page <= 0 {
		page = 1
	}
	if limit <= 0 {
		limit = 50
	}
	if limit > 1000 {
		return LogPage{}, errs.InvalidField("limit", "Must be at most 1000")
	}
	where, args, err := f.where(s.db.Dialect())
	if err != nil {
		return LogPage{}, err
	}
	out := LogPage{Items: []LogSummary{}}
	err = s.db.R.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var total int64
		if err := tx.Raw(`SELECT COUNT(*) FROM deliveries WHERE `+where, args...).Scan(&total).Error; err != nil {
			return err
		}
		out.Total = int(total)
		var rows []summaryRow
		err := tx.Raw(`SELECT `+summaryCols+` FROM deliveries WHERE `+where+` ORDER BY seq DESC LIMIT ? OFFSET ?`,
			append(args, limit, (page-1)*limit)...).Scan(&rows).Error
		for _, r := range rows {
			out.Items = append(out.Items, s.withMax(r.summary()))
		}
		return err
	})
	if err != nil {
		return LogPage{}, fmt.Errorf("list logs: %w", err)
	}
	return out, nil
}

// MaxBulkRetry bounds one bulk retry, so a single request cannot queue an
// unbounded number of deliveries; the answer says how many matched.
const MaxBulkRetry = 1000

// RetryResult is what a bulk retry did (or, for a dry run, would do).
type RetryResult struct {
	// Matched is how many finished logs the filter selects.
	Matched int `json:"matched"`
	// Queued is how many redeliveries were queued: Matched, capped at
	// MaxBulkRetry; 0 for a dry run.
	Queued int `json:"queued"`
	// IDs of the new logs, in the order their originals were created.
	IDs []string `json:"ids"`
}

// RetryLogs redelivers every finished log that matches f, oldest first, in
// one transaction: each redelivery is a new log that sends the original's
// payload with its webhook-id. Pending logs are skipped, since they will be
// sent anyway. With dryRun nothing is queued and only Matched is filled in,
// for a confirmation that names the count.
func (s *Service) RetryLogs(ctx context.Context, f LogFilter, dryRun bool) (RetryResult, error) {
	if f.Status == StatusPending || f.Status == FilterQueued || f.Status == FilterRetrying {
		return RetryResult{}, errs.InvalidField("status", "Pending deliveries are sent anyway; retry done or error ones")
	}
	where, args, err := f.where(s.db.Dialect())
	if err != nil {
		return RetryResult{}, err
	}
	// A synchronous webhook's execution decided a save that is over, so
	// it is never re-sent (redeliverTx refuses it one by one).
	where += ` AND status <> 'pending' AND verdict = ''`
	res := RetryResult{IDs: []string{}}
	if dryRun {
		var n int64
		if err := s.db.R.WithContext(ctx).Raw(`SELECT COUNT(*) FROM deliveries WHERE `+where, args...).Scan(&n).Error; err != nil {
			return RetryResult{}, fmt.Errorf("count logs: %w", err)
		}
		res.Matched = int(n)
		return res, nil
	}
	err = s.db.InTx(ctx, func(tx *gorm.DB) error {
		res.IDs = res.IDs[:0]
		var n int64
		if err := tx.Raw(`SELECT COUNT(*) FROM deliveries WHERE `+where, args...).Scan(&n).Error; err != nil {
			return err
		}
		res.Matched = int(n)
		var logs []struct {
			ID        string
			WebhookID string
		}
		err := tx.Raw(`SELECT id, webhook_id FROM deliveries WHERE `+where+` ORDER BY seq LIMIT ?`,
			append(args, MaxBulkRetry)...).Scan(&logs).Error
		if err != nil {
			return err
		}
		now := ms(s.opts.Now())
		for _, l := range logs {
			sum, err := s.redeliverTx(context.WithoutCancel(ctx), tx, l.WebhookID, l.ID, nil, now)
			if err != nil {
				return err
			}
			res.IDs = append(res.IDs, sum.ID)
		}
		return nil
	})
	if err != nil {
		return RetryResult{}, fmt.Errorf("retry logs: %w", err)
	}
	res.Queued = len(res.IDs)
	if res.Queued > 0 {
		s.Notify()
	}
	return res, nil
}
