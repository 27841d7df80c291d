package delivery

import (
	"context"
	"testing"
	"time"
)

// Finished logs written by a sync execution are ordinary logs: listed
// newest first with their verdict, kept under the same retention, and
// refused a redelivery; an unknown verdict writes nothing.
func TestRecordFinished(t *testing.T) {
	t.Parallel()
	tb := setup(t, Options{RetentionPerWebhook: 3})
	ctx := context.Background()
	at := time.Now()
	var logs []FinishedLog
	for i, v := range []string{VerdictAccepted, VerdictModified, VerdictRejected, VerdictFailed, VerdictAccepted} {
		logs = append(logs, FinishedLog{ID: NewLogID(), WebhookID: "_webhooks-1", Action: "Create", ContentType: "product",
			ObjectID: "p1", URL: "http://127.0.0.1:1/", Body: []byte(`{"type":"request"}`), UserAgent: "ua", Timestamp: at.Unix(),
			StartedAt: at.Add(time.Duration(i) * time.Millisecond), Duration: 3 * time.Millisecond, Code: 200,
			ResponseBody: []byte(`{"payload":{}}`), Verdict: v})
		time.Sleep(2 * time.Millisecond) // ids sort by time
	}
	sums, err := tb.svc.RecordFinished(ctx, logs)
	if err != nil {
		t.Fatal(err)
	}
	if sums[2].Status != StatusError || sums[1].Status != StatusDone || sums[0].Attempts != 1 {
		t.Errorf("summaries %+v", sums)
	}
	page, err := tb.svc.ListLogs(ctx, "_webhooks-1", LogQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || page.Items[0].ID != logs[4].ID || page.Items[2].Verdict != VerdictRejected {
		t.Fatalf("after retention: %+v", page)
	}
	d, err := tb.svc.GetLog(ctx, "_webhooks-1", logs[4].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Request.Body != `{"type":"request"}` || d.Response == nil || d.Response.Body != `{"payload":{}}` || d.MessageID != logs[4].ID || d.Verdict != VerdictAccepted {
		t.Errorf("detail %+v", d)
	}
	if _, err := tb.svc.Redeliver(ctx, "_webhooks-1", logs[4].ID); err == nil {
		t.Error("a sync log was redelivered")
	}
	bad := logs[0]
	bad.ID, bad.Verdict = NewLogID(), "maybe"
	if _, err := tb.svc.RecordFinished(ctx, []FinishedLog{bad}); err == nil {
		t.Error("an unknown verdict was recorded")
	}
	if page, _ := tb.svc.ListLogs(ctx, "_webhooks-1", LogQuery{}); page.Total != 3 {
		t.Errorf("a refused record wrote something: %d logs", page.Total)
	}
}
