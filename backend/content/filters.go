package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"hookline/backend/errs"
)

// Filter is one condition of Flotiq's filters parameter (§2.5):
// {"<field>": {"type": "<op>", "filter": <value>, "filter2": <value>}}.
type Filter struct {
	// Field is "id", "internal.<name>", or a property path such as
	// "title", "geo.lat", "list[0].name" or "categories[*].dataUrl".
	Field   string
	Type    string
	Value   any
	Value2  any
	hasVal  bool
	hasVal2 bool
}

// filterOps lists the operators; notEquals is the spelling one docs page
// uses for notEqual.
var filterOps = map[string]bool{
	"equals": true, "notEqual": true, "notEquals": true, "contains": true, "notContains": true,
	"startsWith": true, "endsWith": true, "lessThan": true, "lessThanOrEqual": true,
	"greaterThan": true, "greaterThanOrEqual": true, "inRange": true, "empty": true,
	"notEmpty": true, "overlaps": true, "includes": true,
}

// fieldRe accepts property paths with dotted keys and [n] or [*] indexes.
var fieldRe = regexp.MustCompile(`^[A-Za-z0-9_]+(?:\[(?:\*|[0-9]+)\]|\.[A-Za-z0-9_]+)*$`)

// maxFilters bounds the work one request can ask for.
const maxFilters = 50

func filtersErr(format string, args ...any) error {
	return errs.InvalidField("filters", format, args...)
}

