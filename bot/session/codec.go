package session

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// The stored form of a session (the value of keys.go's State key).
//
// Why a binary record of our own rather than JSON: every customer message
// reads and rewrites its session, and the profile of the webhook benchmark
// put about a tenth of the whole process's CPU into encoding/json for it
// (reflection, validation, a string per field, RFC 3339 times), and the
// JSON of a six-message conversation took 3.2 KB of Redis. The record:
//
//	magic 0xB5, version 1
//	fixed fields (channel, chat, names, mode, counters, flags, topic, times)
//	handoff: 0, or 1 and its fields
//	turn count, then each turn as its length and its bytes
//	version 2 only (read, no longer written): the outbox
//
// Strings are a length and the bytes, integers varints, times a tag (zero,
// Unix nanoseconds, or seconds and nanoseconds outside int64 nanoseconds),
// floats their 8 IEEE bytes. Decoding copies nothing: every string of the
// decoded session points into the record read from Redis. Turns come last
// and are length-prefixed, so a save copies the bytes of every turn that
// did not change since it was read instead of encoding it again; only new
// or changed turns and the small fixed part are encoded per message.
//
// Records written before (JSON, starting with '{') still load, so a live
// conversation survives the upgrade. The conversation id is not stored: it
// is the key's.
//
// Which form a save writes is the Store's option (WithFormat; `baton serve`
// reads BATON_SESSION_FORMAT, binary by default), because a release before
// this record reads only JSON: during a rolling deploy, or after a
// rollback, an old replica would fail on every conversation a new one had
// touched. Moving without downtime takes two steps: deploy this release
// writing json, and switch to binary once every replica runs it; to roll
// back, switch to json first, then deploy the old release. A switch changes
// a session's form only when it is next saved: one idle since the switch
// to json keeps its binary record, which the old release refuses until the
// record expires.
//
// Adding a field to Session, Turn, Handoff or Transfer needs a line in
// encode and decode below: TestCodecKeepsEveryField fills every field by
// reflection and fails until both have it.
//
// The session's Outbox is not in this record but in a key of its own
// beside it (keys.go's Outbox; see outboxRecord below), written and read
// by the same scripts as the record, in the same round trips. The record
// is therefore exactly what the release before the outbox wrote (version
// 1, or its JSON), and a rolling upgrade or a rollback needs nothing
// special: an older replica reads the record and never sees the outbox
// key. For a while (2026-12-04) the record carried the outbox as version
// 2, which older releases refuse; such a record is still read, and its
// outbox moves to the key at the next save, which writes version 1.
const (
	recordMagic     = 0xB5
	recordVersion   = 1
	recordVersionOb = 2 // with the outbox after the turns: read, never written
)

// Bits of a turn's optional fields.
const (
	turnEntry = 1 << iota
	turnScore
	turnKind
	turnAgent
	turnTips
)

// Roles stored as one byte; any other role is stored as its text.
var roleCodes = [...]string{1: "customer", 2: "bot", 3: "agent", 4: "system"}

// Tags of a stored time.
const (
	timeZero = 0
	timeNano = 1 // Unix nanoseconds (years 1678-2262)
	timeSecs = 2 // Unix seconds and nanoseconds, any other instant
)

var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// errCorrupt is the cause of every decoding failure of a binary record.
var errCorrupt = errors.New("stored state is not a valid session record")

