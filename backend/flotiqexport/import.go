package flotiqexport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"hookline/backend/content"
	"hookline/backend/errs"
	"hookline/backend/media"
	"hookline/backend/webhook"
)

// maxLine bounds one object line (Flotiq caps an object at 1 MB).
const maxLine = 4 << 20

// bundle is an export folder, read and parsed.
type bundle struct {
	types   []map[string]any
	objects map[string][]map[string]any
	// mediaFolder is where the `_media` files sit.
	mediaFolder string
	skipped     []string
	// implicit are built-in types whose folder has objects but no
	// definition.
	implicit []string
}

// read parses every ContentTypeDefinition.json under dir with the object
// files beside it. Internal types are not created (Hookline has its own);
// their objects are kept for the internal types Hookline knows.
func read(dir string) (*bundle, error) {
	b := &bundle{objects: map[string][]map[string]any{}, skipped: []string{}}
	var ctdFiles []string
	withObjects := map[string]bool{} // folders holding object files
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
		case d.Name() == "ContentTypeDefinition.json":
			ctdFiles = append(ctdFiles, p)
		case strings.HasPrefix(d.Name(), "contentObject") && strings.HasSuffix(d.Name(), ".json"):
			withObjects[filepath.Dir(p)] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range ctdFiles {
		delete(withObjects, filepath.Dir(f))
	}
	// Objects of a built-in type may come without its definition (Hookline
	// has its own); anything else needs one.
	builtIn := map[string]string{}
	for name := range kept {
		builtIn[folderName(name, true)] = name
	}
	for folder := range withObjects {
		name, ok := builtIn[filepath.Base(folder)]
		if !ok {
			return nil, fmt.Errorf("%s has objects but no ContentTypeDefinition.json", folder)
		}
		ctdFiles = append(ctdFiles, filepath.Join(folder, "ContentTypeDefinition.json"))
		b.implicit = append(b.implicit, name)
	}
	if len(ctdFiles) == 0 {
		return nil, fmt.Errorf("%s holds no ContentTypeDefinition.json: not a .flotiq export folder", dir)
	}
	sort.Strings(ctdFiles)
	for _, f := range ctdFiles {
		var def map[string]any
		if name, ok := builtIn[filepath.Base(filepath.Dir(f))]; ok && slices.Contains(b.implicit, name) {
			def = map[string]any{"name": name, "internal": true}
		} else {
			raw, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			if err := json.Unmarshal(raw, &def); err != nil {
				return nil, fmt.Errorf("%s: %v", f, err)
			}
		}
		name, _ := def["name"].(string)
		if name == "" {
			return nil, fmt.Errorf("%s: the definition has no name", f)
		}
		internal, _ := def["internal"].(bool)
		if internal && !kept[name] {
			b.skipped = append(b.skipped, name)
			continue
		}
		if !internal {
			b.types = append(b.types, def)
		}
		objFiles, _ := filepath.Glob(filepath.Join(filepath.Dir(f), "contentObject*.json"))
		sort.Strings(objFiles)
		for _, of := range objFiles {
			objs, err := readObjects(of)
			if err != nil {
				return nil, err
			}
			b.objects[name] = append(b.objects[name], objs...)
		}
		if name == media.TypeName {
			b.mediaFolder = filepath.Dir(f)
		}
	}
	return b, nil
}