// ParseFilters reads the filters query parameter. An empty string means no
// filters. The result is sorted by field so that the SQL built from it is
// deterministic.
func ParseFilters(raw string) ([]Filter, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil || dec.More() {
		return nil, filtersErr("Malformed filters json - Syntax error")
	}
	if len(m) > maxFilters {
		return nil, filtersErr("At most %d filters are allowed", maxFilters)
	}
	out := make([]Filter, 0, len(m))
	for field, body := range m {
		if !fieldRe.MatchString(field) || strings.Count(field, "[*]") > 1 {
			return nil, filtersErr("Invalid field name %q", field)
		}
		var spec map[string]any
		if err := json.Unmarshal(body, &spec); err != nil || spec == nil {
			return nil, filtersErr("The filter for %s must be an object with type and filter", field)
		}
		op, _ := spec["type"].(string)
		if !filterOps[op] {
			return nil, filtersErr("Unknown filter type %q for %s", spec["type"], field)
		}
		if op == "notEquals" {
			op = "notEqual"
		}
		f := Filter{Field: field, Type: op}
		f.Value, f.hasVal = spec["filter"]
		f.Value2, f.hasVal2 = spec["filter2"]
		switch op {
		case "empty", "notEmpty":
		case "inRange":
			if !f.hasVal || !f.hasVal2 {
				return nil, filtersErr("inRange on %s needs filter and filter2", field)
			}
		case "overlaps":
			if _, ok := f.Value.([]any); !ok {
				return nil, filtersErr("overlaps on %s needs an array filter", field)
			}
		case "contains", "notContains", "startsWith", "endsWith":
			if _, ok := f.Value.(string); !ok {
				f.Value = scalarString(f.Value)
				if f.Value == "" {
					return nil, filtersErr("%s on %s needs a text filter", op, field)
				}
			}
		default:
			if !f.hasVal {
				return nil, filtersErr("%s on %s needs a filter value", op, field)
			}
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, nil
}

// internalColumns maps internal.* fields to columns. Date columns need
// their filter values converted to the stored format.
var internalColumns = map[string]struct {
	col  string
	date bool
}{
	"internal.createdAt":     {"created_at", true},
	"internal.updatedAt":     {"updated_at", true},
	"internal.deletedAt":     {"deleted_at", true},
	"internal.objectTitle":   {"title", false},
	"internal.latestVersion": {"latest_version", false},
	"internal.contentType":   {"type", false},
}

// sqlFragment is a WHERE condition with its arguments.
type sqlFragment struct {
	sql  string
	args []any
}

// filterSQL compiles one filter into a condition over the objects table.
// Property values are read with json_extract; paths are bound as
// parameters, never spliced into the SQL.
func filterSQL(f Filter) (sqlFragment, error) {
	if f.Field == "id" {
		return scalarCond("id", nil, f, false)
	}
	if strings.HasPrefix(f.Field, "internal.") {
		c, ok := internalColumns[f.Field]
		if !ok {
			return sqlFragment{}, filtersErr("Unknown field %q", f.Field)
		}
		if c.date {
			var err error
			if f, err = dateFilter(f); err != nil {
				return sqlFragment{}, err
			}
		}
		return scalarCond(c.col, nil, f, false)
	}
	prefix, suffix, each := strings.Cut(f.Field, "[*]")
	if !each {
		if f.Type != "overlaps" && f.Type != "includes" {
			return scalarCond("json_extract(data, ?)", []any{"$." + f.Field}, f, true)
		}
		// Array operators look at the elements of the value.
		prefix, suffix = f.Field, ""
	}
	// Element-wise: the condition holds for some element of the array
	// (for "not" operators: for none).
	elem, elemArgs := "je.value", []any(nil)
	if suffix != "" {
		elem, elemArgs = "json_extract(je.value, ?)", []any{"$" + suffix}
	}
	from := "FROM json_each(data, ?) je WHERE "
	base := []any{"$." + prefix}
	exists := func(neg bool, inner sqlFragment) sqlFragment {
		kw := "EXISTS"
		if neg {
			kw = "NOT EXISTS"
		}
		return sqlFragment{kw + " (SELECT 1 " + from + inner.sql + ")", append(append([]any{}, base...), inner.args...)}
	}
	switch f.Type {
	case "notEqual":
		g := f
		g.Type = "equals"
		inner, err := scalarCond(elem, elemArgs, g, true)
		return exists(true, inner), err
	case "notContains":
		g := f
		g.Type = "contains"
		inner, err := scalarCond(elem, elemArgs, g, true)
		return exists(true, inner), err
	case "empty":
		inner := sqlFragment{elem + " IS NOT NULL AND " + elem + " <> ''", append(append([]any{}, elemArgs...), elemArgs...)}
		return exists(true, inner), nil
	case "notEmpty":
		inner := sqlFragment{elem + " IS NOT NULL AND " + elem + " <> ''", append(append([]any{}, elemArgs...), elemArgs...)}
		return exists(false, inner), nil
	case "overlaps":
		g := f
		g.Type = "equals"
		inner, err := scalarCond(elem, elemArgs, g, true)
		return exists(false, inner), err
	case "includes":
		g := f
		g.Type = "equals"
		inner, err := scalarCond(elem, elemArgs, g, true)
		return exists(false, inner), err
	}
	inner, err := scalarCond(elem, elemArgs, f, true)
	return exists(false, inner), err
}

// dateFilter converts date filter values to the stored text form so that
// they compare as times.
func dateFilter(f Filter) (Filter, error) {
	conv := func(v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return nil, filtersErr("%s needs a date filter", f.Field)
		}
		t, err := parseDate(s)
		if err != nil {
			return nil, filtersErr("%s: %q is not a date", f.Field, s)
		}
		return t.UTC().Format(storedTime), nil
	}
	var err error
	if f.hasVal && f.Type != "empty" && f.Type != "notEmpty" {
		if list, ok := f.Value.([]any); ok {
			out := make([]any, len(list))
			for i, v := range list {
				if out[i], err = conv(v); err != nil {
					return f, err
				}
			}
			f.Value = out
		} else if f.Value, err = conv(f.Value); err != nil {
			return f, err
		}
	}
	if f.hasVal2 {
		if f.Value2, err = conv(f.Value2); err != nil {
			return f, err
		}
	}
	return f, nil
}

// bindValue turns a decoded JSON filter value into an SQL argument. Objects
// and arrays compare as their JSON text, as json_extract returns them.
func bindValue(v any) any {
	switch v.(type) {
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return v
}

func likeArg(v any, pre, post string) string {
	s, _ := v.(string)
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return pre + r.Replace(s) + post
}

// scalarCond builds the condition for expression e (whose own arguments are
// eargs; e may appear several times: with() puts e's arguments first, so
// values may only follow the last use of e). isJSON says e may hold JSON text for
// arrays, so that "empty" also matches "[]".
func scalarCond(e string, eargs []any, f Filter, isJSON bool) (sqlFragment, error) {
	rep := func(n int) []any {
		var out []any
		for i := 0; i < n; i++ {
			out = append(out, eargs...)
		}
		return out
	}
	with := func(sql string, uses int, args ...any) sqlFragment {
		return sqlFragment{sql, append(rep(uses), args...)}
	}
	switch f.Type {
	case "equals", "includes", "overlaps":
		if list, ok := f.Value.([]any); ok {
			if len(list) == 0 {
				return sqlFragment{"FALSE", nil}, nil
			}
			args := make([]any, len(list))
			for i, v := range list {
				args[i] = bindValue(v)
			}
			return with(e+" IN ("+placeholders(len(list))+")", 1, args...), nil
		}
		if f.Value == nil {
			return with(e+" IS NULL", 1), nil
		}
		return with(e+" = ?", 1, bindValue(f.Value)), nil
	case "notEqual":
		if list, ok := f.Value.([]any); ok {
			if len(list) == 0 {
				return sqlFragment{"TRUE", nil}, nil
			}
			args := make([]any, len(list))
			for i, v := range list {
				args[i] = bindValue(v)
			}
			return with("("+e+" IS NULL OR "+e+" NOT IN ("+placeholders(len(list))+"))", 2, args...), nil
		}
		if f.Value == nil {
			return with(e+" IS NOT NULL", 1), nil
		}
		return with("("+e+" IS NULL OR "+e+" <> ?)", 2, bindValue(f.Value)), nil
	case "contains":
		return with(e+` LIKE ? ESCAPE '\'`, 1, likeArg(f.Value, "%", "%")), nil
	case "notContains":
		return with("("+e+" IS NULL OR "+e+` NOT LIKE ? ESCAPE '\')`, 2, likeArg(f.Value, "%", "%")), nil
	case "startsWith":
		return with(e+` LIKE ? ESCAPE '\'`, 1, likeArg(f.Value, "", "%")), nil
	case "endsWith":
		return with(e+` LIKE ? ESCAPE '\'`, 1, likeArg(f.Value, "%", "")), nil
	case "lessThan":
		return with(e+" < ?", 1, bindValue(f.Value)), nil
	case "lessThanOrEqual":
		return with(e+" <= ?", 1, bindValue(f.Value)), nil
	case "greaterThan":
		return with(e+" > ?", 1, bindValue(f.Value)), nil
	case "greaterThanOrEqual":
		return with(e+" >= ?", 1, bindValue(f.Value)), nil
	case "inRange":
		// Inclusive at both ends.
		args := append(append(append(append([]any{}, eargs...), bindValue(f.Value)), eargs...), bindValue(f.Value2))
		return sqlFragment{"(" + e + " >= ? AND " + e + " <= ?)", args}, nil
	case "empty", "notEmpty":
		cond := "(" + e + " IS NULL OR " + e + " = ''"
		uses := 2
		if isJSON {
			cond += " OR " + e + " = '[]'"
			uses = 3
		}
		cond += ")"
		if f.Type == "notEmpty" {
			cond = "NOT " + cond
		}
		return with(cond, uses), nil
	}
	return sqlFragment{}, filtersErr("Unknown filter type %q", f.Type)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// String renders a filter for error messages and logs.
func (f Filter) String() string { return fmt.Sprintf("%s %s %v", f.Field, f.Type, f.Value) }
