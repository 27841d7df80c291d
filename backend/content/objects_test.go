package content

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"gorm.io/gorm"

	"hookline/backend/errs"
)

type gormDB = gorm.DB

func newBlog(t *testing.T) (*Service, *testBundle) {
	t.Helper()
	s, b := setup(t)
	if _, err := s.CreateType(context.Background(), mustJSON(t, blogpostsJSON)); err != nil {
		t.Fatal(err)
	}
	return s, b
}

func TestObjectLifecycleAndVersions(t *testing.T) {
	t.Parallel()
	s, b := newBlog(t)
	ctx := context.Background()

	o, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"First","postContent":"one"}`))
	if err != nil {
		t.Fatal(err)
	}
	id := o["id"].(string)
	if !regexp.MustCompile(`^blogposts-[0-9]{6}$`).MatchString(id) {
		t.Errorf("generated id %q", id)
	}
	in := o["internal"].(map[string]any)
	want := map[string]any{"contentType": "blogposts", "createdAt": "2024-05-01T10:00:02+00:00", "updatedAt": "2024-05-01T10:00:02+00:00",
		"deletedAt": "", "objectTitle": "First", "latestVersion": 1}
	for k, v := range want {
		if in[k] != v {
			t.Errorf("internal.%s = %v, want %v", k, in[k], v)
		}
	}

	// PUT replaces: postContent must be given again.
	if _, err := s.Replace(ctx, "blogposts", id, mustJSON(t, `{"title":"Second"}`)); !hasField(err, "postContent", "required") {
		t.Errorf("PUT without required: %v", err)
	}
	if _, err := s.Replace(ctx, "blogposts", id, mustJSON(t, `{"id":"other","title":"Second","postContent":"two"}`)); !hasField(err, "id", "cannot be changed") {
		t.Errorf("PUT changing id: %v", err)
	}
	if _, err = s.Replace(ctx, "blogposts", id, mustJSON(t, `{"title":"Second","postContent":"two"}`)); err != nil {
		t.Fatal(err)
	}
	// PATCH merges, and the path id is case-insensitive.
	upper := toUpper(id)
	o, err = s.Patch(ctx, "blogposts", upper, mustJSON(t, `{"title":"Third"}`))
	if err != nil {
		t.Fatal(err)
	}
	in = o["internal"].(map[string]any)
	if o["id"] != id || o["postContent"] != "two" || o["title"] != "Third" || in["latestVersion"] != 3 ||
		in["createdAt"] != "2024-05-01T10:00:02+00:00" || in["updatedAt"] == in["createdAt"] {
		t.Errorf("after PATCH: %v", o)
	}
	got, err := s.Get(ctx, "blogposts", upper)
	if err != nil || got["title"] != "Third" {
		t.Errorf("GET: %v %v", got, err)
	}

	items, total, err := s.Versions(ctx, "blogposts", id, VersionQuery{})
	if err != nil || total != 3 || len(items) != 3 {
		t.Fatalf("versions: %v %d %v", items, total, err)
	}
	if items[0].Version != 1 || items[2].Version != 3 || !items[2].Current || items[0].Current {
		t.Errorf("version items %+v", items)
	}
	items, _, _ = s.Versions(ctx, "blogposts", id, VersionQuery{OrderDirection: "desc", Limit: 1, Page: 2})
	if len(items) != 1 || items[0].Version != 2 {
		t.Errorf("paged desc versions %+v", items)
	}
	v1, err := s.Version(ctx, "blogposts", id, 1)
	if err != nil || v1["title"] != "First" || v1["internal"].(map[string]any)["latestVersion"] != float64(1) {
		t.Errorf("version 1 = %v %v", v1, err)
	}
	if _, err := s.Version(ctx, "blogposts", id, 4); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("version 4: %v", err)
	}

	if err := s.Delete(ctx, "blogposts", id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "blogposts", id); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("GET after delete: %v", err)
	}
	if err := s.Delete(ctx, "blogposts", id); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("second delete: %v", err)
	}
	ids, err := s.Removed(ctx, "blogposts", zeroTime)
	if err != nil || len(ids) != 1 || ids[0] != id {
		t.Errorf("removed = %v %v", ids, err)
	}
	later, _ := ParseDate("2030-01-01 00:00:00")
	if ids, _ := s.Removed(ctx, "blogposts", later); len(ids) != 0 {
		t.Errorf("removed after 2030 = %v", ids)
	}

	// Re-creating a removed id continues its version count.
	o, err = s.Create(ctx, "blogposts", mustJSON(t, fmt.Sprintf(`{"id":%q,"title":"Again","postContent":"x"}`, id)))
	if err != nil || o["internal"].(map[string]any)["latestVersion"] != 4 {
		t.Errorf("re-create: %v %v", o, err)
	}

	changes, committed := b.hook.snapshot()
	wantActions := []string{ActionCreate, ActionUpdate, ActionUpdate, ActionDelete, ActionCreate}
	wantVersions := []int{1, 2, 3, 3, 4}
	if len(changes) != len(wantActions) || committed != len(wantActions) {
		t.Fatalf("hook saw %d changes and %d commits: %+v", len(changes), committed, changes)
	}
	for i, c := range changes {
		if c.Action != wantActions[i] || c.Version != wantVersions[i] || c.ObjectID != id || c.ContentType != "blogposts" {
			t.Errorf("change %d = %s v%d %s, want %s v%d", i, c.Action, c.Version, c.ObjectID, wantActions[i], wantVersions[i])
		}
		if (c.Action == ActionDelete) != (c.Object == nil) {
			t.Errorf("change %d: object %v", i, c.Object)
		}
		if c.Object != nil && c.Object["internal"].(map[string]any)["latestVersion"] != c.Version {
			t.Errorf("change %d: object version %v", i, c.Object["internal"])
		}
	}
}

func toUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	s, _ := newBlog(t)
	ctx := context.Background()
	for name, err := range map[string]error{
		"get unknown type":    second(s.Get(ctx, "nope", "x")),
		"get unknown id":      second(s.Get(ctx, "blogposts", "x")),
		"create unknown type": second(s.Create(ctx, "nope", map[string]any{})),
		"put unknown id":      second(s.Replace(ctx, "blogposts", "x", map[string]any{})),
		"patch unknown id":    second(s.Patch(ctx, "blogposts", "x", map[string]any{})),
		"delete unknown id":   s.Delete(ctx, "blogposts", "x"),
		"list unknown type":   second(s.List(ctx, "nope", ListQuery{})),
		"versions unknown id": third(s.Versions(ctx, "blogposts", "x", VersionQuery{})),
		"removed unknown":     second(s.Removed(ctx, "nope", zeroTime)),
		"batch patch missing": second(s.BatchPatch(ctx, "blogposts", []map[string]any{{"id": "x", "title": "t"}})),
	} {
		if errs.CodeOf(err) != errs.NotFound {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }

func TestHookErrorLeavesNothingWritten(t *testing.T) {
	t.Parallel()
	s, b := newBlog(t)
	ctx := context.Background()
	o, err := s.Create(ctx, "blogposts", mustJSON(t, `{"id":"keep","title":"Keep","postContent":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	b.hook.reset()
	b.hook.fail = errors.New("queue is full")

	if _, err := s.Create(ctx, "blogposts", mustJSON(t, `{"id":"new","title":"New","postContent":"x"}`)); err == nil {
		t.Error("create succeeded despite the hook")
	}
	if _, err := s.Patch(ctx, "blogposts", "keep", mustJSON(t, `{"title":"Changed"}`)); err == nil {
		t.Error("patch succeeded despite the hook")
	}
	if err := s.Delete(ctx, "blogposts", "keep"); err == nil {
		t.Error("delete succeeded despite the hook")
	}
	if _, err := s.BatchCreate(ctx, "blogposts", []map[string]any{mustJSON(t, `{"title":"B1","postContent":"x"}`)}, false); err == nil {
		t.Error("batch succeeded despite the hook")
	}
	b.hook.fail = nil
	b.hook.mu.Lock()
	committed, rolledBack := b.hook.committed, b.hook.rolledBack
	b.hook.mu.Unlock()
	if committed != 0 || rolledBack != 4 {
		t.Errorf("after four refused writes: Committed %d times, RolledBack %d times; want 0 and 4", committed, rolledBack)
	}

	got, err := s.Get(ctx, "blogposts", "keep")
	if err != nil || got["title"] != "Keep" || got["internal"].(map[string]any)["latestVersion"] != o["internal"].(map[string]any)["latestVersion"] {
		t.Errorf("kept object changed: %v %v", got, err)
	}
	var n int
	b.db.R.Raw(`SELECT COUNT(*) FROM objects`).Scan(&n)
	var v int
	b.db.R.Raw(`SELECT COUNT(*) FROM object_versions`).Scan(&v)
	if n != 1 || v != 1 {
		t.Errorf("objects=%d versions=%d, want 1 and 1", n, v)
	}
	if _, committed := b.hook.snapshot(); committed != 0 {
		t.Errorf("Committed called %d times after failures", committed)
	}
}

