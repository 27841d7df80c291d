package content

// Helpers over decoded JSON values (maps, lists, scalars) shared by the
// validators, the filters and the object code.

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
)

// cloneValue deep-copies a decoded JSON value, so that stored definitions
// and objects are never aliased by callers.
func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

// anyList reads a JSON array of strings, skipping anything else.
func anyList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func toAnyList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

// jsonTypeName names a decoded JSON value the way Flotiq's messages do.
func jsonTypeName(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if t == math.Trunc(t) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// typeMessage is Flotiq's wording for a type mismatch, e.g. "String value
// found, but a number is required".
func typeMessage(got any, want string) string {
	return typeMessageNames(jsonTypeName(got), want)
}

func typeMessageNames(got, want string) string {
	g := got
	if g == "null" {
		g = "NULL"
	} else if g != "" {
		g = strings.ToUpper(g[:1]) + g[1:]
	}
	return g + " value found, but " + article(want) + " " + want + " is required"
}

func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an"
	}
	return "a"
}

// scalarString is the text form of a scalar, for titles and slugs.
func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}

// isEmpty reports whether a value counts as not given: absent, null, "" or
// an empty list.
func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	}
	return false
}
