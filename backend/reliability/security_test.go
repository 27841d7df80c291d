package reliability

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hookline/backend/app"
)

// TestAuthRequired: every API route but health and the inbox receiver
// answers 401 without a key, with a wrong key or with a key-shaped attack,
// and 403 to a write with the read-only key.
func TestAuthRequired(t *testing.T) {
	t.Parallel()
	in := startApp(t, nil)
	a := in.a
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	ro := a.must(t, 200, "GET", "/api/ui/keys", nil)["readOnly"].(string)
	routes := [][2]string{
		{"GET", "/api/v1/internal/contenttype"},
		{"POST", "/api/v1/internal/contenttype"},
		{"GET", "/api/v1/content/article"},
		{"POST", "/api/v1/content/article"},
		{"DELETE", "/api/v1/content/article/x"},
		{"GET", "/api/v1/content/_webhooks"},
		{"GET", "/api/v1/webhooks/last-status"},
		{"GET", "/api/v1/webhooks/x/logs"},
		{"GET", "/api/v1/inboxes"},
		{"GET", "/api/ui/info"},
		{"GET", "/api/ui/keys"},
		{"GET", "/api/ui/events"},
		{"GET", "/api/v2/anything"},
	}
	for ki, key := range []string{"", "wrong", strings.ToUpper(in.key), in.key[:len(in.key)-1], in.key + "0", "' OR '1'='1"} {
		for ri, r := range routes {
			// Each from its own loopback address: wrong keys from one
			// address are throttled after a few (TestWrongKeysThrottled).
			c := newAPI(in.m.URL, key).from(fmt.Sprintf("127.0.%d.%d", ki+1, ri+1))
			code, raw, err := c.call(r[0], r[1], nil)
			if err != nil || code != 401 || !isClearError(raw) {
				t.Errorf("%s %s with key %q: %d %v %.200s, want 401 with a JSON error", r[0], r[1], key, code, err, raw)
			}
		}
	}
	// The key in the query string works too, and the read-only key cannot write.
	c := newAPI(in.m.URL, "")
	if code, _, _ := c.call("GET", "/api/v1/content/article?auth_token="+in.key, nil); code != 200 {
		t.Errorf("?auth_token= with the key: %d", code)
	}
	roAPI := newAPI(in.m.URL, ro)
	roAPI.must(t, 200, "GET", "/api/v1/content/article", nil)
	roAPI.must(t, 403, "POST", "/api/v1/content/article", map[string]any{"title": "x"})
	roAPI.must(t, 403, "GET", "/api/ui/keys", nil)
	// Health and the inbox receiver need none.
	c.must(t, 200, "GET", "/api/health", nil)
	c.must(t, 404, "POST", "/inbox/nobox", "{}")
}

// TestKeyComparisonIsConstantTime reviews backend/auth's code: every
// comparison of a key or token goes through eq, which is
// subtle.ConstantTimeCompare, and no key field is compared with == or !=.
// (A timing measurement would be flaky; the code is what guarantees it.)
func TestKeyComparisonIsConstantTime(t *testing.T) {
	t.Parallel()
	path := filepath.Join(repoRoot(t), "backend", "auth", "auth.go")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	secretFields := map[string]bool{"rw": true, "ro": true, "session": true}
	funcs := map[string]*ast.FuncDecl{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			funcs[n.Name.Name] = n
		case *ast.BinaryExpr:
			if n.Op != token.EQL && n.Op != token.NEQ {
				return true
			}
			for _, side := range []ast.Expr{n.X, n.Y} {
				if sel, ok := side.(*ast.SelectorExpr); ok && secretFields[sel.Sel.Name] {
					t.Errorf("%s: a key is compared with %s, not in constant time", fset.Position(n.Pos()), n.Op)
				}
			}
		}
		return true
	})
	calls := func(fn *ast.FuncDecl, name string) bool {
		found := false
		ast.Inspect(fn, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				switch f := c.Fun.(type) {
				case *ast.Ident:
					found = found || f.Name == name
				case *ast.SelectorExpr:
					found = found || f.Sel.Name == name
				}
			}
			return true
		})
		return found
	}
	if eq := funcs["eq"]; eq == nil || !calls(eq, "ConstantTimeCompare") {
		t.Fatalf("auth.eq is missing or does not use subtle.ConstantTimeCompare")
	}
	for _, name := range []string{"Check", "CheckSession"} {
		if fn := funcs[name]; fn == nil || !calls(fn, "eq") {
			t.Errorf("auth.%s does not compare through eq", name)
		}
	}
}

