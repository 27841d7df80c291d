// Command riverbench is the peer in `make bench`: it drains the same POST
// jobs to the same receiver as Hookline's drain part, with River
// (github.com/riverqueue/river) on SQLite through riversqlite.
//
// It lives in its own module so that it can use modernc.org/sqlite, the
// driver River's SQLite support is built and tested with. That driver
// registers the database/sql name "sqlite", as Hookline's glebarez driver
// does, so the two must never be linked into one binary.
//
// Settings are River's recommended ones for SQLite: one open connection
// (riversqlite's package doc: SQLite allows one writer, and more connections
// give SQLITE_BUSY), WAL, and the given number of workers on the default
// queue. FetchCooldown is River's documented throughput limit ("Throughput is
// limited by this value"), so it is a flag: hookbench runs River once with
// its default (100 ms) and once with the minimum it accepts (1 ms), and
// compares Hookline with the faster of the two.
//
// It prints one JSON line: {"jobs","seconds","perSecond","insertSeconds",
// "cpuMicrosPerJob","fetchCooldownMs"}.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite"
)

// postArgs is one job: the webhook request Hookline would send.
type postArgs struct {
	URL  string          `json:"url"`
	Body json.RawMessage `json:"body"`
}

func (postArgs) Kind() string { return "webhook_post" }

// postWorker sends the job's body; any answer but 2xx is an error, which
// River retries, as Hookline does.
type postWorker struct {
	river.WorkerDefaults[postArgs]
	client *http.Client
}

func (w *postWorker) Work(ctx context.Context, job *river.Job[postArgs]) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.Args.URL, bytes.NewReader(job.Args.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}

type config struct {
	dir      string
	n        int
	receiver string
	bodyFile string
	workers  int
	cooldown time.Duration
	limit    time.Duration
}

type result struct {
	Jobs            int     `json:"jobs"`
	Seconds         float64 `json:"seconds"`
	PerSecond       float64 `json:"perSecond"`
	InsertSeconds   float64 `json:"insertSeconds"`
	CPUMicrosPerJob float64 `json:"cpuMicrosPerJob"`
	FetchCooldownMs float64 `json:"fetchCooldownMs"`
}

func main() {
	var c config
	flag.StringVar(&c.dir, "dir", "", "scratch folder for the SQLite file (required)")
	flag.IntVar(&c.n, "n", 50_000, "jobs to drain")
	flag.StringVar(&c.receiver, "receiver", "", "the benchmark receiver's base URL (required; loopback)")
	flag.StringVar(&c.bodyFile, "body", "", "file holding the JSON body every job POSTs (required)")
	flag.IntVar(&c.workers, "workers", 8, "River workers on the default queue")
	flag.DurationVar(&c.cooldown, "fetch-cooldown", river.FetchCooldownDefault, "River's FetchCooldown")
	flag.DurationVar(&c.limit, "limit", 10*time.Minute, "give up after this long")
	flag.Parse()
	if c.dir == "" || c.receiver == "" || c.bodyFile == "" {
		fmt.Fprintln(os.Stderr, "riverbench: -dir, -receiver and -body are required")
		os.Exit(2)
	}
	res, err := run(context.Background(), c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "riverbench:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(res)
}

func run(ctx context.Context, c config) (result, error) {
	body, err := os.ReadFile(c.bodyFile)
	if err != nil {
		return result{}, err
	}
	if !json.Valid(body) {
		return result{}, errors.New("the body file is not JSON")
	}
	dsn := "file:" + filepath.Join(c.dir, "river.db") +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	driver := riversqlite.New(db)

	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		return result{}, err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return result{}, fmt.Errorf("migrate: %w", err)
	}

	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = c.workers
	workers := river.NewWorkers()
	river.AddWorker(workers, &postWorker{client: &http.Client{Transport: transport, Timeout: 10 * time.Second}})
	client, err := river.NewClient(driver, &river.Config{
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: c.workers}},
		Workers:       workers,
		FetchCooldown: c.cooldown,
		// A poll interval may not be shorter than the cooldown; River's
		// SQLite driver has no LISTEN/NOTIFY, so this is how it finds work.
		FetchPollInterval: max(c.cooldown, river.FetchPollIntervalMin),
		Logger:            slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		return result{}, err
	}

	// The backlog goes in before the clock starts, as Hookline's does.
	insertStart := time.Now()
	target := c.receiver + "/river"
	const chunk = 1000
	for done := 0; done < c.n; done += chunk {
		params := make([]river.InsertManyParams, 0, chunk)
		for i := done; i < min(done+chunk, c.n); i++ {
			params = append(params, river.InsertManyParams{Args: postArgs{URL: target, Body: body}})
		}
		if _, err := client.InsertManyFast(ctx, params); err != nil {
			return result{}, fmt.Errorf("insert: %w", err)
		}
	}
	insertSeconds := time.Since(insertStart).Seconds()

	if err := post(c.receiver + "/_ctl/reset"); err != nil {
		return result{}, err
	}
	cpu0 := cpuTime()
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		return result{}, err
	}
	if err := waitDrained(ctx, db, c); err != nil {
		return result{}, err
	}
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.Stop(stopCtx); err != nil {
		return result{}, err
	}
	return result{
		Jobs: c.n, Seconds: elapsed.Seconds(), PerSecond: float64(c.n) / elapsed.Seconds(),
		InsertSeconds:   insertSeconds,
		CPUMicrosPerJob: float64(cpu.Microseconds()) / float64(c.n),
		FetchCooldownMs: float64(c.cooldown) / float64(time.Millisecond),
	}, nil
}

// waitDrained returns once the receiver has seen every job and River has
// recorded every job as completed: the same two conditions hookbench waits
// for with Hookline.
func waitDrained(ctx context.Context, db *sql.DB, c config) error {
	deadline := time.Now().Add(c.limit)
	for {
		n, err := receiverCount(c.receiver)
		if err != nil {
			return err
		}
		if n >= c.n {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("receiver has %d of %d requests after %s", n, c.n, c.limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for {
		var open int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state <> 'completed'`).Scan(&open); err != nil {
			return err
		}
		if open == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d jobs not completed after %s", open, c.limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func post(url string) error {
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

func receiverCount(base string) (int, error) {
	resp, err := http.Get(base + "/_ctl/count")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		Count int `json:"count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
