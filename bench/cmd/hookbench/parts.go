package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// raw is the physical limit: plain net/http POSTing body n times to the
// same receiver, at the pool's concurrency, with connection reuse and
// nothing else. It returns POSTs per second.
func (b *bench) raw(ctx context.Context, body []byte, n int) (float64, error) {
	if err := b.recv.reset(); err != nil {
		return 0, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = b.cfg.workers
	client := &http.Client{Transport: t, Timeout: 10 * time.Second}
	defer t.CloseIdleConnections()
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	start := time.Now()
	for range b.cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				resp, err := client.Post(b.recv.url+"/raw", "application/json", bytes.NewReader(body))
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					firstErr.CompareAndSwap(nil, fmt.Errorf("raw POST: %s", resp.Status))
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n) / elapsed.Seconds(), ctx.Err()
}

// partDrain is parts 1 and 2: the raw baseline, a backlog drained by the
// engine, and the raw baseline again; the ratio uses the better raw run,
// so noise can only make it look worse.
func (b *bench) partDrain(ctx context.Context) error {
	n := b.cfg.drainN
	in, err := b.open(ctx, "drain")
	if err != nil {
		return err
	}
	defer in.close()
	if _, err := in.addWebhooks(ctx, b.cfg.drainHooks, b.recv.url); err != nil {
		return err
	}
	b.progress("drain: queueing %d deliveries over %d webhooks through the content service", n, b.cfg.drainHooks)
	if err := in.seedBacklog(ctx, n, b.cfg.drainHooks); err != nil {
		return err
	}
	queued, err := in.count(ctx, "status = 'pending'")
	if err != nil {
		return err
	}
	var body []byte
	if err := in.m.DB.R.Raw(`SELECT body FROM delivery_payloads ORDER BY seq LIMIT 1`).Row().Scan(&body); err != nil {
		return err
	}

	b.progress("raw: %d POSTs of %d bytes, %d concurrent", b.cfg.rawN, len(body), b.cfg.workers)
	raw1, err := b.raw(ctx, body, b.cfg.rawN)
	if err != nil {
		return err
	}

	b.progress("drain: %d deliveries, %d workers", queued, b.cfg.workers)
	if err := b.recv.reset(); err != nil {
		return err
	}
	settle()
	var stopProfile func()
	if b.cfg.profile {
		if stopProfile, err = startCPUProfile(filepath.Join(b.cfg.outDir, "drain.cpu.pprof")); err != nil {
			return err
		}
	}
	heap := startMemSampler()
	cpu0, rcpu0 := cpuTime(), b.recv.cpu()
	start := time.Now()
	if err := in.start(ctx); err != nil {
		return err
	}
	doneAt, _, err := b.waitDelivered(ctx, in, queued, 10*time.Minute)
	if err != nil {
		return err
	}
	elapsed := doneAt.Sub(start)
	cpu, rcpu := cpuTime()-cpu0, b.recv.cpu()-rcpu0
	b.drainHeapPeak, b.drainLivePeak = heap.peak()
	if stopProfile != nil {
		stopProfile()
		if err := writeHeapProfile(filepath.Join(b.cfg.outDir, "drain.heap.pprof")); err != nil {
			return err
		}
	}
	if err := checkDelivered(ctx, in, queued, b.recv); err != nil {
		return err
	}

	raw2, err := b.raw(ctx, body, b.cfg.rawN)
	if err != nil {
		return err
	}
	rawBest := max(raw1, raw2)
	rate := float64(queued) / elapsed.Seconds()
	b.drainBody, b.drainRate, b.rawBest = body, rate, rawBest
	b.add("1 raw", fmt.Sprintf("plain net/http POSTs, %d concurrent", b.cfg.workers), rawBest, "POSTs/s", nil)
	b.add("2 drain", fmt.Sprintf("drain %s pending deliveries", num(float64(queued))), rate, "deliveries/s", nil)
	c := atLeast(0.6, "")
	b.add("2 drain", "drain ÷ raw", rate/rawBest, "ratio", &c)
	b.details["drain"] = map[string]any{
		"deliveries": queued, "webhooks": b.cfg.drainHooks, "payloadBytes": len(body),
		"seconds": elapsed.Seconds(), "perSecond": rate,
		"rawRuns":                      []float64{raw1, raw2},
		"engineCpuMicrosPerDelivery":   float64(cpu.Microseconds()) / float64(queued),
		"receiverCpuMicrosPerDelivery": float64(rcpu.Microseconds()) / float64(queued),
		"peakHeapMiB":                  mib(b.drainHeapPeak),
		"peakLiveHeapMiB":              mib(b.drainLivePeak),
	}
	return nil
}

