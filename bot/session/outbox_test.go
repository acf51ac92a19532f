package session_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/session"
)

func withOutbox(key string) func(*session.Session) error {
	return func(s *session.Session) error {
		s.Turns = append(s.Turns, session.Turn{Role: "customer", Text: "where is my order?"})
		s.Messages++
		s.Outbox = &session.Outbox{Key: key, Card: true, Replies: []session.Reply{
			{Text: "A person is coming 🙂", Buttons: []session.Button{{Label: "Shipping", Kind: "topic", Value: "shipping/times"}}},
		}}
		return nil
	}
}

// TestOutboxBesideTheState: in either format a saved outbox lives in its
// own key with the state's expiry (set by the same script), the state
// record is the one a release before the outbox writes (version 1, or
// JSON without it), Get and the next update see the outbox, an update
// without one deletes the key, and Delete removes it with the state.
func TestOutboxBesideTheState(t *testing.T) {
	for _, format := range []session.Format{session.FormatBinary, session.FormatJSON} {
		t.Run(format.String(), func(t *testing.T) {
			ctx := testCtx(t)
			st, db := newStore(t, session.WithFormat(format), session.WithTTL(time.Hour))
			const id = "telegram:7"
			saved, err := st.Update(ctx, id, withOutbox("u:812"))
			if err != nil {
				t.Fatal(err)
			}
			state := db.Client.Get(ctx, db.Keys.State(id)).Val()
			switch format {
			case session.FormatBinary:
				if len(state) < 2 || state[0] != 0xB5 || state[1] != 1 {
					t.Errorf("the state record starts %.2q, want version 1 (b5 01)", state)
				}
			case session.FormatJSON:
				if strings.Contains(state, `"outbox"`) {
					t.Errorf("the JSON state holds the outbox: %s", state)
				}
			}
			if db.Client.Exists(ctx, db.Keys.Outbox(id)).Val() != 1 {
				t.Fatal("no outbox key after saving an outbox")
			}
			// The same PX, set by the same script just after the state's
			// (a millisecond may tick between the two SETs): the outbox
			// goes when the state goes, not a TTL of its own later.
			se := db.Client.PExpireTime(ctx, db.Keys.State(id)).Val()
			oe := db.Client.PExpireTime(ctx, db.Keys.Outbox(id)).Val()
			if se <= 0 || oe < se || oe > se+time.Minute {
				t.Errorf("outbox expires at %v, state at %v; want the state's expiry", oe, se)
			}
			got, ok, err := st.Get(ctx, id)
			if err != nil || !ok || !reflect.DeepEqual(got, saved) || got.Outbox == nil {
				t.Errorf("Get = %+v, %v, %v; want %+v", got, ok, err, saved)
			}
			var seen *session.Outbox
			if _, err := st.Update(ctx, id, func(s *session.Session) error {
				seen, s.Outbox = s.Outbox, nil
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(seen, saved.Outbox) {
				t.Errorf("the next update read the outbox %+v, want %+v", seen, saved.Outbox)
			}
			if db.Client.Exists(ctx, db.Keys.Outbox(id)).Val() != 0 {
				t.Error("the outbox key is still there after an update without one")
			}
			if _, err := st.Update(ctx, id, withOutbox("u:813")); err != nil {
				t.Fatal(err)
			}
			if err := st.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
			if n := db.Client.Exists(ctx, db.Keys.State(id), db.Keys.Outbox(id)).Val(); n != 0 {
				t.Errorf("%d of state and outbox left after Delete", n)
			}
		})
	}
}

// TestOutboxAcrossReleases: what a release before the outbox does to a
// conversation (reads the state, saves it without touching the outbox key)
// leaves this release a session whose outbox key belongs to an earlier
// state: it is ignored, not taken for the last work's outbox. And the
// state this release saves is byte for byte what it saves without the
// outbox, which the old release reads.
func TestOutboxAcrossReleases(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	started := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	for _, id := range []string{"a", "b"} {
		if _, err := st.Update(ctx, id, func(s *session.Session) error {
			s.Started = started
			if err := withOutbox("u:1")(s); err != nil {
				return err
			}
			if id == "b" {
				s.Outbox = nil
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	a := db.Client.Get(ctx, db.Keys.State("a")).Val()
	b := db.Client.Get(ctx, db.Keys.State("b")).Val()
	if a != b {
		t.Errorf("the state saved with an outbox differs from the one without:\n%q\n%q", a, b)
	}
	// The old release answers the next message: it saves a new state
	// (here: another conversation's record, saved without an outbox) and
	// leaves the outbox key as it was.
	if _, err := st.Update(ctx, "c", addTurn("hello again")); err != nil {
		t.Fatal(err)
	}
	if err := db.Client.Set(ctx, db.Keys.State("a"), db.Client.Get(ctx, db.Keys.State("c")).Val(), time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if db.Client.Exists(ctx, db.Keys.Outbox("a")).Val() != 1 {
		t.Fatal("the outbox key is gone")
	}
	got, ok, err := st.Get(ctx, "a")
	if err != nil || !ok || got.Outbox != nil {
		t.Errorf("after an old release's save: %+v, %v, %v; want no outbox", got, ok, err)
	}
	if _, err := st.Update(ctx, "a", func(s *session.Session) error {
		if s.Outbox != nil {
			t.Errorf("the update sees the outbox %+v of an earlier state", s.Outbox)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestVersion2RecordMovesItsOutbox: a record that holds its outbox, as the
// build of 2026-12-04 wrote it (binary version 2, or JSON with "outbox"),
// loads with it; the next save writes the record as before the outbox
// (version 1, JSON without it) and the outbox to its key.
func TestVersion2RecordMovesItsOutbox(t *testing.T) {
	at := time.Date(2026, 12, 4, 17, 30, 0, 0, time.UTC)
	for _, format := range []session.Format{session.FormatBinary, session.FormatJSON} {
		t.Run(format.String(), func(t *testing.T) {
			ctx := testCtx(t)
			st, db := newStore(t, session.WithFormat(format))
			const id = "telegram:9"
			// The record without the outbox, as this release saves it.
			if _, err := st.Update(ctx, id, func(s *session.Session) error {
				s.Channel, s.ChatID, s.Started, s.LastCustomerAt = "telegram", "9", at, at
				return addTurn("hi")(s)
			}); err != nil {
				t.Fatal(err)
			}
			v1 := db.Client.Get(ctx, db.Keys.State(id)).Val()
			want := &session.Outbox{Key: "u:1", Card: true, Replies: []session.Reply{{Text: "hi"}}}
			var old string
			if format == session.FormatBinary {
				// Version 2: the version byte, then the outbox after the
				// turns (key, card flag, replies: text, button count).
				old = v1[:1] + "\x02" + v1[2:] + "\x03u:1" + "\x01" + "\x01" + "\x02hi" + "\x00"
			} else {
				var m map[string]any
				if err := json.Unmarshal([]byte(v1), &m); err != nil {
					t.Fatal(err)
				}
				m["outbox"] = want
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				old = string(b)
			}
			if err := db.Client.Set(ctx, db.Keys.State(id), old, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			got, ok, err := st.Get(ctx, id)
			if err != nil || !ok || !reflect.DeepEqual(got.Outbox, want) {
				t.Fatalf("Get of the record with its outbox = %+v, %v, %v; want outbox %+v", got, ok, err, want)
			}
			if _, err := st.Update(ctx, id, func(*session.Session) error { return nil }); err != nil {
				t.Fatal(err)
			}
			now := db.Client.Get(ctx, db.Keys.State(id)).Val()
			if format == session.FormatBinary && now != v1 {
				t.Errorf("the saved record is\n%q\nwant the version 1 record\n%q", now, v1)
			}
			if format == session.FormatJSON && strings.Contains(now, `"outbox"`) {
				t.Errorf("the saved JSON still holds the outbox: %s", now)
			}
			if again, _, err := st.Get(ctx, id); err != nil || !reflect.DeepEqual(again.Outbox, want) {
				t.Errorf("after the save the outbox is %+v, %v; want %+v (in its key)", again.Outbox, err, want)
			}
			if db.Client.Exists(ctx, db.Keys.Outbox(id)).Val() != 1 {
				t.Error("no outbox key after the save")
			}
		})
	}
}
