package store

import (
	"sync"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
)

// pinOnce guards pinAllocator: the allocator it pins is the process's one
// C heap, shared by every database the process opens, so the pin is
// process-wide too.
var pinOnce sync.Once

// pinAllocator keeps one small block alive in every size class of the C
// heap that SQLite (C transpiled to Go) allocates from. That heap
// (modernc.org/memory) serves each class from 1 MiB mappings and unmaps a
// mapping as soon as its last block is freed. SQLite's short-lived
// blocks (the in-memory sub-journal of each savepoint, the scratch space
// of every b-tree page split, the ephemeral table behind a CHECK's
// IN list, statement programs) often are the only blocks of their class,
// so before this every transaction mapped and unmapped several of them:
// an mmap, a munmap and fresh page faults, about a quarter of the write
// path's CPU in the batch profile. With one block pinned, a class's first
// mapping stays, and freed blocks are reused from it. The cost is one
// mapping per class (15 of them, 1 MiB of address space each, of which
// only the pages touched are resident).
func pinAllocator() {
	pinOnce.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		// Classes are powers of two from 16 bytes to the largest shared
		// one (a quarter of the 1 MiB mapping); a block of exactly 1<<log
		// bytes lands in class log.
		for log := 4; log <= 18; log++ {
			libc.Xmalloc(tls, types.Size_t(1)<<log)
		}
	})
}