// readObjects reads one object file: a JSON object (or array of them) per
// line, as the CLI writes and reads them.
func readObjects(path string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out []map[string]any
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var one map[string]any
		if err := json.Unmarshal(line, &one); err == nil {
			out = append(out, one)
			continue
		}
		var many []map[string]any
		if err := json.Unmarshal(line, &many); err != nil {
			return nil, fmt.Errorf("%s line %d: not a JSON object: %v", path, n, err)
		}
		out = append(out, many...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// TypeNames lists the user types an export folder would create, so the
// caller can let webhooks of the same import name them.
func TypeNames(dir string) ([]string, error) {
	b, err := read(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(b.types))
	for _, t := range b.types {
		names = append(names, t["name"].(string))
	}
	return names, nil
}

// Import adds an export folder's types, objects, media files and webhooks,
// all or nothing. It never overwrites: a type that exists or an id that is
// taken refuses the whole import.
func Import(ctx context.Context, dir string, opts Options) (Stats, error) {
	st := Stats{Skipped: []string{}}
	b, err := read(dir)
	if err != nil {
		return st, err
	}
	st.Skipped = b.skipped
	for _, t := range b.types {
		name, _ := t["name"].(string)
		if _, err := opts.Content.GetType(ctx, name, content.GetTypeOptions{}); err == nil {
			return st, errs.New(errs.Conflict, "Type %s exists already; import into a Hookline without it", name)
		}
	}
	// Files first, under their final names: if the transaction below does
	// not commit they are removed, and if the process dies first, the
	// next start's sweep removes them (no object names them).
	medias := b.objects[media.TypeName]
	var placed []string
	cleanup := func() {
		for _, id := range placed {
			opts.Media.RemoveFile(id)
		}
	}
	for i, o := range medias {
		opts.report(PhaseFiles, i, len(medias))
		id, _ := o["id"].(string)
		ext, _ := o["extension"].(string)
		if !media.ValidID(id) {
			cleanup()
			return st, fmt.Errorf("media object %q: not a media id", id)
		}
		src := filepath.Join(b.mediaFolder, filepath.Base(id+"."+ext))
		f, err := os.Open(src)
		if err != nil {
			cleanup()
			return st, fmt.Errorf("media %s: its file is missing from the export: %w", id, err)
		}
		_, err = opts.Media.PutFile(id, f)
		f.Close()
		if err != nil {
			cleanup()
			return st, fmt.Errorf("media %s (%s): %w", id, src, err)
		}
		placed = append(placed, id)
	}
	plan := content.ImportPlan{Types: b.types, Progress: func(done, total int) { opts.report(PhaseObjects, done, total) }}
	// Tags before the media that use them, media before the content that
	// shows it, webhooks last; the second pass makes the order a nicety.
	order := []string{media.TagType, media.TypeName}
	for _, t := range b.types {
		order = append(order, t["name"].(string))
	}
	order = append(order, "_webhooks")
	b.objects["_webhooks"], st.Skipped = keepValidWebhooks(ctx, b, opts, st.Skipped)
	for _, name := range order {
		if items := b.objects[name]; len(items) > 0 {
			plan.Objects = append(plan.Objects, content.ImportObjects{Type: name, Items: items})
		}
	}
	ictx := ctx
	if !opts.KeepWebhooks && opts.Silence != nil {
		ictx = opts.Silence(ctx)
	}
	res, err := opts.Content.Import(ictx, plan)
	if err != nil {
		cleanup()
		return st, err
	}
	st.Types, st.Objects, st.Files = res.Types, res.Objects, len(placed)
	opts.report(PhaseDone, 1, 1)
	return st, nil
}

// keepValidWebhooks leaves out the webhooks Hookline's rules refuse (Flotiq
// accepts relative URLs such as "/revalidate"; Hookline sends only to
// absolute http(s) ones), naming each in skipped, instead of refusing the
// whole import: Flotiq's own CLI does not import webhooks at all.
func keepValidWebhooks(ctx context.Context, b *bundle, opts Options, skipped []string) ([]map[string]any, []string) {
	known := func(name string) bool {
		for _, t := range b.types {
			if t["name"] == name {
				return true
			}
		}
		_, err := opts.Content.GetType(ctx, name, content.GetTypeOptions{})
		return err == nil
	}
	var kept []map[string]any
	for _, w := range b.objects["_webhooks"] {
		f := webhook.Validate(w, known)
		if len(f) == 0 {
			kept = append(kept, w)
			continue
		}
		var why []string
		for k, msgs := range f {
			why = append(why, k+": "+strings.Join(msgs, ", "))
		}
		sort.Strings(why)
		skipped = append(skipped, fmt.Sprintf("webhook %s (%s)", idOf(w), strings.Join(why, "; ")))
	}
	return kept, skipped
}

func idOf(o map[string]any) string {
	if id, ok := o["id"].(string); ok {
		return id
	}
	return "without id"
}
