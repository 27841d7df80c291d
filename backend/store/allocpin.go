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

// pinnedBusyBytes is how much of each busy class stays mapped (measured
// with 1 MiB mappings: two of them beat one alone in three side-by-side
// pairs).
const pinnedBusyBytes = 2 << 20

// pinnedPageBytes is the same for the 8 KiB class, which holds every page
// of every connection's page cache and each b-tree's scratch page: in WAL
// mode a reader drops its whole cache when another connection has committed,
// and the ephemeral b-trees behind IN (SELECT …) and RETURNING allocate and
// free theirs in every claim and completion, so its population swings by
// megabytes many times a second. With 2 MiB pinned, a drain of 10,000
// deliveries unmapped and re-mapped 1 MiB mappings about 2,300 times
// (strace; the end-to-end and batch parts about 2,950), with 4 MiB 80 (128)
// times; 8 MiB leaves room for more readers, for about 4 MiB resident. On
// a quiet machine this cut the drain's page faults by 13 % and its rate
// moved within noise; on a loaded one, where fresh pages cost more, the
// first touch of fresh mappings was a fifth of the drain's CPU profile.
const pinnedPageBytes = 8 << 20

// pinAllocator keeps small blocks alive in the size classes of the C heap
// that SQLite (C transpiled to Go) allocates from. That heap
// (modernc.org/memory) serves each class from mappings of one fixed size
// (1 MiB up to v1.5, 64 KiB in v1.11) and unmaps a mapping as soon as its
// last block is freed. SQLite's short-lived blocks (the in-memory
// sub-journal of each savepoint, the scratch space of every b-tree page
// split, the ephemeral table behind a CHECK's IN list, statement programs)
// often are the only blocks of their class, so before this every
// transaction mapped and unmapped several mappings: an mmap, up to two
// munmaps of the alignment slack, a munmap at the end and fresh page
// faults, about a quarter of the write path's CPU in the batch profile.
// With a block pinned in a mapping, the mapping stays, and freed blocks are
// reused from it. The mapping size is measured, not assumed: with 64 KiB
// mappings a pin sized for 1 MiB ones kept one sixteenth of what it meant
// to, and the write path lost more than it had gained.
func pinAllocator() {
	pinOnce.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		page := mappingSize(tls)
		// Classes are powers of two from 16 bytes to the largest shared
		// one (a quarter of a mapping); a block of exactly 1<<log bytes
		// lands in class log. Each keeps one mapping.
		for log := 4; 1<<log <= page/4; log++ {
			libc.Xmalloc(tls, types.Size_t(1)<<log)
		}
		// The sub-journal's chunks (1 KiB plus headers: the 2 KiB class),
		// page-cache pages (8 KiB class) and their neighbours outgrow one
		// mapping in a batch's transaction, so those classes keep
		// pinnedBusyBytes of mappings: fill them, keep one block in each
		// mapping, free the rest for reuse. Freeing touches every block,
		// so this costs a few MiB of resident memory up front, which a busy
		// writer would touch anyway.
		for log := 10; log <= 13 && 1<<log <= page/4; log++ {
			busy := pinnedBusyBytes
			if log == 13 {
				busy = pinnedPageBytes
			}
			pinClass(tls, log, page, busy/page)
		}
	})
}

// pinClass fills maps mappings' worth of class log and keeps one block in
// each mapping it touched.
func pinClass(tls *libc.TLS, log, page, maps int) {
	size := types.Size_t(1) << log
	blocks := make([]uintptr, 0, maps*page>>log)
	for range maps * page >> log {
		blocks = append(blocks, libc.Xmalloc(tls, size))
	}
	seen := map[uintptr]bool{}
	for _, p := range blocks {
		base := p &^ uintptr(page-1)
		if p == 0 || !seen[base] {
			seen[base] = true
			continue
		}
		libc.Xfree(tls, p)
	}
}

// mappingSize measures the size of the heap's shared mappings. A mapping
// is carved into its class's blocks in address order, so the longest run
// of consecutive 8 KiB blocks is one mapping's capacity, less its header;
// the mapping is that rounded up to a power of two. Enough blocks are taken
// to fill two 1 MiB mappings, so one fresh mapping is always filled whole,
// and all of them are freed again.
func mappingSize(tls *libc.TLS) int {
	const log = 13
	const n = 2*(1<<20)>>log + 2
	blocks := make([]uintptr, 0, n)
	run, best := 0, 0
	for i := range n {
		p := libc.Xmalloc(tls, types.Size_t(1)<<log)
		if i > 0 && p == blocks[i-1]+1<<log {
			run++
		} else {
			run = 1
		}
		best = max(best, run)
		blocks = append(blocks, p)
	}
	for _, p := range blocks {
		libc.Xfree(tls, p)
	}
	size := 1 << 16
	for size < best<<log {
		size <<= 1
	}
	return size
}