// decodeSession reads a stored session of conversation id, in either form.
// turns are the byte ranges of each turn's encoding in raw (nil for JSON),
// for encodeSession to reuse.
func decodeSession(id, raw string) (*Session, []span, error) {
	if raw != "" && raw[0] == '{' {
		var s Session
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return nil, nil, fmt.Errorf("stored state is not valid JSON: %w", err)
		}
		s.ID = id
		return &s, nil, nil
	}
	r := reader{s: raw}
	if r.byte() != recordMagic {
		return nil, nil, fmt.Errorf("%w: unknown format", errCorrupt)
	}
	version := r.byte()
	if version != recordVersion && version != recordVersionOb {
		return nil, nil, fmt.Errorf("%w: unknown format", errCorrupt)
	}
	s := &Session{ID: id}
	s.Channel = r.str()
	s.ChatID = r.str()
	s.Name = r.str()
	s.Username = r.str()
	s.Lang = r.str()
	s.Mode = Mode(r.str())
	s.Messages = r.int()
	s.Misses = r.int()
	flags := r.byte()
	s.Greeted = flags&1 != 0
	s.Nudged = flags&2 != 0
	s.AwaitingRating = flags&4 != 0
	s.Blocked = flags&8 != 0
	s.Topic = r.str()
	s.Started = r.time()
	s.LastCustomerAt = r.time()
	s.LastBotAt = r.time()
	if r.byte() == 1 {
		s.Handoff = r.handoff()
	}
	var spans []span
	if n := r.count(); n > 0 {
		// Room for the turns a message adds, so appending does not copy;
		// but no more than presizeTurns up front (see presize).
		c := presize(n, presizeTurns)
		s.Turns = make([]Turn, 0, c+4)
		spans = make([]span, 0, c)
		for i := range n {
			size := r.count()
			start := r.i
			if r.err != nil || size > len(r.s)-start {
				return nil, nil, fmt.Errorf("%w: turn %d", errCorrupt, i)
			}
			t := reader{s: r.s[:start+size], i: start}
			s.Turns = append(s.Turns, t.turn())
			if t.err != nil || t.i != start+size {
				return nil, nil, fmt.Errorf("%w: turn %d", errCorrupt, i)
			}
			spans = append(spans, span{start, start + size})
			r.i = start + size
		}
	}
	if version == recordVersionOb {
		s.Outbox = r.outbox()
	}
	if r.err != nil || r.i != len(r.s) {
		return nil, nil, errCorrupt
	}
	return s, spans, nil
}

// encode appends sess's stored form, in the Store's format, to buf.
// prev is only used by the binary form (a JSON save encodes everything).
// The kept run (see kept) is only found by the binary form.
func (s *Store) encode(buf []byte, sess *Session, prev *previous) ([]byte, kept, error) {
	if s.format != FormatJSON {
		buf, k := encodeSessionKept(buf, sess, prev)
		return buf, k, nil
	}
	// What the releases before the binary record wrote, so they read it:
	// without the outbox, which has its own key (outboxRecord). A copy,
	// because the caller's session keeps its outbox.
	noOutbox := *sess
	noOutbox.Outbox = nil
	b, err := json.Marshal(&noOutbox)
	if err != nil {
		return buf, kept{}, fmt.Errorf("encoding as JSON: %w", err)
	}
	buf = append(buf, b...)
	return buf, kept{at: len(buf)}, nil
}

// span is a turn's bytes in a stored record.
type span struct{ from, to int }

// previous is what a save may reuse of the record an update read: the
// record and its turns' spans.
type previous struct {
	raw   string
	spans []span
	first int // index in spans of what is now s.Turns[0] (turns trimmed off the front)
}

// encodeSession appends s's record to buf. A turn equal to the one read at
// the same place (prev) is copied from the stored bytes, not encoded.
func encodeSession(buf []byte, s *Session, prev *previous) []byte {
	buf, _ = encodeSessionKept(buf, s, prev)
	return buf
}

// kept is the run of turns at the front of an encoded record that are the
// stored record's bytes raw[from:to] unchanged (length prefixes included),
// at buf[at:at+to-from]; from == to when there is none. A save sends the
// record without them and Redis copies them from the stored record, so a
// message costs the bytes it changed, not the whole history.
type kept struct{ at, from, to int }

