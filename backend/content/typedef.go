package content

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"hookline/backend/errs"
	"hookline/backend/jsonlimit"
)

// typeDef is a parsed, checked and compiled content type.
type typeDef struct {
	name     string
	id       string
	internal bool
	// raw is the definition as stored: Flotiq's JSON with extra keys, minus
	// the server-owned id/internal/timestamps.
	raw       map[string]any
	rev       int64
	createdAt string
	updatedAt string
	// row is the stored row a user type was parsed from (see loadType).
	row typeRow

	props  *propSet
	schema *jsonschema.Schema
	slugs  []slugRule

	validate func(map[string]any) errs.Fields
	prepare  func(map[string]any)
	newID    func() string
}

// propSet is the properties of a type, or of the items of a list property.
type propSet struct {
	order    []string
	byName   map[string]*prop
	required map[string]bool
}

// prop is one property: its schema, its meta config, and what was read from
// them.
type prop struct {
	name       string
	schema     map[string]any
	meta       map[string]any
	schemaType string
	inputType  string
	unique     bool
	titlePart  bool
	multiple   bool
	options    []string
	// relationType restricts a datasource to one type; "" allows any.
	relationType string
	blockTypes   []string
	// items describes the sub-objects of an "object" (list) property.
	items *propSet
}

type slugRule struct{ source, target string }

const abstractRef = "#/components/schemas/AbstractContentTypeSchemaDefinition"
const dataSourceRef = "#/components/schemas/DataSource"

var (
	typeNameRe = regexp.MustCompile(`^[_a-z]+$`)
	propNameRe = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)
)

// reservedProps cannot be property names (Flotiq §1.2).
var reservedProps = map[string]bool{
	"id": true, "_id": true, "_index": true, "_type": true, "_source": true, "_score": true,
	"_routing": true, "_version": true, "_shards": true, "objectType": true, "internal": true,
}

var schemaTypes = []string{"array", "boolean", "integer", "null", "number", "object", "string"}

// inputTypes maps each Flotiq inputType to the schema types it may sit on.
// An empty list means any.
var inputTypes = map[string][]string{
	"text":         {"string"},
	"textarea":     {"string"},
	"textMarkdown": {"string"},
	"markdown":     {"string"},
	"richtext":     {"string"},
	"email":        {"string"},
	"radio":        {"string"},
	"dateTime":     {"string"},
	"number":       {"number", "integer"},
	"checkbox":     {"boolean"},
	"select":       {"string", "array"},
	"datasource":   {"array"},
	"object":       {"array"},
	"simpleList":   {"array"},
	"geo":          {"object"},
	"block":        {"object"},
	"custom":       nil,
}

func inputTypeNames() string {
	names := make([]string, 0, len(inputTypes))
	for k := range inputTypes {
		names = append(names, k)
	}
	sort.Strings(names)
	return enumList(names)
}

func enumList(vals []string) string {
	b, _ := json.Marshal(vals)
	return "Does not have a value in the enumeration " + string(b)
}

// serverKeys are owned by the server and dropped from input definitions.
var serverKeys = []string{"id", "internal", "createdAt", "updatedAt", "deletedAt"}

