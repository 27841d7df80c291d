package reliability

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// receipt is one request a receiver got, and what it answered.
type receipt struct {
	WebhookID string // the webhook-id header
	Signature string
	Path      string
	Body      []byte
	// Status is what the receiver answered; 0 when it never answered
	// (it blocked until the connection died).
	Status int
	At     time.Time

	// Parsed from the body.
	Hook     string // the body's webhookId
	Action   string
	ObjectID string
	Version  int
}

// key names the change a receipt is about.
func (r receipt) key() changeKey {
	return changeKey{Hook: r.Hook, Action: r.Action, ObjectID: r.ObjectID, Version: r.Version}
}

// changeKey is one delivery a committed change owes: to one webhook, for one
// action on one object version.
type changeKey struct {
	Hook     string
	Action   string
	ObjectID string
	Version  int
}

// behaviour decides how a receiver answers one request. It may write the
// response itself and return the status it sent (0 if none). n counts the
// receiver's requests, from 1.
type behaviour func(w http.ResponseWriter, r *http.Request, rc *receipt, n int) int

// receiver is a webhook receiver in the test process that records every
// request and answers as its behaviour says (200 by default).
type receiver struct {
	srv *httptest.Server

	mu     sync.Mutex
	got    []receipt
	behave behaviour
	n      int
}

func newReceiver() *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	return rc
}

func (rc *receiver) close() { rc.srv.Close() }

func (rc *receiver) URL(path string) string { return rc.srv.URL + path }

// set replaces the behaviour; nil answers 200.
func (rc *receiver) set(b behaviour) {
	rc.mu.Lock()
	rc.behave = b
	rc.mu.Unlock()
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := receipt{
		WebhookID: r.Header.Get("Webhook-Id"), Signature: r.Header.Get("Webhook-Signature"),
		Path: r.URL.Path, Body: body, At: time.Now(),
	}
	var p struct {
		WebhookID string `json:"webhookId"`
		Action    string `json:"action"`
		Ref       string `json:"ref"`
		Payload   struct {
			ID string `json:"id"`
		} `json:"payload"`
	}
	if json.Unmarshal(body, &p) == nil {
		rec.Hook, rec.Action, rec.ObjectID = p.WebhookID, p.Action, p.Payload.ID
		if i := strings.LastIndex(p.Ref, "/"); i >= 0 {
			rec.Version, _ = strconv.Atoi(p.Ref[i+1:])
		}
	}
	rc.mu.Lock()
	rc.n++
	n, b := rc.n, rc.behave
	rc.mu.Unlock()
	if b != nil {
		rec.Status = b(w, r, &rec, n)
	} else {
		w.WriteHeader(http.StatusOK)
		rec.Status = http.StatusOK
	}
	rc.mu.Lock()
	rc.got = append(rc.got, rec)
	rc.mu.Unlock()
}

// receipts returns a copy of everything received so far.
func (rc *receiver) receipts() []receipt {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receipt(nil), rc.got...)
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}
