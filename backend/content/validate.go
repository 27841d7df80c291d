package content

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"hookline/backend/errs"
	"hookline/backend/jsonlimit"
)

var (
	// objectIDRe is the id pattern of Flotiq's OAS (§2.2), plus ")" which
	// the docs surely only forgot next to "(".
	objectIDRe = regexp.MustCompile("^[a-zA-Z0-9\\-_.,:=!?#$%&()`’{}\" ]+$")
	emailRe    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	dataURLRe  = regexp.MustCompile(`^/api/v1/content/([_a-z]+)/([^/]+)$`)
)

// maxIDLen bounds ids: they appear in paths, file names of exports and
// webhook payloads.
const maxIDLen = 255

// maxSafeNumber is the panel's documented number range, ±(2^53−1).
const maxSafeNumber = 1<<53 - 1

// maxObjectSize is Flotiq's 1 MB limit on one object.
const maxObjectSize = 1 << 20

func checkID(f errs.Fields, id string) {
	switch {
	case id == "":
		f.Add("id", "Must be at least 1 characters long")
	case len(id) > maxIDLen:
		f.Add("id", "Must be at most %d characters long", maxIDLen)
	case !objectIDRe.MatchString(id):
		f.Add("id", "Does not match the regex pattern %s", objectIDRe.String())
	}
}

// check validates an object's properties (plus "id") against the type,
// without the database: JSON Schema first, then Flotiq's per-inputType rules,
// then the internal type's own rules.
func (td *typeDef) check(obj map[string]any) errs.Fields {
	f := errs.Fields{}
	// Before the schema, which would walk every level: the desktop
	// bindings reach here without the API's check on the JSON text.
	if jsonlimit.TooDeep(obj) {
		f.Add("body", "is nested deeper than %d levels; Hookline accepts at most %d", jsonlimit.MaxDepth, jsonlimit.MaxDepth)
		return f
	}
	if err := td.schema.Validate(obj); err != nil {
		schemaErrors(f, err)
	}
	checkProps(f, "", td.props, obj)
	if td.validate != nil {
		for k, msgs := range td.validate(obj) {
			f[k] = append(f[k], msgs...)
		}
	}
	return f
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// checkProps applies the rules JSON Schema cannot express. Values of the
// wrong JSON type were already reported by the schema and are skipped here.
func checkProps(f errs.Fields, prefix string, ps *propSet, obj map[string]any) {
	for _, name := range ps.order {
		p := ps.byName[name]
		v, ok := obj[name]
		if p == nil || !ok || v == nil {
			continue
		}
		path := joinPath(prefix, name)
		switch p.inputType {
		case "email":
			if s, ok := v.(string); ok && s != "" && !emailRe.MatchString(s) {
				f.Add(path, "This value is not a valid email address.")
			}
		case "radio", "select":
			checkOptions(f, path, p, v)
		case "dateTime":
			if s, ok := v.(string); ok && s != "" {
				if _, err := parseDate(s); err != nil {
					f.Add(path, "This value is not a valid date")
				}
			}
		case "number":
			if n, ok := v.(float64); ok && math.Abs(n) > maxSafeNumber {
				f.Add(path, "Must be between -%d and %d", int64(maxSafeNumber), int64(maxSafeNumber))
			}
		case "datasource":
			checkRelations(f, path, p, v)
		case "geo":
			if m, ok := v.(map[string]any); ok {
				if lat, ok := m["lat"].(float64); ok && (lat < -90 || lat > 90) {
					f.Add(path+".lat", "Must be between -90 and 90")
				}
				if lon, ok := m["lon"].(float64); ok && (lon < -180 || lon > 180) {
					f.Add(path+".lon", "Must be between -180 and 180")
				}
			}
		case "object":
			list, _ := v.([]any)
			for i, item := range list {
				if m, ok := item.(map[string]any); ok && p.items != nil {
					checkProps(f, fmt.Sprintf("%s[%d]", path, i), p.items, m)
				}
			}
		case "block":
			checkBlocks(f, path, p, v)
		}
	}
}

func checkOptions(f errs.Fields, path string, p *prop, v any) {
	if len(p.options) == 0 {
		return
	}
	check := func(s string) {
		if s != "" && !slices.Contains(p.options, s) {
			f.Add(path, "The value does not match possible options")
		}
	}
	switch t := v.(type) {
	case string:
		check(t)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				check(s)
			}
		}
	}
}