// checkDelivered verifies the run did what it claims: every delivery done
// (none failed), and the receiver got at least that many requests.
func checkDelivered(ctx context.Context, in *instance, want int, recv *receiver) error {
	failed, err := in.count(ctx, "status <> 'done'")
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d deliveries did not end done", failed)
	}
	c, err := recv.count()
	if err != nil {
		return err
	}
	if c.Count < want {
		return fmt.Errorf("receiver got %d requests, want %d", c.Count, want)
	}
	return nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// partE2E is part 3: N creates, each matching one webhook, from concurrent
// clients, through the REST API and then through the service layer. The
// clock runs from the first change to the moment the last delivery is
// recorded done.
func (b *bench) partE2E(ctx context.Context) error {
	n := b.cfg.e2eN
	for _, via := range []string{"REST", "service"} {
		in, err := b.openStarted(ctx, "e2e-"+via)
		if err != nil {
			return err
		}
		err = func() error {
			defer in.close()
			b.progress("e2e: %d creates via %s, %d clients", n, via, b.cfg.clients)
			if b.cfg.profile {
				stop, err := startCPUProfile(filepath.Join(b.cfg.outDir, "e2e-"+via+".cpu.pprof"))
				if err != nil {
					return err
				}
				defer stop()
			}
			cpu0, rcpu0 := cpuTime(), b.recv.cpu()
			start := time.Now()
			err := concurrently(ctx, n, b.cfg.clients, func(i int) error {
				if via == "REST" {
					return in.restCreate(ctx, i)
				}
				_, err := in.m.Content.Create(ctx, "product", product(i))
				return err
			})
			saved := time.Since(start)
			if err != nil {
				return err
			}
			doneAt, _, err := b.waitDelivered(ctx, in, n, 5*time.Minute)
			if err != nil {
				return err
			}
			if err := checkDelivered(ctx, in, n, b.recv); err != nil {
				return err
			}
			elapsed := doneAt.Sub(start)
			cpu, rcpu := cpuTime()-cpu0, b.recv.cpu()-rcpu0
			rate := float64(n) / elapsed.Seconds()
			var c *check
			if via == "REST" {
				t := atLeast(4000, "")
				c = &t
			}
			b.add("3 end-to-end", fmt.Sprintf("via %s, %d clients: first change → last done", via, b.cfg.clients), rate, "changes/s", c)
			b.details["e2e_"+via] = map[string]any{
				"changes": n, "seconds": elapsed.Seconds(), "perSecond": rate,
				"savedPerSecond": float64(n) / saved.Seconds(),
				// CPU moves much less with the machine's other load than the
				// rate does; it includes the HTTP client on the REST run.
				"cpuMicrosPerChange":         float64(cpu.Microseconds()) / float64(n),
				"receiverCpuMicrosPerChange": float64(rcpu.Microseconds()) / float64(n),
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// partLatency is part 4: creates through the REST API at a steady rate
// (open loop: each is sent at its scheduled time whatever happened to the
// others), and for each the time from the commit to the arrival at the
// receiver. The commit happens inside the create request, so the clock
// starts when the request is sent: the figures are upper bounds.
func (b *bench) partLatency(ctx context.Context) error {
	in, err := b.openStarted(ctx, "latency")
	if err != nil {
		return err
	}
	defer in.close()
	total := int(float64(b.cfg.latRate) * b.cfg.latFor.Seconds())
	b.progress("latency: %d creates at %d/s via REST", total, b.cfg.latRate)
	sent, answered, err := openLoop(ctx, total, b.cfg.latRate, func(int) *instance { return in })
	if err != nil {
		return err
	}
	achieved := float64(total-1) / sent[total-1].Sub(sent[0]).Seconds()
	if _, _, err := b.waitDelivered(ctx, in, total, 2*time.Minute); err != nil {
		return err
	}
	arrivals, got, err := b.recv.dump()
	if err != nil {
		return err
	}
	lat, err := arrivalLatencies(arrivals, sent)
	if err != nil {
		return err
	}
	afterAnswer := make([]time.Duration, 0, total)
	for i := range total {
		afterAnswer = append(afterAnswer, lat[i]-answered[i].Sub(sent[i]))
	}
	p99 := atMost(10, " ms")
	b.add("4 latency", fmt.Sprintf("commit → arrival p50 at %d changes/s", b.cfg.latRate), msf(percentile(lat, 50)), "ms", nil)
	b.add("4 latency", "commit → arrival p95", msf(percentile(lat, 95)), "ms", nil)
	b.add("4 latency", "commit → arrival p99", msf(percentile(lat, 99)), "ms", &p99)
	b.add("4 latency", "commit → arrival max", msf(percentile(lat, 100)), "ms", nil)
	b.details["latency"] = map[string]any{
		"changes": total, "requestsReceived": got, "achievedRate": achieved,
		"clock": "from sending the create request (the commit happens inside it): an upper bound",
		"p50ms": msf(percentile(lat, 50)), "p95ms": msf(percentile(lat, 95)), "p99ms": msf(percentile(lat, 99)), "maxMs": msf(percentile(lat, 100)),
		"afterAnswerP50ms": msf(percentile(afterAnswer, 50)), "afterAnswerP99ms": msf(percentile(afterAnswer, 99)),
	}
	return nil
}

// partQueries is part 6: the logs API with hooks × logsPer finished logs,
// and the content list with many objects, timed over HTTP against the real
// server. Rows are seeded with SQL (through the real schema, triggers and
// indexes) because making them one by one would take most of the run.
func (b *bench) partQueries(ctx context.Context) error {
	in, err := b.open(ctx, "queries")
	if err != nil {
		return err
	}
	defer in.close()
	b.progress("queries: %d webhooks × %d logs, %d objects", b.cfg.logHooks, b.cfg.logsPer, b.cfg.objects)
	hooks, err := in.addWebhooks(ctx, b.cfg.logHooks, b.recv.url)
	if err != nil {
		return err
	}
	if err := seedLogs(ctx, in, hooks, b.cfg.logsPer); err != nil {
		return err
	}
	if err := seedObjects(ctx, in, b.cfg.objects); err != nil {
		return err
	}
	if err := in.start(ctx); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))

	type logRef struct {
		Hook string `gorm:"column:hook"`
		ID   string `gorm:"column:id"`
	}
	var picks []logRef
	err = in.m.DB.R.Raw(`SELECT webhook_id AS hook, id FROM deliveries ORDER BY random() LIMIT ?`, b.cfg.samples).Scan(&picks).Error
	if err != nil {
		return err
	}
	pages := max(1, b.cfg.logsPer/20)
	objPages := max(1, b.cfg.objects/20)
	cases := []struct {
		figure  string
		samples int
		target  check
		path    func(i int) string
	}{
		{"logs list page (20 of " + num(float64(b.cfg.logsPer)) + ")", b.cfg.samples, atMost(50, " ms"), func(int) string {
			return fmt.Sprintf("/api/v1/webhooks/%s/logs?page=%d&limit=20", hooks[rng.IntN(len(hooks))], 1+rng.IntN(pages))
		}},
		{"log detail", len(picks), atMost(50, " ms"), func(i int) string {
			return fmt.Sprintf("/api/v1/webhooks/%s/logs/%s", picks[i].Hook, picks[i].ID)
		}},
	}
	for _, o := range []struct{ by, dir string }{
		{"internal.createdAt", "asc"}, {"internal.updatedAt", "desc"}, {"id", "asc"}, {"name", "asc"},
	} {
		cases = append(cases, struct {
			figure  string
			samples int
			target  check
			path    func(i int) string
		}{"content list page, by " + o.by + " " + o.dir, b.cfg.samples, atMost(20, " ms"), func(int) string {
			return fmt.Sprintf("/api/v1/content/product?limit=20&page=%d&order_by=%s&order_direction=%s", 1+rng.IntN(objPages), o.by, o.dir)
		}})
	}
	cases = append(cases, struct {
		figure  string
		samples int
		target  check
		path    func(i int) string
	}{"content list, property filter (contains)", max(20, b.cfg.samples/10), atMost(500, " ms"), func(int) string {
		f := fmt.Sprintf(`{"name":{"type":"contains","filter":"%02d"}}`, rng.IntN(100))
		return "/api/v1/content/product?limit=20&filters=" + url.QueryEscape(f)
	}})

	timings := map[string]any{}
	for _, c := range cases {
		// A few untimed requests first: the figure is the steady state
		// of a running app, not its first query after start.
		for i := range min(5, c.samples) {
			if _, _, err := in.do(ctx, "GET", c.path(i), nil); err != nil {
				return err
			}
		}
		ds := make([]time.Duration, 0, c.samples)
		for i := range c.samples {
			p := c.path(i)
			t0 := time.Now()
			status, body, err := in.do(ctx, "GET", p, nil)
			d := time.Since(t0)
			if err != nil {
				return err
			}
			if status != http.StatusOK {
				return fmt.Errorf("GET %s: %d %s", p, status, body)
			}
			ds = append(ds, d)
		}
		t := c.target
		b.add("6 queries", c.figure+" p95", msf(percentile(ds, 95)), "ms", &t)
		timings[c.figure] = map[string]float64{"p50ms": msf(percentile(ds, 50)), "p95ms": msf(percentile(ds, 95)), "maxMs": msf(percentile(ds, 100)), "samples": float64(len(ds))}
	}
	b.details["queries"] = timings
	return nil
}

// seedLogs writes perHook finished logs (one attempt each) for every hook,
// interleaved as real traffic would be, in one transaction.
func seedLogs(ctx context.Context, in *instance, hooks []string, perHook int) error {
	ids, _ := json.Marshal(hooks)
	var body []byte
	body, _ = json.Marshal(map[string]any{
		"webhookId": "_webhooks-x", "action": "Create", "contentTypeName": "product",
		"ref": "/api/v1/content/product/product-1/version/1",
		"payload": map[string]any{"id": "product-1", "name": "Premium pack", "price": 500, "internal": map[string]any{
			"createdAt": "2021-11-22T10:47:16+00:00", "updatedAt": "2021-11-22T10:47:16+00:00", "deletedAt": "",
			"contentType": "product", "objectTitle": "Premium pack", "latestVersion": 1}},
	})
	// One attempt, as the completer records it (see delivery.attemptRecord).
	history := `[{"n":1,"at":1700000000000,"ms":2,"ua":"Hookline/0.1.0","ts":1700000000,` +
		`"sig":"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=","code":200,` +
		`"rh":[{"name":"Content-Length","value":"28"},{"name":"Content-Type","value":"application/json"},{"name":"Date","value":"Tue, 14 Nov 2023 22:13:20 GMT"}],` +
		`"body":"{\"message\":\"Hook received!\"}","outcome":"done"}]`
	now := time.Now().UnixMilli()
	return in.m.DB.InTx(ctx, func(tx *gorm.DB) error {
		err := tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < ?)
			INSERT INTO deliveries (id, message_id, webhook_id, action, content_type, object_id,
				status, attempts, next_attempt_at, response_code, created_at, updated_at, history)
			SELECT printf('msg_b%07d_%04d', n.i, w.key), printf('msg_b%07d_%04d', n.i, w.key), w.value, 'Create', 'product',
				printf('product-%d', n.i), 'done', 1, ? - (? - n.i) * 1000, 200, ? - (? - n.i) * 1000, ? - (? - n.i) * 1000, ?
			FROM n CROSS JOIN json_each(?) w`,
			perHook-1, now, perHook, now, perHook, now, perHook, history, string(ids)).Error
		if err != nil {
			return fmt.Errorf("seed logs: %w", err)
		}
		err = tx.Exec(`INSERT INTO delivery_payloads (seq, url, headers, secret, body)
			SELECT seq, 'http://127.0.0.1:9/hook', '[{"name":"AUTH","value":"secret_token"}]', ?, ? FROM deliveries`,
			signingSecret, body).Error
		if err != nil {
			return fmt.Errorf("seed payloads: %w", err)
		}
		return nil
	})
}

// seedObjects writes n live products with creation, update and title order
// shuffled against insertion order (the worst case for reading a page in
// index order), through the real table, its triggers and indexes.
func seedObjects(ctx context.Context, in *instance, n int) error {
	return in.m.DB.InTx(ctx, func(tx *gorm.DB) error {
		err := tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < ?)
			INSERT INTO objects (type, id, data, title, latest_version, created_at, updated_at)
			SELECT 'product', printf('product-%06d', i),
				json_object('name', printf('Premium pack %06d', (i*31) % ?), 'price', 500 + i % 100),
				printf('Premium pack %06d', (i*31) % ?), 1,
				strftime('%Y-%m-%dT%H:%M:%f', '2024-01-01', '+' || ((i*7919) % ?) || ' seconds') || '000Z',
				strftime('%Y-%m-%dT%H:%M:%f', '2024-01-01', '+' || ((i*104729) % ?) || ' seconds') || '000Z'
			FROM n`, n-1, n, n, n, n).Error
		if err != nil {
			return fmt.Errorf("seed objects: %w", err)
		}
		return nil
	})
}
