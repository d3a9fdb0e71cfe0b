//go:build !linux

package hdf5

// AllocLarge returns a buffer of n bytes; on Linux it comes from huge
// pages outside the Go heap (see largebuf_linux.go), here from make.
func AllocLarge(n int) []byte { return make([]byte, n) }

// FreeLarge releases a buffer from AllocLarge; here the garbage collector
// does.
func FreeLarge([]byte) {}