// TestLoopbackByDefault: serve listens on 127.0.0.1 unless told otherwise,
// and a non-loopback address needs --allow-remote and a key.
func TestLoopbackByDefault(t *testing.T) {
	t.Parallel()
	env := func(string) string { return "" }
	cfg, err := app.ParseArgs([]string{"serve"}, env, io.Discard)
	if err != nil || cfg.Addr != "127.0.0.1:8717" || cfg.AllowRemote {
		t.Errorf("serve defaults: %+v %v, want 127.0.0.1:8717 without remote access", cfg, err)
	}
	cfg, err = app.ParseArgs(nil, env, io.Discard)
	if err != nil || !strings.HasPrefix(cfg.Addr, "127.0.0.1:") {
		t.Errorf("desktop defaults: %+v %v", cfg, err)
	}
	for _, args := range [][]string{
		{"serve", "--addr", "0.0.0.0:0"},
		{"serve", "--addr", "[::]:0"},
		{"serve", "--addr", "192.168.1.10:8717"},
		{"serve", "--addr", "0.0.0.0:0", "--allow-remote"}, // no key
	} {
		if _, err := app.ParseArgs(args, env, io.Discard); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
	if _, err := app.ParseArgs([]string{"serve", "--addr", "0.0.0.0:0", "--allow-remote"},
		func(k string) string { return map[string]string{"HOOKLINE_API_KEY": randomHex(16)}[k] }, io.Discard); err != nil {
		t.Errorf("--allow-remote with a key: %v", err)
	}
}

// TestForeignHostAndOrigin: DNS rebinding (a foreign Host) and foreign
// pages (a foreign Origin) are refused on every route, the UI page included;
// our own origin is accepted.
func TestForeignHostAndOrigin(t *testing.T) {
	t.Parallel()
	in := startApp(t, nil)
	base := in.m.URL()
	own := strings.TrimPrefix(base, "http://")
	cases := []struct {
		name, path, host, origin string
		want                     int
	}{
		{"rebound Host on the API", "/api/v1/content/_webhooks", "evil.example", "", 403},
		{"rebound Host with our port", "/api/v1/content/_webhooks", "evil.example:" + strings.Split(own, ":")[1], "", 403},
		{"rebound Host on the UI page", "/", "evil.example", "", 403},
		{"rebound Host on health", "/api/health", "attacker.test", "", 403},
		{"rebound Host on an inbox", "/inbox/x", "evil.example", "", 403},
		{"foreign Origin", "/api/v1/content/_webhooks", "", "http://evil.example", 403},
		{"null Origin", "/api/v1/content/_webhooks", "", "null", 403},
		{"Origin of another local port", "/api/v1/content/_webhooks", "", "http://127.0.0.1:1", 403},
		{"Origin with another scheme", "/api/v1/content/_webhooks", "", "file://" + own, 403},
		{"our own Origin", "/api/v1/content/_webhooks", "", "http://" + own, 200},
		{"localhost Host", "/api/health", "localhost:" + strings.Split(own, ":")[1], "", 200},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", base+c.path, nil)
		req.Header.Set("X-AUTH-TOKEN", in.key)
		if c.host != "" {
			req.Host = c.host
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d: %.200s", c.name, resp.StatusCode, c.want, raw)
		}
		if c.want == 403 && !isClearError(raw) {
			t.Errorf("%s: refusal is not a JSON error: %.200s", c.name, raw)
		}
		if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("%s: CORS header sent: %q", c.name, v)
		}
	}
}