// parseType checks def against Flotiq's CTD rules (§1.2–1.6) and compiles
// its object schema. Internal types skip the rules a built-in definition may
// legitimately bend (Flotiq's own _webhooks keeps if/then/else inside
// properties), but must still parse and compile.
func parseType(def map[string]any, internal bool) (*typeDef, errs.Fields) {
	f := errs.Fields{}
	if jsonlimit.TooDeep(def) {
		f.Add("body", "is nested deeper than %d levels; Hookline accepts at most %d", jsonlimit.MaxDepth, jsonlimit.MaxDepth)
		return &typeDef{internal: internal}, f // no schema: refused
	}
	def = withoutNullTypes(def)
	raw := cloneMap(def)
	for _, k := range serverKeys {
		delete(raw, k)
	}
	td := &typeDef{internal: internal, raw: raw}

	name, isStr := def["name"].(string)
	switch {
	case def["name"] == nil:
		f.Add("name", "The property name is required")
	case !isStr:
		f.Add("name", "String value found, but a string is required")
	case name == "":
		f.Add("name", "Must be at least 1 characters long")
	case !typeNameRe.MatchString(name):
		f.Add("name", "This value is not valid.")
	case !internal && strings.HasPrefix(name, "_"):
		// Leading "_" marks system types; keep that namespace for them.
		f.Add("name", "This value is not valid.")
	}
	td.name = name
	if v, ok := def["draftPublic"]; ok && v != nil {
		if _, isBool := v.(bool); !isBool {
			f.Add("draftPublic", "%s", typeMessage(v, "boolean"))
		}
	}

	switch label, ok := def["label"].(string); {
	case def["label"] == nil:
		f.Add("label", "The property label is required")
	case !ok:
		f.Add("label", "%s", typeMessage(def["label"], "string"))
	case label == "":
		f.Add("label", "Must be at least 1 characters long")
	}

	sd, sdOK := def["schemaDefinition"].(map[string]any)
	md, mdOK := def["metaDefinition"].(map[string]any)
	if !sdOK {
		f.Add("schemaDefinition", "The property schemaDefinition is required")
	}
	if !mdOK {
		f.Add("metaDefinition", "The property metaDefinition is required")
	}
	if !sdOK || !mdOK {
		return td, f
	}

	if sd["type"] != "object" {
		f.Add("schemaDefinition.type", `Must be "object"`)
	}
	if sd["additionalProperties"] != false {
		f.Add("schemaDefinition.additionalProperties", "Must be false")
	}
	allOf, _ := sd["allOf"].([]any)
	if len(allOf) != 2 {
		f.Add("schemaDefinition.allOf", "The allOf must contain exactly 2 elements: the $ref to AbstractContentTypeSchemaDefinition and an object with the properties list. See https://flotiq.com/docs/API/content-type/creating-ctd/")
		return td, f
	}
	if first, _ := allOf[0].(map[string]any); first == nil || first["$ref"] != abstractRef {
		f.Add("schemaDefinition.allOf.0.$ref", "The first element of allOf must be {\"$ref\": \""+abstractRef+"\"}")
	}
	second, _ := allOf[1].(map[string]any)
	props, _ := second["properties"].(map[string]any)
	if props == nil {
		f.Add("schemaDefinition.allOf.1.$ref", "The second element of allOf must be an object with a properties list")
		return td, f
	}
	required := append(anyList(sd["required"]), anyList(second["required"])...)

	pc, _ := md["propertiesConfig"].(map[string]any)
	if pc == nil {
		f.Add("metaDefinition.propertiesConfig", "The property propertiesConfig is required")
		return td, f
	}
	order, orderOK := md["order"].([]any)
	if !orderOK {
		f.Add("metaDefinition.order", "The property order is required")
	}

	// Flotiq's own _webhooks keeps if/then/else inside properties; in an
	// internal type they are lifted to where JSON Schema reads them.
	var conditional map[string]any
	if internal {
		for _, k := range []string{"if", "then", "else"} {
			if v, ok := props[k]; ok && pc[k] == nil {
				if conditional == nil {
					conditional = map[string]any{}
					props = cloneMap(props)
				}
				conditional[k] = v
				delete(props, k)
			}
		}
	}

	ps := parsePropSet(f, propPaths{schema: "schemaDefinition.allOf[1].properties", props: "schemaDefinition.properties", meta: "metaDefinition.propertiesConfig", order: "metaDefinition.order"},
		props, required, pc, order, !internal)
	td.props = ps

	td.slugs = parseSlugs(f, raw, ps)
	if len(f) > 0 {
		return td, f
	}
	sch, err := compileSchema(td.name, objectSchema(ps, conditional))
	if err != nil {
		schemaCompileErrors(f, err)
		return td, f
	}
	td.schema = sch
	return td, f
}

type propPaths struct{ schema, props, meta, order string }

