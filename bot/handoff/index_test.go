package handoff

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/batonhq/baton/bot/text"
)

// The index (index.go), the scanner (doc.scan) and the loop's similarity
// (similarity.go) are fast paths. These tests hold them to slow, obvious
// references on every message of the data sets, tricky strings and fuzz:
// the first tokeniser, every phrase tried at every word, and
// text.Similarity.

var noiseRef = regexp.MustCompile(`(?i)\bhttps?://\S+|\bwww\.\S+|@[\p{L}\p{N}_]+`)

// analyseRef is the scanner written the obvious way, the reference
// doc.scan must agree with: a regular expression blanks out links and
// handles, bot/text's Words finds the words, each Latin-script word is
// tokenised afresh (no cache), and the text between words is walked rune
// by rune for sentence punctuation.
func analyseRef(s string) *doc {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = noiseRef.ReplaceAllString(s, string(objectMark))
	d := &doc{}
	clause := 0
	emitted := false  // a unit was added since the last clause break
	var korean []rune // pending Korean word
	korAt, korEnd := 0, 0
	flushKorean := func() {
		if len(korean) > 0 {
			w := s[korAt:korEnd]
			d.units = append(d.units, unit{kind: hangul, stem: w, raw: w, runes: append([]rune(nil), korean...), clause: clause})
			d.size += len(korean)
			emitted = true
			korean = korean[:0]
		}
	}
	brk := func() {
		flushKorean()
		if emitted {
			clause++
			emitted = false
		}
	}
	var last rune // the last character that is not a space
	gap := func(from, to int) {
		if from < to {
			flushKorean()
		}
		rs := []rune(s[from:to])
		next := []rune(s[to:]) // "fc.com" and "3.50" are not sentence ends
		if len(next) > 0 {
			rs = append(rs, next[0])
		}
		for i, r := range rs {
			r = widen(r)
			prev := last
			if !unicode.IsSpace(r) {
				last = r
			}
			switch {
			case r == '!':
				d.exclaims++
				if prev == '?' {
					d.qmarks++
				}
				brk()
			case r == '?':
				d.questions++
				if prev == '?' || prev == '!' {
					d.qmarks++
				}
				brk()
			case i == len([]rune(s[from:to])):
				// the first character of the next word: only looked at
			case r == '.':
				if i+1 == len(rs) || !(unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])) {
					brk()
				}
			case strings.ContainsRune(",;:\n。，、；：…", r):
				brk()
			}
		}
	}
	pos := 0
	for _, w := range text.Words(s) {
		gap(pos, w.Start)
		pos = w.End
		raw := s[w.Start:w.End]
		rs := []rune(raw)
		last = rs[len(rs)-1]
		switch w.Kind {
		case text.Hangul, text.Jamo:
			if len(korean) == 0 {
				korAt = w.Start
			}
			korean = append(korean, rs...)
			korEnd = w.End
		case text.Han:
			flushKorean()
			d.units = append(d.units, unit{kind: han, stem: w.Text, raw: w.Text, clause: clause})
			d.size++
			emitted = true
		default:
			flushKorean()
			addLatinRef(d, raw, clause)
			emitted = true
		}
	}
	gap(pos, len(s))
	flushKorean()
	return d
}

