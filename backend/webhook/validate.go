package webhook

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"hookline/backend/errs"
	"hookline/backend/tlstrust"
)

// headerNameRe is the header-name rule of issue 4; it is a strict subset of
// the RFC 9110 token, so every accepted name is sendable.
var headerNameRe = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// reservedHeaders are set by Hookline on every request; letting a webhook
// override them would break framing (Content-Length, Transfer-Encoding,
// Connection, Host), the body's meaning (Content-Type), or the Standard
// Webhooks signature a receiver checks. Keys are lower case.
var reservedHeaders = map[string]bool{
	"host":              true,
	"content-length":    true,
	"content-type":      true,
	"transfer-encoding": true,
	"connection":        true,
	"webhook-id":        true,
	"webhook-timestamp": true,
	"webhook-signature": true,
}

// Secret sizes accepted for signing_secret, in decoded bytes. Standard
// Webhooks generates 24 bytes; other senders use up to 64. Under 16 bytes an
// HMAC key is too weak to be worth the signature.
const (
	minSecretBytes = 16
	maxSecretBytes = 64
)

// Validate checks a `_webhooks` object against the rules Hookline adds on top
// of its content type schema, collecting every problem by field path
// ("url", "headers[0].header_name"). knownTypes reports whether a content type
// exists; nil accepts every name. It never panics, whatever obj holds.
func Validate(obj map[string]any, knownTypes func(name string) bool) errs.Fields {
	f := errs.Fields{}

	switch name, ok := obj["name"].(string); {
	case obj["name"] == nil:
		f.Add("name", "The property name is required")
	case !ok:
		f.Add("name", "The property name must be a string")
	case strings.TrimSpace(name) == "":
		f.Add("name", "Must be at least 1 characters long")
	}

	typ, mode := TypeAsync, ModeURL
	if t, present := obj["type"]; present && t != nil {
		if s, ok := t.(string); ok && slices.Contains([]string{TypeAsync, TypeSync, TypeCTD}, s) {
			typ = s
		} else {
			f.Add("type", "Unknown webhook type %s; allowed: async, sync, ctd", describe(t))
		}
	}
	if m, present := obj["executionMode"]; present && m != nil {
		s, ok := m.(string)
		switch {
		case !ok || (s != ModeURL && s != ModeCode):
			f.Add("executionMode", "Unknown execution mode %s; allowed: url, code", describe(m))
		case s == ModeCode && typ != TypeSync:
			f.Add("executionMode", "Only synchronous webhooks can run code")
		default:
			mode = s
		}
	}
	if e, present := obj["enabled"]; present && e != nil {
		if _, ok := e.(bool); !ok {
			f.Add("enabled", "The property enabled must be true or false")
		}
	}

	if mode == ModeCode {
		validateCode(f, obj["code"])
		// A code webhook calls nothing; a leftover URL is kept but unused.
		if u, ok := obj["url"].(string); ok && u != "" {
			validateURL(f, u)
		}
	} else {
		validateURL(f, obj["url"])
	}
	validateTimeout(f, obj["timeout_ms"])

	allowed := Actions
	if typ == TypeSync {
		allowed = SyncActions
	}
	eachItem(f, obj, "actions", "action", func(key string, v any) {
		if typ == TypeCTD {
			return // CTD webhooks fire on every type change; actions are ignored
		}
		s, ok := v.(string)
		if !ok || !slices.Contains(allowed, s) {
			f.Add(key, "Unknown action %s; allowed: %s", describe(v), strings.Join(allowed, ", "))
		}
	})
	eachItem(f, obj, "content_type_definitions", "content_type_definition_name", func(key string, v any) {
		if typ == TypeCTD {
			return
		}
		s, ok := v.(string)
		switch {
		case !ok || s == "":
			f.Add(key, "The property content_type_definition_name is required")
		case knownTypes != nil && !knownTypes(s):
			f.Add(key, "Unknown content type %q", s)
		}
	})
	validateHeaders(f, obj["headers"])

	if s, present := obj["signing_secret"]; present && s != nil {
		str, ok := s.(string)
		if !ok {
			f.Add("signing_secret", "The signing secret must be a string")
		} else if str != "" {
			if msg := checkSecret(str); msg != "" {
				f.Add("signing_secret", "%s", msg)
			}
		}
	}
	if s, present := obj["tls_ca_pem"]; present && s != nil {
		str, ok := s.(string)
		if !ok {
			f.Add("tls_ca_pem", "The trusted certificate must be a string")
		} else if strings.TrimSpace(str) != "" {
			if _, err := tlstrust.Parse(str); err != nil {
				f.Add("tls_ca_pem", "The trusted certificate is invalid: %v", err)
			}
		}
	}
	return f
}

