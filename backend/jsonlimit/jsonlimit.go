// Package jsonlimit bounds how deeply JSON input may nest. Go decodes any
// depth, but SQLite's JSON functions stop at 1,000 levels: one stored
// object nested deeper made every filtered list of its type fail. Content
// never needs more than a few levels, so input deeper than MaxDepth is
// refused before it is decoded into services or stored.
package jsonlimit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// MaxDepth is how many arrays and objects may nest inside each other.
const MaxDepth = 64

// ErrTooDeep says the input nests deeper than MaxDepth.
var ErrTooDeep = errors.New("JSON is nested deeper than 64 levels")

// CheckBytes returns ErrTooDeep when the JSON text b nests deeper than
// MaxDepth. Malformed JSON is left for the decoder to report; CheckBytes
// walks tokens only as far as the text is well formed.
func CheckBytes(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return nil
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > MaxDepth {
				return ErrTooDeep
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// TooDeep reports whether a decoded value (maps, slices and scalars as
// encoding/json or the Wails bindings produce them) nests deeper than
// MaxDepth. It stops as soon as it knows.
func TooDeep(v any) bool { return tooDeep(v, 0) }

func tooDeep(v any, depth int) bool {
	switch x := v.(type) {
	case map[string]any:
		if depth++; depth > MaxDepth {
			return true
		}
		for _, e := range x {
			if tooDeep(e, depth) {
				return true
			}
		}
	case []any:
		if depth++; depth > MaxDepth {
			return true
		}
		for _, e := range x {
			if tooDeep(e, depth) {
				return true
			}
		}
	}
	return false
}