// addLatinRef adds the tokens of one Latin-script word.
func addLatinRef(d *doc, f string, clause int) {
	letters, upper := 0, 0
	for _, r := range f {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters >= 2 {
		d.words++
		if upper == letters {
			d.capsWords++
		}
	}
	raw := strings.ToLower(strings.TrimFunc(strings.Map(widen, f), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	for _, t := range text.Tokenize(f) {
		d.units = append(d.units, unit{kind: latin, stem: t.Text, raw: raw, clause: clause})
		d.size++
	}
}

// tricky are strings that once broke, or could break, the fast paths.
var tricky = []string{
	"", " ", "@shop worst service http://t.co/x", "see www.example.com/a?b=c now", "xhttp://a.b", "a.http://x",
	"HTTPS://X.Y", "httpſ://x ok", "@", "@@x", "foo@bar.com", "fc.com costs 3.50", "상담원.연결", "상담원 .연결",
	"abc.상담원", "ＡＢＣ！ｄｅｆ？ Ｈｕｍａｎ ｐｌｅａｓｅ", "Talk-to a human!", "don't DON’T dont do not", "\xff\xfe talk to a human",
	"转人工!!", "我不想转人工", "이해가안돼요", "人工智能是什么？", "cafe\u0301 café", "I'm not happy", "human…please",
	"\thttp://x\ty", "www.", "http://", "https://", "hi.@bob there", "e.g. 1.2.3", "x.y.z", "…", "。。", "ﬁne İstanbul",
	"@상담원 연결", "상담원@연결", "not bad at all", "no problem, take your time", "I don't want to talk to a human",
	"안 왔어요 최악이에요", "배송 아직도 안 왔어요", "Who do I contact in human resources?", "humna please", "talk to a reprsentative",
	"THIS IS RIDICULOUS I WANT MY MONEY BACK", "nobody answers the phone!!!", "why can't I talk to someone", "'quoted' words'",
	"a\u00a0b\u3000c", "ｗｗｗ.example.com", "@ＡＢＣ hi", "http://ok.com.", "www.x,y z",
}

var oracleFull = flag.Bool("oracle.full", false, "TestScanAgrees, TestIndexAgrees, TestSimilarityAgrees: check every message of the data sets")

// corpus is tricky plus messages of the data sets when they are there:
// every 4th (every 25th under the race detector; all with -oracle.full).
// The brute-force references are slow, and FuzzFastPaths covers the rest.
func corpus(t *testing.T) []string {
	out := append([]string(nil), tricky...)
	dir := filepath.Join("..", "..", "..", "shared", "datasets")
	if _, err := os.Stat(dir); err != nil {
		t.Logf("data sets not available (%v): tricky strings only", err)
		return out
	}
	// Only the data sets' dev lines (even, counting from 1): a failure
	// prints the message, and the odd lines are held out.
	var all []string
	for i, tw := range loadTweets(t, dir) {
		if i%2 == 1 {
			all = append(all, tw.text)
		}
	}
	for i, q := range loadBanking(t, dir) {
		if i%2 == 1 {
			all = append(all, q.text)
		}
	}
	stride := 4
	switch {
	case *oracleFull:
		stride = 1
	case raceEnabled:
		stride = 25
	}
	for i := 0; i < len(all); i += stride {
		out = append(out, all[i])
	}
	return out
}

func sameDoc(want, got *doc) string {
	if want.exclaims != got.exclaims || want.questions != got.questions || want.words != got.words ||
		want.capsWords != got.capsWords || want.size != got.size || len(want.units) != len(got.units) {
		return "counts differ"
	}
	for i := range want.units {
		a, b := want.units[i], got.units[i]
		if a.kind != b.kind || a.stem != b.stem || a.raw != b.raw || a.clause != b.clause || string(a.runes) != string(b.runes) {
			return "unit " + string(rune('0'+i%10)) + " differs: " + a.stem + " / " + b.stem
		}
	}
	return ""
}

func checkScan(t *testing.T, r *Rules, s string) {
	t.Helper()
	want := analyseRef(s)
	if diff := sameDoc(want, analyse(s)); diff != "" {
		t.Errorf("analyse(%q): %s", s, diff)
	}
	d := r.ix.analyse(s)
	defer r.ix.release(d)
	if diff := sameDoc(want, d); diff != "" {
		t.Errorf("ix.analyse(%q): %s", s, diff)
	}
}

func TestScanAgrees(t *testing.T) {
	r := rules(t)
	for _, s := range corpus(t) {
		checkScan(t, r, s)
	}
}

// lists names every phrase list of r.
func lists(r *Rules) map[string][]*phrase {
	m := map[string][]*phrase{
		"negation": r.neg.words, "explicit": r.explicit, "explicit.unless": r.explicitUnless,
		"confusion": r.confusion, "confusion.unless": r.confusionUnless, "complaint.unless": r.complaint.unless,
	}
	for _, c := range r.complaint.cues {
		m["cue "+c.name] = c.phrases
	}
	return m
}

// checkIndex compares, on s, every list's matches found through the index
// with every phrase tried at every word.
func checkIndex(t *testing.T, r *Rules, s string) {
	t.Helper()
	slow := analyse(s) // no index: the brute-force path
	fast := r.ix.analyse(s)
	defer r.ix.release(fast)
	for name, ps := range lists(r) {
		if _, ok := fast.candidates(ps); !ok && len(ps) > 0 {
			t.Fatalf("%s is not in the index", name)
		}
		for _, neg := range []*negation{nil, &r.neg} {
			a, aok := find(slow, ps, nil, neg)
			b, bok := find(fast, ps, nil, neg)
			if aok != bok || a != b {
				t.Errorf("%q, %s (negation %v): slow %v %+v, fast %v %+v", s, name, neg != nil, aok, a, bok, b)
			}
		}
		ma := append([]bool(nil), mask(slow, ps)...)
		mb := mask(fast, ps)
		if string(boolBytes(ma)) != string(boolBytes(mb)) {
			t.Errorf("%q, mask %s: slow %v, fast %v", s, name, ma, mb)
		}
		if len(ma) > 0 {
			a, aok := find(slow, r.explicit, ma, &r.neg)
			b, bok := find(fast, r.explicit, mb, &r.neg)
			if aok != bok || a != b {
				t.Errorf("%q, explicit masked by %s: slow %v %+v, fast %v %+v", s, name, aok, a, bok, b)
			}
		}
	}
	for u := range slow.units {
		if a, b := r.neg.before(slow, u), r.neg.before(fast, u); a != b {
			t.Errorf("%q: negation before unit %d: slow %v, fast %v", s, u, a, b)
		}
	}
	xa, _ := r.complaintVector(slow)
	xa = append([]float64(nil), xa...)
	xb, _ := r.complaintVector(fast)
	for i := range xa {
		if xa[i] != xb[i] {
			t.Errorf("%q: complaint feature %d: slow %v, fast %v", s, i, xa[i], xb[i])
		}
	}
}

func boolBytes(bs []bool) []byte {
	out := make([]byte, len(bs))
	for i, b := range bs {
		if b {
			out[i] = 1
		}
	}
	return out
}

func TestIndexAgrees(t *testing.T) {
	r := rules(t)
	for _, s := range corpus(t) {
		checkIndex(t, r, s)
	}
}

// checkSimilarity compares the loop's terms and similarity with bot/text.
func checkSimilarity(t *testing.T, r *Rules, a, b string) {
	t.Helper()
	want := text.Terms(a)
	got := r.ix.appendTerms(nil, a, nil)
	same := len(want) == len(got)
	for i := 0; same && i < len(want); i++ {
		same = want[i] == got[i].s
	}
	if !same {
		t.Errorf("terms of %q: text.Terms %q, fast %v", a, want, got)
	}
	d := r.ix.analyse(a)
	defer r.ix.release(d)
	va, na := d.messageVector(a)
	vb := merge(r.ix.appendTerms(nil, b, nil))
	sim := cosine(va, vb, na, norm2(vb))
	if ref := text.Similarity(a, b); math.Abs(sim-ref) > 1e-9 {
		t.Errorf("similarity(%q, %q) = %v, text.Similarity %v", a, b, sim, ref)
	}
}

func TestSimilarityAgrees(t *testing.T) {
	r := rules(t)
	c := corpus(t)
	for i, s := range c {
		checkSimilarity(t, r, s, s)
		checkSimilarity(t, r, s, c[(i+1)%len(c)])
		checkSimilarity(t, r, s, strings.ToUpper(s)+"??")
	}
	// Paraphrases, which score in between.
	if qs := bankingIfThere(t); len(qs) > 0 {
		for i := 0; i+1 < len(qs); i += 1 + 3*boolInt(raceEnabled && !*oracleFull) {
			if qs[i].intent == qs[i+1].intent {
				checkSimilarity(t, r, qs[i].text, qs[i+1].text)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func bankingIfThere(t *testing.T) []query {
	dir := filepath.Join("..", "..", "..", "shared", "datasets")
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	return loadBanking(t, dir)
}

func FuzzFastPaths(f *testing.F) {
	for i, s := range tricky {
		f.Add(s, tricky[(i+1)%len(tricky)])
	}
	r := loadShipped(f)
	f.Fuzz(func(t *testing.T, a, b string) {
		checkScan(t, r, a)
		checkIndex(t, r, a)
		checkSimilarity(t, r, a, b)
	})
}

// The word cache never holds more than its bound, nor very long fields,
// whatever is sent.
func TestFieldCacheBounded(t *testing.T) {
	r, probs := load(t, minimal)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	n := fieldShards*fieldShardMax + 5000
	if raceEnabled {
		n = fieldShards*fieldShardMax/4 + 5000
	}
	for i := range n {
		r.ix.field("w" + strconv.Itoa(i))
	}
	long := strings.Repeat("a", maxCachedField+1)
	if fi := r.ix.field(long); len(fi.toks) != 1 {
		t.Errorf("a long field was not analysed: %+v", fi)
	}
	total := 0
	for i := range r.ix.fields.shards {
		sh := &r.ix.fields.shards[i]
		total += len(sh.m)
		if len(sh.m) > fieldShardMax {
			t.Errorf("shard %d holds %d fields, more than %d", i, len(sh.m), fieldShardMax)
		}
		if _, ok := sh.m[long]; ok {
			t.Errorf("a %d-byte field was cached", len(long))
		}
	}
	if total > fieldShards*fieldShardMax {
		t.Errorf("the cache holds %d fields, more than %d", total, fieldShards*fieldShardMax)
	}
}

// The scanner's words are bot/text's Words: what a word is, and where a
// clause ends, written out for the cases that matter to the phrases.
func TestScanWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // units as stem@clause, space separated
		q, x int    // '?' and '!' marks
	}{
		{"Talk-to a HUMAN!", "talk@0 to@0 a@0 human@0", 0, 1},
		{"don't DON’T dont", "do@0 not@0 do@0 not@0 do@0 not@0", 0, 0},
		{"fc.com costs 3.50. ok?", "fc@0 com@0 cost@0 3@0 50@0 ok@1", 1, 0},
		{"w/7 or a/c", "w@0 7@0 or@0 a@0 c@0", 0, 0},
		{"@shop worst service http://t.co/x ??", "worst@0 servic@0", 2, 0},
		{"转人工!!", "转@0 人@0 工@0", 0, 2},
		{"상담원 연결해 주세요", "상담원@0 연결해@0 주세요@0", 0, 0},
		{"상담원.연결", "상담원@0 연결@0", 0, 0}, // two words (the old scanner made one), one clause
		{"ㅋㅋ진짜요", "ㅋㅋ진짜요@0", 0, 0},
		{"ＡＢＣ！ｄｅｆ？", "abc@0 def@1", 1, 1},
		{"human…please", "human@0 pleas@1", 0, 0},
		// A Korean word ends at a number, a Latin word or a Chinese
		// character, even without a space: units stay in reading order.
		{"주문123번", "주문@0 123@0 번@0", 0, 0},
		{"상담원ok연결", "상담원@0 ok@0 연결@0", 0, 0},
		{"환불人工", "환불@0 人@0 工@0", 0, 0},
	} {
		d := analyse(c.in)
		var got []string
		for _, u := range d.units {
			got = append(got, u.stem+"@"+strconv.Itoa(u.clause))
		}
		if g := strings.Join(got, " "); g != c.want || d.questions != c.q || d.exclaims != c.x {
			t.Errorf("analyse(%q) = %q, %d ?, %d !; want %q, %d ?, %d !", c.in, g, d.questions, d.exclaims, c.want, c.q, c.x)
		}
	}
}

// TestHistoryVectorAgrees: an earlier turn's vector, computed or from the
// turn cache (asked twice: a miss, then a hit), is the one computed from
// scratch, term for term; long turns are computed each time and not kept.
func TestHistoryVectorAgrees(t *testing.T) {
	r := rules(t)
	c := append(corpus(t), strings.Repeat("where is my order ", 40), strings.Repeat("배송 언제 와요 ", 60))
	d := r.ix.analyse("where is my order?")
	defer r.ix.release(d)
	for _, s := range c {
		want := merge(r.ix.appendTerms(nil, s, nil))
		for range 2 {
			got, n2 := d.historyVector(r.ix, s)
			if !slices.Equal(got, want) || n2 != norm2(want) {
				t.Errorf("history vector of %q = %v (%v), want %v (%v)", s, got, n2, want, norm2(want))
			}
		}
		k := turnKeyOf(s)
		sh := &r.ix.turns.shards[k[0]%turnShards]
		sh.mu.RLock()
		_, kept := sh.m[k]
		sh.mu.RUnlock()
		if kept != (len(s) <= maxCachedTurn) {
			t.Errorf("%d-byte turn kept = %v", len(s), kept)
		}
	}
	if got, _ := d.historyVector(nil, "talk to a human"); len(got) == 0 {
		t.Error("no index: no vector")
	}
}

// TestTurnCacheBounded: however many different turns go through, short
// or as long as a kept turn can be, no shard holds more than turnShardMax
// turns or turnShardBytes of terms, and a kept vector has no spare room
// (merge's working array would be many times its size).
func TestTurnCacheBounded(t *testing.T) {
	r := rules(t)
	d := r.ix.analyse("hello")
	defer r.ix.release(d)
	long := func(i int) string { // distinct short words, up to maxCachedTurn bytes
		var b strings.Builder
		for w := 0; b.Len() < maxCachedTurn-12; w++ {
			fmt.Fprintf(&b, "w%dx%d ", i, w)
		}
		return b.String()
	}
	for i := range turnShards*turnShardMax + 500 {
		d.historyVector(r.ix, fmt.Sprintf("order %d never arrived", i))
		if i%8 == 0 {
			d.historyVector(r.ix, long(i))
		}
	}
	for i := range r.ix.turns.shards {
		sh := &r.ix.turns.shards[i]
		bytes := 0
		for _, v := range sh.m {
			if cap(v.terms) != len(v.terms) {
				t.Fatalf("a kept vector of %d terms holds an array of %d", len(v.terms), cap(v.terms))
			}
			bytes += len(v.terms) * int(unsafe.Sizeof(term{}))
		}
		if len(sh.m) > turnShardMax || bytes > turnShardBytes || bytes != sh.bytes {
			t.Fatalf("shard %d holds %d turns, %d bytes of terms (counted %d); at most %d and %d", i, len(sh.m), bytes, sh.bytes, turnShardMax, turnShardBytes)
		}
	}
}