func validateURL(f errs.Fields, v any) {
	s, ok := v.(string)
	if v == nil || (ok && s == "") {
		f.Add("url", "The property url is required")
		return
	}
	if !ok {
		f.Add("url", "The url must be a string")
		return
	}
	u, err := url.Parse(s)
	// Plain http is allowed on purpose: users point webhooks at local
	// receivers while they build them.
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		f.Add("url", "Must be an absolute http:// or https:// URL")
		return
	}
	if u.User != nil {
		// Credentials in the URL would be shown in every execution log;
		// an Authorization header is the place for them.
		f.Add("url", "Must not contain a user name or password; use a header instead")
	}
}

func validateCode(f errs.Fields, v any) {
	s, ok := v.(string)
	switch {
	case v == nil || (ok && strings.TrimSpace(s) == ""):
		f.Add("code", "The property code is required for a code webhook")
	case !ok:
		f.Add("code", "The code must be a string")
	case len(s) > MaxCodeSize:
		f.Add("code", "The code must be at most %d KiB", MaxCodeSize>>10)
	}
}

func validateTimeout(f errs.Fields, v any) {
	if v == nil {
		return
	}
	n, ok := v.(float64)
	if i, isInt := v.(int); isInt {
		n, ok = float64(i), true
	}
	if !ok || n != float64(int(n)) || n < MinTimeoutMs || n > MaxTimeoutMs {
		f.Add("timeout_ms", "The timeout must be a whole number of milliseconds from %d to %d", MinTimeoutMs, MaxTimeoutMs)
	}
}

// eachItem walks a Flotiq list field ([{field: value}, ...]) and hands each
// value to check with its field path.
func eachItem(f errs.Fields, obj map[string]any, key, field string, check func(path string, v any)) {
	raw, present := obj[key]
	if !present || raw == nil {
		return
	}
	list, ok := raw.([]any)
	if !ok {
		f.Add(key, "The property %s must be an array", key)
		return
	}
	for i, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			f.Add(fmt.Sprintf("%s[%d]", key, i), "Must be an object")
			continue
		}
		check(fmt.Sprintf("%s[%d].%s", key, i, field), m[field])
	}
}

func validateHeaders(f errs.Fields, raw any) {
	if raw == nil {
		return
	}
	list, ok := raw.([]any)
	if !ok {
		f.Add("headers", "The property headers must be an array")
		return
	}
	for i, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			f.Add(fmt.Sprintf("headers[%d]", i), "Must be an object")
			continue
		}
		nameKey := fmt.Sprintf("headers[%d].header_name", i)
		name, ok := m["header_name"].(string)
		switch {
		case !ok || name == "":
			f.Add(nameKey, "The property header_name is required")
		case !headerNameRe.MatchString(name):
			f.Add(nameKey, "Header names may contain only letters, digits and '-'")
		case reservedHeaders[strings.ToLower(name)]:
			f.Add(nameKey, "The %s header is set by Hookline and cannot be overridden", name)
		}
		valueKey := fmt.Sprintf("headers[%d].header_value", i)
		switch v := m["header_value"].(type) {
		case nil:
		case string:
			if !validHeaderValue(v) {
				f.Add(valueKey, "Header values may not contain CR, LF or other control characters")
			}
		default:
			f.Add(valueKey, "The header value must be a string")
		}
	}
}

// validHeaderValue refuses CR and LF (header injection) and, beyond the
// issue's rule, every other control character but tab: net/http refuses to
// send those, so such a webhook could never deliver.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// checkSecret returns a message for a person, or "" when s is usable.
func checkSecret(s string) string {
	raw, ok := strings.CutPrefix(s, secretPrefix)
	if !ok {
		return "The signing secret must start with " + secretPrefix
	}
	key, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return "The signing secret must be " + secretPrefix + " followed by base64"
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return fmt.Sprintf("The signing secret must decode to %d to %d bytes, not %d", minSecretBytes, maxSecretBytes, len(key))
	}
	return ""
}

// describe renders a rejected value for a message without echoing huge or
// odd values verbatim.
func describe(v any) string {
	if s, ok := v.(string); ok {
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("a %T", v)
}