func TestUniqueAndRelations(t *testing.T) {
	t.Parallel()
	s, b := setup(t)
	ctx := context.Background()
	if _, err := s.CreateType(ctx, mustJSON(t, everyFieldJSON)); err != nil {
		t.Fatal(err)
	}
	mk := func(body string) Object {
		t.Helper()
		o, err := s.Create(ctx, "example", mustJSON(t, body))
		if err != nil {
			t.Fatalf("%s: %v %v", body, err, errs.FieldsOf(err))
		}
		return o
	}
	mk(`{"id":"a","text":"A"}`)
	mk(`{"id":"b","text":"B","relation":[{"dataUrl":"/api/v1/content/example/a","type":"internal"}]}`)
	mk(`{"id":"c","text":"C","list":[{"name":"n","rel":[{"dataUrl":"/api/v1/content/example/b","type":"internal"}]}]}`)
	mk(`{"id":"self","text":"S","relation":[{"dataUrl":"/api/v1/content/example/a","type":"internal"}]}`)

	// Updating an object may keep its own unique value.
	if _, err := s.Patch(ctx, "example", "a", mustJSON(t, `{"textarea":"x"}`)); err != nil {
		t.Errorf("patch keeping unique value: %v", err)
	}
	if _, err := s.Patch(ctx, "example", "b", mustJSON(t, `{"text":"A"}`)); !hasField(err, "text", "already used") {
		t.Errorf("patch to taken unique value: %v", err)
	}
	// A self-relation does not block deleting.
	if _, err := s.Patch(ctx, "example", "self", mustJSON(t, `{"relation":[{"dataUrl":"/api/v1/content/example/self","type":"internal"}]}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "example", "self"); err != nil {
		t.Errorf("delete self-related: %v", err)
	}
	for _, id := range []string{"a", "B"} {
		err := s.Delete(ctx, "example", id)
		if msgs := errs.FieldsOf(err)["errors"]; len(msgs) != 1 || msgs[0] != "This content object is used in another content object." {
			t.Errorf("delete %s: %v", id, err)
		}
	}
	// The refusal can name what blocks: live referrers, not the object itself.
	if refs, total, err := s.Referrers(ctx, "example", "A", 10); err != nil || total != 1 || len(refs) != 1 || refs[0].ID != "b" || refs[0].Type != "example" {
		t.Errorf("referrers of a: %+v %d %v", refs, total, err)
	}
	if refs, total, err := s.Referrers(ctx, "example", "b", 10); err != nil || total != 1 || refs[0].ID != "c" {
		t.Errorf("referrers of b: %+v %d %v", refs, total, err)
	}
	// Batch delete orders what it can: c frees b, b frees a.
	b.hook.reset()
	n, err := s.BatchDelete(ctx, "example", []string{"a", "b", "ghost", "c"})
	if n != 3 {
		t.Errorf("deleted %d, want 3", n)
	}
	if msgs := errs.FieldsOf(err)["errors"]; len(msgs) != 1 || msgs[0] != `Content object: "ghost" doesn't exist` {
		t.Errorf("batch delete errors: %v", err)
	}
	changes, committed := b.hook.snapshot()
	if len(changes) != 3 || committed != 1 {
		t.Errorf("batch delete: %d changes, %d commits", len(changes), committed)
	}
	// Relations to removed objects are refused.
	if _, err := s.Create(ctx, "example", mustJSON(t, `{"text":"D","relation":[{"dataUrl":"/api/v1/content/example/a","type":"internal"}]}`)); !hasField(err, "relation", "does not exist") {
		t.Errorf("relation to removed: %v", err)
	}
}

func TestBatch(t *testing.T) {
	t.Parallel()
	s, b := newBlog(t)
	ctx := context.Background()
	items := []map[string]any{
		mustJSON(t, `{"id":"b-1","title":"One","postContent":"x"}`),
		mustJSON(t, `{"id":"b-2","title":"Two","postContent":"x"}`),
	}
	res, err := s.BatchCreate(ctx, "blogposts", items, false)
	if err != nil || res.SuccessCount != 2 || res.TotalCount != 2 || res.ErrorCount != 0 {
		t.Fatalf("batch create: %+v %v", res, err)
	}
	// Without updateExisting a taken id is an error, and the whole batch is
	// refused.
	b.hook.reset()
	items = []map[string]any{
		mustJSON(t, `{"id":"b-3","title":"Three","postContent":"x"}`),
		mustJSON(t, `{"id":"b-1","title":"One again","postContent":"x"}`),
		mustJSON(t, `{"title":"Two","postContent":"x"}`),
	}
	res, err = s.BatchCreate(ctx, "blogposts", items, false)
	if errs.CodeOf(err) != errs.Invalid || res.ErrorCount != 2 || res.SuccessCount != 0 || len(res.Errors) != 2 ||
		res.Errors[0].Index != 1 || res.Errors[0].ID != "b-1" || res.Errors[1].Errors["title"] == nil {
		t.Errorf("refused batch: %+v %v", res, err)
	}
	if _, err := s.Get(ctx, "blogposts", "b-3"); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("b-3 was written by a refused batch")
	}
	if changes, committed := b.hook.snapshot(); len(changes) != 1 || committed != 0 {
		// The hook saw b-3 inside the transaction that then rolled back.
		t.Errorf("refused batch: %d changes, %d commits", len(changes), committed)
	}
	// updateExisting upserts.
	b.hook.reset()
	items = []map[string]any{
		mustJSON(t, `{"id":"B-1","title":"One again","postContent":"y","internal":{"status":"public"}}`),
		mustJSON(t, `{"id":"b-4","title":"Four","postContent":"x"}`),
	}
	res, err = s.BatchCreate(ctx, "blogposts", items, true)
	if err != nil || res.SuccessCount != 2 {
		t.Fatalf("upsert: %+v %v", res, err)
	}
	if o, _ := s.Get(ctx, "blogposts", "b-1"); o["title"] != "One again" || o["id"] != "b-1" {
		t.Errorf("upserted object: %v", o)
	}
	changes, committed := b.hook.snapshot()
	if len(changes) != 2 || changes[0].Action != ActionUpdate || changes[0].Version != 2 || changes[1].Action != ActionCreate || committed != 1 {
		t.Errorf("upsert changes %+v, commits %d", changes, committed)
	}
	// PATCH batch: partial updates.
	res, err = s.BatchPatch(ctx, "blogposts", []map[string]any{{"id": "b-2", "title": "Two!"}, {"id": "b-4", "postContent": "z"}})
	if err != nil || res.SuccessCount != 2 {
		t.Fatalf("batch patch: %+v %v", res, err)
	}
	if o, _ := s.Get(ctx, "blogposts", "b-4"); o["title"] != "Four" || o["postContent"] != "z" {
		t.Errorf("patched: %v", o)
	}
	res, err = s.BatchPatch(ctx, "blogposts", []map[string]any{{"title": "no id"}})
	if errs.CodeOf(err) != errs.Invalid || res.Errors[0].Errors["id"] == nil {
		t.Errorf("patch without id: %+v %v", res, err)
	}
	tooMany := make([]map[string]any, MaxBatch+1)
	if _, err := s.BatchCreate(ctx, "blogposts", tooMany, false); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("101 items: %v", err)
	}
}

