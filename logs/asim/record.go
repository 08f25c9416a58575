package asim

import (
	"unsafe"

	"github.com/huntpack/huntpack/logs/jsonl"
)

// Record is one flattened input record (a JSON object, or a TSV line by
// its header's names) that a reader fills and a mapping function reads
// by key. It is reused from record to record: keys get a slot the first
// time they are seen in a file and values are copied into one buffer, so
// reading a record allocates nothing once the file's keys are known.
// Values returned by V and Get are views of that buffer: they are valid
// until the next Reset or ParseJSON and must not be kept (Builder.Set
// copies them).
type Record struct {
	idx   map[string]int
	byKey []int // per interned Key: its slot, or -1 (not seen yet)
	start []int
	end   []int
	gen   []uint32 // per slot: the record that set it
	cur   uint32
	arena []byte
	sc    jsonl.Scanner
	fn    jsonl.Member
}

// maxSlots bounds the distinct keys a Record remembers: a file whose
// records all have new keys (hostile, or key = value logs) makes it start
// over instead of growing without limit.
const maxSlots = 4096

// NewRecord returns an empty record.
func NewRecord() *Record {
	r := &Record{idx: map[string]int{}, cur: 1}
	r.sc.Flatten = true
	r.fn = r.member
	return r
}

// Reset starts a new record.
func (r *Record) Reset() {
	r.arena = r.arena[:0]
	if len(r.start) > maxSlots {
		clear(r.idx)
		r.start, r.end, r.gen = r.start[:0], r.end[:0], r.gen[:0]
		for i := range r.byKey {
			r.byKey[i] = -1
		}
	}
	r.cur++
	if r.cur == 0 { // wrapped: forget every slot's generation
		clear(r.gen)
		r.cur = 1
	}
}

// Slot returns the slot for key, adding it when new.
func (r *Record) Slot(key string) int {
	if i, ok := r.idx[key]; ok {
		return i
	}
	i := len(r.start)
	r.idx[key] = i
	r.start = append(r.start, 0)
	r.end = append(r.end, 0)
	r.gen = append(r.gen, 0)
	if k, ok := lookupKey(key); ok && int(k) < len(r.byKey) {
		r.byKey[k] = i
	}
	return i
}

// Key is a record key interned with InternKey: Record.VK finds its slot
// with an array index instead of a map lookup.
type Key int

// keyNames interns record keys.
var keyNames interner

// InternKey returns the Key of a record key. Call it once per key
// (package-level variables), not per record.
func InternKey(key string) Key { return Key(keyNames.intern(key)) }

func lookupKey(key string) (Key, bool) {
	k, ok := keyNames.lookup(key)
	return Key(k), ok
}

// VK is V for an interned key.
func (r *Record) VK(k Key) string {
	if int(k) >= len(r.byKey) {
		r.growKeys(k)
	}
	i := r.byKey[k]
	if i < 0 || r.gen[i] != r.cur || r.end[i] == r.start[i] {
		return ""
	}
	b := r.arena[r.start[i]:r.end[i]]
	return unsafe.String(&b[0], len(b))
}

// growKeys resolves the keys interned since the record last looked.
func (r *Record) growKeys(k Key) {
	names := keyNames.since(len(r.byKey))
	for _, name := range names {
		i, ok := r.idx[name]
		if !ok {
			i = -1
		}
		r.byKey = append(r.byKey, i)
	}
	if int(k) >= len(r.byKey) {
		panic("asim: Key not made by InternKey")
	}
}

// SetSlot sets the value of a slot in the current record.
func (r *Record) SetSlot(i int, v []byte) {
	r.start[i] = len(r.arena)
	r.arena = append(r.arena, v...)
	r.end[i] = len(r.arena)
	r.gen[i] = r.cur
}

// Set sets the value of key in the current record.
func (r *Record) Set(key string, v string) {
	i := r.Slot(key)
	r.start[i] = len(r.arena)
	r.arena = append(r.arena, v...)
	r.end[i] = len(r.arena)
	r.gen[i] = r.cur
}

// ParseJSON resets the record and fills it from one JSON object,
// flattened as ParseJSON does (nested members under dotted keys, arrays
// and objects also as JSON text; nulls absent; the last of duplicate keys
// wins).
func (r *Record) ParseJSON(line []byte) error {
	r.Reset()
	return r.sc.Object(line, r.fn)
}

func (r *Record) member(k, v []byte, kind jsonl.Kind) {
	if kind == jsonl.KNull {
		return
	}
	i, ok := r.idx[string(k)] // no allocation for a key already seen
	if !ok {
		i = r.Slot(string(k))
	}
	r.SetSlot(i, v)
}

// V returns the value of key in the current record, or "".
func (r *Record) V(key string) string {
	i, ok := r.idx[key]
	if !ok || r.gen[i] != r.cur || r.end[i] == r.start[i] {
		return ""
	}
	b := r.arena[r.start[i]:r.end[i]]
	return unsafe.String(&b[0], len(b))
}

// Has reports whether key has a (possibly empty) value.
func (r *Record) Has(key string) bool {
	i, ok := r.idx[key]
	return ok && r.gen[i] == r.cur
}

// Get returns the first non-empty value among keys.
func (r *Record) Get(keys ...string) string {
	for _, k := range keys {
		if v := r.V(k); v != "" {
			return v
		}
	}
	return ""
}
