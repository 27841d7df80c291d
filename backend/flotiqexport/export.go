package flotiqexport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"hookline/backend/content"
	"hookline/backend/media"
)

// Options configures Export and Import.
type Options struct {
	Content *content.Service
	Media   *media.Service
	// Progress, when set, is told how far a transfer is.
	Progress func(Progress)
	// KeepWebhooks lets an import's changes queue webhook deliveries;
	// by default they queue none.
	KeepWebhooks bool
	// Silence marks a context so that its changes queue no deliveries
	// (webhook.Silence); nil means no webhooks are silenced.
	Silence func(context.Context) context.Context
}

func (o Options) report(phase string, done, total int) {
	if o.Progress != nil {
		o.Progress(Progress{Phase: phase, Done: done, Total: total})
	}
}

// Export writes every user type, the kept internal types, their objects and
// the media files into dir, which must be empty or absent. A `_media` object
// without its file stops the export, as the CLI's does.
func Export(ctx context.Context, dir string, opts Options) (Stats, error) {
	st := Stats{Skipped: []string{}}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return st, fmt.Errorf("%s exists and is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return st, err
	}
	defs, _, err := opts.Content.ListTypes(ctx, content.TypeQuery{Limit: 1 << 20})
	if err != nil {
		return st, err
	}
	var types []content.Definition
	for _, d := range defs {
		name, _ := d["name"].(string)
		if internal, _ := d["internal"].(bool); internal && !kept[name] {
			continue
		}
		types = append(types, d)
	}
	sort.Slice(types, func(i, j int) bool { return types[i]["name"].(string) < types[j]["name"].(string) })
	for i, d := range types {
		opts.report(PhaseTypes, i, len(types))
		n, files, err := exportType(ctx, dir, d, opts)
		if err != nil {
			return st, err
		}
		st.Types++
		st.Objects += n
		st.Files += files
	}
	opts.report(PhaseDone, len(types), len(types))
	return st, nil
}

func exportType(ctx context.Context, dir string, d content.Definition, opts Options) (objects, files int, err error) {
	name, _ := d["name"].(string)
	internal, _ := d["internal"].(bool)
	folder := filepath.Join(dir, folderName(name, internal))
	if err := os.MkdirAll(folder, 0o700); err != nil {
		return 0, 0, err
	}
	ctd := map[string]any{}
	for k, v := range d {
		switch k {
		case "id", "createdAt", "updatedAt", "deletedAt":
		default:
			ctd[k] = v
		}
	}
	b, err := marshal(ctd, "  ")
	if err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(filepath.Join(folder, "ContentTypeDefinition.json"), b, 0o600); err != nil {
		return 0, 0, err
	}
	var all []content.Object
	for page := 1; ; page++ {
		p, err := opts.Content.List(ctx, name, content.ListQuery{Page: page, Limit: content.MaxLimit, OrderBy: "internal.createdAt"})
		if err != nil {
			return 0, 0, err
		}
		all = append(all, p.Data...)
		if len(p.Data) < content.MaxLimit {
			break
		}
	}
	if len(all) == 0 {
		return 0, 0, nil // the CLI writes no file for a type without objects
	}
	sort.Slice(all, func(i, j int) bool { return all[i]["id"].(string) < all[j]["id"].(string) })
	var lines [][]byte
	for _, o := range all {
		delete(o, "internal")
		line, err := marshal(o, "")
		if err != nil {
			return 0, 0, err
		}
		lines = append(lines, line)
	}
	out := filepath.Join(folder, "contentObject"+camelize(name)+".json")
	if err := os.WriteFile(out, joinLines(lines), 0o600); err != nil {
		return 0, 0, err
	}
	if name != media.TypeName {
		return len(all), 0, nil
	}
	for i, o := range all {
		opts.report(PhaseFiles, i, len(all))
		id, _ := o["id"].(string)
		ext, _ := o["extension"].(string)
		if err := copyMedia(opts.Media, id, filepath.Join(folder, filepath.Base(id+"."+ext))); err != nil {
			return 0, 0, err
		}
		files++
	}
	return len(all), files, nil
}

func joinLines(lines [][]byte) []byte {
	var out []byte
	for i, l := range lines {
		if i > 0 {
			out = append(out, '\n')
		}
		out = append(out, l...)
	}
	return out
}

func copyMedia(m *media.Service, id, dst string) error {
	src, err := m.OpenFile(id)
	if err != nil {
		return fmt.Errorf("media %s has no file to export: %w", id, err)
	}
	defer src.Close()
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
