package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// concurrently calls fn for every i in [0, n) from clients goroutines, each
// taking the next i, and returns the first error; after one, no new call
// starts.
func concurrently(ctx context.Context, n, clients int, fn func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil || firstErr.Load() != nil {
					return
				}
				if err := fn(i); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return err
	}
	return ctx.Err()
}

// restCreate creates product(i) through the REST API.
func (in *instance) restCreate(ctx context.Context, i int) error {
	status, body, err := in.do(ctx, "POST", "/api/v1/content/product", product(i))
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("create: %d %s", status, body)
	}
	return err
}

// openLoop sends total REST creates of products "lat-000000"… at rate per
// second, open loop (each at its scheduled time, whatever happened to the
// others), the i-th through via(i), and returns when each was sent and
// answered. It returns the first error once every request has ended.
func openLoop(ctx context.Context, total, rate int, via func(i int) *instance) (sent, answered []time.Time, err error) {
	interval := time.Second / time.Duration(rate)
	sent, answered = make([]time.Time, total), make([]time.Time, total)
	sem := make(chan struct{}, 256)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	start := time.Now()
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			obj := product(i)
			obj["id"] = latencyID(i)
			sent[i] = time.Now()
			status, body, err := via(i).do(ctx, "POST", "/api/v1/content/product", obj)
			answered[i] = time.Now()
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("create: %d %s", status, body)
			}
			if err != nil {
				firstErr.CompareAndSwap(nil, err)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return nil, nil, err
	}
	return sent, answered, ctx.Err()
}

func latencyID(i int) string { return fmt.Sprintf("lat-%06d", i) }

// arrivalLatencies is, for each change openLoop sent, the time from its
// sending to its delivery's arrival at the receiver.
func arrivalLatencies(arrivals map[string]time.Time, sent []time.Time) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, len(sent))
	for i := range sent {
		at, ok := arrivals["/api/v1/content/product/"+latencyID(i)+"/version/1"]
		if !ok {
			return nil, fmt.Errorf("change %d never arrived", i)
		}
		lat = append(lat, at.Sub(sent[i]))
	}
	return lat, nil
}