func TestInternalObjectsAreOrdinary(t *testing.T) {
	t.Parallel()
	s, b := setup(t, InternalType{Definition: []byte(webhooksJSON)})
	ctx := context.Background()
	base := `"actions":[{"action":"Create"}],"content_type_definitions":[],"url":"https://x","executionMode":"url"`
	res, err := s.BatchCreate(ctx, "_webhooks", []map[string]any{
		mustJSON(t, `{"id":"w1","name":"One","enabled":true,`+base+`}`),
		mustJSON(t, `{"id":"w2","name":"Two","enabled":true,`+base+`}`),
	}, true)
	if err != nil || res.SuccessCount != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := s.BatchPatch(ctx, "_webhooks", []map[string]any{{"id": "w1", "enabled": false}, {"id": "w2", "enabled": false}}); err != nil {
		t.Fatal(err)
	}
	err = s.db.InTx(ctx, func(tx *gormDB) error {
		all, err := s.ListAllTx(ctx, tx, "_webhooks")
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0]["id"] != "w1" || all[0]["enabled"] != false || all[0]["internal"] == nil {
			t.Errorf("ListAllTx = %v", all)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if changes, _ := b.hook.snapshot(); len(changes) != 4 || changes[0].ContentType != "_webhooks" {
		t.Errorf("hook for internal objects: %+v", changes)
	}
}

// TestLiveCountFollowsEveryWrite checks the trigger-kept count that
// unfiltered lists report against a real COUNT(*).
func TestLiveCountFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	s, b := newBlog(t)
	ctx := context.Background()
	check := func(step string) {
		t.Helper()
		var real int
		b.db.R.Raw(`SELECT COUNT(*) FROM objects WHERE type = 'blogposts' AND deleted_at IS NULL`).Scan(&real)
		p, err := s.List(ctx, "blogposts", ListQuery{})
		if err != nil || p.Total != real {
			t.Errorf("%s: total %d, COUNT(*) %d (%v)", step, p.Total, real, err)
		}
	}
	check("empty")
	for i := 0; i < 3; i++ {
		if _, err := s.Create(ctx, "blogposts", mustJSON(t, fmt.Sprintf(`{"id":"c%d","title":"T%d","postContent":"x"}`, i, i))); err != nil {
			t.Fatal(err)
		}
	}
	check("created")
	s.Patch(ctx, "blogposts", "c0", mustJSON(t, `{"postContent":"y"}`))
	check("patched")
	s.Delete(ctx, "blogposts", "c1")
	check("deleted")
	s.Create(ctx, "blogposts", mustJSON(t, `{"id":"C1","title":"again","postContent":"x"}`))
	check("re-created")
	s.BatchDelete(ctx, "blogposts", []string{"c0", "c1", "c2"})
	check("batch deleted")
	s.DeleteType(ctx, "blogposts")
	s.CreateType(ctx, mustJSON(t, blogpostsJSON))
	check("type re-created")
}

// scriptedRand hands out its chunks in turn, so that generated ids can be
// made to collide.
type scriptedRand struct{ chunks [][]byte }

func (r *scriptedRand) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, errors.New("script exhausted")
	}
	n := copy(p, r.chunks[0])
	r.chunks = r.chunks[1:]
	return n, nil
}

