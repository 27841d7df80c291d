package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"hookline/backend/content"
)

// batchObject is the i-th object of the batch part: the seed's product
// with its name padded so that the object is about 600 bytes of JSON, the
// size the issue measured with.
func batchObject(i int) map[string]any {
	name := fmt.Sprintf("Premium pack %d ", i)
	return map[string]any{"name": name + strings.Repeat("x", 570-len(name)), "price": 500 + i%100}
}

// partBatch is the batch-API end-to-end: one client creates objects
// through POST /api/v1/content/product/batch, 100 per request, with one
// matching webhook, timed from the first request until the last delivery
// is done, and compared with the raw baseline.
func (b *bench) partBatch(ctx context.Context) error {
	n := b.cfg.batchN
	in, err := b.openStarted(ctx, "batch")
	if err != nil {
		return err
	}
	defer in.close()
	b.progress("batch: %d creates via the batch API, %d per request, 1 client", n, content.MaxBatch)
	if b.cfg.profile {
		stop, err := startCPUProfile(filepath.Join(b.cfg.outDir, "batch.cpu.pprof"))
		if err != nil {
			return err
		}
		defer stop()
	}
	cpu0, rcpu0 := cpuTime(), b.recv.cpu()
	start := time.Now()
	items := make([]map[string]any, 0, content.MaxBatch)
	for i := 0; i < n; i += content.MaxBatch {
		items = items[:0]
		for k := i; k < min(n, i+content.MaxBatch); k++ {
			items = append(items, batchObject(k))
		}
		status, body, err := in.do(ctx, "POST", "/api/v1/content/product/batch", items)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("batch create: %d %s", status, body)
		}
	}
	committed := time.Since(start)
	commitCPU := cpuTime() - cpu0
	doneAt, _, err := b.waitDelivered(ctx, in, n, 5*time.Minute)
	if err != nil {
		return err
	}
	if err := checkDelivered(ctx, in, n, b.recv); err != nil {
		return err
	}
	// CPU moves much less than the rate on a shared machine, so it is the
	// figure to compare write-path changes by. It covers the HTTP client
	// too; the commit phase also overlaps part of the drain.
	cpu, rcpu := cpuTime()-cpu0, b.recv.cpu()-rcpu0
	rate := float64(n) / doneAt.Sub(start).Seconds()
	b.add("3b batch", fmt.Sprintf("via the batch API, %d per request, 1 client: first request → last done", content.MaxBatch), rate, "changes/s", nil)
	if b.rawBest > 0 {
		c := atLeast(0.25, "")
		b.add("3b batch", "batch end-to-end ÷ raw", rate/b.rawBest, "ratio", &c)
	}
	b.details["batch"] = map[string]any{
		"changes": n, "perSecond": rate, "commitSeconds": committed.Seconds(),
		"commitMicrosPerObject":      float64(committed.Microseconds()) / float64(n),
		"commitCpuMicrosPerObject":   float64(commitCPU.Microseconds()) / float64(n),
		"cpuMicrosPerChange":         float64(cpu.Microseconds()) / float64(n),
		"receiverCpuMicrosPerChange": float64(rcpu.Microseconds()) / float64(n),
	}
	return nil
}
