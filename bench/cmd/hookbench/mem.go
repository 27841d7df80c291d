package main

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
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
