// Package flotiqexport reads and writes Flotiq's `.flotiq` export folder,
// the format of Flotiq's CLI (`flotiq export` / `flotiq import`) and of the
// starters that ship one:
//
//	ContentType<Camel>/ContentTypeDefinition.json      a user type, 2-space JSON
//	ContentType<Camel>/contentObject<Camel>.json       its objects, one JSON per line, by id
//	InternalContentTypeMedia/…                         `_media`, plus <id>.<extension> files
//	InternalContentTypeTag/…, InternalContentTypeWebhooks/…
//
// Definitions lose id/createdAt/updatedAt/deletedAt and objects their
// `internal` block, as the CLI writes them. Import is all or nothing (one
// transaction, files placed before it commits and removed if it does not)
// and queues no webhook deliveries unless asked.
package flotiqexport

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// kept are the internal types an export carries (the CLI also keeps
// _plugin_settings, which Hookline has no equivalent of).
var kept = map[string]bool{"_media": true, "_tag": true, "_webhooks": true}

// Phase names what a transfer is doing, for progress bars.
const (
	PhaseTypes   = "types"
	PhaseObjects = "objects"
	PhaseFiles   = "files"
	PhaseDone    = "done"
)

// Progress is reported while a transfer runs.
type Progress struct {
	Phase string `json:"phase"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// Stats says what a transfer moved.
type Stats struct {
	Types   int      `json:"types"`
	Objects int      `json:"objects"`
	Files   int      `json:"files"`
	Skipped []string `json:"skipped"`
}

var camelRe = regexp.MustCompile(`(^|_+)([a-z])`)

// camelize is the CLI's: "_media" → "Media", "blog_post" → "BlogPost".
func camelize(name string) string {
	return camelRe.ReplaceAllStringFunc(name, func(m string) string {
		return strings.ToUpper(strings.TrimLeft(m, "_"))
	})
}

// folderName is the CLI's folder for a type.
func folderName(name string, internal bool) string {
	if internal {
		return "InternalContentType" + camelize(name)
	}
	return "ContentType" + camelize(name)
}

// marshal is JSON.stringify's output: no HTML escaping, no trailing
// newline; indent "" for one line, "  " for definitions.
func marshal(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