// encodeSessionKept is encodeSession that also reports the kept run.
func encodeSessionKept(buf []byte, s *Session, prev *previous) ([]byte, kept) {
	start := len(buf)
	var k kept
	buf = append(buf, recordMagic, recordVersion)
	buf = appendStr(buf, s.Channel)
	buf = appendStr(buf, s.ChatID)
	buf = appendStr(buf, s.Name)
	buf = appendStr(buf, s.Username)
	buf = appendStr(buf, s.Lang)
	buf = appendStr(buf, string(s.Mode))
	buf = appendInt(buf, s.Messages)
	buf = appendInt(buf, s.Misses)
	var flags byte
	for i, b := range []bool{s.Greeted, s.Nudged, s.AwaitingRating, s.Blocked} {
		if b {
			flags |= 1 << i
		}
	}
	buf = append(buf, flags)
	buf = appendStr(buf, s.Topic)
	buf = appendTime(buf, s.Started)
	buf = appendTime(buf, s.LastCustomerAt)
	buf = appendTime(buf, s.LastBotAt)
	if s.Handoff == nil {
		buf = append(buf, 0)
	} else {
		buf = append(buf, 1)
		buf = appendHandoff(buf, s.Handoff)
	}
	buf = appendUint(buf, uint64(len(s.Turns)))
	k.at = len(buf) - start
	run := true // every turn so far was copied, in stored order
	for i := range s.Turns {
		t := &s.Turns[i]
		if prev != nil {
			if j := prev.first + i; j < len(prev.spans) && prev.holds(j, t) {
				sp := prev.spans[j]
				before := len(buf)
				buf = appendUint(buf, uint64(sp.to-sp.from))
				if n := len(buf) - before; run && sp.from >= n && prev.raw[sp.from-n:sp.from] == string(buf[before:]) {
					// The stored length prefix is the one just written
					// (always, for records this codec wrote), so the run
					// in the stored record is contiguous with it.
					if i == 0 {
						k.from = sp.from - n
					}
					k.to = sp.to
				} else {
					run = false
				}
				buf = append(buf, prev.raw[sp.from:sp.to]...)
				continue
			}
		}
		run = false
		// The length goes first; encode after a reserved byte and move the
		// body when the length needs more (rare: turns of 128+ bytes).
		at := len(buf)
		buf = append(buf, 0)
		buf = appendTurn(buf, t)
		size := len(buf) - at - 1
		if size < 0x80 {
			buf[at] = byte(size)
			continue
		}
		var lenBuf [10]byte
		n := len(appendUint(lenBuf[:0], uint64(size)))
		buf = append(buf, lenBuf[:n-1]...) // grow by the extra length bytes
		copy(buf[at+n:], buf[at+1:at+1+size])
		copy(buf[at:], appendUint(lenBuf[:0], uint64(size)))
	}
	if k.to <= k.from {
		k = kept{at: k.at}
	}
	return buf, k
}

// The outbox's own record (the value of keys.go's Outbox key):
//
//	magic 0xB6, version 1
//	the length (varint) and CRC-32C (4 bytes, little endian) of the state
//	record it was saved with
//	the outbox (key, card flag, replies with their buttons)
//
// Always binary, whatever the Store's Format: only releases that know the
// outbox read this key, and they read this form; the JSON format exists
// for older readers of the state.
//
// The length and checksum tie the outbox to the state it was saved with.
// A release before the outbox saves the state and leaves this key as it
// was (during a rolling deploy or after a rollback), so the key may then
// hold the outbox of an earlier piece of work; on the next load it no
// longer matches the state and is ignored, as if there were none.
const (
	outboxMagic   = 0xB6
	outboxVersion = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendOutboxRecord appends the outbox record of o, saved with the state
// record state, to buf; nothing when o is nil (the key is deleted).
func appendOutboxRecord(buf []byte, o *Outbox, state []byte) []byte {
	if o == nil {
		return buf
	}
	buf = append(buf, outboxMagic, outboxVersion)
	buf = appendUint(buf, uint64(len(state)))
	buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(state, castagnoli))
	return appendOutbox(buf, o)
}

// decodeOutbox reads an outbox record saved with the state record state.
// It gives nil, and no error, when the record was saved with another state
// (see above).
func decodeOutbox(raw, state string) (*Outbox, error) {
	r := reader{s: raw}
	if r.byte() != outboxMagic || r.byte() != outboxVersion {
		return nil, fmt.Errorf("%w: outbox of unknown format", errCorrupt)
	}
	size := r.uint()
	if len(r.s)-r.i < 4 {
		return nil, fmt.Errorf("%w: outbox", errCorrupt)
	}
	sum := binary.LittleEndian.Uint32(bytesOf(r.s[r.i : r.i+4]))
	r.i += 4
	o := r.outbox()
	if r.err != nil || r.i != len(r.s) {
		return nil, fmt.Errorf("%w: outbox", errCorrupt)
	}
	if size != uint64(len(state)) || sum != crc32.Checksum(bytesOf(state), castagnoli) {
		return nil, nil
	}
	return o, nil
}

