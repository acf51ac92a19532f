package knowledge_test

import "testing"

// A number shared with one example question is no evidence of a topic:
// "5 stars" shares only "5" with "my lamp died after 5 months" (warranty),
// and used to be a confident answer (score 0.14, all of it the lead).
// Messages with a number and real words still match as before.
func TestNumberAloneIsNotConfident(t *testing.T) {
	kb := shippedSet(t).KB
	for _, q := range []string{"5 stars", "5", "4/5", "5분", "10"} {
		if m := kb.Match(t.Context(), q, 3); len(m) > 0 && (m[0].Confident || m[0].Likely) {
			t.Errorf("Match(%q) = %s (confident %v, likely %v, score %.3f), want neither: only a number is shared", q, m[0].ID, m[0].Confident, m[0].Likely, m[0].Score)
		}
	}
	for _, c := range []struct{ q, id string }{
		{"my lamp died after 5 months, can you repair it", "warranty"},
		{"how long does shipping take, 2 days?", "shipping/times"},
	} {
		m := kb.Match(t.Context(), c.q, 3)
		if len(m) == 0 || m[0].ID != c.id || !m[0].Confident {
			t.Errorf("Match(%q) = %+v, want %s confident", c.q, m, c.id)
		}
	}
}
