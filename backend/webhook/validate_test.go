package webhook

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func validObject() map[string]any {
	return map[string]any{
		"name":    "Notify",
		"type":    "async",
		"url":     "https://my-example-app.com/notify",
		"enabled": true,
		"actions": []any{map[string]any{"action": "Create"}, map[string]any{"action": "Custom"}},
		"content_type_definitions": []any{
			map[string]any{"content_type_definition_name": "product"},
		},
		"headers": []any{map[string]any{"header_name": "AUTH", "header_value": "secret_token"}},
	}
}

func known(name string) bool { return name == "product" || name == "size" }

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(m map[string]any)
		want   []string // field keys with errors
	}{
		{"valid", func(m map[string]any) {}, nil},
		{"plain http allowed", func(m map[string]any) { m["url"] = "http://localhost:8080/hook" }, nil},
		{"no type means async", func(m map[string]any) { delete(m, "type") }, nil},
		{"empty types means all", func(m map[string]any) { m["content_type_definitions"] = []any{} }, nil},
		{"valid secret", func(m map[string]any) { m["signing_secret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }, nil},
		{"empty secret", func(m map[string]any) { m["signing_secret"] = "" }, nil},
		{"generated secret", func(m map[string]any) { m["signing_secret"] = GenerateSecret() }, nil},
		{"header value with tab", func(m map[string]any) { m["headers"] = hdr("X-A", "a\tb") }, nil},
		{"empty header value", func(m map[string]any) { m["headers"] = hdr("X-A", "") }, nil},
		{"no trusted certificate", func(m map[string]any) { m["tls_ca_pem"] = "" }, nil},
		{"trusted certificate not PEM", func(m map[string]any) { m["tls_ca_pem"] = "not a certificate" }, []string{"tls_ca_pem"}},
		{"trusted certificate not a string", func(m map[string]any) { m["tls_ca_pem"] = 1.0 }, []string{"tls_ca_pem"}},

		{"name missing", func(m map[string]any) { delete(m, "name") }, []string{"name"}},
		{"name blank", func(m map[string]any) { m["name"] = "  " }, []string{"name"}},
		{"name not string", func(m map[string]any) { m["name"] = 1.0 }, []string{"name"}},
		{"unknown type", func(m map[string]any) { m["type"] = "blocking" }, []string{"type"}},
		{"code mode on async", func(m map[string]any) { m["executionMode"] = "code"; m["code"] = "x" }, []string{"executionMode"}},
		{"unknown mode", func(m map[string]any) { m["executionMode"] = "lambda" }, []string{"executionMode"}},
		{"sync url", func(m map[string]any) { m["type"] = "sync"; m["actions"] = hookActions("Create", "Delete") }, nil},
		{"sync with Custom", func(m map[string]any) { m["type"] = "sync" }, []string{"actions[1].action"}},
		{"sync code", func(m map[string]any) {
			m["type"], m["executionMode"], m["code"] = "sync", "code", "function _webhook(ctx){return {payload: ctx.payload}}"
			m["actions"] = hookActions("Update")
			delete(m, "url")
		}, nil},
		{"sync code without code", func(m map[string]any) {
			m["type"], m["executionMode"], m["actions"] = "sync", "code", hookActions("Update")
			delete(m, "url")
		}, []string{"code"}},
		{"sync code too long", func(m map[string]any) {
			m["type"], m["executionMode"], m["actions"] = "sync", "code", hookActions("Update")
			m["code"] = strings.Repeat("x", MaxCodeSize+1)
		}, []string{"code"}},
		{"sync url without url", func(m map[string]any) {
			m["type"], m["actions"] = "sync", hookActions("Update")
			delete(m, "url")
		}, []string{"url"}},
		{"ctd ignores actions and types", func(m map[string]any) {
			m["type"] = "ctd"
			m["actions"] = hookActions("Whatever")
			m["content_type_definitions"] = []any{map[string]any{"content_type_definition_name": "nope"}}
		}, nil},
		{"ctd needs a url", func(m map[string]any) { m["type"] = "ctd"; delete(m, "url") }, []string{"url"}},
		{"timeout ok", func(m map[string]any) { m["timeout_ms"] = 30000.0 }, nil},
		{"timeout too long", func(m map[string]any) { m["timeout_ms"] = 30001.0 }, []string{"timeout_ms"}},
		{"timeout fractional", func(m map[string]any) { m["timeout_ms"] = 150.5 }, []string{"timeout_ms"}},
		{"timeout string", func(m map[string]any) { m["timeout_ms"] = "5s" }, []string{"timeout_ms"}},
		{"url missing", func(m map[string]any) { delete(m, "url") }, []string{"url"}},
		{"url relative", func(m map[string]any) { m["url"] = "/revalidate" }, []string{"url"}},
		{"url ftp", func(m map[string]any) { m["url"] = "ftp://example.com/x" }, []string{"url"}},
		{"url no host", func(m map[string]any) { m["url"] = "http:///x" }, []string{"url"}},
		{"url opaque", func(m map[string]any) { m["url"] = "https:example.com" }, []string{"url"}},
		{"url garbage", func(m map[string]any) { m["url"] = "http://[::1" }, []string{"url"}},
		{"url userinfo", func(m map[string]any) { m["url"] = "https://u:p@example.com/" }, []string{"url"}},
		{"enabled string", func(m map[string]any) { m["enabled"] = "true" }, []string{"enabled"}},
		{"unknown action", func(m map[string]any) {
			m["actions"] = []any{map[string]any{"action": "Create"}, map[string]any{"action": "Explode"}}
		}, []string{"actions[1].action"}},
		{"publication actions", func(m map[string]any) { m["actions"] = hookActions("Publish", "Unpublish", "Archive") }, nil},
		{"actions not array", func(m map[string]any) { m["actions"] = "Create" }, []string{"actions"}},
		{"action item not object", func(m map[string]any) { m["actions"] = []any{"Create"} }, []string{"actions[0]"}},
		{"unknown type", func(m map[string]any) {
			m["content_type_definitions"] = []any{map[string]any{"content_type_definition_name": "size"},
				map[string]any{"content_type_definition_name": "nope"}}
		}, []string{"content_type_definitions[1].content_type_definition_name"}},
		{"bad header name", func(m map[string]any) { m["headers"] = hdr("X_A", "v") }, []string{"headers[0].header_name"}},
		{"header name with space", func(m map[string]any) { m["headers"] = hdr("X A", "v") }, []string{"headers[0].header_name"}},
		{"empty header name", func(m map[string]any) { m["headers"] = hdr("", "v") }, []string{"headers[0].header_name"}},
		{"header CR", func(m map[string]any) { m["headers"] = hdr("X-A", "a\rb") }, []string{"headers[0].header_value"}},
		{"header LF injection", func(m map[string]any) { m["headers"] = hdr("X-A", "a\nX-Evil: 1") }, []string{"headers[0].header_value"}},
		{"header NUL", func(m map[string]any) { m["headers"] = hdr("X-A", "a\x00") }, []string{"headers[0].header_value"}},
		{"header value number", func(m map[string]any) {
			m["headers"] = []any{map[string]any{"header_name": "X-A", "header_value": 1.0}}
		}, []string{"headers[0].header_value"}},
		{"secret without prefix", func(m map[string]any) { m["signing_secret"] = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }, []string{"signing_secret"}},
		{"secret not base64", func(m map[string]any) { m["signing_secret"] = "whsec_not base64!" }, []string{"signing_secret"}},
		{"secret too short", func(m map[string]any) { m["signing_secret"] = "whsec_c2hvcnQ=" }, []string{"signing_secret"}},
		{"everything wrong", func(m map[string]any) {
			delete(m, "name")
			m["url"] = "nope"
			m["type"] = "blocking"
			m["headers"] = hdr("Host", "x")
		}, []string{"headers[0].header_name", "name", "type", "url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := validObject()
			tt.change(m)
			got := keys(Validate(m, known))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("error fields %v, want %v (%v)", got, tt.want, Validate(m, known))
			}
		})
	}
}

func TestValidateReservedHeaders(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Host", "content-length", "Content-Type", "TRANSFER-ENCODING", "Connection",
		"webhook-id", "Webhook-Timestamp", "WEBHOOK-SIGNATURE"} {
		m := validObject()
		m["headers"] = hdr(name, "x")
		f := Validate(m, known)
		msgs := f["headers[0].header_name"]
		if len(msgs) != 1 || !strings.Contains(msgs[0], "cannot be overridden") {
			t.Errorf("%s: %v", name, f)
		}
	}
}

func TestValidateErrIsInvalid(t *testing.T) {
	t.Parallel()
	m := validObject()
	m["type"] = "blocking"
	err := Validate(m, known).Err()
	if err == nil || !strings.Contains(err.Error(), "type: Unknown webhook type") {
		t.Errorf("err = %v", err)
	}
	if Validate(validObject(), nil).Err() != nil {
		t.Error("nil knownTypes should accept every type")
	}
}

func hookActions(names ...string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = map[string]any{"action": n}
	}
	return out
}

func hdr(name, value string) []any {
	return []any{map[string]any{"header_name": name, "header_value": value}}
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
