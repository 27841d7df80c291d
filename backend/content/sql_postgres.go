package content

import (
	"encoding/json"
	"strings"

	"gorm.io/gorm"

	"hookline/backend/store"
)

// The content SQL that differs between engines. SQLite's lives where it is
// used (filters.go, list.go, objects.go); PostgreSQL's is here, where
// property values are read from data (JSON text) as jsonb. contentSQLOf
// picks by the store's dialect.
type contentSQL interface {
	// filter compiles one filter into a condition over objects.
	filter(f Filter) (sqlFragment, error)
	// orderByPath orders by the property at path (a "$.a.b" path), objects
	// without a value last unless emptyFirst, ties broken by id.
	orderByPath(path, dir string, emptyFirst bool) (string, []any)
	// unique is the condition that the property name equals v.
	unique(name string, v any) (string, []any)
}

func contentSQLOf(tx *gorm.DB) contentSQL {
	if store.DialectOf(tx).Name() == "postgres" {
		return postgresContent{}
	}
	return sqliteContent{}
}

type sqliteContent struct{}

func (sqliteContent) filter(f Filter) (sqlFragment, error) { return filterSQL(f) }

func (sqliteContent) orderByPath(path, dir string, emptyFirst bool) (string, []any) {
	empties := " ASC"
	if emptyFirst {
		empties = " DESC"
	}
	sql := "(json_extract(data, ?) IS NULL OR json_extract(data, ?) = '')" + empties + ", json_extract(data, ?)" + dir + ", id" + dir
	return sql, []any{path, path, path}
}

func (sqliteContent) unique(name string, v any) (string, []any) {
	var arg any = v
	expr := `json_extract(data, ?)`
	switch v.(type) {
	case map[string]any, []any:
		b, _ := json.Marshal(v)
		arg = string(b)
		expr = `json(json_extract(data, ?))`
	}
	return expr + ` = ?`, []any{"$." + name, arg}
}

// postgresContent compares JSON values as jsonb: a filter value is bound
// as JSON text and cast, so numbers compare as numbers, strings as strings,
// and objects and arrays structurally. Text operators (contains and the
// like) match the value's text, ignoring case as SQLite's LIKE does.
type postgresContent struct{}

// pgJSONNull is what a JSON null looks like as jsonb.
const pgJSONNull = `'null'::jsonb`

func pgPath(path string) string { return store.PostgresPath(path) }

