package reliability

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// tableSums checksums every table's rows (order-independent), so that a
// request that changed anything at all shows up as a changed sum.
func tableSums(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	var tables []string
	list := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if db.Dialector.Name() == "postgres" {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	if err := db.Raw(list).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, name := range tables {
		rows, err := db.Raw(`SELECT * FROM "` + name + `"`).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%#v", vals))
		}
		rows.Close()
		sort.Strings(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[name] = fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(sum[:8]))
	}
	return out
}

// badRequest is one malformed request.
type badRequest struct {
	name   string
	method string
	path   string
	body   string
	// ctype defaults to application/json when there is a body; "-" sends none.
	ctype string
	// auth: "" the read-write key, "none" no key, "session" the UI's
	// session token instead of a key.
	auth string
	// want is the exact status, or 0 for any 4xx.
	want int
}

// isClearError reports whether raw is a JSON error a person can read: an
// object with a non-empty message, or with at least one field or item
// carrying messages.
func isClearError(raw []byte) bool {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return false
	}
	if msg, ok := m["message"].(string); ok {
		return strings.TrimSpace(msg) != ""
	}
	for _, v := range m {
		if list, ok := v.([]any); ok && len(list) > 0 {
			return true
		}
	}
	return false
}

// manyFilters returns a filters value with n conditions.
func manyFilters(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"f%d":{"type":"equals","filter":"x"}`, i)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

var sessionMeta = regexp.MustCompile(`<meta name="hookline-session" content="([^"]+)">`)

