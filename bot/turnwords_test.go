package bot

import (
	"testing"
)

// TestTurnWordsCutsEachTextOnce: the persona's readers of one turn share
// the cut of the text they read (turn.words), and a text other than the
// last is cut anew: never the words of another text.
func TestTurnWordsCutsEachTextOnce(t *testing.T) {
	set := shippedSet(t)
	tr := &turn{set: set}
	msg := "no thanks"
	first := tr.words(msg)
	if first.Text() != msg {
		t.Fatalf("words(%q) cut %q", msg, first.Text())
	}
	if again := tr.words("no " + "thanks"); again.Text() != msg {
		t.Fatalf("words of the same text again cut %q", again.Text())
	}
	if got, want := set.Persona.DeclinesIn(tr.words(msg)), set.Persona.Declines(msg); got != want {
		t.Errorf("DeclinesIn on the turn's cut = %v, Declines says %v", got, want)
	}
	other := "ok so where is my order"
	if w := tr.words(other); w.Text() != other {
		t.Fatalf("words(%q) after %q cut %q", other, msg, w.Text())
	}
	if got, want := set.Persona.WithoutLeadFillerIn(tr.words(other)), set.Persona.WithoutLeadFiller(other); got != want {
		t.Errorf("WithoutLeadFillerIn on the turn's cut = %q, WithoutLeadFiller says %q", got, want)
	}
	if w := tr.words(""); w.Text() != "" || set.Persona.DeclinesIn(w) != set.Persona.Declines("") {
		t.Errorf("words(\"\") = %q", w.Text())
	}
}
