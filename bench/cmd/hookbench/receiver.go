package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// receiver is the child process every webhook of the run is sent to.
type receiver struct {
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	ctl   *http.Client
}

func startReceiver(bin string) (*receiver, error) {
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start receiver %s (run `make bench`, which builds it): %w", bin, err)
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, stdout)
	}()
	r := &receiver{cmd: cmd, stdin: stdin, ctl: &http.Client{Timeout: 30 * time.Second}}
	select {
	case l := <-line:
		u, ok := strings.CutPrefix(l, "receiver listening on ")
		if !ok {
			r.close()
			return nil, fmt.Errorf("receiver said %q", l)
		}
		r.url = u
	case <-time.After(10 * time.Second):
		r.close()
		return nil, fmt.Errorf("receiver did not start within 10s")
	}
	return r, nil
}

// close ends the receiver: it exits when its stdin closes.
func (r *receiver) close() {
	r.stdin.Close()
	done := make(chan struct{})
	go func() { r.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		r.cmd.Process.Kill()
		<-done
	}
}

func (r *receiver) reset() error {
	resp, err := r.ctl.Post(r.url+"/_ctl/reset", "", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

type recvCount struct {
	Count   int   `json:"count"`
	FirstNs int64 `json:"firstNs"`
	LastNs  int64 `json:"lastNs"`
}

func (r *receiver) count() (recvCount, error) {
	var c recvCount
	resp, err := r.ctl.Get(r.url + "/_ctl/count")
	if err != nil {
		return c, err
	}
	defer resp.Body.Close()
	return c, json.NewDecoder(resp.Body).Decode(&c)
}

// dump returns the recorded arrivals, ref → earliest arrival.
func (r *receiver) dump() (map[string]time.Time, int, error) {
	resp, err := r.ctl.Get(r.url + "/_ctl/dump")
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	var list [][2]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, 0, err
	}
	out := make(map[string]time.Time, len(list))
	for _, e := range list {
		var ref string
		if err := json.Unmarshal(e[0], &ref); err != nil {
			return nil, 0, err
		}
		ns, err := strconv.ParseInt(string(e[1]), 10, 64)
		if err != nil {
			return nil, 0, err
		}
		if _, seen := out[ref]; !seen {
			out[ref] = time.Unix(0, ns)
		}
	}
	return out, len(list), nil
}

// cpu returns the receiver's user+system CPU time so far.
func (r *receiver) cpu() time.Duration { return procCPU(r.cmd.Process.Pid) }

// procCPU reads utime+stime of pid from /proc (clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