func checkRelations(f errs.Fields, path string, p *prop, v any) {
	list, ok := v.([]any)
	if !ok {
		return
	}
	if !p.multiple && len(list) > 1 {
		f.Add(path, "Only one related object is allowed")
	}
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		u, _ := m["dataUrl"].(string)
		if m["type"] == "external" {
			continue
		}
		t, _, ok := parseDataURL(u)
		if !ok {
			f.Add(fmt.Sprintf("%s[%d].dataUrl", path, i), "Must look like /api/v1/content/{type}/{id}")
			continue
		}
		if p.relationType != "" && t != p.relationType {
			f.Add(path, "Related objects must be of type %s", p.relationType)
		}
	}
}

func checkBlocks(f errs.Fields, path string, p *prop, v any) {
	m, ok := v.(map[string]any)
	if !ok || len(p.blockTypes) == 0 {
		return
	}
	blocks, _ := m["blocks"].([]any)
	for i, b := range blocks {
		bm, _ := b.(map[string]any)
		t, _ := bm["type"].(string)
		if !slices.Contains(p.blockTypes, t) {
			f.Add(path, "One of the block types (%s on index %d) does not match possible types", t, i)
		}
	}
}

func parseDataURL(u string) (typeName, id string, ok bool) {
	m := dataURLRe.FindStringSubmatch(u)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// dateLayouts are the date and date-time forms the panel and common clients
// send for dateTime properties.
var dateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
}

// ParseDate reads the date and date-time forms Hookline accepts wherever
// Flotiq takes a date: RFC 3339, "2006-01-02 15:04:05", "2006-01-02" and
// the like. Times without a zone are UTC.
func ParseDate(s string) (time.Time, error) { return parseDate(s) }

func parseDate(s string) (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

// schemaErrors turns a JSON Schema validation failure into Flotiq-style
// field messages.
func schemaErrors(f errs.Fields, err error) {
	var ve *jsonschema.ValidationError
	if !asErr(err, &ve) {
		f.Add("body", "%v", err)
		return
	}
	for _, leaf := range leaves(ve) {
		loc := leaf.InstanceLocation
		switch k := leaf.ErrorKind.(type) {
		case *kind.Required:
			for _, m := range k.Missing {
				f.Add(instancePath(append(slices.Clone(loc), m)), "The property %s is required", m)
			}
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				f.Add(instancePath(append(slices.Clone(loc), p)), "The property %s is not defined and the definition does not allow additional properties", p)
			}
		default:
			f.Add(instancePath(loc), "%s", leafMessage(leaf))
		}
	}
}

// leaves returns the innermost errors, which carry the actual reasons.
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// instancePath renders a location like list[0].title; the root is "body".
func instancePath(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

var printer = message.NewPrinter(language.English)

// leafMessage words one failure the way Flotiq (justinrainbow/json-schema)
// does where we know its wording, and the library's way otherwise.
func leafMessage(ve *jsonschema.ValidationError) string {
	switch k := ve.ErrorKind.(type) {
	case *kind.Type:
		want := strings.Join(k.Want, " or ")
		return typeMessageNames(k.Got, want)
	case *kind.MinLength:
		return fmt.Sprintf("Must be at least %d characters long", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("Must be at most %d characters long", k.Want)
	case *kind.Pattern:
		return "Does not match the regex pattern " + k.Want
	case *kind.Enum:
		b, _ := json.Marshal(k.Want)
		return "Does not have a value in the enumeration " + string(b)
	case *kind.MinItems:
		return fmt.Sprintf("There must be a minimum of %d items in the array", k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("There must be a maximum of %d items in the array", k.Want)
	case *kind.FalseSchema:
		return "No value is allowed here"
	}
	return ve.ErrorKind.LocalizedString(printer)
}
