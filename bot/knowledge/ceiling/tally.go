package ceiling

import "fmt"

// Tally counts what a matcher's decisions did with labelled queries:
// answered confidently, answered with a hedge (the likely tier) or
// neither, in scope and off it. The likely tier's measurements in
// bot/knowledge and bot/semantic count with it.
type Tally struct {
	InScope, Confident, ConfRight, Likely, LikelyRight int
	Off, OffConf, OffLikely                            int
}

// Count adds one query: whether the base can answer it (inScope), whether
// the top entry is its own (right), and what the decision did.
func (l *Tally) Count(inScope, right, confident, likely bool) {
	// A decision is confident or likely, never both: a list flagged both
	// is counted once, as confident (else its right answer counts twice).
	likely = likely && !confident
	if !inScope {
		l.Off++
		l.OffConf += b2i(confident)
		l.OffLikely += b2i(likely)
		return
	}
	l.InScope++
	l.Confident += b2i(confident)
	l.ConfRight += b2i(confident && right)
	l.Likely += b2i(likely)
	l.LikelyRight += b2i(likely && right)
}

// Add sums two tallies.
func (l *Tally) Add(o Tally) {
	l.InScope += o.InScope
	l.Confident += o.Confident
	l.ConfRight += o.ConfRight
	l.Likely += o.Likely
	l.LikelyRight += o.LikelyRight
	l.Off += o.Off
	l.OffConf += o.OffConf
	l.OffLikely += o.OffLikely
}

func (l Tally) String() string {
	s := fmt.Sprintf("in scope %d: confident %.3f (right %.3f of them), likely %.3f (right %.3f of them), right answers confident+likely %.3f",
		l.InScope, share(l.Confident, l.InScope), share(l.ConfRight, l.Confident), share(l.Likely, l.InScope),
		share(l.LikelyRight, l.Likely), share(l.ConfRight+l.LikelyRight, l.InScope))
	if l.Off > 0 {
		s += fmt.Sprintf("; off-topic %d: confident %.3f, likely %.3f", l.Off, share(l.OffConf, l.Off), share(l.OffLikely, l.Off))
	}
	return s
}

func share(a, b int) float64 { return float64(a) / float64(max(b, 1)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
