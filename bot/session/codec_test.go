package session

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fill sets every field reachable from v to a non-zero value that depends
// on seed, so a field the codec forgets comes back zero and differs.
func fill(t testing.TB, v reflect.Value, seed int) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.Repeat("é", seed%3) + "v" + string(rune('a'+seed%26)) + strings.Repeat("x", seed%200))
	case reflect.Int:
		v.SetInt(int64(seed) - 3)
	case reflect.Float64:
		v.SetFloat(float64(seed) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), seed+i+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 3 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(t, k, seed+i*7)
			fill(t, e, seed+i)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), seed+1)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(seed)*977, int64(seed)*1_000_003%1e9).UTC()))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), seed+i*13)
			}
		}
	default:
		t.Fatalf("fill: %s (%s) is new to the codec test: teach fill and the codec", v.Type(), v.Kind())
	}
}

func fullSession(t testing.TB, seed int) *Session {
	var s Session
	fill(t, reflect.ValueOf(&s).Elem(), seed)
	return &s
}

// roundTrip stores s as a save does (the state record and, beside it,
// the outbox record) and loads it back.
func roundTrip(t *testing.T, s *Session) *Session {
	t.Helper()
	raw := encodeSession(nil, s, nil)
	ob := appendOutboxRecord(nil, s.Outbox, raw)
	got, _, err := loadSession(s.ID, string(raw), string(ob))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return got
}

// TestCodecKeepsEveryField fails when a field is added to Session (or a
// type inside it) without a line in encodeSession and decodeSession.
func TestCodecKeepsEveryField(t *testing.T) {
	for seed := range 5 {
		s := fullSession(t, seed)
		if got := roundTrip(t, s); !reflect.DeepEqual(got, s) {
			t.Errorf("seed %d: round trip lost something:\n got %+v\nwant %+v", seed, got, s)
		}
	}
}

// TestCodecLikeJSON: what the record gives back is what the JSON form it
// replaces gave back (UTC times, empty collections nil, a zero score
// without its sign), so code that compared sessions before still does.
// A time in another zone comes back as the same instant in UTC (JSON kept
// the offset; nothing reads it, bot converts to its own zone to show).
func TestCodecLikeJSON(t *testing.T) {
	loc := time.FixedZone("KST", 9*3600)
	s := &Session{
		ID: "telegram:1", Channel: "telegram", Mode: ModeBot,
		Turns: []Turn{
			{Role: "customer", Text: "안녕하세요", At: time.Date(2026, 1, 2, 3, 4, 5, 6, loc)},
			{Role: "narrator", Text: "", Tips: []string{}, At: time.Unix(0, 0)},
			{Role: "bot", Score: math.Copysign(0, -1), At: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
			{Role: "agent", At: time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)},
		},
		Handoff: &Handoff{Scores: map[string]float64{}, Evidence: []string{}, Transfers: []Transfer{}},
	}
	var viaJSON Session
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &viaJSON); err != nil {
		t.Fatal(err)
	}
	got := roundTrip(t, s)
	if !got.Turns[0].At.Equal(s.Turns[0].At) || got.Turns[0].At.Location() != time.UTC {
		t.Errorf("zoned time came back as %v, want %v in UTC", got.Turns[0].At, s.Turns[0].At)
	}
	viaJSON.Turns[0].At = viaJSON.Turns[0].At.UTC()
	if !reflect.DeepEqual(got, &viaJSON) {
		t.Errorf("record gives\n%+v\nJSON gave\n%+v", got, &viaJSON)
	}
}

