package reliability

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"hookline/backend/store/pgtest"
)

// soak reports whether the long versions were asked for (make soak).
func soak() bool { return os.Getenv("HOOKLINE_SOAK") == "1" }

// pick returns short under `go test`, long under HOOKLINE_SOAK=1.
func pick[T any](short, long T) T {
	if soak() {
		return long
	}
	return short
}

// repoRoot is the module root, found from this file's location.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// binary is the built app. The crash and shutdown tests need the real
// process (wails tags and the embedded UI), which only `make build` makes.
func binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("HOOKLINE_BIN")
	if bin == "" {
		bin = filepath.Join(repoRoot(t), "build", "bin", "hookline")
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s is missing or not executable: run `make build` first (make test and make soak do it for you)", bin)
	}
	return bin
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newSecret returns a fresh Standard Webhooks signing secret.
func newSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// output collects a child's stdout and stderr over all its runs, so the
// whole of it can be searched for secrets at the end.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// child is one run of `hookline serve`.
type child struct {
	cmd    *exec.Cmd
	url    string
	done   chan struct{} // closed when the process has exited
	exitAt time.Time
	err    error // Wait's result
}

var readyLine = regexp.MustCompile(`Hookline listening on (http://\S+)`)

// proc runs `hookline serve` as a child over one data folder, restarting it
// on demand. Every run's output goes to out.
type proc struct {
	t    testing.TB
	bin  string
	dir  string
	key  string
	args []string
	out  output
	// dbURL is the PostgreSQL schema the runs share ("" for SQLite in dir).
	dbURL string

	mu  sync.Mutex
	cur *child
}

