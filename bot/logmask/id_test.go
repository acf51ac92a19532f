package logmask

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// withKey sets the package key for one test and puts the previous one back.
// Tests that use it do not run in parallel: the key is process-wide.
func withKey(t *testing.T, secret string) {
	t.Helper()
	old := key.Load()
	t.Cleanup(func() { key.Store(old) })
	SetKey(secret)
}

var wellFormed = regexp.MustCompile(`^c-[0-9a-f]{12}$`)

// The algorithm is pinned by a value computed outside Go (Python's hmac):
// replicas running different releases must name a conversation alike.
func TestPseudonymKnownValue(t *testing.T) {
	withKey(t, "test-secret")
	if got, want := Pseudonym("telegram:123456789"), "c-eafcc4e4fe80"; got != want {
		t.Errorf("Pseudonym = %q, want %q", got, want)
	}
}

func TestPseudonymStable(t *testing.T) {
	withKey(t, "replica secret")
	first := Pseudonym("telegram:42")
	if !wellFormed.MatchString(first) {
		t.Fatalf("Pseudonym = %q, want c- and 12 hex digits", first)
	}
	if again := Pseudonym("telegram:42"); again != first {
		t.Errorf("the same id gave %q, then %q", first, again)
	}
	// A restart, or another replica: the same secret set anew.
	SetKey("replica secret")
	if other := Pseudonym("telegram:42"); other != first {
		t.Errorf("the same secret set again gave %q, want %q", other, first)
	}
}

func TestPseudonymKeyed(t *testing.T) {
	withKey(t, "secret one")
	one := Pseudonym("telegram:42")
	SetKey("secret two")
	two := Pseudonym("telegram:42")
	if one == two {
		t.Errorf("two keys gave the same pseudonym %q", one)
	}
	// An empty secret keeps the key: a missing setting never swaps in a
	// guessable one.
	SetKey("")
	if got := Pseudonym("telegram:42"); got != two {
		t.Errorf("SetKey(\"\") changed the pseudonym from %q to %q", two, got)
	}
}

// Small ids, the ones an unkeyed hash would give away, get distinct
// pseudonyms.
func TestPseudonymDistinctAndOpaque(t *testing.T) {
	withKey(t, "k")
	seen := map[string]string{}
	for i := range 10000 {
		id := "telegram:" + strconv.Itoa(i)
		p := Pseudonym(id)
		if prev, ok := seen[p]; ok {
			t.Fatalf("%s and %s share pseudonym %s", prev, id, p)
		}
		seen[p] = id
	}
	if Pseudonym("telegram:7") == Pseudonym("console:7") {
		t.Error("the channel should be part of the pseudonym")
	}
	if got := Pseudonym(""); got != "" {
		t.Errorf("Pseudonym(\"\") = %q, want empty", got)
	}
}

// The default key, before SetKey, is random: pseudonyms are well formed
// and differ from those of any configured secret such as the empty label.
func TestPseudonymDefaultKeyIsNotPublic(t *testing.T) {
	p := Pseudonym("telegram:42")
	if !wellFormed.MatchString(p) {
		t.Fatalf("Pseudonym = %q", p)
	}
	withKey(t, keyLabel)
	if Pseudonym("telegram:42") == p {
		t.Error("the default key equals a key derived from a public string")
	}
}

// ConvID logs and prints as the pseudonym, in slog attributes, groups,
// fmt verbs and wrapped errors.
func TestConvIDLogsPseudonym(t *testing.T) {
	withKey(t, "log test")
	const id = "telegram:987654321"
	want := Pseudonym(id)

	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	err := fmt.Errorf("session %s: get: %w", Conv(id), errors.New("redis down"))
	log.Warn("send failed", "conv", Conv(id), "err", err)
	log.With("conv", Conv(id)).WithGroup("g").Info("in a group", slog.Any("chat", Conv(id)))
	line := fmt.Sprintf("%v %s %q", Conv(id), Conv(id), Conv(id))

	out := buf.String() + line
	if strings.Contains(out, "987654321") {
		t.Errorf("the raw id is in the output:\n%s", out)
	}
	if n := strings.Count(out, want); n != 7 {
		t.Errorf("want the pseudonym %s 7 times, got %d:\n%s", want, n, out)
	}
}
