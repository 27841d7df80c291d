package media

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"hookline/backend/content"
	"hookline/backend/errs"
)

// TypeName and TagType are Flotiq's internal media and tag types.
const (
	TypeName = "_media"
	TagType  = "_tag"
)

// mediaDefinition is Flotiq's `_media` CTD (spec §1.1–1.2, as the starters
// export it), plus `title`, which newer exports carry. `source` and `type`
// keep their selects; the schema does not narrow them with an enum because
// Flotiq's own does not, and exports must import unchanged.
const mediaDefinition = `{
  "name": "_media",
  "label": "Media (internal)",
  "internal": true,
  "draftPublic": false,
  "featuredImage": [],
  "schemaDefinition": {
    "type": "object",
    "allOf": [
      {"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
      {
        "type": "object",
        "properties": {
          "fileName": {"type": "string", "minLength": 1},
          "mimeType": {"type": "string", "minLength": 1},
          "size": {"type": "number"},
          "width": {"type": "number"},
          "height": {"type": "number"},
          "url": {"type": "string", "minLength": 1},
          "externalId": {"type": "string"},
          "source": {"type": "string", "minLength": 1},
          "extension": {"type": "string", "minLength": 1},
          "type": {"type": "string", "minLength": 1},
          "tags": {"type": "array", "items": {"$ref": "#/components/schemas/DataSource"}, "minItems": 0},
          "alt": {"type": "string"},
          "title": {"type": "string"},
          "variants": {
            "type": "array",
            "minItems": 0,
            "items": {
              "type": "object",
              "required": ["name"],
              "properties": {
                "name": {"type": "string", "pattern": "^[_a-zA-Z0-9]+$", "minLength": 1},
                "trim": {
                  "type": "object",
                  "required": ["top", "left"],
                  "properties": {
                    "top": {"type": "number", "minimum": 0, "maximum": 9999999},
                    "right": {"type": "number", "minimum": 0, "maximum": 9999999},
                    "bottom": {"type": "number", "minimum": 0, "maximum": 9999999},
                    "left": {"type": "number", "minimum": 0, "maximum": 9999999},
                    "width": {"type": "number", "minimum": 1, "maximum": 9999999},
                    "height": {"type": "number", "minimum": 1, "maximum": 9999999}
                  }
                }
              }
            }
          }
        }
      }
    ],
    "required": ["fileName", "mimeType", "size", "url", "source", "extension", "type"],
    "additionalProperties": false
  },
  "metaDefinition": {
    "order": ["fileName", "mimeType", "size", "width", "height", "url", "externalId", "source", "extension", "type", "tags", "alt", "title", "variants"],
    "propertiesConfig": {
      "fileName": {"label": "File name", "unique": false, "inputType": "text", "isTitlePart": true},
      "mimeType": {"label": "MIME type", "unique": false, "inputType": "text"},
      "size": {"label": "Size", "unique": false, "inputType": "number"},
      "width": {"label": "Width", "unique": false, "inputType": "number"},
      "height": {"label": "Height", "unique": false, "inputType": "number"},
      "url": {"label": "Url", "unique": false, "inputType": "text"},
      "externalId": {"label": "External id", "unique": false, "inputType": "text"},
      "source": {"label": "Source", "unique": false, "inputType": "select", "options": ["disk", "unsplash"]},
      "extension": {"label": "Extension", "unique": false, "inputType": "text"},
      "type": {"label": "Type", "unique": false, "inputType": "select", "options": ["image", "file"]},
      "tags": {"label": "Tags", "unique": false, "helpText": "", "inputType": "datasource", "validation": {"relationMultiple": true, "relationContenttype": "_tag"}},
      "alt": {"label": "ALT", "unique": false, "inputType": "text"},
      "title": {"label": "Title", "unique": false, "inputType": "text"},
      "variants": {
        "label": "Variants", "unique": false, "helpText": "", "inputType": "object",
        "items": {
          "order": ["name", "trim"],
          "propertiesConfig": {
            "name": {"label": "name", "unique": true, "inputType": "text"},
            "trim": {
              "label": "Trim", "unique": false, "inputType": "custom",
              "order": ["top", "right", "bottom", "left", "width", "height"],
              "propertiesConfig": {
                "top": {"label": "Top", "unique": false, "inputType": "number"},
                "right": {"label": "Right", "unique": false, "inputType": "number"},
                "bottom": {"label": "Bottom", "unique": false, "inputType": "number"},
                "left": {"label": "Left", "unique": false, "inputType": "number"},
                "width": {"label": "Width", "unique": false, "inputType": "number"},
                "height": {"label": "Height", "unique": false, "inputType": "number"}
              }
            }
          }
        }
      }
    }
  }
}`