// TestCodecReusesUnchangedTurns: a save after an update copies the turns
// it did not change and encodes the rest, with the same bytes as encoding
// everything afresh, also when old turns were trimmed off the front or
// one was edited in place.
func TestCodecReusesUnchangedTurns(t *testing.T) {
	s := fullSession(t, 1)
	for i := range 40 {
		s.Turns = append(s.Turns, Turn{Role: "customer", Text: strings.Repeat("q", i*9), At: time.Unix(int64(i), 0)})
	}
	raw := string(encodeSession(nil, s, nil))
	for name, change := range map[string]func(*Session) int{
		"append":           func(s *Session) int { s.Turns = append(s.Turns, Turn{Role: "bot", Text: "new"}); return 0 },
		"edit last":        func(s *Session) int { s.Turns[len(s.Turns)-1].Tips = []string{"a/b"}; return 0 },
		"edit first":       func(s *Session) int { s.Turns[0].Text = "changed"; return 0 },
		"trim front":       func(s *Session) int { s.Turns = s.Turns[5:]; return 5 },
		"replace all":      func(s *Session) int { s.Turns = []Turn{{Role: "system", Text: "x"}}; return 0 },
		"fixed field only": func(s *Session) int { s.Messages++; s.Handoff = nil; return 0 },
	} {
		got, spans, err := decodeSession(s.ID, raw)
		if err != nil {
			t.Fatal(err)
		}
		prev := &previous{raw: raw, spans: spans}
		prev.first = change(got)
		reused, k := encodeSessionKept(nil, got, prev)
		fresh := encodeSession(nil, got, nil)
		if !bytes.Equal(reused, fresh) {
			t.Errorf("%s: the reusing encoder wrote other bytes than a fresh encoding", name)
		}
		// What a save sends, with the kept run copied from the stored
		// record as SessionSave does, is the whole record.
		if spliced := splice(raw, reused, k); !bytes.Equal(spliced, reused) {
			t.Errorf("%s: the record rebuilt from the kept run differs from the encoding", name)
		}
		// When no stored turn changed, only the fixed part and the new
		// turn are sent.
		if sent := len(reused) - (k.to - k.from); (name == "append" || name == "trim front" || name == "fixed field only") && sent > k.at+16 {
			t.Errorf("%s: a save sends %d of %d bytes (fixed part %d); the unchanged turns should stay in Redis", name, sent, len(reused), k.at)
		}
		back, _, err := decodeSession(s.ID, string(reused))
		back.Outbox = got.Outbox // not in the record (its own key)
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("%s: decoding the saved record = %v, changed", name, err)
		}
	}
}

