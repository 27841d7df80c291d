package inbox

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestMergePatch(t *testing.T) {
	t.Parallel()
	got := mergePatch(map[string]any{"a": 1.0, "b": map[string]any{"c": 1.0, "d": 2.0}, "e": 3.0},
		map[string]any{"a": "x", "b": map[string]any{"c": nil, "f": 4.0}, "e": nil, "g": []any{1.0}})
	want := map[string]any{"a": "x", "b": map[string]any{"d": 2.0, "f": 4.0}, "g": []any{1.0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSyncAnswer(t *testing.T) {
	t.Parallel()
	req := `{"type":"request","subject":"content-object","event":"pre-update","sequenceNumber":2,"contentTypeName":"p","payload":{"id":"p1","title":"T"}}`
	cases := []struct {
		ib     Inbox
		status int
		want   map[string]any
	}{
		{Inbox{SyncMode: SyncAccept}, 200, map[string]any{"id": "p1", "title": "T"}},
		{Inbox{SyncMode: SyncModify, SyncPatch: map[string]any{"title": "Patched", "extra": true}}, 200, map[string]any{"id": "p1", "title": "Patched", "extra": true}},
		{Inbox{SyncMode: SyncReject, SyncErrors: map[string][]string{"title": {"No"}}}, 400, nil},
	}
	for _, c := range cases {
		resp, ok := syncAnswer(c.ib, []byte(req))
		if !ok || resp.Status != c.status {
			t.Fatalf("%s: %v %+v", c.ib.SyncMode, ok, resp)
		}
		var out map[string]any
		json.Unmarshal([]byte(resp.Body), &out)
		for k, v := range map[string]any{"type": "response", "subject": "content-object", "event": "pre-update", "sequenceNumber": 2.0} {
			if out[k] != v {
				t.Errorf("%s: %s = %v", c.ib.SyncMode, k, out[k])
			}
		}
		if c.want != nil && !reflect.DeepEqual(out["payload"], c.want) {
			t.Errorf("%s: payload %v", c.ib.SyncMode, out["payload"])
		}
		if c.status == 400 && !reflect.DeepEqual(out["response"], map[string]any{"errors": map[string]any{"title": []any{"No"}}}) {
			t.Errorf("reject: %v", out["response"])
		}
	}
	// Not a sync request, or no sync mode: the plain answer applies.
	if _, ok := syncAnswer(Inbox{SyncMode: SyncAccept}, []byte(`{"action":"Create"}`)); ok {
		t.Error("an async payload got a sync answer")
	}
	if _, ok := syncAnswer(Inbox{}, []byte(req)); ok {
		t.Error("an inbox without sync mode answered as a sync receiver")
	}
}
