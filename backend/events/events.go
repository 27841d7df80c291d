// Package events is the in-process bus that carries changes (a log turned
// done, an object saved) to whoever shows them: Wails events in the window,
// Server-Sent Events in the browser. Publishing never blocks: a subscriber
// that falls behind loses events and is told so by a "resync" event.
package events

import "sync"

// Event is one notification. Type names the topic ("delivery", "content",
// "inbox", "resync"); Data is JSON-encodable.
type Event struct {
	Type string `json:"type"`
	Data any    `json:"data"`
}

// Bus fans events out to subscribers.
type Bus struct {
	mu   sync.Mutex
	subs map[*sub]struct{}
}

type sub struct {
	ch      chan Event
	dropped bool
}

// NewBus returns an empty bus.
func NewBus() *Bus { return &Bus{subs: map[*sub]struct{}{}} }

// Subscribe returns a channel of events and a cancel function that must be
// called to release it.
func (b *Bus) Subscribe(buffer int) (<-chan Event, func()) {
	if buffer <= 0 {
		buffer = 256
	}
	s := &sub{ch: make(chan Event, buffer)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.ch)
		})
	}
}

// Publish sends e to every subscriber without blocking.
func (b *Bus) Publish(e Event) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if s.dropped {
			// Tell the slow subscriber once there is room that it missed
			// events, so it reloads instead of showing a stale view.
			select {
			case s.ch <- Event{Type: "resync"}:
				s.dropped = false
			default:
				continue
			}
		}
		select {
		case s.ch <- e:
		default:
			s.dropped = true
		}
	}
}