// TestCodecRefusesDamage: every truncation and a sample of byte flips of a
// record fail cleanly or decode to something (never a panic or a huge
// allocation), and a damaged header is refused.
func TestCodecRefusesDamage(t *testing.T) {
	raw := encodeSession(nil, fullSession(t, 2), nil)
	for n := range len(raw) {
		if _, _, err := decodeSession("c", string(raw[:n])); err == nil {
			t.Fatalf("a record cut to %d of %d bytes decoded", n, len(raw))
		}
	}
	for i := range raw {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := bytes.Clone(raw)
			b[i] ^= x
			_, _, _ = decodeSession("c", string(b)) // must not panic
		}
	}
	for _, bad := range []string{"", "\x00", "\xb5\x02", "{\"turns\": 3}"} {
		if _, _, err := decodeSession("c", bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// FuzzDecodeSession: no input makes decodeSession panic, and whatever it
// accepts, in either form, saves to a record that decodes to the same
// session (encoding what that gives writes the same bytes again), also
// when the save copies the turns it read.
func FuzzDecodeSession(f *testing.F) {
	for seed := range 3 {
		s := fullSession(f, seed)
		f.Add(encodeSession(nil, s, nil))
		j, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(j)
	}
	f.Add(encodeSession(nil, &Session{Mode: ModeBot, Turns: []Turn{{Role: "customer", Text: "hi"}}}, nil))
	f.Add([]byte(`{"turns":[{"role":"bot","text":"x","tips":[]}],"handoff":{"scores":{"a":1}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, spans, err := decodeSession("c", string(raw))
		if err != nil {
			return
		}
		fresh := encodeSession(nil, got, nil)
		back, _, err := decodeSession("c", string(fresh))
		if err != nil {
			t.Fatalf("the record of an accepted input does not decode: %v", err)
		}
		if again := encodeSession(nil, back, nil); !bytes.Equal(again, fresh) {
			t.Fatalf("saving what was read twice gives other bytes:\n%x\n%x", fresh, again)
		}
		if spans == nil {
			return
		}
		reused, k := encodeSessionKept(nil, got, &previous{raw: string(raw), spans: spans})
		if spliced := splice(string(raw), reused, k); !bytes.Equal(spliced, reused) {
			t.Fatalf("the record rebuilt from the kept run differs:\n%x\n%x", reused, spliced)
		}
		viaReuse, _, err := decodeSession("c", string(reused))
		if err != nil {
			t.Fatalf("a save that copied stored turns does not decode: %v", err)
		}
		if again := encodeSession(nil, viaReuse, nil); !bytes.Equal(again, fresh) {
			t.Fatalf("a save that copied stored turns holds another session:\n%x\n%x", fresh, again)
		}
	})
}

// TestCodecHugeCountAllocatesLittle: a 1 MB record whose count (of turns,
// of a list's strings, of scores, of transfers, of a turn's tips) claims as
// many items as it has bytes, and then holds nothing valid, fails having
// allocated far less than the items would take (the turns alone would be
// 136 MB), not in proportion to the claim.
func TestCodecHugeCountAllocatesLittle(t *testing.T) {
	const size = 1 << 20
	// A session without handoff or turns, less its last two bytes (the
	// handoff flag and the turn count).
	head := encodeSession(nil, &Session{Channel: "telegram", ChatID: "1", Mode: ModeBot}, nil)
	head = head[:len(head)-2]
	// A handoff's fields up to its transfer count (its last two bytes are
	// that count and the reminders).
	hand := appendHandoff(nil, &Handoff{})
	hand = hand[:len(hand)-2]
	filler := bytes.Repeat([]byte{0xff}, size) // no valid length starts with ten 0xff bytes
	huge := func(prefix ...[]byte) []byte {
		b := bytes.Join(prefix, nil)
		return append(binary.AppendUvarint(b, size), filler...)
	}
	turn := huge([]byte{1, turnTips, 0}) // a customer turn without text, with tips
	cases := map[string][]byte{
		"turns":     huge(head, []byte{0}),
		"evidence":  huge(head, []byte{1, 0}),
		"scores":    huge(head, []byte{1, 0, 0}),
		"transfers": huge(head, []byte{1}, hand),
		"tips":      append(binary.AppendUvarint(append(bytes.Clone(head), 0, 1), uint64(len(turn))), turn...),
	}
	for name, raw := range cases {
		rec := string(raw)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := decodeSession("c", rec)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: a record claiming %d items it does not hold decoded", name, size)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes allocated decoding a %d-byte record", name, alloc, len(rec))
		if alloc >= 1<<20 {
			t.Errorf("%s: decoding a %d-byte record allocated %d bytes, want < 1 MB", name, len(rec), alloc)
		}
	}
}

// BenchmarkCodec: decoding and saving a session at the history cap, one
// new turn per message, as Update does.
func BenchmarkCodec(b *testing.B) {
	s := &Session{ID: "telegram:1", Channel: "telegram", ChatID: "1", Name: "Jane", Lang: "en", Mode: ModeBot}
	for i := range DefaultMaxTurns {
		s.Turns = append(s.Turns, Turn{Role: "bot", Kind: "answer", Entry: "orders/tracking", Score: 0.5,
			Text: strings.Repeat("We ship within two days. ", 8), Tips: []string{"shipping/costs"}, At: time.Unix(1_700_000_000+int64(i), 0)})
	}
	raw := string(encodeSession(nil, s, nil))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	buf := make([]byte, 0, 4096)
	for b.Loop() {
		got, spans, err := decodeSession(s.ID, raw)
		if err != nil {
			b.Fatal(err)
		}
		prev := &previous{raw: raw, spans: spans}
		got.Turns = append(got.Turns, Turn{Role: "customer", Text: "where is my order?"})
		got.Turns = got.Turns[1:]
		prev.first = 1
		buf = encodeSession(buf[:0], got, prev)
	}
}

// splice rebuilds a record as SessionSave does from what a save sends:
// the head, the kept run copied from the stored record, the tail.
func splice(stored string, record []byte, k kept) []byte {
	out := append([]byte(nil), record[:k.at]...)
	out = append(out, stored[k.from:k.to]...)
	return append(out, record[k.at+k.to-k.from:]...)
}

// TestOutboxLeavesTheRecordAtVersion1: a session with an outbox still
// encodes its state record as version 1, byte-identical to the same
// session without the outbox (binary and JSON), so a release that knows
// nothing of the outbox reads every record this one writes.
func TestOutboxLeavesTheRecordAtVersion1(t *testing.T) {
	for seed := range 5 {
		with := fullSession(t, seed)
		if with.Outbox == nil || len(with.Outbox.Replies) == 0 {
			t.Fatal("fullSession has no outbox")
		}
		without := *with
		without.Outbox = nil
		for _, format := range []Format{FormatBinary, FormatJSON} {
			st := &Store{format: format}
			a, _, err := st.encode(nil, with, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := st.encode(nil, &without, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("seed %d, %v: the record with an outbox differs from the one without", seed, format)
			}
			switch format {
			case FormatBinary:
				if a[0] != recordMagic || a[1] != 1 {
					t.Errorf("seed %d: the record starts % x, want b5 01 (version 1)", seed, a[:2])
				}
			case FormatJSON:
				if bytes.Contains(a, []byte(`"outbox"`)) {
					t.Errorf("seed %d: the JSON record holds the outbox", seed)
				}
			}
			if with.Outbox == nil {
				t.Fatal("encoding took the caller's outbox away")
			}
		}
	}
}

// v2Record is a record as the build of 2026-12-04 wrote it for s: version
// 2, the outbox after the turns.
func v2Record(s *Session) []byte {
	raw := encodeSession(nil, s, nil)
	raw[1] = recordVersionOb
	return appendOutbox(raw, s.Outbox)
}

// TestVersion2RecordStillLoads: a record that held its outbox (version 2)
// loads with it, wins over an outbox key (which that build never wrote),
// and its next save writes version 1 with the outbox beside it.
func TestVersion2RecordStillLoads(t *testing.T) {
	s := fullSession(t, 3)
	v2 := v2Record(s)
	stale := appendOutboxRecord(nil, &Outbox{Key: "older"}, v2)
	got, _, err := loadSession(s.ID, string(v2), string(stale))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("version 2 loads as\n%+v\nwant\n%+v", got, s)
	}
	saved := encodeSession(nil, got, nil)
	if saved[1] != recordVersion {
		t.Errorf("the save of a version 2 session writes version %d", saved[1])
	}
	back, _, err := loadSession(s.ID, string(saved), string(appendOutboxRecord(nil, got.Outbox, saved)))
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Errorf("after the save: %+v, %v; want %+v", back, err, s)
	}
}

// TestOutboxOfAnotherStateIsIgnored: an outbox record saved with another
// state (an older release saved the state since and left the key alone)
// loads as no outbox; a damaged one too, without failing the session.
func TestOutboxOfAnotherStateIsIgnored(t *testing.T) {
	s := fullSession(t, 4)
	s.Outbox = nil
	raw := encodeSession(nil, s, nil)
	s.Messages++
	later := encodeSession(nil, s, nil)
	ob := appendOutboxRecord(nil, &Outbox{Key: "u:1", Replies: []Reply{{Text: "hi"}}}, raw)
	if got, _, err := loadSession(s.ID, string(raw), string(ob)); err != nil || got.Outbox == nil || got.Outbox.Key != "u:1" {
		t.Fatalf("the outbox saved with this state: %+v, %v", got, err)
	}
	if got, _, err := loadSession(s.ID, string(later), string(ob)); err != nil || got.Outbox != nil {
		t.Errorf("the outbox saved with an earlier state: %+v, %v; want none", got.Outbox, err)
	}
	for n := range len(ob) {
		if _, err := decodeOutbox(string(ob[:n]), string(raw)); err == nil {
			t.Errorf("an outbox record cut to %d of %d bytes decoded", n, len(ob))
		}
		if got, _, err := loadSession(s.ID, string(raw), string(ob[:n])); err != nil || got.Outbox != nil {
			t.Errorf("cut to %d bytes: %+v, %v; want the session without an outbox", n, got, err)
		}
	}
}
