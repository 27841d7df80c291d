package delivery

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"
)

// Log ids keep the Standard Webhooks shape and sort in creation order, which
// keeps inserts and retention deletes on the id index at its ends.
func TestNewIDSortsByTimeAndStaysUnique(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^msg_[2-7A-Z]{26}$`)
	seen := map[string]bool{}
	prev := ""
	for i := range 2000 {
		if i%500 == 0 {
			time.Sleep(2 * time.Millisecond) // cross millisecond boundaries
		}
		id := newID()
		if !shape.MatchString(id) {
			t.Fatalf("id %q does not match %s", id, shape)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
		// Within one millisecond the order is random; across them it
		// must follow time.
		if prev != "" && id[:14] < prev[:14] {
			t.Fatalf("id %q sorts before the earlier %q", id, prev)
		}
		prev = id
	}
	early := newID()
	time.Sleep(2 * time.Millisecond)
	if late := newID(); late <= early {
		t.Errorf("later id %q does not sort after %q", late, early)
	}
}

// Each payload lands on its own delivery, across insert chunks and after
// rows have been deleted (seqs are never reused).
func TestEnqueuePairsEachPayloadWithItsDelivery(t *testing.T) {
	t.Parallel()
	tb := setup(t, Options{})
	first := tb.enqueue(t, delivery("http://127.0.0.1:1/a"), delivery("http://127.0.0.1:1/b"))
	if err := tb.db.W.Exec(`DELETE FROM deliveries WHERE id = ?`, first[1]).Error; err != nil {
		t.Fatal(err)
	}
	var ds []NewDelivery
	for i := range 2*insertChunk + 50 {
		d := delivery(fmt.Sprintf("http://127.0.0.1:1/%d", i))
		d.Body = []byte(fmt.Sprintf(`{"n":%d}`, i))
		d.Headers = []Header{{Name: "X-N", Value: fmt.Sprint(i)}}
		ds = append(ds, d)
	}
	ids := tb.enqueue(t, ds...)
	for i, id := range ids {
		l, err := tb.svc.GetLog(context.Background(), "wh1", id)
		if err != nil {
			t.Fatal(err)
		}
		if l.Request.URL != ds[i].URL || l.Request.Body != string(ds[i].Body) || header(l.Request.Headers, "X-N") != fmt.Sprint(i) {
			t.Fatalf("log %d got %s %s %v", i, l.Request.URL, l.Request.Body, l.Request.Headers)
		}
	}
}