// loadSession decodes what an update or a Get read: the state record raw
// and the outbox key's value ob ("" when there is none). An outbox in the
// record itself (version 2, or JSON with one, written by the build of
// 2026-12-04 that kept it there) is newer than the key's, which that build
// never wrote, and wins. An outbox record that does not decode (damaged,
// or of a later release) counts as none: it only helps a taker resend what
// may not have gone out, and refusing the conversation over it would cost
// more than that.
func loadSession(id, raw, ob string) (*Session, []span, error) {
	sess, spans, err := decodeSession(id, raw)
	if err != nil || sess.Outbox != nil || ob == "" {
		return sess, spans, err
	}
	if o, err := decodeOutbox(ob, raw); err == nil {
		sess.Outbox = o
	}
	return sess, spans, nil
}

func appendOutbox(buf []byte, o *Outbox) []byte {
	buf = appendStr(buf, o.Key)
	// Bit 0: Card; bit 1: the At/Owed trailer follows the replies (a
	// record written before it existed has neither).
	flags := byte(outboxTrailer)
	if o.Card {
		flags |= 1
	}
	buf = append(buf, flags)
	buf = appendUint(buf, uint64(len(o.Replies)))
	for _, m := range o.Replies {
		buf = appendStr(buf, m.Text)
		buf = appendUint(buf, uint64(len(m.Buttons)))
		for _, b := range m.Buttons {
			buf = appendStr(buf, b.Label)
			buf = appendStr(buf, b.Kind)
			buf = appendStr(buf, b.Value)
		}
	}
	buf = appendTime(buf, o.At)
	buf = appendUint(buf, uint64(len(o.Owed)))
	for _, k := range o.Owed {
		buf = appendStr(buf, k)
	}
	return buf
}

// outboxTrailer flags an outbox written with its At and Owed.
const outboxTrailer = 2

func (r *reader) outbox() *Outbox {
	o := &Outbox{Key: r.str()}
	flags := r.byte()
	if flags&^(1|outboxTrailer) != 0 {
		r.fail()
	}
	o.Card = flags&1 != 0
	if n := r.count(); n > 0 {
		o.Replies = make([]Reply, 0, presize(n, presizeItems))
		for range n {
			m := Reply{Text: r.str()}
			if nb := r.count(); nb > 0 {
				m.Buttons = make([]Button, 0, presize(nb, presizeItems))
				for range nb {
					m.Buttons = append(m.Buttons, Button{Label: r.str(), Kind: r.str(), Value: r.str()})
					if r.err != nil {
						break
					}
				}
			}
			if r.err != nil {
				break
			}
			o.Replies = append(o.Replies, m)
		}
	}
	if r.err == nil && flags&outboxTrailer != 0 {
		o.At = r.time()
		if n := r.count(); n > 0 {
			o.Owed = make([]string, 0, presize(n, presizeItems))
			for range n {
				o.Owed = append(o.Owed, r.str())
				if r.err != nil {
					break
				}
			}
		}
	}
	return o
}

// holds reports whether the stored turn j encodes as t would: the update
// left it alone. It walks the stored bytes instead of keeping a copy of the
// decoded turns (an update may change a turn in place); strings decoded
// from the record are the record's bytes, so comparing them stops at the
// pointer.
func (p *previous) holds(j int, t *Turn) bool {
	sp := p.spans[j]
	r := reader{s: p.raw[:sp.to], i: sp.from}
	role := r.byte()
	switch {
	case role == 0:
		if r.str() != t.Role {
			return false
		}
	case int(role) >= len(roleCodes) || roleCodes[role] != t.Role:
		return false
	}
	opt := r.byte()
	if r.str() != t.Text ||
		(opt&turnEntry != 0) != (t.Entry != "") || (opt&turnEntry != 0 && r.str() != t.Entry) ||
		(opt&turnScore != 0) != (t.Score != 0) || (opt&turnScore != 0 && math.Float64bits(r.float()) != math.Float64bits(t.Score)) ||
		(opt&turnKind != 0) != (t.Kind != "") || (opt&turnKind != 0 && r.str() != t.Kind) ||
		(opt&turnAgent != 0) != (t.Agent != "") || (opt&turnAgent != 0 && r.str() != t.Agent) {
		return false
	}
	if opt&turnTips != 0 {
		if r.count() != len(t.Tips) {
			return false
		}
		for _, tip := range t.Tips {
			if r.str() != tip {
				return false
			}
		}
	} else if len(t.Tips) > 0 {
		return false
	}
	at := r.time()
	return r.err == nil && r.i == sp.to && at.Equal(t.At) && at.IsZero() == t.At.IsZero()
}