// TestSecretsStayOut drives deliveries that succeed, fail, retry and are
// redelivered, with a signing secret, then searches everything the app
// logged (at debug level) and everything the logs API answers for the API
// keys and the secrets.
func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	rc := newReceiver()
	t.Cleanup(rc.close)
	var fail atomic.Bool
	fail.Store(true)
	rc.set(func(w http.ResponseWriter, r *http.Request, rec *receipt, n int) int {
		if fail.Load() && n%2 == 1 {
			w.WriteHeader(500)
			return 500
		}
		w.WriteHeader(200)
		return 200
	})
	in := startApp(t, nil)
	a := in.a
	keys := a.must(t, 200, "GET", "/api/ui/keys", nil)
	secret, inboxSecret := newSecret(), newSecret()
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	a.must(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "signed", "secret": inboxSecret})
	hooks := []string{
		a.must(t, 200, "POST", "/api/v1/content/_webhooks", webhookDef("ok", rc.URL("/ok"), []string{"Create", "Update", "Delete"}, nil, secret))["id"].(string),
		a.must(t, 200, "POST", "/api/v1/content/_webhooks", webhookDef("down", "http://127.0.0.1:1/", []string{"Create"}, nil, secret))["id"].(string),
		a.must(t, 200, "POST", "/api/v1/content/_webhooks", webhookDef("inbox", in.m.URL()+"/inbox/signed", []string{"Create"}, nil, inboxSecret))["id"].(string),
	}
	for i := range 5 {
		a.must(t, 200, "POST", "/api/v1/content/article", map[string]any{"id": "s" + string(rune('a'+i)), "title": "x"})
	}
	a.must(t, 200, "PATCH", "/api/v1/content/article/sa", map[string]any{"n": 1})
	a.must(t, 204, "DELETE", "/api/v1/content/article/sb", nil)
	if !waitUntil(20*time.Second, func() bool {
		for _, h := range hooks {
			if logCount(t, a, h, "pending") > 0 {
				return false
			}
		}
		return true
	}) {
		t.Fatal("deliveries did not finish")
	}
	fail.Store(false)
	first := logs(t, a, hooks[0], "")[0]["id"].(string)
	a.must(t, 202, "POST", "/api/v1/webhooks/"+hooks[0]+"/logs/"+first+"/redeliver", nil)
	waitUntil(10*time.Second, func() bool { return logCount(t, a, hooks[0], "pending") == 0 })

	// Everything a person can read about deliveries.
	var seen strings.Builder
	add := func(path string) {
		_, raw, _ := a.call("GET", path, nil)
		seen.Write(raw)
	}
	add("/api/v1/webhooks/last-status")
	for _, h := range hooks {
		add("/api/v1/webhooks/" + h + "/logs?limit=1000")
		for _, l := range logs(t, a, h, "") {
			add("/api/v1/webhooks/" + h + "/logs/" + l["id"].(string))
		}
	}
	add("/api/v1/inboxes/signed/requests?limit=1000")
	in.close(t) // flush everything the app logs at shutdown too
	secrets := map[string]string{
		"read-write API key": in.key, "read-only API key": keys["readOnly"].(string),
		"signing secret": secret, "signing key": strings.TrimPrefix(secret, "whsec_"),
		"inbox secret": inboxSecret, "inbox key": strings.TrimPrefix(inboxSecret, "whsec_"),
	}
	for name, s := range secrets {
		if strings.Contains(seen.String(), s) {
			t.Errorf("the %s appears in the execution logs API", name)
		}
		if strings.Contains(in.log.String(), s) {
			t.Errorf("the %s appears in the app's log output", name)
		}
	}
	if !strings.Contains(strings.ToLower(seen.String()), "webhook-signature") {
		t.Errorf("no signed request in the logs: the check above proved nothing")
	}
	if in.log.String() == "" {
		t.Errorf("the app logged nothing at debug level: the check above proved nothing")
	}
}

// TestDataFolderModes: with umask 000, `hookline serve` still creates its
// data folder 0700 and its database (and WAL files) 0600.
func TestDataFolderModes(t *testing.T) {
	t.Parallel()
	p := newProc(t, "k-"+randomHex(16))
	bin, dir := p.bin, filepath.Join(p.dir, "fresh", "data")
	// sh sets the umask, then becomes hookline with the usual arguments.
	p.bin = "/bin/sh"
	p.startWith([]string{"-c", `umask 000; exec "$0" "$@"`, bin, "serve", "--addr", "127.0.0.1:0", "--data", dir})
	a := newAPI(p.URL, p.key)
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	check := func(path string, want os.FileMode) {
		st, err := os.Stat(path)
		if err != nil {
			if os.IsNotExist(err) && want == 0o600 && !strings.HasSuffix(path, ".db") {
				return // WAL files come and go
			}
			t.Errorf("%s: %v", path, err)
			return
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
	check(dir, 0o700)
	db := filepath.Join(dir, "hookline.db")
	check(db, 0o600)
	check(db+"-wal", 0o600)
	check(db+"-shm", 0o600)
	if _, err := p.terminate(5 * time.Second); err != nil {
		t.Error(err)
	}
	check(db, 0o600)
}
