package media_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The HTTP calls Flotiq's CLI makes (spec §4), in its order, against a
// whole Hookline: import of a starter-like export whose `_media` records
// arrive through batch before their files, then export.
func TestFlotiqCLIContract(t *testing.T) {
	t.Parallel()
	e := setup(t)
	oldID := "_media-448eab50-efc1-46ef-83f2-b910b8cc58e0"
	file := jpegBytes(t, gradient(128, 72))
	record := fmt.Sprintf(`{"id":%q,"url":"/image/0x0/%s.jpg","size":%d,"type":"image","width":128,"height":72,"source":"disk","fileName":"_media-7a279806-381a-4043-b9f8-b257df70e303.jpg","mimeType":"image/jpeg","extension":"jpg","externalId":""}`, oldID, oldID, len(file))

	// 4.2.1: the internal types exist already.
	if r := e.do("GET", "/api/v1/internal/contenttype?internal=1&limit=1000", ""); !strings.Contains(string(r.body), `"_media"`) {
		t.Fatalf("internal types: %s", r.body)
	}
	// 4.2.2: the user type, with relation constraints blanked, as the CLI sends it.
	blanked := strings.Replace(postType, `"relationContenttype":"_media"`, `"relationContenttype":""`, 1)
	if r := e.do("POST", "/api/v1/internal/contenttype", blanked); r.status != 200 {
		t.Fatalf("type = %d %s", r.status, r.body)
	}
	// 4.2.3: objects through batch, relations stripped then kept; _media without files.
	if r := e.do("POST", "/api/v1/content/_media/batch?updateExisting=true", "["+record+"]"); r.status != 200 {
		t.Fatalf("media batch = %d %s", r.status, r.body)
	}
	post := `{"id":"post-1","title":"Hello","image":[{"type":"internal","dataUrl":"/api/v1/content/_media/` + oldID + `"}]}`
	if r := e.do("POST", "/api/v1/content/post/batch?updateExisting=true", "["+post+"]"); r.status != 200 {
		t.Fatalf("post batch = %d %s", r.status, r.body)
	}
	// The constraints come back.
	if r := e.do("PUT", "/api/v1/internal/contenttype/post", postType); r.status != 200 {
		t.Fatalf("restore constraints = %d %s", r.status, r.body)
	}
	// 4.2.4b: the file is missing, and says so with a 404 (not the UI page).
	if r := e.get("/image/0x0/" + oldID + ".jpg"); r.status != 404 {
		t.Fatalf("missing file = %d %.100s", r.status, r.body)
	}
	// 4.2.4c: upload, filename = fileName, no `save`: stored under a fresh id.
	up := e.upload(part{name: "type", data: []byte("image")}, part{name: "file", fileName: "_media-7a279806-381a-4043-b9f8-b257df70e303.jpg", contentType: "image/jpeg", data: file})
	if up.status != 200 {
		t.Fatalf("upload = %d %s", up.status, up.body)
	}
	newID := up.json(t)["id"].(string)
	if newID == oldID || !mediaIDRe.MatchString(newID) {
		t.Fatalf("new id %q", newID)
	}
	// 4.2.4d: every object of the type is PUT back with the dataUrl remapped,
	// carrying id and internal; internal is ignored.
	got := e.do("GET", "/api/v1/content/post/post-1", "").json(t)
	got["image"] = []any{map[string]any{"type": "internal", "dataUrl": "/api/v1/content/_media/" + newID}}
	body, _ := json.Marshal(got)
	if r := e.do("PUT", "/api/v1/content/post/post-1", string(body)); r.status != 200 {
		t.Fatalf("PUT with internal = %d %s", r.status, r.body)
	}
	// 4.2.4e: the old record goes.
	if r := e.do("DELETE", "/api/v1/content/_media/"+oldID, ""); r.status != 204 {
		t.Fatalf("delete old = %d %s", r.status, r.body)
	}

	// 4.1: export. Types, then objects page by page until an empty page.
	for page := 1; ; page++ {
		r := e.do("GET", fmt.Sprintf("/api/v1/content/_media?page=%d&limit=1000&order_by=internal.createdAt&order_direction=asc", page), "")
		if r.status != 200 {
			t.Fatalf("page %d = %d %s", page, r.status, r.body)
		}
		data := r.json(t)["data"].([]any)
		if len(data) == 0 {
			if page != 2 {
				t.Errorf("objects ended at page %d", page)
			}
			break
		}
		for _, o := range data {
			m := o.(map[string]any)
			img := e.get(m["url"].(string))
			if img.status != 200 || !bytes.Equal(img.body, file) {
				t.Errorf("exported file %s = %d, %d bytes; want the uploaded %d", m["url"], img.status, len(img.body), len(file))
			}
		}
	}
}
