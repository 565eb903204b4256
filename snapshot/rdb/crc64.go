package rdb

var crcTable = func() *[256]uint64 {
	// Reflected Jones polynomial (0xad93d23594c935a9).
	const poly = 0x95ac9329ac4bc9b5
	var t [256]uint64
	for i := range t {
		c := uint64(i)
		for k := 0; k < 8; k++ {
			if c&1 == 1 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return &t
}()

// CRC64 extends crc with b using Redis's crc64: the Jones polynomial,
// reflected, with no initial or final inversion. CRC64(0, "123456789") is
// 0xe9c6d914c4b8d9ca, the check value in Redis's crc64.c.
func CRC64(crc uint64, b []byte) uint64 {
	for _, c := range b {
		crc = crcTable[byte(crc)^c] ^ crc>>8
	}
	return crc
}