// A generated id that an object already has, live or removed, is never
// reused: the insert does nothing and the next candidate is taken.
func TestGeneratedIDCollisionTriesAnother(t *testing.T) {
	t.Parallel()
	s, b := newBlog(t)
	ctx := context.Background()
	one, two := []byte{0, 0, 1}, []byte{0, 0, 2} // 100001 and 100002 (3 bytes cover 900000)
	s.idRand = &scriptedRand{chunks: [][]byte{one, one, one, two}}
	first, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"First","postContent":"one"}`))
	if err != nil {
		t.Fatal(err)
	}
	if first["id"] != "blogposts-100001" {
		t.Fatalf("first id %v", first["id"])
	}
	if err := s.Delete(ctx, "blogposts", "blogposts-100001"); err != nil {
		t.Fatal(err)
	}
	second, err := s.Create(ctx, "blogposts", mustJSON(t, `{"title":"Second","postContent":"two"}`))
	if err != nil {
		t.Fatal(err)
	}
	if second["id"] != "blogposts-100002" {
		t.Errorf("second id %v, want the next candidate after the removed object's", second["id"])
	}
	if got := second["internal"].(map[string]any)["latestVersion"]; got != 1 {
		t.Errorf("second latestVersion %v, want 1 (a new object)", got)
	}
	last := b.hook.changes[len(b.hook.changes)-1]
	if last.ObjectID != "blogposts-100002" || last.Object["id"] != "blogposts-100002" {
		t.Errorf("hook saw %s / %v", last.ObjectID, last.Object["id"])
	}
	page, err := s.List(ctx, "blogposts", ListQuery{})
	if err != nil || page.Total != 1 || page.Data[0]["id"] != "blogposts-100002" {
		t.Errorf("live objects %+v, %v", page, err)
	}
}
