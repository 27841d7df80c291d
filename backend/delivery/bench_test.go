package delivery

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"hookline/backend/events"
	"hookline/backend/store"
)

// benchBody is a payload of the seed's size and shape.
var benchBody = []byte(`{"webhookId":"_webhooks-167011","action":"Create","contentTypeName":"product",` +
	`"ref":"/api/v1/content/product/product-399121/version/1","payload":{"id":"product-399121",` +
	`"name":"Premium pack","price":500,"internal":{"createdAt":"2021-11-22T10:47:16+00:00","deletedAt":"",` +
	`"updatedAt":"2021-11-22T10:47:16+00:00","contentType":"product","objectTitle":"Premium pack"}}}`)

const benchWebhooks = 10

func benchReceiver(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"message":"Hook received!"}`))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkDrain measures the engine draining a backlog of b.N pending
// deliveries (spread over 10 signed webhooks, so retention runs) to a fast
// loopback receiver: claims, sending, attempt records, logs, retention and
// events included. Run it with
//
//	go test ./backend/delivery -run '^$' -bench 'Drain|RawPost' -benchtime 50000x
func BenchmarkDrain(b *testing.B) {
	srv := benchReceiver(b)
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(b.TempDir(), "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bus := events.NewBus()
	sub, unsubscribe := bus.Subscribe(4096) // a UI listening, as in the app
	defer unsubscribe()
	go func() {
		for range sub {
		}
	}()
	svc := New(db, Options{Bus: bus, UserAgent: "Hookline/bench"})

	ds := make([]NewDelivery, 0, 1000)
	for i := 0; i < b.N; i += len(ds) {
		ds = ds[:0]
		for k := i; k < min(b.N, i+1000); k++ {
			ds = append(ds, NewDelivery{WebhookID: fmt.Sprint("wh", k%benchWebhooks), Action: "Create",
				ContentType: "product", ObjectID: fmt.Sprint("product-", k), URL: srv.URL + "/hook",
				Headers: []Header{{Name: "AUTH", Value: "secret_token"}},
				Secret:  "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Body: benchBody})
		}
		err := db.InTx(context.Background(), func(tx *gorm.DB) error {
			_, err := svc.EnqueueTx(context.Background(), tx, ds)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}

	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	if err := svc.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	for {
		var pending int
		db.R.Raw(`SELECT COUNT(*) FROM deliveries WHERE status = 'pending'`).Scan(&pending)
		if pending == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	if err := svc.Stop(context.Background()); err != nil {
		b.Fatal(err)
	}
	var done int
	db.R.Raw(`SELECT COUNT(*) FROM deliveries WHERE status = 'done'`).Scan(&done)
	if want := min(b.N, benchWebhooks*300); done < want {
		b.Fatalf("%d done after retention, want at least %d", done, want)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	// CPU per delivery (engine and in-process receiver together) is the
	// figure to compare on a shared, noisy machine: it does not move with
	// what else is running.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/delivery")
}

// BenchmarkRawPost is the physical limit BenchmarkDrain is compared with:
// plain net/http POSTing the same body to the same kind of receiver, with
// the pool's default concurrency and nothing else.
func BenchmarkRawPost(b *testing.B) {
	srv := benchReceiver(b)
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	client := &http.Client{Transport: t}
	defer t.CloseIdleConnections()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				resp, err := client.Post(srv.URL+"/hook", "application/json", bytes.NewReader(benchBody))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "posts/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/post")
}

// cpuTime is the user+system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