// tagDefinition is Flotiq's `_tag` CTD (spec §1.3).
const tagDefinition = `{
  "name": "_tag",
  "label": "Tag (internal)",
  "internal": true,
  "draftPublic": false,
  "featuredImage": [],
  "schemaDefinition": {
    "type": "object",
    "allOf": [
      {"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
      {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}}}
    ],
    "required": ["name"],
    "additionalProperties": false
  },
  "metaDefinition": {
    "order": ["name"],
    "propertiesConfig": {
      "name": {"label": "Name", "unique": true, "inputType": "text", "isTitlePart": true, "helpText": ""}
    }
  }
}`

// InternalTypes registers `_media` and `_tag` with the content service.
func InternalTypes() []content.InternalType {
	return []content.InternalType{
		{Definition: json.RawMessage(mediaDefinition), Validate: validateMedia, Prepare: prepareMedia, NewID: NewID},
		{Definition: json.RawMessage(tagDefinition)},
	}
}

// NewID is a fresh `_media-<uuid4>` id, as Flotiq gives uploads.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return TypeName + "-" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// idRe is what a media id must look like before it names a file: it keeps
// every path built from an id inside the media folder.
var idRe = regexp.MustCompile(`^_media-[A-Za-z0-9-]{1,80}$`)

// ValidID reports whether id can name a stored file.
func ValidID(id string) bool { return idRe.MatchString(id) }

var extRe = regexp.MustCompile(`^[a-z0-9]{1,10}$`)

// prepareMedia fills Flotiq's defaults for records written without them
// (exports carry them all; hand-written ones may not).
func prepareMedia(obj map[string]any) {
	if _, ok := obj["source"]; !ok {
		obj["source"] = "disk"
	}
	if _, ok := obj["externalId"]; !ok {
		obj["externalId"] = ""
	}
}

// validateMedia adds the rules the schema cannot say: an id that can name
// a file, a plain extension, the two selects, and variant names unique
// case-insensitively (spec §3.3).
func validateMedia(obj map[string]any) errs.Fields {
	f := errs.Fields{}
	if id, _ := obj["id"].(string); id != "" && !ValidID(id) {
		f.Add("id", "A media id must look like _media-<uuid> (letters, digits and dashes)")
	}
	if ext, ok := obj["extension"].(string); ok && !extRe.MatchString(ext) {
		f.Add("extension", "Must be 1 to 10 lower-case letters or digits, without a dot")
	}
	if v, ok := obj["type"].(string); ok && v != "image" && v != "file" {
		f.Add("type", `Must be "image" or "file"`)
	}
	if v, ok := obj["source"].(string); ok && v != "disk" && v != "unsplash" {
		f.Add("source", `Must be "disk" or "unsplash"`)
	}
	seen := map[string]bool{}
	vs, _ := obj["variants"].([]any)
	for i, v := range vs {
		m, _ := v.(map[string]any)
		name, _ := m["name"].(string)
		if name == "" {
			continue
		}
		if seen[strings.ToLower(name)] {
			f.Add(fmt.Sprintf("variants[%d].name", i), "This value is already used")
		}
		seen[strings.ToLower(name)] = true
	}
	return f
}
