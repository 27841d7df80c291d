package delivery

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// job is a claimed delivery, as a worker needs it.
type job struct {
	seq         int64
	id          string
	messageID   string
	webhookID   string
	action      string
	contentType string
	objectID    string
	url         string
	headers     []Header
	secret      string
	body        []byte
	attempts    int // before this attempt
	createdAt   int64
}

// newID returns a log id in the Standard Webhooks style ("msg_" + 26 random
// base32 characters, 130 bits).
func newID() string { return "msg_" + rand.Text() }

func ms(t time.Time) int64 { return t.UnixMilli() }

const insertSQL = `INSERT INTO deliveries
	(id, message_id, webhook_id, action, content_type, object_id, url, headers, secret, body,
	 next_attempt_at, redelivery_of, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// EnqueueTx queues ds inside the caller's transaction tx and returns their
// log ids, in order. Because the rows commit or roll back with the change
// that produced them, a rolled-back change sends nothing and a committed one
// always has its deliveries. Call Notify after the commit.
func (s *Service) EnqueueTx(ctx context.Context, tx *gorm.DB, ds []NewDelivery) ([]string, error) {
	now := ms(s.opts.Now())
	ids := make([]string, 0, len(ds))
	for i, d := range ds {
		if d.WebhookID == "" || d.URL == "" || len(d.Body) == 0 {
			return nil, fmt.Errorf("delivery %d: webhook id, url and body are required", i)
		}
		id := newID()
		if err := insert(ctx, tx, d, id, id, "", now); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func insert(ctx context.Context, tx *gorm.DB, d NewDelivery, id, messageID, redeliveryOf string, now int64) error {
	hdrs, err := json.Marshal(nonNil(d.Headers))
	if err != nil {
		return err
	}
	var redo any
	if redeliveryOf != "" {
		redo = redeliveryOf
	}
	err = tx.WithContext(ctx).Exec(insertSQL, id, messageID, d.WebhookID, d.Action, d.ContentType, d.ObjectID,
		d.URL, string(hdrs), d.Secret, d.Body, now, redo, now, now).Error
	if err != nil {
		return fmt.Errorf("enqueue delivery for webhook %s: %w", d.WebhookID, err)
	}
	return nil
}

func nonNil(h []Header) []Header {
	if h == nil {
		return []Header{}
	}
	return h
}

// claimSQL leases up to n due deliveries in one statement. Moving
// next_attempt_at to the lease expiry takes the rows out of the due range, so
// claims never see each other's rows, and a crashed claimer's rows fall due
// again by themselves.
const claimSQL = `UPDATE deliveries SET claimed_by = ?, next_attempt_at = ?
	WHERE seq IN (SELECT seq FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?
	              ORDER BY next_attempt_at LIMIT ?)
	RETURNING seq, id, message_id, webhook_id, action, content_type, object_id, url, headers, secret, body, attempts, created_at`

// claim leases up to n due deliveries for token.
func (s *Service) claim(ctx context.Context, token string, n int) ([]*job, error) {
	now := s.opts.Now()
	var jobs []*job
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		rows, err := tx.Raw(claimSQL, token, ms(now.Add(s.opts.LeaseTTL)), ms(now), n).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j := &job{}
			var hdrs string
			if err := rows.Scan(&j.seq, &j.id, &j.messageID, &j.webhookID, &j.action, &j.contentType, &j.objectID,
				&j.url, &hdrs, &j.secret, &j.body, &j.attempts, &j.createdAt); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(hdrs), &j.headers); err != nil {
				return fmt.Errorf("delivery %s: headers: %w", j.id, err)
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return jobs, nil
}

// earliestDue returns when the next pending delivery falls due (a retry or a
// lease expiry), or false when nothing is pending.
func (s *Service) earliestDue(ctx context.Context) (time.Time, bool, error) {
	var due sql.NullInt64
	err := s.db.R.WithContext(ctx).Raw(`SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'`).Row().Scan(&due)
	if err != nil || !due.Valid {
		return time.Time{}, false, err
	}
	return time.UnixMilli(due.Int64), true, nil
}

// extend renews the leases token holds on seqs.
func (s *Service) extend(ctx context.Context, token string, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	list, _ := json.Marshal(seqs)
	until := ms(s.opts.Now().Add(s.opts.LeaseTTL))
	return s.db.InTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE deliveries SET next_attempt_at = ?
			WHERE seq IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND status = 'pending'`,
			until, string(list), token).Error
	})
}

// release hands seqs back to the queue, due at once, without counting an
// attempt: they were claimed but not (completely) tried.
func (s *Service) release(ctx context.Context, token string, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	list, _ := json.Marshal(seqs)
	return s.db.InTx(ctx, func(tx *gorm.DB) error {
		return releaseTx(tx, token, string(list), ms(s.opts.Now()))
	})
}

func releaseTx(tx *gorm.DB, token, seqsJSON string, now int64) error {
	return tx.Exec(`UPDATE deliveries SET claimed_by = NULL, next_attempt_at = ?
		WHERE seq IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND status = 'pending'`,
		now, seqsJSON, token).Error
}

// outcome is a finished attempt, ready to be written.
type outcome struct {
	job      *job
	released bool // not attempted (shutdown): hand back, count nothing
	att      attempt
	status   string // pending (retry scheduled), done or error
	result   string // the attempt's outcome: StatusDone, resultRetry or StatusError
	next     time.Time
	errMsg   string
	at       time.Time // when the attempt finished
}

const completeSQL = `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, claimed_by = NULL,
	response_code = ?, error = ?, updated_at = ?
	WHERE seq = ? AND claimed_by = ?`

const attemptSQL = `INSERT INTO delivery_attempts
	(delivery_seq, n, started_at, duration_ms, request_headers, response_code, response_headers,
	 response_body, response_truncated, error, outcome, next_attempt_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// resultRetry is an attempt outcome: failed, another attempt is scheduled.
const resultRetry = "retry"

// errLeaseLost marks an outcome whose row another claimer took over.
var errLeaseLost = errors.New("lease lost")

// completeTx writes one outcome. It returns errLeaseLost when token no longer
// holds the row (its lease expired and someone else claimed it): that
// claimer owns the row now, and its own attempt will be recorded.
func completeTx(tx *gorm.DB, token string, o *outcome) error {
	if o.released {
		list := fmt.Sprintf("[%d]", o.job.seq)
		return releaseTx(tx, token, list, ms(o.at))
	}
	n := o.job.attempts + 1
	res := tx.Exec(completeSQL, o.status, n, ms(o.next), o.att.code, o.errMsg, ms(o.at), o.job.seq, token)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errLeaseLost
	}
	reqHdrs, _ := json.Marshal(nonNil(o.att.reqHeaders))
	respHdrs, _ := json.Marshal(nonNil(o.att.respHdrs))
	var next int64
	if o.result == resultRetry {
		next = ms(o.next)
	}
	return tx.Exec(attemptSQL, o.job.seq, n, ms(o.att.startedAt), o.att.duration.Milliseconds(), string(reqHdrs),
		o.att.code, string(respHdrs), o.att.body, o.att.truncated, o.errMsg, o.result, next).Error
}
