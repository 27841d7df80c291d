package delivery

import (
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