func appendTurn(buf []byte, t *Turn) []byte {
	role := byte(0)
	for i, r := range roleCodes {
		if i > 0 && r == t.Role {
			role = byte(i)
			break
		}
	}
	buf = append(buf, role)
	if role == 0 {
		buf = appendStr(buf, t.Role)
	}
	var opt byte
	if t.Entry != "" {
		opt |= turnEntry
	}
	if t.Score != 0 {
		opt |= turnScore
	}
	if t.Kind != "" {
		opt |= turnKind
	}
	if t.Agent != "" {
		opt |= turnAgent
	}
	if len(t.Tips) > 0 {
		opt |= turnTips
	}
	buf = append(buf, opt)
	buf = appendStr(buf, t.Text)
	if opt&turnEntry != 0 {
		buf = appendStr(buf, t.Entry)
	}
	if opt&turnScore != 0 {
		buf = appendFloat(buf, t.Score)
	}
	if opt&turnKind != 0 {
		buf = appendStr(buf, t.Kind)
	}
	if opt&turnAgent != 0 {
		buf = appendStr(buf, t.Agent)
	}
	if opt&turnTips != 0 {
		buf = appendStrs(buf, t.Tips)
	}
	return appendTime(buf, t.At)
}

func (r *reader) turn() Turn {
	var t Turn
	role := r.byte()
	switch {
	case role == 0:
		t.Role = r.str()
	case int(role) < len(roleCodes):
		t.Role = roleCodes[role]
	default:
		r.fail()
	}
	opt := r.byte()
	t.Text = r.str()
	if opt&turnEntry != 0 {
		t.Entry = r.str()
	}
	if opt&turnScore != 0 {
		t.Score = r.float()
	}
	if opt&turnKind != 0 {
		t.Kind = r.str()
	}
	if opt&turnAgent != 0 {
		t.Agent = r.str()
	}
	if opt&turnTips != 0 {
		t.Tips = r.strs()
	}
	t.At = r.time()
	return t
}

func appendHandoff(buf []byte, h *Handoff) []byte {
	buf = appendStr(buf, h.Reason)
	buf = appendStrs(buf, h.Evidence)
	buf = appendUint(buf, uint64(len(h.Scores)))
	for _, k := range slices.Sorted(maps.Keys(h.Scores)) {
		buf = appendStr(buf, k)
		buf = appendFloat(buf, h.Scores[k])
	}
	buf = appendTime(buf, h.At)
	buf = appendStr(buf, h.Agent)
	buf = appendStr(buf, h.AgentID)
	buf = appendTime(buf, h.ClaimedAt)
	buf = appendTime(buf, h.FirstReplyAt)
	buf = appendTime(buf, h.ResolvedAt)
	buf = appendStr(buf, h.Outcome)
	buf = appendInt(buf, h.Rating)
	buf = appendStr(buf, h.Comment)
	buf = appendStr(buf, h.Team)
	buf = appendUint(buf, uint64(len(h.Transfers)))
	for _, t := range h.Transfers {
		buf = appendStr(buf, t.From)
		buf = appendStr(buf, t.To)
		buf = appendStr(buf, t.Agent)
		buf = appendStr(buf, t.By)
		buf = appendTime(buf, t.At)
	}
	return appendInt(buf, h.Reminders)
}

func (r *reader) handoff() *Handoff {
	h := &Handoff{}
	h.Reason = r.str()
	h.Evidence = r.strs()
	if n := r.count(); n > 0 {
		h.Scores = make(map[string]float64, presize(n, presizeItems))
		for range n {
			k := r.str()
			f := r.float()
			if r.err != nil {
				break
			}
			h.Scores[k] = f
		}
	}
	h.At = r.time()
	h.Agent = r.str()
	h.AgentID = r.str()
	h.ClaimedAt = r.time()
	h.FirstReplyAt = r.time()
	h.ResolvedAt = r.time()
	h.Outcome = r.str()
	h.Rating = r.int()
	h.Comment = r.str()
	h.Team = r.str()
	if n := r.count(); n > 0 {
		h.Transfers = make([]Transfer, 0, presize(n, presizeItems))
		for range n {
			var t Transfer
			t.From = r.str()
			t.To = r.str()
			t.Agent = r.str()
			t.By = r.str()
			t.At = r.time()
			if r.err != nil {
				break
			}
			h.Transfers = append(h.Transfers, t)
		}
	}
	h.Reminders = r.int()
	return h
}

