package handoff

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/text"
)

// The index (index.go), the scanner (doc.scan) and the loop's similarity
// (similarity.go) are fast paths. These tests hold them to slow, obvious
// references on every message of the data sets, tricky strings and fuzz:
// the first tokeniser, every phrase tried at every word, and
// text.Similarity.

var noiseRef = regexp.MustCompile(`(?i)\bhttps?://\S+|\bwww\.\S+|@[\p{L}\p{N}_]+`)

// analyseRef is the detector's first tokeniser (a regular expression for
// links and handles, then rune by rune), kept as the reference doc.scan
// must agree with.
func analyseRef(s string) *doc {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = noiseRef.ReplaceAllString(s, " ")
	d := &doc{}
	rs := []rune(s)
	clause := 0
	emitted := false // a unit was added since the last clause break
	var seg []rune   // pending Latin text
	var word []rune  // pending Korean word
	flushSeg := func() {
		if len(seg) > 0 {
			n := len(d.units)
			addLatinRef(d, string(seg), clause)
			emitted = emitted || len(d.units) > n
			seg = seg[:0]
		}
	}
	flushWord := func() {
		if len(word) > 0 {
			w := string(word)
			d.units = append(d.units, unit{kind: hangul, stem: w, raw: w, runes: append([]rune(nil), word...), clause: clause})
			d.size += len(word)
			emitted = true
			word = word[:0]
		}
	}
	brk := func() {
		flushSeg()
		flushWord()
		if emitted {
			clause++
			emitted = false
		}
	}
	for i, r := range rs {
		r = widen(r)
		switch {
		case unicode.Is(unicode.Hangul, r):
			flushSeg()
			word = append(word, r)
		case isHan(r):
			flushSeg()
			flushWord()
			c := string(r)
			d.units = append(d.units, unit{kind: han, stem: c, raw: c, clause: clause})
			d.size++
			emitted = true
		case r == '!':
			d.exclaims++
			brk()
		case r == '?':
			d.questions++
			brk()
		case r == '.':
			// "fc.com" and "3.50" are not sentence ends.
			if i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])) {
				seg = append(seg, ' ')
				continue
			}
			brk()
		case strings.ContainsRune(",;:\n。，、；：…", r):
			brk()
		case unicode.IsSpace(r):
			flushWord()
			seg = append(seg, ' ')
		default:
			flushWord()
			seg = append(seg, r)
		}
	}
	flushSeg()
	flushWord()
	return d
}

// addLatin adds the words of a run of non-CJK text.
func addLatinRef(d *doc, s string, clause int) {
	for _, f := range strings.Fields(s) {
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
		raw := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
		for _, t := range text.Tokenize(f) {
			if t.CJK { // cannot happen: CJK never reaches here; kept safe
				continue
			}
			d.units = append(d.units, unit{kind: latin, stem: t.Text, raw: raw, clause: clause})
			d.size++
		}
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
	var all []string
	for _, tw := range loadTweets(t, dir) {
		all = append(all, tw.text)
	}
	for _, q := range loadBanking(t, dir) {
		all = append(all, q.text)
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
	got := r.ix.appendTerms(nil, a)
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
	vb := merge(r.ix.appendTerms(nil, b))
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
