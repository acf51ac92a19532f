package bot

import "fmt"

// Reading is how the core read one customer message it answered: the
// text it matched (after small talk was answered apart, or with the
// question a follow-up continues) and the entries it answers from, one
// per question asked. `baton match` shows it, so what ops see is what
// serve does, not only the matcher's decision on the whole message.
type Reading struct {
	Matched string   // the text matched: the message without its small talk, or the last question and this follow-up
	Entries []string // the entries answered, in the order asked (several for a message asking several things)
	Guessed string   // the entry a guess asked about ("are you asking about …?"), not answered
	// LookAlike says why the text matched was not read as its best
	// candidate: it names another candidate's subject and none of its
	// own ("support/hours: names deliv, shipping/times's subject"); ""
	// when it was.
	LookAlike string
}

// lookAlike is one look-alike first candidate the turn's match moved.
type lookAlike struct {
	text, was, named, by string
}

// WithReadings calls fn with the core's reading of each message it sends
// to the answerer. fn runs inside the turn, under the conversation's lock:
// it must be quick and must not call the Bot.
func WithReadings(fn func(Reading)) Option { return func(b *Bot) { b.reads = fn } }

// read tells WithReadings' fn what the turn read.
func (t *turn) read(u understanding, ans Answer) {
	if t.b.reads == nil {
		return
	}
	r := Reading{Matched: u.text}
	for _, l := range t.lookAlike {
		if l.text == u.text {
			r.LookAlike = fmt.Sprintf("%s: names %q, a word of %s's subject, and nothing of its own", l.was, l.named, l.by)
		}
	}
	switch {
	case len(u.parts) >= 2 && ans.Confident:
		for _, p := range u.parts {
			r.Entries = append(r.Entries, p[0].ID)
		}
	case ans.Entry != "":
		r.Entries = []string{ans.Entry}
	case ans.Guess && len(ans.Topics) > 0:
		r.Guessed = ans.Topics[0].Entry
	}
	t.b.reads(r)
}