// TestBadInput sends malformed requests to every endpoint. Each must be
// refused with a 4xx and a clear JSON error, and the database must be
// byte-for-byte what it was before.
func TestBadInput(t *testing.T) {
	t.Parallel()
	rc := newReceiver()
	t.Cleanup(rc.close)
	in := startApp(t, nil)
	a := in.a

	// Something of each kind to aim at: a type, an object, a webhook with a
	// finished log, an inbox.
	a.must(t, 200, "POST", "/api/v1/internal/contenttype", itemType("article"))
	a.must(t, 200, "POST", "/api/v1/content/article", map[string]any{"id": "a1", "title": "first"})
	hook := a.must(t, 200, "POST", "/api/v1/content/_webhooks",
		webhookDef("ok", rc.URL("/ok"), []string{"Create", "Update", "Delete"}, []string{"article"}, newSecret()))["id"].(string)
	a.must(t, 200, "PATCH", "/api/v1/content/article/a1", map[string]any{"n": 2})
	a.must(t, 201, "POST", "/api/v1/inboxes", map[string]any{"name": "box"})
	if !waitUntil(10*time.Second, func() bool { return rc.count() == 1 && logCount(t, a, hook, "pending") == 0 }) {
		t.Fatal("the setup delivery did not finish")
	}
	logID := logs(t, a, hook, "")[0]["id"].(string)

	code, page, err := a.call("GET", "/", nil)
	m := sessionMeta.FindSubmatch(page)
	if err != nil || code != 200 || m == nil {
		t.Fatalf("GET /: %d %v; no session token in the page", code, err)
	}
	session := string(m[1])

	deep := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	deepArray := `{"title":"x","n":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`
	huge := `{"title":"` + strings.Repeat("x", 2<<20) + `"}`
	typeNamed := func(name string) string {
		raw, _ := json.Marshal(itemType("x"))
		return strings.Replace(string(raw), `"name":"x"`, `"name":`+name, 1)
	}
	hookWith := func(field, value string) string {
		def := webhookDef("bad", rc.URL("/bad"), []string{"Create"}, nil, "")
		raw, _ := json.Marshal(def)
		var obj map[string]any
		json.Unmarshal(raw, &obj)
		delete(obj, field)
		raw, _ = json.Marshal(obj)
		return strings.TrimSuffix(string(raw), "}") + `,"` + field + `":` + value + `}`
	}
	q := url.QueryEscape
	C, O, W := "/api/v1/internal/contenttype", "/api/v1/content/article", "/api/v1/webhooks/"+hook
	I := "/api/v1/inboxes"
	reqs := []badRequest{
		// Content types.
		{name: "type: bad JSON", method: "POST", path: C, body: `{"name":`, want: 400},
		{name: "type: array body", method: "POST", path: C, body: `[1,2]`, want: 400},
		{name: "type: name is a number", method: "POST", path: C, body: typeNamed(`42`), want: 400},
		{name: "type: path traversal name", method: "POST", path: C, body: typeNamed(`"../../etc/passwd"`), want: 400},
		{name: "type: NUL in name", method: "POST", path: C, body: typeNamed(`"art\u0000icle"`), want: 400},
		{name: "type: RTL mark in name", method: "POST", path: C, body: typeNamed(`"art\u202eelcit"`), want: 400},
		{name: "type: invalid UTF-8 in name", method: "POST", path: C, body: typeNamed("\"art\xff\xfeicle\""), want: 400},
		{name: "type: SQL in name", method: "POST", path: C, body: typeNamed(`"x'; DROP TABLE objects;--"`), want: 400},
		{name: "type: schemaDefinition is a string", method: "POST", path: C, body: `{"name":"s","label":"s","schemaDefinition":"nope","metaDefinition":{}}`, want: 400},
		{name: "type: nesting past the decoder's limit", method: "POST", path: C, body: deep, want: 400},
		{name: "type: body over 1 MiB", method: "POST", path: C, body: huge, want: 413},
		{name: "type: text/plain", method: "POST", path: C, body: `{}`, ctype: "text/plain", want: 415},
		{name: "type: no content type", method: "POST", path: C, body: `{}`, ctype: "-", want: 415},
		{name: "type: replace an unknown type", method: "PUT", path: C + "/ghost", body: typeNamed(`"ghost"`), want: 404},
		{name: "type: replace with a renamed body", method: "PUT", path: C + "/article", body: `{"name":"article","label":"a","schemaDefinition":{"type":"object"},"metaDefinition":5}`, want: 400},
		{name: "type: delete an encoded traversal", method: "DELETE", path: C + "/..%2F..%2Fetc", want: 404},
		{name: "type: get NUL", method: "GET", path: C + "/%00", want: 404},
		{name: "type: page -1", method: "GET", path: C + "?page=-1", want: 400},
		{name: "type: limit beyond int64", method: "GET", path: C + "?limit=99999999999999999999999", want: 400},
		{name: "type: internal=maybe", method: "GET", path: C + "?internal=maybe", want: 400},
		{name: "type: SQL in order_by", method: "GET", path: C + "?order_by=" + q("name; DROP TABLE content_types"), want: 400},

		// Objects.
		{name: "object: bad JSON", method: "POST", path: O, body: `{"title": "x",}`, want: 400},
		{name: "object: JSON string body", method: "POST", path: O, body: `"title"`, want: 400},
		{name: "object: title of the wrong type", method: "POST", path: O, body: `{"title":123}`, want: 400},
		{name: "object: number as a string", method: "POST", path: O, body: `{"title":"x","n":"12"}`, want: 400},
		{name: "object: number past float64", method: "POST", path: O, body: `{"title":"x","n":1e400}`, want: 400},
		{name: "object: number past 2^53", method: "POST", path: O, body: `{"title":"x","n":9007199254740993}`, want: 400},
		{name: "object: unknown property", method: "POST", path: O, body: `{"title":"x","admin":true}`, want: 400},
		{name: "object: missing required title", method: "POST", path: O, body: `{"n":1}`, want: 400},
		{name: "object: deep nesting in a property", method: "POST", path: O, body: deepArray, want: 400},
		{name: "object: path traversal id", method: "POST", path: O, body: `{"id":"../../etc/passwd","title":"x"}`, want: 400},
		{name: "object: NUL in id", method: "POST", path: O, body: `{"id":"a\u0000b","title":"x"}`, want: 400},
		{name: "object: RTL mark in id", method: "POST", path: O, body: `{"id":"a\u202eb","title":"x"}`, want: 400},
		{name: "object: SQL in id", method: "POST", path: O, body: `{"id":"x' OR '1'='1","title":"x"}`, want: 400},
		{name: "object: id taken (case differs)", method: "POST", path: O, body: `{"id":"A1","title":"x"}`, want: 400},
		{name: "object: id is a number", method: "POST", path: O, body: `{"id":7,"title":"x"}`, want: 400},
		{name: "object: unknown type", method: "POST", path: "/api/v1/content/nosuchtype", body: `{"title":"x"}`, want: 404},
		{name: "object: internal type name with traversal", method: "POST", path: "/api/v1/content/..%2F_webhooks", body: `{"title":"x"}`, want: 404},
		{name: "object: body over 1 MiB", method: "POST", path: O, body: huge, want: 413},
		{name: "object: replace with an empty title", method: "PUT", path: O + "/a1", body: `{"title":""}`, want: 400},
		{name: "object: replace changing the id", method: "PUT", path: O + "/a1", body: `{"id":"a2","title":"x"}`, want: 400},
		{name: "object: patch with a wrong type", method: "PATCH", path: O + "/a1", body: `{"n":"NaN"}`, want: 400},
		{name: "object: patch null body", method: "PATCH", path: O + "/a1", body: `null`, want: 400},
		{name: "object: create with a null body", method: "POST", path: O, body: `null`, want: 400},
		{name: "object: patch an unknown object", method: "PATCH", path: O + "/nope", body: `{"n":1}`, want: 404},
		{name: "object: delete SQL id", method: "DELETE", path: O + "/" + url.PathEscape("' OR 1=1--"), want: 404},
		{name: "object: get version abc", method: "GET", path: O + "/a1/version/abc", want: 404},
		{name: "object: get version past int64", method: "GET", path: O + "/a1/version/99999999999999999999", want: 404},
		{name: "object: removed with a bad date", method: "GET", path: O + "/removed?deletedAfter=yesterday", want: 400},

		// Lists and filters.
		{name: "filter: bad JSON", method: "GET", path: O + "?filters=" + q(`{"title":`), want: 400},
		{name: "filter: unknown operator", method: "GET", path: O + "?filters=" + q(`{"title":{"type":"explode","filter":"x"}}`), want: 400},
		{name: "filter: 51 conditions", method: "GET", path: O + "?filters=" + q(manyFilters(51)), want: 400},
		{name: "filter: condition is a string", method: "GET", path: O + "?filters=" + q(`{"title":"x"}`), want: 400},
		{name: "filter: SQL as a field name", method: "GET", path: O + "?filters=" + q(`{"title) OR 1=1--":{"type":"equals","filter":"x"}}`), want: 400},
		{name: "filter: array instead of object", method: "GET", path: O + "?filters=" + q(`[1,2]`), want: 400},
		{name: "list: SQL in order_by", method: "GET", path: O + "?order_by=" + q("title; DROP TABLE objects"), want: 400},
		{name: "list: order_direction sideways", method: "GET", path: O + "?order_direction=sideways", want: 400},
		{name: "list: limit 0", method: "GET", path: O + "?limit=0", want: 400},
		{name: "list: page abc", method: "GET", path: O + "?page=abc", want: 400},
		{name: "list: limit 100000", method: "GET", path: O + "?limit=100000", want: 400},
		{name: "list: hydrate 9", method: "GET", path: O + "?hydrate=9", want: 400},

		// Batches.
		{name: "batch: object instead of array", method: "POST", path: O + "/batch", body: `{"title":"x"}`, want: 400},
		{name: "batch: 101 items", method: "POST", path: O + "/batch", body: "[" + strings.TrimSuffix(strings.Repeat(`{"title":"x"},`, 101), ",") + "]", want: 400},
		{name: "batch: one invalid item rolls all back", method: "POST", path: O + "/batch", body: `[{"id":"b1","title":"ok"},{"id":"b2"}]`, want: 400},
		{name: "batch: array of numbers", method: "POST", path: O + "/batch", body: `[1,2,3]`, want: 400},
		{name: "batch patch: item without id", method: "PATCH", path: O + "/batch", body: `[{"n":1}]`, want: 400},
		{name: "batch patch: unknown id", method: "PATCH", path: O + "/batch", body: `[{"id":"a1","n":5},{"id":"ghost","n":1}]`, want: 404},
		{name: "batch delete: object body", method: "POST", path: O + "/batch-delete", body: `{"ids":["a1"]}`, want: 400},
		{name: "batch: null body", method: "POST", path: O + "/batch", body: `null`, want: 400},
		{name: "batch delete: null body", method: "POST", path: O + "/batch-delete", body: `null`, want: 400},
		{name: "batch delete: numbers", method: "POST", path: O + "/batch-delete", body: `[1,2]`, want: 400},

		// Webhook definitions.
		{name: "webhook: CR/LF in a header value", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("headers", `[{"header_name":"X-A","header_value":"v\r\nX-Evil: 1"}]`), want: 400},
		{name: "webhook: space in a header name", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("headers", `[{"header_name":"X A","header_value":"v"}]`), want: 400},
		{name: "webhook: overriding Host", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("headers", `[{"header_name":"Host","header_value":"evil"}]`), want: 400},
		{name: "webhook: NUL in a header value", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("headers", `[{"header_name":"X-A","header_value":"a\u0000b"}]`), want: 400},
		{name: "webhook: file URL", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("url", `"file:///etc/passwd"`), want: 400},
		{name: "webhook: credentials in the URL", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("url", `"http://user:pw@127.0.0.1/"`), want: 400},
		{name: "webhook: URL is a number", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("url", `12`), want: 400},
		{name: "webhook: unknown action", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("actions", `[{"action":"Explode"}]`), want: 400},
		{name: "webhook: unknown content type", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("content_type_definitions", `[{"content_type_definition_name":"../../etc"}]`), want: 400},
		{name: "webhook: short secret", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("signing_secret", `"whsec_c2hvcnQ="`), want: 400},
		{name: "webhook: unknown type", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("type", `"blocking"`), want: 400},
		{name: "webhook: code mode on an async webhook", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("executionMode", `"code"`), want: 400},
		{name: "webhook: timeout over 30 s", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("timeout_ms", `60000`), want: 400},
		{name: "webhook: sync with Custom", method: "POST", path: "/api/v1/content/_webhooks", body: hookWith("type", `"sync","actions":[{"action":"Custom"}]`), want: 400},

		// Draft & Public and code webhooks.
		{name: "publish: a type without the switch", method: "POST", path: O + "/a1/publish", want: 400},
		{name: "batch publish: object body", method: "POST", path: O + "/batch-publish", body: `{"ids":["a1"]}`, want: 400},
		{name: "try code: no code", method: "POST", path: "/api/v1/webhooks/code/try", body: `{"code":"","contentType":"","objectId":""}`, want: 400},
		{name: "try code: not JSON", method: "POST", path: "/api/v1/webhooks/code/try", body: `{"code":`, want: 400},
		{name: "webhook: enabled as a string", method: "PATCH", path: "/api/v1/content/_webhooks/batch", body: `[{"id":"` + hook + `","enabled":"yes"}]`, want: 400},

		// Execution logs.
		{name: "logs: unknown webhook", method: "GET", path: "/api/v1/webhooks/nope/logs", want: 404},
		{name: "logs: status maybe", method: "GET", path: W + "/logs?status=maybe", want: 400},
		{name: "logs: limit 5000", method: "GET", path: W + "/logs?limit=5000", want: 400},
		{name: "logs: page -3", method: "GET", path: W + "/logs?page=-3", want: 400},
		{name: "logs: unknown log", method: "GET", path: W + "/logs/msg_nope", want: 404},
		{name: "logs: log of another webhook's path", method: "GET", path: "/api/v1/webhooks/nope/logs/" + logID, want: 404},
		{name: "logs: redeliver an unknown log", method: "POST", path: W + "/logs/msg_nope/redeliver", want: 404},
		{name: "logs: redeliver an encoded traversal", method: "POST", path: W + "/logs/..%2F..%2F" + logID + "/redeliver", want: 404},
		{name: "logs: redeliver without a key", method: "POST", path: W + "/logs/" + logID + "/redeliver", auth: "none", want: 401},

		// Inboxes.
		{name: "inbox: traversal name", method: "POST", path: I, body: `{"name":"../../etc"}`, want: 400},
		{name: "inbox: upper-case name", method: "POST", path: I, body: `{"name":"Box"}`, want: 400},
		{name: "inbox: RTL mark in name", method: "POST", path: I, body: `{"name":"bo\u202ex"}`, want: 400},
		{name: "inbox: name is a number", method: "POST", path: I, body: `{"name":5}`, want: 400},
		{name: "inbox: status 700", method: "POST", path: I, body: `{"name":"s7","status":700}`, want: 400},
		{name: "inbox: delay over 120s", method: "POST", path: I, body: `{"name":"d","delayMs":120001}`, want: 400},
		{name: "inbox: delay past int64", method: "POST", path: I, body: `{"name":"d","delayMs":1e30}`, want: 400},
		{name: "inbox: fail rate 101", method: "POST", path: I, body: `{"name":"f","failRate":101}`, want: 400},
		{name: "inbox: CR/LF in a scripted header", method: "POST", path: I, body: `{"name":"h","headers":{"X-A":"a\r\nSet-Cookie: x=1"}}`, want: 400},
		{name: "inbox: scripted Content-Length", method: "POST", path: I, body: `{"name":"h","headers":{"Content-Length":"5"}}`, want: 400},
		{name: "inbox: scripted body over 64 KiB", method: "POST", path: I, body: `{"name":"b","body":"` + strings.Repeat("x", 65<<10) + `"}`, want: 400},
		{name: "inbox: bad JSON", method: "POST", path: I, body: `{"name":"x"`, want: 400},
		{name: "inbox: duplicate name", method: "POST", path: I, body: `{"name":"box"}`, want: 409},
		{name: "inbox: replace an unknown inbox", method: "PUT", path: I + "/nope", body: `{"name":"nope"}`, want: 404},
		{name: "inbox: get an encoded traversal", method: "GET", path: I + "/..%2Fbox", want: 0},
		{name: "inbox: unknown request", method: "GET", path: I + "/box/requests/abc", want: 404},
		{name: "inbox: replay an unknown request", method: "POST", path: I + "/box/requests/nope/replay", body: `{"url":"http://127.0.0.1/"}`, want: 404},
		{name: "inbox: requests limit 0", method: "GET", path: I + "/box/requests?limit=0", want: 400},
		{name: "receiver: unknown inbox", method: "POST", path: "/inbox/nosuchbox", body: `{}`, auth: "none", want: 404},
		{name: "receiver: encoded traversal", method: "POST", path: "/inbox/..%2F..%2Fetc", body: `{}`, auth: "none", want: 404},

		// The UI's own routes and the rest of the API.
		{name: "ui: regenerate an unknown key", method: "POST", path: "/api/ui/keys/everything", want: 400},
		{name: "ui: custom with an API key", method: "POST", path: "/api/ui/custom", body: `{}`, want: 403},
		{name: "ui: custom with bad JSON", method: "POST", path: "/api/ui/custom", body: `{"webhookId":`, auth: "session", want: 400},
		{name: "ui: custom for an unknown object", method: "POST", path: "/api/ui/custom", body: `{"webhookId":"` + hook + `","contentType":"article","objectId":"ghost"}`, auth: "session", want: 404},
		{name: "ui: custom for an unknown webhook", method: "POST", path: "/api/ui/custom", body: `{"webhookId":"nope","contentType":"article","objectId":"a1"}`, auth: "session", want: 0},
		{name: "ui: wrong session token", method: "GET", path: "/api/ui/info", auth: "badsession", want: 401},
		{name: "ui: events without a key", method: "GET", path: "/api/ui/events", auth: "none", want: 401},
		{name: "api: unknown endpoint", method: "GET", path: "/api/v2/everything", want: 404},
		{name: "api: SQL as the key", method: "GET", path: O, auth: "sql", want: 401},
		{name: "api: no key", method: "POST", path: O, body: `{"title":"x"}`, auth: "none", want: 401},
	}

	before := tableSums(t, in.m.DB.R)
	hc := &http.Client{Timeout: 30 * time.Second}
	for _, r := range reqs {
		var body io.Reader
		if r.body != "" {
			body = strings.NewReader(r.body)
		}
		req, err := http.NewRequest(r.method, in.m.URL()+r.path, body)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		switch r.auth {
		case "":
			req.Header.Set("X-AUTH-TOKEN", in.key)
		case "session":
			req.Header.Set("X-Hookline-Session", session)
		case "badsession":
			req.Header.Set("X-Hookline-Session", strings.Repeat("0", len(session)))
		case "sql":
			req.Header.Set("X-AUTH-TOKEN", "' OR '1'='1")
		}
		if r.body != "" && r.ctype != "-" {
			ct := r.ctype
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Errorf("%s: %v", r.name, err)
			continue
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode < 400 || resp.StatusCode > 499:
			t.Errorf("%s: %s %s answered %d, want a 4xx: %.300s", r.name, r.method, r.path, resp.StatusCode, raw)
		case r.want != 0 && resp.StatusCode != r.want:
			t.Errorf("%s: %s %s answered %d, want %d: %.300s", r.name, r.method, r.path, resp.StatusCode, r.want, raw)
		case !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !isClearError(raw):
			t.Errorf("%s: %s %s answered %d without a clear JSON error (Content-Type %q): %.300s",
				r.name, r.method, r.path, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		}
		if bytes.Contains(raw, []byte("Internal error")) {
			t.Errorf("%s: an internal error reached the client: %.300s", r.name, raw)
		}
	}
	after := tableSums(t, in.m.DB.R)
	for name, sum := range before {
		if after[name] != sum {
			t.Errorf("table %s changed: %s → %s", name, sum, after[name])
		}
	}
	if len(reqs) < 60 {
		t.Errorf("only %d malformed requests; the issue asks for at least 60", len(reqs))
	}
	t.Logf("bad input summary: %d malformed requests, all 4xx with a JSON error; %d tables unchanged", len(reqs), len(before))
}
