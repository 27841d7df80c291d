package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"hookline/backend/app"
)

// Part 7 (issue 15): the same drain, end-to-end and latency runs on
// PostgreSQL, with one instance and with two instances sharing the
// database, in the same run as the SQLite figures. It runs when -postgres
// (or HOOKLINE_BENCH_POSTGRES) names a server; `make bench` starts a
// throwaway cluster for it. Each run gets a fresh schema.

// pgSchema creates a fresh schema on base and returns a URL that uses it,
// and its removal.
func pgSchema(ctx context.Context, base string) (string, func(), error) {
	var rb [6]byte
	rand.Read(rb[:])
	schema := "bench_" + hex.EncodeToString(rb[:])
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("connect to the PostgreSQL server: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	}
	return u.String(), drop, nil
}

// openShared opens n instances over one fresh schema; the first creates
// the product type and the webhooks.
func (b *bench) openShared(ctx context.Context, name string, n, hooks int) ([]*instance, func(), error) {
	u, drop, err := pgSchema(ctx, b.cfg.pgURL)
	if err != nil {
		return nil, nil, err
	}
	var ins []*instance
	closeAll := func() {
		for _, in := range ins {
			in.close()
		}
		drop()
	}
	for i := range n {
		cfg := app.Config{Mode: "serve", DataDir: filepath.Join(b.root, fmt.Sprintf("%s-%d", name, i)), Addr: "127.0.0.1:0",
			APIKey: apiKey, Workers: b.cfg.workers, Timeout: 10 * time.Second, DatabaseURL: u, Instance: fmt.Sprint(i)}
		m, err := app.Open(ctx, cfg, nil, b.log)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		ins = append(ins, &instance{m: m, client: &http.Client{Transport: t, Timeout: 60 * time.Second}})
	}
	var def map[string]any
	json.Unmarshal([]byte(productType), &def)
	if _, err := ins[0].m.Content.CreateType(ctx, def); err != nil {
		closeAll()
		return nil, nil, fmt.Errorf("create product type: %w", err)
	}
	if _, err := ins[0].addWebhooks(ctx, hooks, b.recv.url); err != nil {
		closeAll()
		return nil, nil, err
	}
	return ins, closeAll, nil
}

func (b *bench) partPostgres(ctx context.Context) error {
	if b.cfg.pgURL == "" {
		b.progress("postgres: skipped (no -postgres URL or HOOKLINE_BENCH_POSTGRES)")
		return nil
	}
	details := map[string]any{}
	for _, n := range []int{1, 2} {
		label := fmt.Sprintf("PostgreSQL, %d instance", n)
		if n > 1 {
			label += "s"
		}
		d, err := b.pgDrain(ctx, n, label)
		if err != nil {
			return err
		}
		e, err := b.pgE2E(ctx, n, label)
		if err != nil {
			return err
		}
		l, err := b.pgLatency(ctx, n, label)
		if err != nil {
			return err
		}
		details[fmt.Sprintf("instances%d", n)] = map[string]any{"drain": d, "e2e": e, "latency": l}
	}
	b.details["postgres"] = details
	return nil
}

// pgDrain drains a backlog queued with the pools stopped.
func (b *bench) pgDrain(ctx context.Context, n int, label string) (map[string]any, error) {
	ins, closeAll, err := b.openShared(ctx, "pg-drain", n, b.cfg.drainHooks)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	b.progress("postgres: drain, %d instance(s): queueing %d deliveries", n, b.cfg.drainN)
	if err := ins[0].seedBacklog(ctx, b.cfg.drainN, b.cfg.drainHooks); err != nil {
		return nil, err
	}
	queued, err := ins[0].count(ctx, "status = 'pending'")
	if err != nil {
		return nil, err
	}
	if err := b.recv.reset(); err != nil {
		return nil, err
	}
	start := time.Now()
	for _, in := range ins {
		if err := in.start(ctx); err != nil {
			return nil, err
		}
	}
	doneAt, _, err := b.waitDelivered(ctx, ins[0], queued, 10*time.Minute)
	if err != nil {
		return nil, err
	}
	if err := checkDelivered(ctx, ins[0], queued, b.recv); err != nil {
		return nil, err
	}
	rate := float64(queued) / doneAt.Sub(start).Seconds()
	b.add("7 postgres", fmt.Sprintf("%s: drain %s pending deliveries", label, num(float64(queued))), rate, "deliveries/s", nil)
	if b.drainRate > 0 {
		b.add("7 postgres", label+": drain ÷ SQLite drain", rate/b.drainRate, "ratio", nil)
	}
	c, _ := b.recv.count()
	return map[string]any{"deliveries": queued, "perSecond": rate, "received": c.Count}, nil
}

// startShared opens n instances on one fresh schema with one webhook,
// starts them all and resets the receiver.
func (b *bench) startShared(ctx context.Context, name string, n int) ([]*instance, func(), error) {
	ins, closeAll, err := b.openShared(ctx, name, n, 1)
	if err != nil {
		return nil, nil, err
	}
	for _, in := range ins {
		if err := in.start(ctx); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	if err := b.recv.reset(); err != nil {
		closeAll()
		return nil, nil, err
	}
	return ins, closeAll, nil
}

// pgE2E creates through the REST API of the instances (clients spread
// over them), first change → last delivery done.
func (b *bench) pgE2E(ctx context.Context, n int, label string) (map[string]any, error) {
	ins, closeAll, err := b.startShared(ctx, "pg-e2e", n)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	total := b.cfg.e2eN
	b.progress("postgres: e2e, %d instance(s): %d creates via REST, %d clients", n, total, b.cfg.clients)
	start := time.Now()
	if err := concurrently(ctx, total, b.cfg.clients, func(i int) error { return ins[i%n].restCreate(ctx, i) }); err != nil {
		return nil, err
	}
	doneAt, _, err := b.waitDelivered(ctx, ins[0], total, 5*time.Minute)
	if err != nil {
		return nil, err
	}
	if err := checkDelivered(ctx, ins[0], total, b.recv); err != nil {
		return nil, err
	}
	rate := float64(total) / doneAt.Sub(start).Seconds()
	b.add("7 postgres", fmt.Sprintf("%s: via REST, %d clients: first change → last done", label, b.cfg.clients), rate, "changes/s", nil)
	return map[string]any{"changes": total, "perSecond": rate}, nil
}

// pgLatency sends REST creates at the latency part's steady rate,
// alternating between the instances, and measures commit → arrival.
func (b *bench) pgLatency(ctx context.Context, n int, label string) (map[string]any, error) {
	ins, closeAll, err := b.startShared(ctx, "pg-latency", n)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	total := int(float64(b.cfg.latRate) * b.cfg.latFor.Seconds())
	b.progress("postgres: latency, %d instance(s): %d creates at %d/s", n, total, b.cfg.latRate)
	sent, _, err := openLoop(ctx, total, b.cfg.latRate, func(i int) *instance { return ins[i%n] })
	if err != nil {
		return nil, err
	}
	if _, _, err := b.waitDelivered(ctx, ins[0], total, 2*time.Minute); err != nil {
		return nil, err
	}
	arrivals, _, err := b.recv.dump()
	if err != nil {
		return nil, err
	}
	lat, err := arrivalLatencies(arrivals, sent)
	if err != nil {
		return nil, err
	}
	b.add("7 postgres", fmt.Sprintf("%s: commit → arrival p50 at %d changes/s", label, b.cfg.latRate), msf(percentile(lat, 50)), "ms", nil)
	b.add("7 postgres", label+": commit → arrival p99", msf(percentile(lat, 99)), "ms", nil)
	return map[string]any{"changes": total, "p50ms": msf(percentile(lat, 50)), "p95ms": msf(percentile(lat, 95)),
		"p99ms": msf(percentile(lat, 99)), "maxMs": msf(percentile(lat, 100))}, nil
}
