package jsonlimit

import (
	"encoding/json"
	"strings"
	"testing"
)

func nested(n int) string { return strings.Repeat(`{"a":[`, n/2) + "1" + strings.Repeat(`]}`, n/2) }

func TestDepthLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		depth int
		deep  bool
	}{{2, false}, {64, false}, {66, true}, {2002, true}} {
		text := nested(tt.depth)
		if got := CheckBytes([]byte(text)) != nil; got != tt.deep {
			t.Errorf("CheckBytes at depth %d: too deep = %v", tt.depth, got)
		}
		var v any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			t.Fatal(err)
		}
		if got := TooDeep(v); got != tt.deep {
			t.Errorf("TooDeep at depth %d = %v", tt.depth, got)
		}
	}
	if CheckBytes([]byte(`{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}`)) != nil {
		t.Error("brackets inside a string counted")
	}
}