func newProc(t testing.TB, key string, args ...string) *proc {
	p := &proc{t: t, bin: binary(t), dir: filepath.Join(t.TempDir(), "data"), key: key, args: args, dbURL: pgtest.DatabaseURL(t)}
	t.Cleanup(func() {
		if c := p.current(); c != nil {
			c.cmd.Process.Kill()
			<-c.done
		}
		if t.Failed() {
			t.Logf("hookline output (last 4 KiB):\n%s", tail(p.out.String(), 4096))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (p *proc) current() *child {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur
}

// URL is the current run's base URL.
func (p *proc) URL() string { return p.current().url }

// start launches the app and waits for its ready line.
func (p *proc) start() *child {
	p.t.Helper()
	return p.startWith(append(append([]string{"serve", "--addr", "127.0.0.1:0", "--data", p.dir}, p.dbArgs()...), p.args...))
}

// startWith launches p.bin with args and waits for the ready line.
func (p *proc) startWith(args []string) *child {
	p.t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Env = append(os.Environ(), "HOOKLINE_API_KEY="+p.key)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stderr = &p.out
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.bin, err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(&p.out, line)
			if m := readyLine.FindStringSubmatch(line); m != nil {
				select {
				case ready <- m[1]:
				default:
				}
			}
		}
		c.err = cmd.Wait()
		c.exitAt = time.Now()
		close(c.done)
	}()
	select {
	case c.url = <-ready:
	case <-c.done:
		p.t.Fatalf("hookline exited before it was ready (%v):\n%s", c.err, tail(p.out.String(), 4096))
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		p.t.Fatalf("hookline did not print its ready line within 20s:\n%s", tail(p.out.String(), 4096))
	}
	p.mu.Lock()
	p.cur = c
	p.mu.Unlock()
	return c
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	c := p.current()
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// terminate sends SIGTERM and returns how long the process took to exit.
func (p *proc) terminate(limit time.Duration) (time.Duration, error) {
	c := p.current()
	start := time.Now()
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return c.exitAt.Sub(start), c.err
	case <-time.After(limit):
		c.cmd.Process.Kill()
		<-c.done
		return time.Since(start), fmt.Errorf("still running %v after SIGTERM; killed", limit)
	}
}

// dbPath is the child's database file.
func (p *proc) dbPath() string { return filepath.Join(p.dir, "hookline.db") }

// api is a REST client. base is read on every call, so that writers follow
// the app across restarts.
type api struct {
	base func() string
	key  string
	hc   *http.Client
}

func newAPI(base func() string, key string) *api {
	return &api{base: base, key: key, hc: &http.Client{Timeout: 30 * time.Second}}
}

// call sends body (marshalled unless it is a string or []byte) and returns
// the status and raw answer. err is a transport error: the outcome of the
// call is then unknown.
func (a *api) call(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.base()+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if a.key != "" {
		req.Header.Set("X-AUTH-TOKEN", a.key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, raw, err
	}
	return resp.StatusCode, raw, nil
}

// must sends a request that has to answer want, and decodes the answer.
func (a *api) must(t testing.TB, want int, method, path string, body any) map[string]any {
	t.Helper()
	code, raw, err := a.call(method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if code != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, code, want, raw)
	}
	var m map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		json.Unmarshal(raw, &m)
	}
	return m
}

// itemType is the content type the tests write: a required title (so that
// a create without one is refused and rolls back) and a number.
func itemType(name string) map[string]any {
	return map[string]any{
		"name":  name,
		"label": name,
		"schemaDefinition": map[string]any{
			"type": "object",
			"allOf": []any{
				map[string]any{"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
				map[string]any{"type": "object", "properties": map[string]any{
					"title": map[string]any{"type": "string", "minLength": 1},
					"n":     map[string]any{"type": "number"},
				}},
			},
			"required":             []any{"title"},
			"additionalProperties": false,
		},
		"metaDefinition": map[string]any{
			"propertiesConfig": map[string]any{
				"title": map[string]any{"label": "Title", "inputType": "text", "unique": false, "isTitlePart": true},
				"n":     map[string]any{"label": "N", "inputType": "number", "unique": false},
			},
			"order": []any{"title", "n"},
		},
	}
}

// webhookDef builds a `_webhooks` object.
func webhookDef(name, url string, actions []string, types []string, secret string) map[string]any {
	acts := []any{}
	for _, a := range actions {
		acts = append(acts, map[string]any{"action": a})
	}
	ctds := []any{}
	for _, ty := range types {
		ctds = append(ctds, map[string]any{"content_type_definition_name": ty})
	}
	w := map[string]any{
		"name": name, "url": url, "enabled": true, "type": "async",
		"actions": acts, "content_type_definitions": ctds,
		"headers": []any{map[string]any{"header_name": "X-Test", "header_value": name}},
	}
	if secret != "" {
		w["signing_secret"] = secret
	}
	return w
}

// logCount returns how many of a webhook's logs have status ("" for all).
func logCount(t testing.TB, a *api, webhookID, status string) int {
	t.Helper()
	m := a.must(t, 200, "GET", "/api/v1/webhooks/"+webhookID+"/logs?limit=1&status="+status, nil)
	n, _ := m["total_count"].(float64)
	return int(n)
}

// logs returns a webhook's logs (newest first), at most 1000.
func logs(t testing.TB, a *api, webhookID, status string) []map[string]any {
	t.Helper()
	m := a.must(t, 200, "GET", "/api/v1/webhooks/"+webhookID+"/logs?limit=1000&status="+status, nil)
	var out []map[string]any
	for _, it := range m["data"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// dbArgs points a run at the PostgreSQL schema, if there is one. A killed
// instance's claims on a shared database come back when their lease runs
// out (nothing can tell a dead instance from a live one), so runs there use
// a 3 s lease.
func (p *proc) dbArgs() []string {
	if p.dbURL == "" {
		return nil
	}
	return []string{"--database", p.dbURL, "--lease", "3s", "--lease-extend", "1s"}
}

// inspect opens the run's database for reading: the SQLite file read-only,
// or the PostgreSQL schema.
func (p *proc) inspect(t testing.TB) *gorm.DB {
	t.Helper()
	if p.dbURL == "" {
		return openReadOnly(t, p.dbPath())
	}
	return openPostgres(t, p.dbURL)
}

func openPostgres(t testing.TB, url string) *gorm.DB {
	t.Helper()
	g, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open the test schema: %v", err)
	}
	t.Cleanup(func() { closeDB(g) })
	return g
}

// openReadOnly opens a database file for inspection without writing it.
func openReadOnly(t testing.TB, path string) *gorm.DB {
	t.Helper()
	g, err := gorm.Open(sqlite.Open("file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)"),
		&gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { closeDB(g) })
	return g
}

func closeDB(g *gorm.DB) {
	if d, err := g.DB(); err == nil {
		d.Close()
	}
}

// discardLog keeps test servers' own complaints (resets, TLS handshakes
// refused on purpose) out of the test output.
var discardLog = log.New(io.Discard, "", 0)

// waitUntil polls cond every 50ms until it holds or d passes.
func waitUntil(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
