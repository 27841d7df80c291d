// Command receiver is the webhook receiver `make bench` sends to: a separate
// local process, the same one for every part of the benchmark, that answers
// every request 200 and records when it arrived.
//
// It prints "receiver listening on http://HOST:PORT" once it accepts
// connections and exits when its stdin closes, so it never outlives the
// benchmark that started it. Control endpoints live under /_ctl/:
//
//	POST /_ctl/reset   forget every recorded arrival
//	GET  /_ctl/count   {"count":n,"firstNs":…,"lastNs":…}
//	GET  /_ctl/dump    [["<ref>",arrivalUnixNs],…] in arrival order
//
// The ref is the payload's "ref" field ("/api/v1/content/{type}/{id}/version/{n}"),
// which is how the benchmark correlates an arrival with the change behind it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// arrival is one recorded request.
type arrival struct {
	ref string
	at  int64 // unix ns
}

// recorder holds the arrivals since the last reset.
type recorder struct {
	mu       sync.Mutex
	arrivals []arrival
}

var refKey = []byte(`"ref":"`)

// refOf finds the payload's ref without decoding the whole body: the
// receiver must cost as little as possible, since it shares the machine
// with what it measures.
func refOf(body []byte) string {
	i := bytes.Index(body, refKey)
	if i < 0 {
		return ""
	}
	rest := body[i+len(refKey):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

var okBody = []byte(`{"message":"Hook received!"}`)

func (rec *recorder) hook(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	at := time.Now().UnixNano()
	ref := refOf(body)
	rec.mu.Lock()
	rec.arrivals = append(rec.arrivals, arrival{ref: ref, at: at})
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(okBody)
}

func (rec *recorder) control(mux *http.ServeMux) {
	mux.HandleFunc("POST /_ctl/reset", func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.arrivals = nil
		rec.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_ctl/count", func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		out := struct {
			Count   int   `json:"count"`
			FirstNs int64 `json:"firstNs"`
			LastNs  int64 `json:"lastNs"`
		}{Count: len(rec.arrivals)}
		if n := len(rec.arrivals); n > 0 {
			out.FirstNs, out.LastNs = rec.arrivals[0].at, rec.arrivals[n-1].at
		}
		rec.mu.Unlock()
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /_ctl/dump", func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		list := make([][2]any, len(rec.arrivals))
		for i, a := range rec.arrivals {
			list[i] = [2]any{a.ref, a.at}
		}
		rec.mu.Unlock()
		json.NewEncoder(w).Encode(list)
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "receiver:", err)
		os.Exit(1)
	}
	rec := &recorder{}
	mux := http.NewServeMux()
	rec.control(mux)
	mux.HandleFunc("/", rec.hook)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		// The benchmark holds our stdin; when it exits, so do we.
		io.Copy(io.Discard, os.Stdin)
		srv.Close()
	}()
	fmt.Printf("receiver listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "receiver:", err)
		os.Exit(1)
	}
}
