package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
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
