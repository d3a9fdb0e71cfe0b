package hdf5

import "math/bits"

// checksum returns HDF5's metadata checksum of b: Bob Jenkins' lookup3
// "hashlittle" with an initial value of 0, as HDF5 computes it over the
// bytes of a version-2 structure that precede the stored checksum.
func checksum(b []byte) uint32 {
	n := len(b)
	a := 0xdeadbeef + uint32(n)
	bb, c := a, a
	rot := bits.RotateLeft32
	for n > 12 {
		a += uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		bb += uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		c += uint32(b[8]) | uint32(b[9])<<8 | uint32(b[10])<<16 | uint32(b[11])<<24
		a -= c
		a ^= rot(c, 4)
		c += bb
		bb -= a
		bb ^= rot(a, 6)
		a += c
		c -= bb
		c ^= rot(bb, 8)
		bb += a
		a -= c
		a ^= rot(c, 16)
		c += bb
		bb -= a
		bb ^= rot(a, 19)
		a += c
		c -= bb
		c ^= rot(bb, 4)
		bb += a
		b = b[12:]
		n -= 12
	}
	if n == 0 {
		return c
	}
	// The last 1..12 bytes: byte i adds to a, b or c at bit 8*(i%4).
	for i := 0; i < n; i++ {
		v := uint32(b[i]) << (8 * (i % 4))
		switch i / 4 {
		case 0:
			a += v
		case 1:
			bb += v
		default:
			c += v
		}
	}
	c ^= bb
	c -= rot(bb, 14)
	a ^= c
	a -= rot(c, 11)
	bb ^= a
	bb -= rot(a, 25)
	c ^= bb
	c -= rot(bb, 16)
	a ^= c
	a -= rot(c, 4)
	bb ^= a
	bb -= rot(a, 14)
	c ^= bb
	c -= rot(bb, 24)
	return c
}
