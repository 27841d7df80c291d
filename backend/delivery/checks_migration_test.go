package delivery

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gorm.io/gorm"

	"hookline/backend/store"
)

// deliveryRows reads every delivery and payload column, in seq order.
func deliveryRows(t *testing.T, g *gorm.DB) []map[string]any {
	t.Helper()
	var rows []map[string]any
	err := g.Raw(`SELECT d.seq, d.id, d.message_id, d.webhook_id, d.action, d.content_type, d.object_id, d.status,
			d.attempts, d.next_attempt_at, d.claimed_by, d.response_code, d.error, d.redelivery_of, d.created_at,
			d.updated_at, d.history, d.verdict, d.test, p.url, p.headers, p.secret, hex(p.body) AS body, p.tls_ca_pem
		FROM deliveries d JOIN delivery_payloads p USING (seq) ORDER BY d.seq`).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Migration 0012 rebuilds both delivery tables to rewrite their CHECK
// constraints: every row and payload survives as it was, seqs are still
// never reused, payloads still go with their delivery, and the constraints
// still refuse what they refused.
func TestChecksMigrationKeepsRowsAndConstraints(t *testing.T) {
	t.Parallel()
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	before := 0
	for before < len(ms) && ms[before].Version < 12 {
		before++
	}
	path := filepath.Join(t.TempDir(), "hookline.db")
	old := openAtVersion(t, path, before)
	for _, q := range []string{
		`INSERT INTO deliveries (seq, id, message_id, webhook_id, action, content_type, object_id, status, attempts,
			next_attempt_at, claimed_by, response_code, error, redelivery_of, created_at, updated_at, history, verdict, test)
			VALUES (3, 'msg_A', 'msg_A', 'wh1', 'Create', 'product', 'p1', 'done', 1, 10, NULL, 200, '', NULL, 1, 2,
			'[{"n":1,"code":200,"outcome":"done"}]', '', 0),
			(4, 'msg_B', 'msg_A', 'wh1', 'Create', 'product', 'p1', 'error', 3, 20, NULL, 500, 'HTTP 500', 'msg_A', 3, 4, '[]', 'failed', 1),
			(5, 'msg_C', 'msg_C', 'wh2', 'Update', 'product', 'p2', 'pending', 0, 30, 'tok', 0, '', NULL, 5, 6, '[]', 'accepted', 0),
			(9, 'msg_D', 'msg_D', 'wh2', 'Delete', 'product', 'p3', 'pending', 0, 40, NULL, 0, '', NULL, 7, 8, '[]', '', 0)`,
		`INSERT INTO delivery_payloads (seq, url, headers, secret, body, tls_ca_pem) VALUES
			(3, 'http://127.0.0.1:1/a', '[{"name":"x","value":"1"}]', 'whsec_a', CAST('{"a":1}' AS BLOB), ''),
			(4, 'http://127.0.0.1:1/b', '[]', '', CAST('{"b":2}' AS BLOB), 'PEM'),
			(5, 'http://127.0.0.1:1/c', '[]', '', CAST('{"c":3}' AS BLOB), ''),
			(9, 'http://127.0.0.1:1/d', '[]', '', CAST('{"d":4}' AS BLOB), '')`,
		// The newest row goes, as retention or a clear would: its seq
		// must still never come back.
		`DELETE FROM deliveries WHERE seq = 9`,
	} {
		if err := old.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	want := deliveryRows(t, old)
	db := upgrade(t, old, path)
	if got := deliveryRows(t, db.R); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows after the migration:\n%v\nwant\n%v", got, want)
	}
	var schema string
	db.R.Raw(`SELECT group_concat(sql, ';') FROM sqlite_master WHERE tbl_name IN ('deliveries', 'delivery_payloads')`).Scan(&schema)
	if strings.Contains(schema, " IN (") || strings.Contains(schema, "_new") {
		t.Errorf("schema still has an IN list or a temporary name: %s", schema)
	}
	for _, idx := range []string{"deliveries_due", "deliveries_webhook", "deliveries_finished"} {
		if !strings.Contains(schema, idx) {
			t.Errorf("index %s missing: %s", idx, schema)
		}
	}

	svc := New(db, Options{UserAgent: "Hookline/test", QuickRetries: -1})
	ctx := context.Background()
	var ids []string
	err = db.InTx(ctx, func(tx *gorm.DB) error {
		ids, err = svc.EnqueueTx(ctx, tx, []NewDelivery{{WebhookID: "wh1", Action: "Create", ContentType: "product",
			ObjectID: "p4", URL: "http://127.0.0.1:1/e", Body: []byte(`{}`)}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var seq int64
	db.R.Raw(`SELECT seq FROM deliveries WHERE id = ?`, ids[0]).Scan(&seq)
	if seq <= 9 {
		t.Errorf("a new delivery took seq %d, reusing a removed one (the high-water mark was 9)", seq)
	}

	err = db.InTx(ctx, func(tx *gorm.DB) error { return tx.Exec(`DELETE FROM deliveries WHERE seq = 3`).Error })
	if err != nil {
		t.Fatal(err)
	}
	var payloads int
	db.R.Raw(`SELECT COUNT(*) FROM delivery_payloads WHERE seq = 3`).Scan(&payloads)
	if payloads != 0 {
		t.Error("a removed delivery's payload stayed: the foreign key lost its cascade")
	}
	for _, q := range []string{
		`UPDATE deliveries SET status = 'sent' WHERE seq = 4`,
		`UPDATE deliveries SET verdict = 'maybe' WHERE seq = 4`,
		`INSERT INTO delivery_payloads (seq, url, body) VALUES (99, 'u', x'00')`,
	} {
		err := db.InTx(ctx, func(tx *gorm.DB) error { return tx.Exec(q).Error })
		if err == nil || !strings.Contains(err.Error(), "constraint failed") {
			t.Errorf("%s: err %v, want a constraint failure", q, err)
		}
	}
}