func jsonArg(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// pgBuilder assembles a condition and its arguments in text order.
type pgBuilder struct {
	b    strings.Builder
	args []any
}

func (p *pgBuilder) s(sql string) *pgBuilder { p.b.WriteString(sql); return p }
func (p *pgBuilder) e(x pgExpr) *pgBuilder {
	p.b.WriteString(x.sql)
	p.args = append(p.args, x.args...)
	return p
}
func (p *pgBuilder) t(x pgExpr) *pgBuilder {
	return p.s("(").e(x.text()).s(")")
}
func (p *pgBuilder) v(x pgExpr, val any) *pgBuilder {
	if x.json {
		p.b.WriteString("CAST(? AS jsonb)")
		p.args = append(p.args, jsonArg(val))
	} else {
		p.b.WriteString("?")
		p.args = append(p.args, bindValue(val))
	}
	return p
}
func (p *pgBuilder) frag() sqlFragment { return sqlFragment{p.b.String(), p.args} }

// pgExpr is the value a condition looks at: a jsonb expression (a property)
// or a column.
type pgExpr struct {
	sql  string
	args []any
	json bool
}

// text is the expression as text: a JSON string's contents, other JSON as
// its text; a column cast to text, compared byte-wise.
func (x pgExpr) text() pgExpr {
	if x.json {
		return pgExpr{sql: "(" + x.sql + ") #>> '{}'", args: x.args}
	}
	return pgExpr{sql: "CAST(" + x.sql + ` AS text) COLLATE "C"`, args: x.args}
}

func (postgresContent) filter(f Filter) (sqlFragment, error) {
	if f.Field == "id" {
		return pgScalar(pgExpr{sql: "id"}, f)
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
		return pgScalar(pgExpr{sql: c.col}, f)
	}
	prefix, suffix, each := strings.Cut(f.Field, "[*]")
	if !each {
		if f.Type != "overlaps" && f.Type != "includes" {
			return pgScalar(pgExpr{sql: "CAST(data AS jsonb) #> CAST(? AS text[])", args: []any{pgPath("$." + f.Field)}, json: true}, f)
		}
		prefix, suffix = f.Field, ""
	}
	// Element-wise, as SQLite's json_each: the elements of an array, or
	// a scalar as its own one element; nothing for a missing value.
	arr := pgExpr{sql: "CAST(data AS jsonb) #> CAST(? AS text[])", args: []any{pgPath("$." + prefix)}, json: true}
	elem := pgExpr{sql: "je.value", json: true}
	if suffix != "" {
		elem = pgExpr{sql: "je.value #> CAST(? AS text[])", args: []any{pgPath("$" + suffix)}, json: true}
	}
	exists := func(neg bool, inner sqlFragment) sqlFragment {
		var p pgBuilder
		if neg {
			p.s("NOT ")
		}
		p.s("EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN ").e(arr).s(" IS NULL THEN '[]'::jsonb WHEN jsonb_typeof(").
			e(arr).s(") = 'array' THEN ").e(arr).s(" ELSE jsonb_build_array(").e(arr).s(") END) AS je(value) WHERE ")
		p.s(inner.sql)
		p.args = append(p.args, inner.args...)
		return p.s(")").frag()
	}
	present := func() sqlFragment {
		var p pgBuilder
		return p.e(elem).s(" IS NOT NULL AND ").e(elem).s(" <> " + pgJSONNull + " AND ").e(elem).s(` <> '""'::jsonb`).frag()
	}
	g := f
	switch f.Type {
	case "notEqual":
		g.Type = "equals"
		inner, err := pgScalar(elem, g)
		return exists(true, inner), err
	case "notContains":
		g.Type = "contains"
		inner, err := pgScalar(elem, g)
		return exists(true, inner), err
	case "empty":
		return exists(true, present()), nil
	case "notEmpty":
		return exists(false, present()), nil
	case "overlaps", "includes":
		g.Type = "equals"
		inner, err := pgScalar(elem, g)
		return exists(false, inner), err
	}
	inner, err := pgScalar(elem, f)
	return exists(false, inner), err
}

// pgScalar is scalarCond for PostgreSQL.
func pgScalar(x pgExpr, f Filter) (sqlFragment, error) {
	var p pgBuilder
	isNull := func() {
		p.s("(").e(x).s(" IS NULL")
		if x.json {
			p.s(" OR ").e(x).s(" = " + pgJSONNull)
		}
		p.s(")")
	}
	list := func(vals []any) {
		p.e(x).s(" IN (")
		for i, v := range vals {
			if i > 0 {
				p.s(", ")
			}
			p.v(x, v)
		}
		p.s(")")
	}
	like := func(neg bool, pre, post string) {
		if neg {
			p.s("(").t(x).s(" IS NULL OR ").t(x).s(` NOT ILIKE ? ESCAPE '\')`)
		} else {
			p.t(x).s(` ILIKE ? ESCAPE '\'`)
		}
		p.args = append(p.args, likeArg(f.Value, pre, post))
	}
	// Ordered comparisons hold between values of one JSON type only.
	compare := func(op string, v any) {
		if x.json {
			p.s("(jsonb_typeof(").e(x).s(") = jsonb_typeof(").v(x, v).s(") AND ").e(x).s(" "+op+" ").v(x, v).s(")")
			return
		}
		p.e(x).s(" "+op+" ").v(x, v)
	}
	switch f.Type {
	case "equals", "includes", "overlaps":
		if vals, ok := f.Value.([]any); ok {
			if len(vals) == 0 {
				return sqlFragment{"FALSE", nil}, nil
			}
			list(vals)
		} else if f.Value == nil {
			isNull()
		} else {
			p.e(x).s(" = ").v(x, f.Value)
		}
	case "notEqual":
		if vals, ok := f.Value.([]any); ok {
			if len(vals) == 0 {
				return sqlFragment{"TRUE", nil}, nil
			}
			p.s("(").e(x).s(" IS NULL OR NOT ")
			list(vals)
			p.s(")")
		} else if f.Value == nil {
			p.s("NOT ")
			isNull()
		} else {
			p.s("(").e(x).s(" IS NULL OR ").e(x).s(" <> ").v(x, f.Value).s(")")
		}
	case "contains":
		like(false, "%", "%")
	case "notContains":
		like(true, "%", "%")
	case "startsWith":
		like(false, "", "%")
	case "endsWith":
		like(false, "%", "")
	case "lessThan":
		compare("<", f.Value)
	case "lessThanOrEqual":
		compare("<=", f.Value)
	case "greaterThan":
		compare(">", f.Value)
	case "greaterThanOrEqual":
		compare(">=", f.Value)
	case "inRange":
		p.s("(")
		compare(">=", f.Value)
		p.s(" AND ")
		compare("<=", f.Value2)
		p.s(")")
	case "empty", "notEmpty":
		if f.Type == "notEmpty" {
			p.s("NOT ")
		}
		p.s("(").e(x).s(" IS NULL OR ")
		if x.json {
			p.e(x).s(" IN (" + pgJSONNull + `, '""'::jsonb, '[]'::jsonb))`)
		} else {
			p.t(x).s(" = '')")
		}
	default:
		return sqlFragment{}, filtersErr("Unknown filter type %q", f.Type)
	}
	return p.frag(), nil
}

// orderByPath sorts as SQLite does: numbers (numerically) before text,
// text byte-wise; objects without a value last unless emptyFirst.
func (postgresContent) orderByPath(path, dir string, emptyFirst bool) (string, []any) {
	empties := " ASC"
	if emptyFirst {
		empties = " DESC"
	}
	v := "(CAST(data AS jsonb) #> CAST(? AS text[]))"
	pa := pgPath(path)
	sql := "(" + v + " IS NULL OR " + v + " IN (" + pgJSONNull + `, '""'::jsonb))` + empties +
		", CASE WHEN jsonb_typeof(" + v + ") = 'number' THEN CAST(" + v + " #>> '{}' AS numeric) END" + dir +
		", (" + v + ` #>> '{}') COLLATE "C"` + dir + ", id" + dir
	return sql, []any{pa, pa, pa, pa, pa}
}

func (postgresContent) unique(name string, v any) (string, []any) {
	return `CAST(data AS jsonb) #> CAST(? AS text[]) = CAST(? AS jsonb)`, []any{pgPath("$." + name), jsonArg(v)}
}
