package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// memSampler records the peak Go heap (bytes in heap objects, live and not
// yet swept: what runtime.MemStats calls HeapAlloc) while it runs. Reading
// runtime/metrics does not stop the world, so sampling every few
// milliseconds costs nothing measurable.
//
// It also records the peak live heap (what the last GC found reachable):
// the heap peak moves with GC pacing, the live heap only with what the
// engine holds, so flatness is judged on the live heap.
type memSampler struct {
	stop chan struct{}
	done chan [2]uint64
}

func startMemSampler() *memSampler {
	s := &memSampler{stop: make(chan struct{}), done: make(chan [2]uint64, 1)}
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
		var peak [2]uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak[0] = max(peak[0], sample[0].Value.Uint64())
			peak[1] = max(peak[1], sample[1].Value.Uint64())
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// peak stops the sampler and returns the peak heap and the peak live heap,
// in bytes.
func (s *memSampler) peak() (heap, live uint64) {
	close(s.stop)
	p := <-s.done
	return p[0], p[1]
}

// loadAvg is /proc/loadavg's first three fields: how busy the machine was
// with other work, which these figures are sensitive to.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// settle returns freed memory to the OS and resets the kernel's peak-RSS
// mark (VmHWM), so the next peakRSS covers only what follows. It reports
// whether the reset worked.
func settle() bool {
	runtime.GC()
	debug.FreeOSMemory()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is VmHWM in bytes: the process's peak resident set since start or
// since the last settle.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuTime is this process's user+system CPU so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// partMemory is part 5: a large backlog drained, peak RSS and peak Go heap,
// and whether the live heap stays flat as the backlog grows. Flatness is
// the live heap after a memN backlog ÷ the live heap after a drainN one, each
// drained by a fresh instance without profiling. One ratio of two small live
// heaps (a few MiB) moves with GC timing, so three pairs run and the median
// is judged; all three are reported.
func (b *bench) partMemory(ctx context.Context) error {
	const pairs = 3
	var ratios []float64
	var large memRun
	for i := range pairs {
		small, err := b.drainForMemory(ctx, b.cfg.drainN, i)
		if err != nil {
			return err
		}
		if large, err = b.drainForMemory(ctx, b.cfg.memN, i); err != nil {
			return err
		}
		ratios = append(ratios, float64(large.live)/float64(small.live))
		b.progress("memory: pair %d: live heap %.2f MiB ÷ %.2f MiB = %.3f", i+1, mib(large.live), mib(small.live), ratios[i])
	}
	heapTarget := atMost(64, " MiB")
	label := num(float64(large.n))
	b.add("5 memory", "peak Go heap, "+label+" backlog", mib(large.peak), "MiB", &heapTarget)
	b.add("5 memory", "peak RSS, "+label+" backlog", mib(large.rss), "MiB", nil)
	b.add("5 memory", "peak live heap (after GC), "+label+" backlog", mib(large.live), "MiB", nil)
	sorted := slices.Clone(ratios)
	slices.Sort(sorted)
	flat := atMost(1.25, "")
	b.add("5 memory", fmt.Sprintf("live heap %s ÷ live heap %s (flat), median of %d: %s", label, num(float64(b.cfg.drainN)), pairs, joinRatios(ratios)),
		sorted[pairs/2], "ratio", &flat)
	b.details["memory"] = map[string]any{
		"deliveries": large.n, "seconds": large.seconds, "perSecond": float64(large.n) / large.seconds,
		"peakHeapMiB": mib(large.peak), "peakRssMiB": mib(large.rss), "rssPeakWasReset": large.rssReset,
		"peakLiveHeapMiB": mib(large.live), "flatRatios": ratios, "flatMedian": sorted[pairs/2],
	}
	return nil
}

// memRun is one drain measured for the memory part.
type memRun struct {
	n               int
	peak, live, rss uint64
	seconds         float64
	rssReset        bool
}

// drainForMemory queues n deliveries in a fresh instance and drains them,
// sampling the heap.
func (b *bench) drainForMemory(ctx context.Context, n, pair int) (memRun, error) {
	in, err := b.open(ctx, fmt.Sprintf("memory-%d-%d", n, pair))
	if err != nil {
		return memRun{}, err
	}
	defer in.close()
	if _, err := in.addWebhooks(ctx, b.cfg.drainHooks, b.recv.url); err != nil {
		return memRun{}, err
	}
	b.progress("memory: queueing %d deliveries", n)
	if err := in.seedBacklog(ctx, n, b.cfg.drainHooks); err != nil {
		return memRun{}, err
	}
	queued, err := in.count(ctx, "status = 'pending'")
	if err != nil {
		return memRun{}, err
	}
	if err := b.recv.reset(); err != nil {
		return memRun{}, err
	}
	b.progress("memory: draining %d deliveries", queued)
	r := memRun{n: queued, rssReset: settle()}
	heap := startMemSampler()
	start := time.Now()
	if err := in.start(ctx); err != nil {
		return r, err
	}
	doneAt, _, err := b.waitDelivered(ctx, in, queued, 15*time.Minute)
	if err != nil {
		return r, err
	}
	r.peak, r.live = heap.peak()
	r.rss = peakRSS()
	r.seconds = doneAt.Sub(start).Seconds()
	return r, checkDelivered(ctx, in, queued, b.recv)
}

func joinRatios(rs []float64) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.2f", r)
	}
	return strings.Join(parts, ", ")
}