// parsePropSet reads a properties map and its meta config; used for a type
// and, recursively, for the items of list properties.
func parsePropSet(f errs.Fields, p propPaths, props map[string]any, required []string, pc map[string]any, order []any, strict bool) *propSet {
	ps := &propSet{byName: map[string]*prop{}, required: map[string]bool{}}
	if len(props) == 0 {
		f.Add(p.props, "You must specify at least one schema property")
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !propNameRe.MatchString(n) {
			f.Add(p.props, "Invalid value. Only a-z, A-Z, 0-9 and _ are allowed")
			continue
		}
		if reservedProps[n] {
			f.Add(p.props, "Property name %s not allowed", n)
			continue
		}
		sp := p.schema + "." + n
		schema, ok := props[n].(map[string]any)
		if !ok {
			f.Add(sp, "Must be an object (a JSON schema)")
			continue
		}
		pr := &prop{name: n, schema: schema}
		switch t := schema["type"].(type) {
		case string:
			if !slices.Contains(schemaTypes, t) {
				f.Add(sp+".type", "%s", enumList(schemaTypes))
			}
			pr.schemaType = t
		case nil:
			if strict {
				f.Add(sp+".type", "The property type is required")
			}
		default:
			f.Add(sp+".type", "%s", typeMessage(t, "string"))
		}
		meta, _ := pc[n].(map[string]any)
		if meta == nil {
			if strict || pc[n] != nil {
				f.Add(p.meta, "Property name %s not existing in meta definition", n)
			}
			meta = map[string]any{}
		}
		pr.meta = meta
		parseMeta(f, p.meta+"."+n, sp, pr, strict)
		ps.byName[n] = pr
	}
	for n := range pc {
		if _, ok := props[n]; !ok {
			f.Add(p.meta, "Property name %s not existing in schema definition", n)
		}
	}
	seen := map[string]bool{}
	for _, o := range order {
		n, _ := o.(string)
		switch {
		case seen[n]:
			f.Add(p.order, "Property name %s is repeated in the order", n)
		case props[n] == nil:
			f.Add(p.order, "Property name %s not existing in schema definition", n)
		default:
			ps.order = append(ps.order, n)
		}
		seen[n] = true
	}
	for _, n := range names {
		if !seen[n] {
			if strict {
				f.Add(p.order, "Property name %s not existing in the order", n)
			}
			if ps.byName[n] != nil {
				ps.order = append(ps.order, n)
			}
		}
	}
	for _, r := range required {
		if _, ok := props[r]; !ok {
			f.Add(p.schema, "Required property %s is not defined", r)
			continue
		}
		ps.required[r] = true
	}
	return ps
}

// parseMeta reads one property's meta config and checks it against the
// property's schema.
func parseMeta(f errs.Fields, mp, sp string, pr *prop, strict bool) {
	meta := pr.meta
	if l, ok := meta["label"].(string); strict && (!ok || l == "") {
		f.Add(mp+".label", "The property label is required")
	}
	it, _ := meta["inputType"].(string)
	allowed, known := inputTypes[it]
	if !known {
		if strict || meta["inputType"] != nil {
			f.Add(mp+".inputType", "%s", inputTypeNames())
		}
		it = ""
	} else if len(allowed) > 0 && pr.schemaType != "" && !slices.Contains(allowed, pr.schemaType) {
		f.Add(mp, "Wrong meta type for type of %s", pr.name)
	}
	pr.inputType = it
	pr.unique, _ = meta["unique"].(bool)
	pr.titlePart, _ = meta["isTitlePart"].(bool)
	if pr.unique && (it == "radio" || it == "checkbox") {
		f.Add(mp+".unique", "Radio and checkbox properties cannot be unique")
	}
	pr.options = optionValues(meta)
	pr.multiple, _ = meta["multiple"].(bool)
	if it == "select" && pr.schemaType == "array" {
		pr.multiple = true
	}
	pr.blockTypes = anyList(meta["blockEditorTypes"])
	switch it {
	case "datasource":
		v, _ := meta["validation"].(map[string]any)
		rt, ok := v["relationContenttype"].(string)
		if !ok {
			// "" is accepted and means any type: flotiq-cli blanks it to
			// break relation constraints while importing.
			f.Add(mp, "You have to specify type of relation for %s", pr.name)
		}
		pr.relationType = rt
		if items, _ := pr.schema["items"].(map[string]any); strict && (items == nil || items["$ref"] != dataSourceRef) {
			f.Add(sp+".items", `Relation items must be {"$ref": "%s"}`, dataSourceRef)
		}
		if m, ok := v["relationMultiple"].(bool); ok {
			pr.multiple = m
		} else {
			pr.multiple = true
		}
	case "object":
		items, _ := pr.schema["items"].(map[string]any)
		sub, _ := items["properties"].(map[string]any)
		if items == nil || sub == nil {
			f.Add(sp+".items", "A list property needs items with properties")
			return
		}
		mi, _ := meta["items"].(map[string]any)
		mpc, _ := mi["propertiesConfig"].(map[string]any)
		morder, _ := mi["order"].([]any)
		if mpc == nil && strict {
			f.Add(mp+".items", "A list property needs items with propertiesConfig and order")
			return
		}
		pr.items = parsePropSet(f, propPaths{schema: sp + ".items.properties", props: sp + ".items.properties", meta: mp + ".items.propertiesConfig", order: mp + ".items.order"},
			sub, anyList(items["required"]), mpc, morder, strict)
	}
}

