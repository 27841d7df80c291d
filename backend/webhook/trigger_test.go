package webhook

import "testing"

// A rolled-back write may have loaded uncommitted definitions into the
// cache (a webhook saved in the same group commit that then failed); the
// next change must read them again.
func TestRolledBackDropsCachedDefinitions(t *testing.T) {
	t.Parallel()
	tr := NewTrigger(nil, nil)
	tr.hooks = []Webhook{{ID: "_webhooks-1", Enabled: true}}
	tr.RolledBack()
	if tr.hooks != nil {
		t.Fatal("cache survived a rollback")
	}
}
