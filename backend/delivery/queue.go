package delivery

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"hookline/backend/store"
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
	tlsCAPEM    string
	body        []byte
	attempts    int // before this attempt
	createdAt   int64
}

// idAlphabet is base32 (RFC 4648's letters and digits) in ASCII order, so
// that ids sort as their timestamps do.
const idAlphabet = "234567ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// newID returns a log id in the Standard Webhooks style: "msg_" + 26 base32
// characters, the first 10 the time in unix ms and the last 16 random (80
// bits). Ids that sort by time keep the unique index on id append-only:
// random ids put every insert and every retention delete on its own leaf
// page, and each such page is a 4 KiB WAL frame at commit.
func newID() string {
	var b [4 + 26]byte
	copy(b[:], "msg_")
	t := uint64(time.Now().UnixMilli())
	for i := 4 + 9; i >= 4; i-- {
		b[i] = idAlphabet[t&31]
		t >>= 5
	}
	var r [10]byte
	rand.Read(r[:])
	v := uint64(r[0])<<32 | uint64(r[1])<<24 | uint64(r[2])<<16 | uint64(r[3])<<8 | uint64(r[4])
	w := uint64(r[5])<<32 | uint64(r[6])<<24 | uint64(r[7])<<16 | uint64(r[8])<<8 | uint64(r[9])
	for i := 7; i >= 0; i-- {
		b[14+i] = idAlphabet[v&31]
		b[22+i] = idAlphabet[w&31]
		v >>= 5
		w >>= 5
	}
	return string(b[:])
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// EnqueueTx queues ds inside the caller's transaction tx and returns their
// log ids, in order. Because the rows commit or roll back with the change
// that produced them, a rolled-back change sends nothing and a committed one
// always has its deliveries. Call Notify after the commit.
func (s *Service) EnqueueTx(ctx context.Context, tx *gorm.DB, ds []NewDelivery) ([]string, error) {
	ids := make([]string, len(ds))
	for i, d := range ds {
		if d.WebhookID == "" || d.URL == "" || len(d.Body) == 0 {
			return nil, fmt.Errorf("delivery %d: webhook id, url and body are required", i)
		}
		ids[i] = newID()
	}
	if err := insert(ctx, tx, ds, ids, nil, "", ms(s.opts.Now())); err != nil {
		return nil, err
	}
	return ids, nil
}

// insertChunk bounds the rows of one INSERT (10 or 11 parameters each).
const insertChunk = 100

// insert writes ds with log ids ids; messageIDs nil means each row is its own
// message. Its statements keep tx's own context rather than ctx: inside
// InTx other callers may share the transaction (group commit), and an
// interrupted write would roll all of it back. Rows go in multi-row
// statements, since the driver re-parses every statement it runs: one for
// the deliveries and one for their payloads, matched by the seq each
// delivery got.
//
// Where a multi-row INSERT gives consecutive ids (SQLite: one writer, one
// statement, AUTOINCREMENT), the seqs are read back from the last insert
// id. Where it does not (PostgreSQL with several writers), they are
// reserved from the sequence first and written with the rows, so each
// payload names its delivery whatever else commits meanwhile.
func insert(ctx context.Context, tx *gorm.DB, ds []NewDelivery, ids, messageIDs []string, redeliveryOf string, now int64) error {
	var redo any
	if redeliveryOf != "" {
		redo = redeliveryOf
	}
	reserve := store.DialectOf(tx).Sequence("deliveries", "seq")
	var q strings.Builder
	for start := 0; start < len(ds); start += insertChunk {
		end := min(len(ds), start+insertChunk)
		var seqs []int64
		if reserve != "" {
			if err := tx.Raw(reserve, end-start).Scan(&seqs).Error; err != nil {
				return fmt.Errorf("enqueue deliveries: %w", err)
			}
			if len(seqs) != end-start {
				return fmt.Errorf("enqueue deliveries: reserved %d ids for %d rows", len(seqs), end-start)
			}
		}
		q.Reset()
		q.WriteString(`INSERT INTO deliveries (`)
		if seqs != nil {
			q.WriteString(`seq, `)
		}
		q.WriteString(`id, message_id, webhook_id, action, content_type, object_id, next_attempt_at, redelivery_of, created_at, updated_at)
			VALUES `)
		args := make([]any, 0, 11*(end-start))
		for i := start; i < end; i++ {
			d := ds[i]
			msgID := ids[i]
			if messageIDs != nil {
				msgID = messageIDs[i]
			}
			if i > start {
				q.WriteByte(',')
			}
			if seqs != nil {
				q.WriteString("(?,")
				args = append(args, seqs[i-start])
			} else {
				q.WriteString("(")
			}
			q.WriteString("?,?,?,?,?,?,?,?,?,?)")
			args = append(args, ids[i], msgID, d.WebhookID, d.Action, d.ContentType, d.ObjectID, now, redo, now, now)
		}
		if seqs != nil {
			if err := tx.Exec(q.String(), args...).Error; err != nil {
				return fmt.Errorf("enqueue deliveries: %w", err)
			}
		} else {
			// Should the rows ever not take consecutive seqs ending at the
			// last insert id, a payload's seq would name no delivery, and
			// the foreign key fails the whole transaction rather than
			// mismatch a payload.
			res, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q.String(), args...)
			if err != nil {
				return fmt.Errorf("enqueue deliveries: %w", err)
			}
			last, err := res.LastInsertId()
			if err != nil {
				return fmt.Errorf("enqueue deliveries: %w", err)
			}
			seqs = make([]int64, end-start)
			for k := range seqs {
				seqs[k] = last - int64(end-start-1-k)
			}
		}

		q.Reset()
		q.WriteString(`INSERT INTO delivery_payloads (seq, url, headers, secret, tls_ca_pem, body) VALUES `)
		args = args[:0]
		for i := start; i < end; i++ {
			d := ds[i]
			hdrs, err := json.Marshal(nonNil(d.Headers))
			if err != nil {
				return err
			}
			if i > start {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?)")
			args = append(args, seqs[i-start], d.URL, string(hdrs), d.Secret, d.TLSCAPEM, d.Body)
		}
		if err := tx.Exec(q.String(), args...).Error; err != nil {
			return fmt.Errorf("enqueue deliveries: %w", err)
		}
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
	RETURNING seq, id, message_id, webhook_id, action, content_type, object_id, attempts, created_at`

// payloadSQL reads the payloads of claimed rows, given as a JSON array of seqs.
const payloadSQL = `SELECT seq, url, headers, secret, tls_ca_pem, body FROM delivery_payloads
	WHERE seq IN (SELECT value FROM json_each(?))`

// claim leases up to n due deliveries for token.
func (s *Service) claim(ctx context.Context, token string, n int) ([]*job, error) {
	now := s.opts.Now()
	var jobs []*job
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		q := queriesOf(tx)
		rows, err := tx.Raw(q.claim, token, ms(now.Add(s.opts.LeaseTTL)), ms(now), n).Rows()
		if err != nil {
			return err
		}
		bySeq := make(map[int64]*job, n)
		seqs := make([]int64, 0, n)
		for rows.Next() {
			j := &job{}
			if err := rows.Scan(&j.seq, &j.id, &j.messageID, &j.webhookID, &j.action, &j.contentType, &j.objectID,
				&j.attempts, &j.createdAt); err != nil {
				rows.Close()
				return err
			}
			jobs = append(jobs, j)
			bySeq[j.seq] = j
			seqs = append(seqs, j.seq)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(jobs) == 0 {
			return err
		}
		list, _ := json.Marshal(seqs)
		if rows, err = tx.Raw(q.payload, string(list)).Rows(); err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			var url, hdrs, secret, ca string
			var body []byte
			if err := rows.Scan(&seq, &url, &hdrs, &secret, &ca, &body); err != nil {
				return err
			}
			j := bySeq[seq]
			if j == nil {
				continue
			}
			j.url, j.secret, j.tlsCAPEM, j.body = url, secret, ca, body
			if err := json.Unmarshal([]byte(hdrs), &j.headers); err != nil {
				return fmt.Errorf("delivery %s: headers: %w", j.id, err)
			}
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
	err := s.db.R.WithContext(ctx).Raw(`SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'`).Scan(&due).Error
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
		return tx.Exec(queriesOf(tx).extend, until, string(list), token).Error
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

// ReleaseAbandonedClaims makes every claimed pending delivery due at once,
// and reports how many there were. Call it only before Start, and only when
// no other process can be using the database (the app holds an exclusive
// lock on its data folder): claims found then belong to a process that
// died, and waiting out their lease would only delay those deliveries.
// Their webhook-id does not change, so a receiver can still drop repeats.
func (s *Service) ReleaseAbandonedClaims(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE deliveries SET claimed_by = NULL, next_attempt_at = ?
			WHERE status = 'pending' AND claimed_by IS NOT NULL`, ms(s.opts.Now()))
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

func releaseTx(tx *gorm.DB, token, seqsJSON string, now int64) error {
	return tx.Exec(queriesOf(tx).release, now, seqsJSON, token).Error
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

// completeChunk bounds the outcomes one completion statement carries, and
// so the size of its JSON parameter.
const completeChunk = 256

// resultRetry is an attempt outcome: failed, another attempt is scheduled.
const resultRetry = "retry"

// completeTx writes a batch of outcomes with one statement per chunk
// rather than a few per row, and hands the statement its rows as one JSON
// parameter that SQLite expands with json_each. Both choices are about the
// driver: it re-parses a statement on every execution, so statement count
// and length cost, and it binds parameters in time quadratic in their number
// (each one is looked up by a scan of the argument list), which made a
// many-row VALUES list the most expensive part of a completion. It returns
// the outcomes it wrote. An outcome whose row token no longer holds (its
// lease expired and another claimer took it) is skipped: that claimer owns
// the row now and records its own attempt.
func completeTx(tx *gorm.DB, token string, batch []*outcome) ([]*outcome, error) {
	var released []int64
	attempted := make([]*outcome, 0, len(batch))
	var at time.Time
	for _, o := range batch {
		if o.released {
			released = append(released, o.job.seq)
			at = o.at
		} else {
			attempted = append(attempted, o)
		}
	}
	if len(released) > 0 {
		list, _ := json.Marshal(released)
		if err := releaseTx(tx, token, string(list), ms(at)); err != nil {
			return nil, err
		}
	}
	written := make([]*outcome, 0, len(attempted))
	for len(attempted) > 0 {
		chunk := attempted[:min(len(attempted), completeChunk)]
		attempted = attempted[len(chunk):]
		ok, err := completeChunkTx(tx, token, chunk)
		if err != nil {
			return nil, err
		}
		written = append(written, ok...)
	}
	return written, nil
}

// completeSQL writes outcomes given as a JSON array of
// [seq, status, attempts, next_attempt_at, response_code, error, updated_at,
// attempt record], only to rows token still holds, appends each attempt
// record to its row's history, and returns the rows it wrote. The record
// arrives through ->, which keeps it JSON for json_insert.
const completeSQL = `UPDATE deliveries SET status = v.value->>1, attempts = v.value->>2, next_attempt_at = v.value->>3,
		claimed_by = NULL, response_code = v.value->>4, error = v.value->>5, updated_at = v.value->>6,
		history = json_insert(history, '$[#]', v.value->7)
	FROM json_each(?) AS v
	WHERE deliveries.seq = v.value->>0 AND deliveries.claimed_by = ?
	RETURNING deliveries.seq`

// attemptRecord is one element of a delivery's history column (see
// migration 0005). Of the request it keeps only what varies per attempt;
// requestHeaders rebuilds the rest from the delivery row. Request is set
// only for attempts recorded before that migration, which kept the headers
// in full.
type attemptRecord struct {
	N          int      `json:"n"`
	StartedAt  int64    `json:"at"`
	DurationMs int64    `json:"ms"`
	Request    []Header `json:"req,omitempty"`
	UserAgent  string   `json:"ua,omitempty"`
	// Timestamp is the Webhook-Timestamp sent; 0 when no request was built.
	Timestamp int64    `json:"ts,omitempty"`
	Signature string   `json:"sig,omitempty"`
	Code      int      `json:"code"`
	Headers   []Header `json:"rh,omitempty"`
	Body      *string  `json:"body"` // nil when no response arrived
	Truncated bool     `json:"trunc,omitempty"`
	// HeadersTruncated: Headers holds only the first of them (see
	// MaxResponseHeaders).
	HeadersTruncated bool   `json:"htrunc,omitempty"`
	Error            string `json:"err,omitempty"`
	Outcome          string `json:"outcome"`
	Next             int64  `json:"next,omitempty"` // when Outcome is "retry"
}

func (o *outcome) record() attemptRecord {
	a := o.att
	r := attemptRecord{N: o.job.attempts + 1, StartedAt: ms(a.startedAt), DurationMs: a.duration.Milliseconds(),
		Code: a.code, Headers: a.respHdrs, Truncated: a.truncated, HeadersTruncated: a.hdrsTruncated, Error: o.errMsg, Outcome: o.result}
	if a.sent {
		r.UserAgent, r.Timestamp, r.Signature = a.userAgent, a.startedAt.Unix(), a.signature
	}
	if a.body != nil {
		b := string(a.body)
		r.Body = &b
	}
	if o.result == resultRetry {
		r.Next = ms(o.next)
	}
	return r
}

// completeChunkTx writes chunk with one statement, and returns the outcomes
// whose rows token still held.
func completeChunkTx(tx *gorm.DB, token string, chunk []*outcome) ([]*outcome, error) {
	rows := make([][8]any, len(chunk))
	for i, o := range chunk {
		rows[i] = [8]any{o.job.seq, o.status, o.job.attempts + 1, ms(o.next), o.att.code, o.errMsg, ms(o.at), o.record()}
	}
	list, err := json.Marshal(rows)
	if err != nil {
		return nil, err
	}
	res, err := tx.Raw(queriesOf(tx).complete, string(list), token).Rows()
	if err != nil {
		return nil, err
	}
	held := make(map[int64]bool, len(chunk))
	for res.Next() {
		var seq int64
		if err := res.Scan(&seq); err != nil {
			res.Close()
			return nil, err
		}
		held[seq] = true
	}
	res.Close()
	if err := res.Err(); err != nil {
		return nil, err
	}
	written := make([]*outcome, 0, len(chunk))
	for _, o := range chunk {
		if held[o.job.seq] {
			written = append(written, o)
		}
	}
	return written, nil
}
