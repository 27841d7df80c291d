package store

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
)

// mappings lists this process's address ranges from /proc/self/maps.
func mappings(t *testing.T) [][2]uint64 {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]uint64
	for _, line := range strings.Split(string(raw), "\n") {
		lo, hi, ok := strings.Cut(strings.Fields(line + " x")[0], "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil {
			out = append(out, [2]uint64{a, b})
		}
	}
	return out
}

// After the pin, a block of any pinned class comes from a mapping that
// already existed, so SQLite's short-lived blocks no longer cost an mmap
// and a munmap each; and pinning twice changes nothing.
func TestPinnedClassesReuseTheirMapping(t *testing.T) {
	pinAllocator()
	pinAllocator()
	tls := libc.NewTLS()
	defer tls.Close()
	page := mappingSize(tls)
	if page&(page-1) != 0 || page < 1<<16 {
		t.Fatalf("measured mapping size %d is not a power of two of at least 64 KiB", page)
	}
	for log := 4; 1<<log <= page/4; log++ {
		before := mappings(t)
		p := libc.Xmalloc(tls, types.Size_t(1)<<log)
		if p == 0 {
			t.Fatalf("malloc of 2^%d failed", log)
		}
		inside := false
		for _, m := range before {
			if uint64(p) >= m[0] && uint64(p) < m[1] {
				inside = true
			}
		}
		libc.Xfree(tls, p)
		if !inside {
			t.Errorf("a block of 2^%d bytes needed a new mapping", log)
		}
	}
}
