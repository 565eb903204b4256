package list

// ring is a growable circular buffer. len(buf) is zero or a power of two;
// the elements are buf[(head+i) & (len(buf)-1)] for i in [0, n). Slots
// outside that window hold the zero value. head and n are int32 so that a
// List's header fits a 48-byte size class (a list has far fewer than 2^31
// nodes).
type ring[T any] struct {
	buf  []T
	head int32
	n    int32
}

// minRing is the first capacity a ring gets: one slot, as most lists
// are a single node.
const minRing = 1

// len returns the number of elements.
func (r *ring[T]) len() int { return int(r.n) }

func (r *ring[T]) idx(i int) int { return (int(r.head) + i) & (len(r.buf) - 1) }

func (r *ring[T]) at(i int) T { return r.buf[r.idx(i)] }

func (r *ring[T]) set(i int, v T) { r.buf[r.idx(i)] = v }

// resize moves the elements into a buffer of capacity c (a power of two,
// at least n), starting at index 0.
func (r *ring[T]) resize(c int) {
	nb := make([]T, c)
	if r.n > 0 {
		head := int(r.head)
		end := head + int(r.n)
		if end <= len(r.buf) {
			copy(nb, r.buf[head:end])
		} else {
			k := copy(nb, r.buf[head:])
			copy(nb[k:], r.buf[:end-len(r.buf)])
		}
	}
	r.buf = nb
	r.head = 0
}

func (r *ring[T]) growIfFull() {
	if int(r.n) == len(r.buf) {
		r.resize(max(minRing, 2*len(r.buf)))
	}
}

// shrinkIfSparse halves the buffer when it is at most a quarter full, so
// a list that grew large and was popped down gives memory back.
func (r *ring[T]) shrinkIfSparse() {
	if len(r.buf) > minRing && int(r.n) <= len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
}

func (r *ring[T]) pushBack(v T) {
	r.growIfFull()
	r.buf[r.idx(int(r.n))] = v
	r.n++
}

func (r *ring[T]) pushFront(v T) {
	r.growIfFull()
	r.head = (r.head - 1) & int32(len(r.buf)-1)
	r.buf[r.head] = v
	r.n++
}

func (r *ring[T]) popFront() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero
	r.head = (r.head + 1) & int32(len(r.buf)-1)
	r.n--
	r.shrinkIfSparse()
	return v
}

func (r *ring[T]) popBack() T {
	var zero T
	i := r.idx(int(r.n) - 1)
	v := r.buf[i]
	r.buf[i] = zero
	r.n--
	r.shrinkIfSparse()
	return v
}

// insert puts v at position i (0 <= i <= n), shifting the shorter side.
func (r *ring[T]) insert(i int, v T) {
	var zero T
	if i < int(r.n)/2 {
		r.pushFront(zero)
		for j := 0; j < i; j++ {
			r.set(j, r.at(j+1))
		}
	} else {
		r.pushBack(zero)
		for j := int(r.n) - 1; j > i; j-- {
			r.set(j, r.at(j-1))
		}
	}
	r.set(i, v)
}

// remove deletes the element at position i, shifting the shorter side.
func (r *ring[T]) remove(i int) T {
	v := r.at(i)
	if i < int(r.n)/2 {
		for j := i; j > 0; j-- {
			r.set(j, r.at(j-1))
		}
		r.popFront()
	} else {
		for j := i; j < int(r.n)-1; j++ {
			r.set(j, r.at(j+1))
		}
		r.popBack()
	}
	return v
}
