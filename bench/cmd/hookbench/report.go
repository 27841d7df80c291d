package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// bench is one run: its configuration, the receiver, and what it measured.
type bench struct {
	cfg     config
	out     io.Writer
	recv    *receiver
	root    string
	log     *slog.Logger
	rows    []row
	details map[string]any
	started time.Time
	// heapPeak50k is the drain part's peak Go heap, the small backlog the
	// memory part's peak is compared with.
	drainHeapPeak, drainLivePeak uint64
	// The drain part's body, rate and best raw figure, for the parts
	// compared with it (the River peer, the batch-API ratio).
	drainBody          []byte
	drainRate, rawBest float64
	loadAtStart        string
}

// row is one line of the table. Target is empty for figures shown for
// context only.
type row struct {
	Part     string  `json:"part"`
	Figure   string  `json:"figure"`
	Target   string  `json:"target,omitempty"`
	Measured float64 `json:"measured"`
	Unit     string  `json:"unit"`
	Result   string  `json:"result,omitempty"` // PASS or MISS
}

// check compares a measured value with a target.
type check struct {
	text string
	ok   func(float64) bool
}

func atLeast(v float64, unit string) check {
	return check{fmt.Sprintf("≥ %s%s", num(v), unit), func(x float64) bool { return x >= v }}
}

func atMost(v float64, unit string) check {
	return check{fmt.Sprintf("≤ %s%s", num(v), unit), func(x float64) bool { return x <= v }}
}

func (b *bench) add(part, figure string, measured float64, unit string, c *check) {
	r := row{Part: part, Figure: figure, Measured: round(measured), Unit: unit}
	if c != nil {
		r.Target = c.text
		r.Result = "MISS"
		if c.ok(measured) {
			r.Result = "PASS"
		}
	}
	b.rows = append(b.rows, r)
	b.progress("  %-44s %12s %-10s %s %s", figure, num(r.Measured), unit, r.Target, r.Result)
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%6.1fs] %s\n", time.Since(b.started).Seconds(), fmt.Sprintf(format, args...))
}

func round(v float64) float64 {
	switch a := math.Abs(v); {
	case a >= 100:
		return math.Round(v)
	case a >= 1:
		return math.Round(v*100) / 100
	default:
		return math.Round(v*1000) / 1000
	}
}

func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) >= 1000 {
		s := fmt.Sprintf("%d", int64(v))
		var out []byte
		for i, c := range []byte(s) {
			if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
				out = append(out, ',')
			}
			out = append(out, c)
		}
		return string(out)
	}
	return fmt.Sprintf("%g", v)
}

func (b *bench) printTable() {
	fmt.Fprintf(b.out, "\nHookline bench — %s, %d cores, commit %s, %s; load average %s at start, %s at end\n\n",
		cpuModel(), numCPU(), gitCommit(), b.mode(), b.loadAtStart, loadAvg())
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "part\tfigure\ttarget\tmeasured\tresult")
	fmt.Fprintln(tw, "----\t------\t------\t--------\t------")
	for _, r := range b.rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\n", r.Part, r.Figure, r.Target, num(r.Measured), r.Unit, r.Result)
	}
	tw.Flush()
}

func (b *bench) mode() string {
	if b.cfg.quick {
		return "QUICK run (sizes reduced; not the reference figures)"
	}
	return "full run"
}

func (b *bench) writeJSON(path string) error {
	doc := map[string]any{
		"command": "make bench" + argsNote(),
		"mode":    b.mode(),
		"commit":  gitCommit(),
		"date":    b.started.UTC().Format(time.RFC3339),
		"seconds": math.Round(time.Since(b.started).Seconds()),
		"machine": map[string]any{
			"cores":              numCPU(),
			"cpu":                cpuModel(),
			"os":                 runtime.GOOS + "/" + runtime.GOARCH,
			"go":                 runtime.Version(),
			"kernel":             kernel(),
			"loadAverageAtStart": b.loadAtStart,
			"loadAverageAtEnd":   loadAvg(),
		},
		"config": map[string]any{
			"workers": b.cfg.workers, "clients": b.cfg.clients, "rawN": b.cfg.rawN, "drainN": b.cfg.drainN,
			"drainWebhooks": b.cfg.drainHooks, "e2eN": b.cfg.e2eN, "latencyRate": b.cfg.latRate,
			"latencySeconds": b.cfg.latFor.Seconds(), "memoryN": b.cfg.memN, "logWebhooks": b.cfg.logHooks,
			"logsPerWebhook": b.cfg.logsPer, "objects": b.cfg.objects, "samples": b.cfg.samples,
		},
		"rows":    b.rows,
		"details": b.details,
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func argsNote() string {
	if len(os.Args) <= 1 {
		return ""
	}
	var extra []string
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-receiver") || strings.HasPrefix(a, "-results") || strings.HasPrefix(a, "bench/") {
			continue
		}
		extra = append(extra, a)
	}
	if len(extra) == 0 {
		return ""
	}
	return " BENCH_ARGS='" + strings.Join(extra, " ") + "'"
}

func numCPU() int { return runtime.NumCPU() }

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func kernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if err := exec.Command("git", "diff", "--quiet", "HEAD", "--", "backend", "bench", "go.mod", "go.sum").Run(); err != nil {
		c += "+dirty"
	}
	return c
}

// percentile returns the p-th percentile (0..100) of ds, nearest rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(k, len(s)-1))]
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
