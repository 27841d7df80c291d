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

// pinnedMaps is how many mappings the busiest classes keep (measured:
// one more than the others beat one alone in three side-by-side pairs).
const pinnedMaps = 2

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
// only the pages touched are resident), and a second one for the busiest.
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
		// The sub-journal's chunks (1 KiB plus headers: the 2 KiB class),
		// page-cache pages (8 KiB class) and their neighbours outgrow one
		// mapping in a batch's transaction, so those classes keep
		// pinnedMaps: fill them, keep one block in each, free the rest for
		// reuse. Freeing touches every block, so this costs about 3.5 MiB
		// of resident memory up front, which a busy writer would touch
		// anyway.
		for log := 10; log <= 13; log++ {
			size := types.Size_t(1) << log
			per := (1 << 20) / int(size)
			blocks := make([]uintptr, 0, pinnedMaps*per)
			for range pinnedMaps * per {
				blocks = append(blocks, libc.Xmalloc(tls, size))
			}
			seen := map[uintptr]bool{}
			for _, p := range blocks {
				base := p &^ (1<<20 - 1)
				if p == 0 || !seen[base] {
					seen[base] = true
					continue
				}
				libc.Xfree(tls, p)
			}
		}
	})
}