// ---- primitives ----

func appendUint(buf []byte, v uint64) []byte {
	for v >= 0x80 {
		buf = append(buf, byte(v)|0x80)
		v >>= 7
	}
	return append(buf, byte(v))
}

func appendInt(buf []byte, v int) []byte {
	x := int64(v)
	return appendUint(buf, uint64(x<<1)^uint64(x>>63))
}

func appendStr(buf []byte, s string) []byte {
	return append(appendUint(buf, uint64(len(s))), s...)
}

func appendStrs(buf []byte, ss []string) []byte {
	buf = appendUint(buf, uint64(len(ss)))
	for _, s := range ss {
		buf = appendStr(buf, s)
	}
	return buf
}

func appendFloat(buf []byte, f float64) []byte {
	b := math.Float64bits(f)
	return append(buf, byte(b), byte(b>>8), byte(b>>16), byte(b>>24),
		byte(b>>32), byte(b>>40), byte(b>>48), byte(b>>56))
}

func appendTime(buf []byte, t time.Time) []byte {
	switch {
	case t.IsZero():
		return append(buf, timeZero)
	case t.After(minNanoTime) && t.Before(maxNanoTime):
		return appendInt(append(buf, timeNano), int(t.UnixNano()))
	default:
		return appendUint(appendInt(append(buf, timeSecs), int(t.Unix())), uint64(t.Nanosecond()))
	}
}

// reader decodes a record held in a string; its strings are substrings of
// it (no copies). The first error sticks and every later read returns zero.
type reader struct {
	s   string
	i   int
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.i = len(r.s)
}

func (r *reader) byte() byte {
	if r.i >= len(r.s) {
		r.fail()
		return 0
	}
	b := r.s[r.i]
	r.i++
	return b
}

func (r *reader) uint() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if r.i >= len(r.s) {
			break
		}
		b := r.s[r.i]
		r.i++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v
		}
	}
	r.fail()
	return 0
}

func (r *reader) int() int {
	u := r.uint()
	return int(int64(u>>1) ^ -int64(u&1))
}

// count reads a length that must fit in what is left of the record (each
// counted item takes at least a byte). That bounds the loop, not memory:
// an item decodes to far more than its byte (a Turn is 136 bytes, a string
// header 16), so a count is never used to size an allocation beyond
// presize; slices grow as items actually decode.
func (r *reader) count() int {
	n := r.uint()
	if n > uint64(len(r.s)-r.i) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *reader) str() string {
	n := r.count()
	s := r.s[r.i : r.i+n]
	r.i += n
	return s
}

func (r *reader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]string, 0, presize(n, presizeItems))
	for range n {
		s := r.str()
		if r.err != nil {
			break
		}
		out = append(out, s)
	}
	return out
}

// How many items a count read from a record may reserve room for before
// they decode: a session's history at its default cap, and a few for the
// small lists (tips, evidence, scores, transfers). A corrupt record that
// claims a million turns costs at most this much before it fails; a real
// one with more grows its slice as it decodes.
const (
	presizeTurns = DefaultMaxTurns
	presizeItems = 8
)

func presize(n, limit int) int { return min(n, limit) }

func (r *reader) float() float64 {
	if len(r.s)-r.i < 8 {
		r.fail()
		return 0
	}
	b := r.s[r.i : r.i+8]
	r.i += 8
	return math.Float64frombits(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
}

func (r *reader) time() time.Time {
	switch r.byte() {
	case timeZero:
		return time.Time{}
	case timeNano:
		return time.Unix(0, int64(r.int())).UTC()
	case timeSecs:
		sec := int64(r.int())
		nsec := r.uint()
		if nsec >= 1e9 {
			r.fail()
			return time.Time{}
		}
		return time.Unix(sec, int64(nsec)).UTC()
	}
	r.fail()
	return time.Time{}
}

// activeTrimEvery is how often (at most) a Store's saves drop expired
// entries from the activity set.
const activeTrimEvery = time.Second

// Encoding buffers are reused: a save's record is garbage once written.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func getBuf() []byte { return (*bufPool.Get().(*[]byte))[:0] }

func putBuf(b []byte) {
	if cap(b) <= 64<<10 { // a rare huge session does not pin its buffer
		bufPool.Put(&b)
	}
}

// bytesOf views a string's bytes without copying (read only), for hashing.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