// optionValues collects the allowed values of a select or radio: plain
// strings in options, or {value,label} pairs in options or
// optionsWithLabels.
func optionValues(meta map[string]any) []string {
	var out []string
	for _, key := range []string{"options", "optionsWithLabels"} {
		list, _ := meta[key].([]any)
		for _, o := range list {
			switch v := o.(type) {
			case string:
				out = append(out, v)
			case map[string]any:
				if s, ok := v["value"].(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func parseSlugs(f errs.Fields, raw map[string]any, ps *propSet) []slugRule {
	list, ok := raw["slugs"].([]any)
	if !ok {
		return nil
	}
	var rules []slugRule
	kept := []any{}
	for i, s := range list {
		m, _ := s.(map[string]any)
		src, _ := m["source"].(string)
		tgt, _ := m["target"].(string)
		active, _ := m["active"].(bool)
		missing := src == "" || tgt == "" || ps.byName[src] == nil || ps.byName[tgt] == nil
		if !active {
			// An inactive rule with missing fields is dropped silently (§1.7).
			if !missing {
				kept = append(kept, s)
			}
			continue
		}
		path := fmt.Sprintf("slugs[%d]", i)
		switch {
		case src == "":
			f.Add(path+".source", "Slug source is required.")
		case ps.byName[src] == nil:
			f.Add(path+".source", "Field %q used as slug source does not exist in the type definition.", src)
		}
		switch {
		case tgt == "":
			f.Add(path+".target", "Slug target is required.")
		case ps.byName[tgt] == nil:
			f.Add(path+".target", "Field %q used as slug target does not exist in the type definition.", tgt)
		}
		if !missing {
			rules = append(rules, slugRule{source: src, target: tgt})
		}
		kept = append(kept, s)
	}
	raw["slugs"] = kept
	return rules
}

// titleOf builds objectTitle: the string forms of the isTitlePart
// properties, in order, joined by a space. Empty when there are none.
func (td *typeDef) titleOf(props map[string]any) string {
	var parts []string
	for _, n := range td.props.order {
		p := td.props.byName[n]
		if p == nil || !p.titlePart {
			continue
		}
		if s := scalarString(props[n]); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// titleProp is the single string property objectTitle is made of, if there
// is exactly one: ordering by it can then use the title index.
func (td *typeDef) titleProp() string {
	var only string
	for _, n := range td.props.order {
		p := td.props.byName[n]
		if p != nil && p.titlePart {
			if only != "" {
				return ""
			}
			only = n
		}
	}
	if p := td.props.byName[only]; p == nil || p.schemaType != "string" {
		return ""
	}
	return only
}
