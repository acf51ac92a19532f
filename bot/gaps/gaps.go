// Package gaps turns what the bot could not answer into knowledge work:
// it groups unanswered (or unsure) messages into clusters of similar
// wording, with the product's one tokenizer (bot/text), and lists what
// customers picked from the topic buttons after a miss, which is a
// phrasing an existing entry is missing. Write adds chosen phrasings to an
// entry's questions, or drafts a new entry for a cluster.
package gaps

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/text"
)

// Threshold is how similar (cosine of term vectors) a message must be to
// a cluster's first message to join it.
const Threshold = 0.5

// maxExamples is how many distinct wordings a cluster shows.
const maxExamples = 5

// Cluster is a group of similarly worded messages the bot did not answer.
type Cluster struct {
	ID       string         // stable while its first message stays in the window
	Label    string         // its most frequent wording
	Count    int            // messages in it
	Examples []string       // distinct wordings, most frequent first
	Langs    map[string]int // messages per language
	Unsure   int            // answered unsure with topics (the rest found nothing)
	Likely   int            // of them, answered with a hedge: the probable entry (Closest) and the others
	Closest  string         // the entry most often closest, if any
	Convs    []string       // conversations it came from (for the viewer), at most maxExamples
}

// Picked is an entry customers reached through the topic buttons after
// the bot did not understand them, with the words they had used.
type Picked struct {
	Entry     string
	Lang      string
	Count     int
	Phrasings []Phrasing // most frequent first
}

// Phrasing is a wording and how often customers used it.
type Phrasing struct {
	Text  string
	Lang  string
	Count int
}

type building struct {
	vec      map[string]float64
	c        *Cluster
	wordings map[string]int
	closest  map[string]int
}

// Clusters groups misses by similar wording, largest first, at most limit
// clusters (0 = all). Greedy leader clustering: each message joins the
// first cluster whose first message is similar enough. It is linear in the
// number of messages times clusters, on samples capped per day.
func Clusters(misses []stats.Miss, limit int) []Cluster {
	var bs []*building
	posting := map[string][]int{} // content term -> clusters whose first message has it
	for _, m := range misses {
		t := strings.TrimSpace(m.Text)
		if t == "" {
			continue
		}
		v := text.Vector(t)
		if len(v) == 0 {
			continue
		}
		// Only clusters sharing a content term can be similar enough: an
		// inverted index keeps this near linear in the messages.
		keys := contentTerms(v)
		seen := map[int]bool{}
		var cands []int
		for _, k := range keys {
			for _, i := range posting[k] {
				if !seen[i] {
					seen[i] = true
					cands = append(cands, i)
				}
			}
		}
		slices.Sort(cands) // the oldest cluster wins a tie, whatever the map order
		var into *building
		best := 0.0
		for _, i := range cands {
			if s := text.Cosine(v, bs[i].vec); s >= Threshold && s > best {
				into, best = bs[i], s
			}
		}
		if into == nil {
			into = &building{vec: v, c: &Cluster{ID: clusterID(t), Langs: map[string]int{}}, wordings: map[string]int{}, closest: map[string]int{}}
			for _, k := range keys {
				posting[k] = append(posting[k], len(bs))
			}
			bs = append(bs, into)
		}
		c := into.c
		c.Count++
		lang := m.Lang
		if lang == "" {
			lang = "unknown"
		}
		c.Langs[lang]++
		if m.Unsure {
			c.Unsure++
		}
		if m.Likely {
			c.Likely++
		}
		if m.Entry != "" {
			into.closest[m.Entry]++
		}
		into.wordings[t]++
		if m.Conv != "" && len(c.Convs) < maxExamples && !slices.Contains(c.Convs, m.Conv) {
			c.Convs = append(c.Convs, m.Conv)
		}
	}
	out := make([]Cluster, 0, len(bs))
	seen := map[string]int{}
	for _, b := range bs {
		c := *b.c
		if seen[c.ID]++; seen[c.ID] > 1 {
			c.ID += "-" + strconv.Itoa(seen[c.ID])
		}
		c.Examples = topKeys(b.wordings, maxExamples)
		c.Label = c.Examples[0]
		if cl := topKeys(b.closest, 1); len(cl) > 0 {
			c.Closest = cl[0]
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b Cluster) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Label, b.Label)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Picks groups topic picks after a miss by entry and language, most
// picked first.
func Picks(picks []stats.Pick, limit int) []Picked {
	type key struct{ entry, lang string }
	by := map[key]map[string]*Phrasing{}
	for _, p := range picks {
		t := strings.TrimSpace(p.Text)
		if t == "" || p.Entry == "" {
			continue
		}
		ek := key{p.Entry, p.Lang}
		if by[ek] == nil {
			by[ek] = map[string]*Phrasing{}
		}
		k := strings.ToLower(t)
		if ph := by[ek][k]; ph != nil {
			ph.Count++
			continue
		}
		by[ek][k] = &Phrasing{Text: t, Lang: p.Lang, Count: 1}
	}
	out := make([]Picked, 0, len(by))
	for ek, phs := range by {
		pk := Picked{Entry: ek.entry, Lang: ek.lang}
		for _, ph := range phs {
			pk.Count += ph.Count
			pk.Phrasings = append(pk.Phrasings, *ph)
		}
		slices.SortFunc(pk.Phrasings, func(a, b Phrasing) int {
			return cmp.Or(b.Count-a.Count, strings.Compare(a.Text, b.Text))
		})
		out = append(out, pk)
	}
	slices.SortFunc(out, func(a, b Picked) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Entry, b.Entry), strings.Compare(a.Lang, b.Lang))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// contentTerms are the terms of a vector that say what it is about (all of
// them when it has only function words).
func contentTerms(v map[string]float64) []string {
	var keys, all []string
	for t := range v {
		all = append(all, t)
		if !text.IsStopWord(t) {
			keys = append(keys, t)
		}
	}
	if len(keys) == 0 {
		return all
	}
	return keys
}

func topKeys(m map[string]int, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(m[b]-m[a], strings.Compare(a, b)) })
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

// clusterID names a cluster by its first wording's terms (short, stable).
func clusterID(s string) string {
	terms := text.Terms(s)
	var keep []string
	for _, t := range terms {
		if !text.IsStopWord(t) {
			keep = append(keep, t)
		}
		if len(keep) == 4 {
			break
		}
	}
	id := strings.Join(keep, "-")
	if id == "" {
		id = "misc"
	}
	return id
}
