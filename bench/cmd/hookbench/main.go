// Command hookbench is `make bench`: it measures Hookline's delivery engine
// against the fastest plain HTTP can go on the same machine, in one run, and
// prints one table. The same figures go to bench/results.json with the
// machine and the commit.
//
// Parts (issue 6):
//
//  1. raw: plain net/http POSTs of the real payload, at the pool's concurrency;
//  2. drain: a backlog of pending deliveries drained by the real engine;
//  3. e2e: content creates through the REST API and through the service,
//     first change → last delivery done;
//  4. latency: a steady rate of REST creates, commit → arrival;
//  5. memory: a large backlog drained, peak RSS and Go heap;
//  6. queries: logs list/detail and content list at scale;
//  7. postgres: drain, end-to-end and latency on PostgreSQL, with one and
//     with two instances sharing the database (when -postgres is given).
//
// Hookline runs in this process (app.Open/Start, exactly what `hookline
// serve` wires), each part on its own fresh data folder; the receiver is a
// separate process (bench/receiver), the same one for every part.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config is the command line.
type config struct {
	quick       bool
	only        map[string]bool
	receiverBin string
	results     string
	outDir      string
	profile     bool
	riverBin    string
	workers     int
	clients     int

	rawN       int
	drainN     int
	drainHooks int
	e2eN       int
	batchN     int
	latRate    int
	latFor     time.Duration
	memN       int
	logHooks   int
	logsPer    int
	objects    int
	samples    int
	// pgURL is a PostgreSQL server for part 7 (postgres.go); "" skips it.
	pgURL string
}

var partNames = []string{"raw", "drain", "river", "e2e", "batch", "latency", "memory", "queries", "sync", "media", "postgres"}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("hookbench", flag.ContinueOnError)
	fs.BoolVar(&c.quick, "quick", false, "smaller sizes for a quick run (about a minute); figures are indicative only")
	only := fs.String("only", "", "comma-separated parts to run ("+strings.Join(partNames, ",")+"); default all")
	fs.StringVar(&c.receiverBin, "receiver", "bench/out/bin/receiver", "receiver binary (built by make bench)")
	fs.StringVar(&c.results, "results", "bench/results.json", "where to write the JSON results; empty for none")
	fs.StringVar(&c.outDir, "out", "bench/out", "folder for profiles and scratch data folders")
	fs.BoolVar(&c.profile, "profile", false, "write CPU profiles of the drain and end-to-end runs (and the drain's allocations) to -out")
	fs.IntVar(&c.workers, "workers", 8, "delivery workers, and the raw baseline's concurrency")
	fs.IntVar(&c.clients, "clients", 16, "concurrent REST/service clients in the end-to-end part")
	fs.IntVar(&c.rawN, "raw-n", 50_000, "POSTs in the raw baseline")
	fs.IntVar(&c.drainN, "drain-n", 50_000, "backlog drained in the drain part")
	fs.IntVar(&c.drainHooks, "drain-webhooks", 10, "webhooks the backlog is spread over (retention runs per webhook)")
	fs.IntVar(&c.e2eN, "e2e-n", 20_000, "content creates in each end-to-end run")
	fs.IntVar(&c.batchN, "batch-n", 20_000, "content creates in the batch-API end-to-end run")
	fs.StringVar(&c.riverBin, "river", "bench/out/bin/riverbench", "the River peer binary (built by make bench from bench/river); empty to skip")
	fs.IntVar(&c.latRate, "latency-rate", 200, "changes per second in the latency part")
	fs.DurationVar(&c.latFor, "latency-for", 30*time.Second, "duration of the latency part")
	fs.IntVar(&c.memN, "memory-n", 200_000, "backlog drained in the memory part")
	fs.IntVar(&c.logHooks, "log-webhooks", 1000, "webhooks in the logs query part")
	fs.IntVar(&c.logsPer, "logs-per-webhook", 300, "finished logs per webhook in the logs query part")
	fs.IntVar(&c.objects, "objects", 100_000, "objects in the content list part")
	fs.IntVar(&c.samples, "samples", 300, "timed requests per query case")
	fs.StringVar(&c.pgURL, "postgres", os.Getenv("HOOKLINE_BENCH_POSTGRES"), "a PostgreSQL server URL for part 7 (drain, end-to-end and latency with one and two instances); default $HOOKLINE_BENCH_POSTGRES, empty to skip")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		def := func(name string, p *int, v int) {
			if !set[name] {
				*p = v
			}
		}
		def("raw-n", &c.rawN, 10_000)
		def("drain-n", &c.drainN, 10_000)
		def("e2e-n", &c.e2eN, 3_000)
		def("batch-n", &c.batchN, 3_000)
		def("memory-n", &c.memN, 40_000)
		def("log-webhooks", &c.logHooks, 100)
		def("objects", &c.objects, 20_000)
		def("samples", &c.samples, 100)
		if !set["latency-for"] {
			c.latFor = 5 * time.Second
		}
	}
	c.only = map[string]bool{}
	if *only != "" {
		for _, p := range strings.Split(*only, ",") {
			p = strings.TrimSpace(p)
			if !slices.Contains(partNames, p) {
				return c, fmt.Errorf("unknown part %q; parts: %s", p, strings.Join(partNames, ","))
			}
			c.only[p] = true
		}
	}
	return c, nil
}

func (c config) runs(part string) bool { return len(c.only) == 0 || c.only[part] }

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err == flag.ErrHelp {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hookbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hookbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.outDir, 0o755); err != nil {
		return err
	}
	scratch, err := os.MkdirTemp(cfg.outDir, "data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)

	recv, err := startReceiver(cfg.receiverBin)
	if err != nil {
		return err
	}
	defer recv.close()

	b := &bench{
		cfg:         cfg,
		out:         stdout,
		recv:        recv,
		root:        scratch,
		log:         slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		details:     map[string]any{},
		started:     time.Now(),
		loadAtStart: loadAvg(),
	}
	b.progress("machine: %s, %d cores; receiver %s", cpuModel(), numCPU(), recv.url)
	steps := []struct {
		part string
		fn   func(context.Context) error
	}{
		{"drain", b.partDrain}, // includes raw, measured side by side
		{"river", b.partRiver}, // the peer, on the drain part's backlog
		{"e2e", b.partE2E},
		{"batch", b.partBatch},
		{"latency", b.partLatency},
		{"memory", b.partMemory},
		{"queries", b.partQueries},
		{"sync", b.partSync}, // sync.go
		{"media", b.partMedia},
		{"postgres", b.partPostgres}, // postgres.go
	}
	for _, s := range steps {
		if !cfg.runs(s.part) && !(s.part == "drain" && (cfg.runs("raw") || cfg.runs("river") || cfg.runs("batch"))) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.part, err)
		}
	}
	b.printTable()
	if cfg.results != "" {
		if err := b.writeJSON(cfg.results); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nwrote %s\n", filepath.ToSlash(cfg.results))
	}
	return nil
}
