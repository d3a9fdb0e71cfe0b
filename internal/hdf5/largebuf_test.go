package hdf5

import (
	"runtime"
	"testing"
	"unsafe"
)

// TestAllocLarge checks that large buffers are zeroed, writable over their
// whole capacity, aligned to 2 MiB on Linux, and that freeing them (and
// freeing ordinary slices, which must be a no-op) works.
func TestAllocLarge(t *testing.T) {
	for _, n := range []int{1, 4096, 705 << 10, 2 << 20, 2<<20 + 1, 5 << 20} {
		b := AllocLarge(n)
		if len(b) != n {
			t.Fatalf("AllocLarge(%d): length %d", n, len(b))
		}
		if runtime.GOOS == "linux" {
			if cap(b)%(2<<20) != 0 || uintptr(unsafe.Pointer(&b[0]))%(2<<20) != 0 {
				t.Errorf("AllocLarge(%d): capacity %d at %p, want multiples of 2 MiB", n, cap(b), &b[0])
			}
		}
		b = b[:cap(b)]
		for i := range b {
			if b[i] != 0 {
				t.Fatalf("AllocLarge(%d): byte %d is %d", n, i, b[i])
			}
			b[i] = byte(i)
		}
		FreeLarge(b)
	}
	FreeLarge(make([]byte, 10))
	FreeLarge(nil)
}

// TestBufPool checks that pooled buffers have the length asked for, that
// a pool holding more than maxFree buffers frees the rest, and that a
// buffer replaced by a larger one is released.
func TestBufPool(t *testing.T) {
	var ps []*[]byte
	for i := 0; i < maxFree+5; i++ {
		p := getBuf(600<<10 + i)
		if len(*p) != 600<<10+i {
			t.Fatalf("getBuf: length %d", len(*p))
		}
		(*p)[len(*p)-1] = 1
		ps = append(ps, p)
	}
	for _, p := range ps {
		putBuf(p)
	}
	p := getBuf(3 << 20) // larger than any pooled buffer: replaced
	if len(*p) != 3<<20 || cap(*p) < 3<<20 {
		t.Fatalf("getBuf(3 MiB): length %d capacity %d", len(*p), cap(*p))
	}
	(*p)[3<<20-1] = 1
	putBuf(p)
}
