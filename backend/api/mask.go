package api

import (
	"net/http"
	"strings"

	"hookline/backend/auth"
	"hookline/backend/content"
	"hookline/backend/delivery"
	"hookline/backend/webhook"
)

// Masked replaces a secret shown to a read-only caller.
const Masked = "********"

// readOnly reports whether r's caller holds only the read-only key. The
// read-write key and the UI see secrets: exporting and editing need them.
func readOnly(r *http.Request) bool { return auth.RoleOf(r.Context()) == auth.ReadOnly }

// maskWebhooks hides, from a read-only caller, each webhook's signing
// secret and header values (which carry receivers' credentials), in
// objects of typeName read as they are now or at any version, and in any
// webhook hydrated into them through a relation (a relation may point at
// any type, _webhooks included).
func maskWebhooks(r *http.Request, typeName string, objs ...content.Object) {
	if !readOnly(r) {
		return
	}
	for _, o := range objs {
		if typeName == webhook.TypeName {
			maskWebhook(o)
		}
		maskNested(o)
	}
}

func maskWebhook(o map[string]any) {
	if s, ok := o["signing_secret"].(string); ok && s != "" {
		o["signing_secret"] = Masked
	}
	hs, _ := o["headers"].([]any)
	for _, h := range hs {
		if m, ok := h.(map[string]any); ok {
			if v, ok := m["header_value"].(string); ok && v != "" {
				m["header_value"] = Masked
			}
		}
	}
}

// maskNested masks every hydrated webhook below v: an object whose
// internal block names _webhooks as its type.
func maskNested(v any) {
	switch x := v.(type) {
	case map[string]any:
		if in, ok := x["internal"].(map[string]any); ok && in["contentType"] == webhook.TypeName {
			maskWebhook(x)
		}
		for _, e := range x {
			maskNested(e)
		}
	case []any:
		for _, e := range x {
			maskNested(e)
		}
	}
}

// hooklineHeaders are the request headers Hookline itself sets; nothing in
// them is a credential (the signature is derived, not the secret).
var hooklineHeaders = map[string]bool{
	"content-type": true, "user-agent": true, "webhook-id": true, "webhook-timestamp": true, "webhook-signature": true,
}

// maskLog hides, from a read-only caller, the values of the webhook's own
// headers in an execution log's requests.
func maskLog(r *http.Request, d *delivery.LogDetail) {
	if !readOnly(r) {
		return
	}
	mask := func(hs []delivery.Header) {
		for i := range hs {
			if !hooklineHeaders[strings.ToLower(hs[i].Name)] && hs[i].Value != "" {
				hs[i].Value = Masked
			}
		}
	}
	mask(d.Request.Headers)
	for i := range d.History {
		mask(d.History[i].RequestHeaders)
	}
}
