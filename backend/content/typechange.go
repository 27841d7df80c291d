package content

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"hookline/backend/errs"
)

// migrateChunk is how many objects a type change reads at a time.
const migrateChunk = 500

// maxNamedObjects bounds how many offending objects a failed type change
// lists by name.
const maxNamedObjects = 50

// migrateObjectsTx brings every live object of a type in line with its new
// definition (§1.10). Removed properties are stripped; properties whose
// type changed are converted by Flotiq's table; each object that changes
// gets a new version and an Update for the Hook. If any object then fails
// the new definition, the error names them and the caller's transaction
// rolls everything back.
func (s *Service) migrateObjectsTx(w *txWriter, prev, next *typeDef) error {
	bad := map[string]errs.Fields{}
	var badIDs []string
	after := ""
	for {
		var rows []objectRow
		err := w.tx.Raw(`SELECT `+objectColumns+` FROM objects WHERE type = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?`,
			prev.name, after, migrateChunk).Scan(&rows).Error
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		after = rows[len(rows)-1].ID
		for i := range rows {
			row := &rows[i]
			props := map[string]any{}
			if err := json.Unmarshal([]byte(row.Data), &props); err != nil {
				return err
			}
			changed := migrateProps(prev.props, next.props, props)
			check := cloneMap(props)
			check["id"] = row.ID
			if f := next.check(check); len(f) > 0 {
				bad[row.ID] = f
				badIDs = append(badIDs, row.ID)
				continue
			}
			if changed && len(bad) == 0 {
				if _, err := s.writeTx(w, next, row.ID, props, row); err != nil {
					return err
				}
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return migrationError(badIDs, bad)
}

func migrationError(ids []string, bad map[string]errs.Fields) error {
	f := errs.Fields{}
	named := ids
	more := ""
	if len(named) > maxNamedObjects {
		named = named[:maxNamedObjects]
		more = fmt.Sprintf(" and %d more", len(ids)-maxNamedObjects)
	}
	f.Add("ctd", "Existing objects do not conform to the new schema, and updating them automatically is impossible (e.g., Text -> Relationship). Ensure you're not changing a field type that is also required - if so, disable required for the field you're changing. Objects: %s%s", strings.Join(named, ", "), more)
	for _, id := range named {
		fields := bad[id]
		for _, k := range sortedKeys(fields) {
			for _, m := range fields[k] {
				if !slices.Contains(f[k], m) {
					f.Add(k, "%s", m)
				}
				f.Add("co."+id, "%s: %s", k, m)
			}
		}
	}
	return f.Err()
}

// migrateProps rewrites one object's (or list item's) values from the old
// property set to the new one and reports whether anything changed.
func migrateProps(prev, next *propSet, props map[string]any) bool {
	changed := false
	names := sortedKeys(props)
	sort.Strings(names)
	for _, name := range names {
		v := props[name]
		np := next.byName[name]
		if np == nil {
			delete(props, name)
			changed = true
			continue
		}
		op := prev.byName[name]
		if op == nil {
			continue
		}
		if sameKind(op, np) {
			if np.inputType == "object" && op.items != nil && np.items != nil {
				list, _ := v.([]any)
				for _, item := range list {
					if m, ok := item.(map[string]any); ok && migrateProps(op.items, np.items, m) {
						changed = true
					}
				}
			}
			continue
		}
		nv, keep := convertValue(op, np, v)
		if !keep {
			delete(props, name)
		} else {
			props[name] = nv
		}
		changed = true
	}
	return changed
}

func sameKind(a, b *prop) bool {
	if a.schemaType != b.schemaType {
		return false
	}
	if a.inputType == b.inputType {
		return true
	}
	return isStringish(a) && isStringish(b)
}

// isStringish covers Flotiq's "strings": text, textarea, markdown, rich
// text, email, radio, date and single select.
func isStringish(p *prop) bool {
	if p.schemaType != "string" {
		return false
	}
	switch p.inputType {
	case "text", "textarea", "textMarkdown", "markdown", "richtext", "email", "radio", "select", "dateTime", "":
		return true
	}
	return false
}

func isStringList(p *prop) bool {
	return p.inputType == "simpleList" || (p.inputType == "select" && p.schemaType == "array")
}

// convertValue applies the conversion table of §1.10 to one value. keep is
// false when the value should be dropped.
func convertValue(op, np *prop, v any) (out any, keep bool) {
	switch {
	case np.inputType == "number" || np.schemaType == "number" || np.schemaType == "integer":
		if n, ok := v.(float64); ok {
			return n, true
		}
		return float64(0), true
	case np.inputType == "checkbox" || np.schemaType == "boolean":
		return false, true
	case np.inputType == "geo":
		return map[string]any{"lat": float64(0), "lon": float64(0)}, true
	case np.inputType == "object" || np.inputType == "datasource":
		return []any{}, true
	case isStringish(np):
		return toText(op, np, v), true
	case isStringList(np):
		if isStringList(op) {
			return v, true
		}
		if op.inputType == "select" && op.schemaType == "string" {
			return []any{}, true // Flotiq's stated exception
		}
		s := ""
		switch {
		case isStringish(op):
			s, _ = v.(string)
		case op.schemaType == "number" || op.inputType == "number":
			s = scalarString(v)
		default:
			return []any{}, true
		}
		if s == "" || (np.inputType == "select" && len(np.options) > 0 && !slices.Contains(np.options, s)) {
			return []any{}, true
		}
		return []any{s}, true
	}
	// block, custom and anything unknown: data cannot be carried over.
	return nil, false
}

func toText(op, np *prop, v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64, bool:
		return scalarString(t)
	case map[string]any:
		if op.inputType == "geo" {
			return fmt.Sprintf("lat: %s, lon: %s", scalarString(t["lat"]), scalarString(t["lon"]))
		}
	case []any:
		var parts []string
		switch {
		case op.inputType == "datasource":
			for _, e := range t {
				if m, ok := e.(map[string]any); ok {
					if u, ok := m["dataUrl"].(string); ok {
						parts = append(parts, u)
					}
				}
			}
		case isStringList(op):
			for _, e := range t {
				if s, ok := e.(string); ok {
					parts = append(parts, s)
				}
			}
			if np.inputType == "radio" || np.inputType == "select" {
				if len(parts) > 0 {
					return parts[0]
				}
				return ""
			}
		}
		return strings.Join(parts, ", ")
	}
	return ""
}
