package tests

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestStringsRandomDifferential sends the same pseudo-random string and
// bitmap commands to AiKv and real Redis and compares every reply. It
// covers what hand-written scripts cannot enumerate: INCRBYFLOAT's long
// double rounding and formatting, BITFIELD/BITPOS/BITCOUNT offsets and
// LCS ranges on random data.
func TestStringsRandomDifferential(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, r := aikv.Raw(t), redis.Raw(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	keys := []string{"rk1", "rk2", "rk3"}
	for _, k := range keys {
		a.Do("SET", k, "")
		r.Do("SET", k, "")
	}
	mismatches := 0
	check := func(args ...string) {
		t.Helper()
		ga, gr := a.Do(args...).String(), r.Do(args...).String()
		if ga != gr {
			mismatches++
			t.Errorf("%q\n  aikv:  %s\n  redis: %s", args, ga, gr)
			if mismatches > 20 {
				t.FailNow()
			}
		}
	}
	randFloat := func() string {
		switch rnd.IntN(11) {
		case 8: // near the extended range's limits, including subnormals
			if rnd.IntN(2) == 0 {
				return fmt.Sprintf("%d.%de%d", rnd.IntN(10), rnd.IntN(1000), -4960+rnd.IntN(30))
			}
			return fmt.Sprintf("-%d.%de%d", rnd.IntN(10), rnd.IntN(1000), 4900+rnd.IntN(33))
		case 9:
			return fmt.Sprintf("0x%x.%xp%d", rnd.Uint64(), rnd.IntN(4096), rnd.IntN(200)-100)
		case 10:
			return fmt.Sprintf("%de-%d", rnd.Int64(), rnd.IntN(25))
		case 0:
			return strconv.Itoa(rnd.IntN(2001) - 1000)
		case 1:
			return strconv.FormatFloat(rnd.NormFloat64()*1e6, 'f', rnd.IntN(25), 64)
		case 2:
			return strconv.FormatFloat(rnd.NormFloat64(), 'e', rnd.IntN(22), 64)
		case 3:
			return fmt.Sprintf("%de%d", rnd.IntN(2000)-1000, rnd.IntN(80)-40)
		case 4:
			return fmt.Sprintf("0.%0*d", rnd.IntN(30)+1, rnd.IntN(1000))
		case 5:
			return strconv.FormatFloat(rnd.Float64(), 'f', -1, 64)
		case 6:
			return fmt.Sprintf("%d.%d", rnd.Int64(), rnd.Int64())
		default:
			return fmt.Sprintf("-%d.%de%d", rnd.IntN(100), rnd.IntN(1000), rnd.IntN(30)-15)
		}
	}
	randBytes := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			switch rnd.IntN(3) {
			case 0:
				b[i] = 0
			case 1:
				b[i] = 0xFF
			default:
				b[i] = byte(rnd.IntN(256))
			}
		}
		return string(b)
	}
	idx := func(n int) string { return strconv.Itoa(rnd.IntN(2*n+6) - n - 3) }
	for i := 0; i < 3000; i++ {
		k := keys[rnd.IntN(len(keys))]
		switch rnd.IntN(12) {
		case 0, 1:
			if rnd.IntN(10) == 0 {
				check("SET", k, randFloat())
			}
			check("INCRBYFLOAT", k, randFloat())
		case 2:
			check("SET", k, randBytes(rnd.IntN(12)))
		case 3:
			check("SETBIT", k, strconv.Itoa(rnd.IntN(120)), strconv.Itoa(rnd.IntN(2)))
		case 4:
			unit := []string{"BYTE", "BIT"}[rnd.IntN(2)]
			check("BITCOUNT", k, idx(100), idx(100), unit)
			check("BITCOUNT", k, idx(12), idx(12))
		case 5:
			bit := strconv.Itoa(rnd.IntN(2))
			switch rnd.IntN(4) {
			case 0:
				check("BITPOS", k, bit)
			case 1:
				check("BITPOS", k, bit, idx(12))
			case 2:
				check("BITPOS", k, bit, idx(12), idx(12))
			default:
				check("BITPOS", k, bit, idx(100), idx(100), []string{"BYTE", "BIT"}[rnd.IntN(2)])
			}
		case 6, 7:
			args := []string{"BITFIELD", k}
			for n := rnd.IntN(4) + 1; n > 0; n-- {
				typ := "i"
				width := rnd.IntN(64) + 1
				if rnd.IntN(2) == 0 {
					typ = "u"
					width = rnd.IntN(63) + 1
				}
				typ += strconv.Itoa(width)
				off := strconv.Itoa(rnd.IntN(100))
				if rnd.IntN(4) == 0 {
					off = "#" + strconv.Itoa(rnd.IntN(3))
				}
				val := strconv.FormatInt(rnd.Int64()>>uint(rnd.IntN(64)), 10)
				if rnd.IntN(2) == 0 {
					val = "-" + val
				}
				switch rnd.IntN(4) {
				case 0:
					args = append(args, "GET", typ, off)
				case 1:
					args = append(args, "SET", typ, off, val)
				case 2:
					args = append(args, "INCRBY", typ, off, val)
				default:
					args = append(args, "OVERFLOW", []string{"WRAP", "SAT", "FAIL"}[rnd.IntN(3)])
				}
			}
			check(args...)
		case 8:
			check("GETRANGE", k, idx(12), idx(12))
		case 9:
			check("SETRANGE", k, strconv.Itoa(rnd.IntN(15)), randBytes(rnd.IntN(4)))
		case 10:
			alpha := "ACGT"
			mk := func() string {
				b := make([]byte, rnd.IntN(20))
				for i := range b {
					b[i] = alpha[rnd.IntN(len(alpha))]
				}
				return string(b)
			}
			check("MSET", "lcsa", mk(), "lcsb", mk())
			check("LCS", "lcsa", "lcsb")
			check("LCS", "lcsa", "lcsb", "IDX", "MINMATCHLEN", strconv.Itoa(rnd.IntN(4)), "WITHMATCHLEN")
		default:
			other := keys[rnd.IntN(len(keys))]
			op := []string{"AND", "OR", "XOR"}[rnd.IntN(3)]
			check("BITOP", op, "dest", k, other)
			check("GET", "dest")
			check("BITOP", "NOT", "dest", k)
			check("GET", "dest")
		}
		check("GET", k)
	}
}
