package events

import "testing"

func TestSlowSubscriberGetsResync(t *testing.T) {
	t.Parallel()
	b := NewBus()
	ch, cancel := b.Subscribe(2)
	defer cancel()
	for i := 0; i < 5; i++ {
		b.Publish(Event{Type: "delivery", Data: i})
	}
	if e := <-ch; e.Data != 0 {
		t.Fatalf("first = %v", e)
	}
	<-ch
	b.Publish(Event{Type: "delivery", Data: 9})
	if e := <-ch; e.Type != "resync" {
		t.Fatalf("want resync after drop, got %v", e)
	}
	if e := <-ch; e.Data != 9 {
		t.Fatalf("want event after resync, got %v", e)
	}
}

func TestCancelStopsDelivery(t *testing.T) {
	t.Parallel()
	b := NewBus()
	ch, cancel := b.Subscribe(1)
	cancel()
	cancel()
	b.Publish(Event{Type: "x"})
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after cancel")
	}
}
