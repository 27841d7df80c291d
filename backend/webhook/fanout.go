package webhook

import (
	"context"
	"sync/atomic"

	"hookline/backend/errs"
)

// MaxFanoutPerRequest bounds the deliveries one request may queue: every
// change of a batch (up to 100 objects) is matched against every webhook,
// all inside the one writer transaction, so 100 creates across 2,000
// webhooks held the writer for 16 s. Past the bound the request is refused
// with 413 and nothing is written.
const MaxFanoutPerRequest = 10_000

type fanoutKey struct{}

// WithFanoutBudget returns ctx carrying a budget of n deliveries for the
// changes made under it. The HTTP API gives every request one; without a
// budget (the desktop's single-object writes) nothing is counted.
func WithFanoutBudget(ctx context.Context, n int64) context.Context {
	b := &budget{max: n}
	b.left.Store(n)
	return context.WithValue(ctx, fanoutKey{}, b)
}

type budget struct {
	left atomic.Int64
	max  int64
}

// spendFanout takes n deliveries from ctx's budget, or refuses the change.
func spendFanout(ctx context.Context, n int) error {
	b, _ := ctx.Value(fanoutKey{}).(*budget)
	if b == nil || b.left.Add(-int64(n)) >= 0 {
		return nil
	}
	return errs.New(errs.TooLarge, "this request would queue more than %d webhook deliveries (its changes times the webhooks each one matches); send it in smaller batches", b.max)
}
