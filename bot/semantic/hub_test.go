package semantic

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// randomBase is n unit vectors of dim dimensions from a fixed seed, the
// question i of entry qEntry[i] = i / per.
func randomBase(seed uint64, n, per, dim int) ([][]float32, []int32) {
	r := rand.New(rand.NewPCG(seed, 1))
	vecs := make([][]float32, n)
	qEntry := make([]int32, n)
	for i := range vecs {
		v := make([]float32, dim)
		var norm float64
		for d := range v {
			v[d] = float32(r.NormFloat64())
			norm += float64(v[d]) * float64(v[d])
		}
		for d := range v {
			v[d] /= float32(math.Sqrt(norm))
		}
		vecs[i], qEntry[i] = v, int32(i/per)
	}
	return vecs, qEntry
}

// bruteHub is every question's hubness the long way: the cosines with
// every question of another entry among cands, sorted, the hubK highest
// averaged.
func bruteHub(vecs [][]float32, qEntry []int32, cands []int) []float64 {
	out := make([]float64, len(vecs))
	for i := range vecs {
		var cs []float64
		for _, j := range cands {
			if qEntry[j] != qEntry[i] {
				cs = append(cs, float64(dot(vecs[i], vecs[j])))
			}
		}
		slices.Sort(cs)
		slices.Reverse(cs)
		cs = cs[:min(hubK, len(cs))]
		for _, c := range cs {
			out[i] += c / float64(len(cs))
		}
	}
	return out
}

func sameHub(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d hubness values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("%s: question %d hubness %.9f, want %.9f", what, i, got[i], want[i])
		}
	}
}

// TestHubIndexHandMade: entry 0's one question is the x axis; the 19
// others' questions lie at cosine 0.05, 0.10, ... 0.95 to it. So its
// hubness is the mean of its 10 nearest, 0.50 ... 0.95: 0.725. A message
// on the x axis is at cosine 1 from it, and fusion reads 1 - 0.725.
func TestHubIndexHandMade(t *testing.T) {
	vecs := [][]float32{{1, 0, 0}}
	qEntry := []int32{0}
	ids := []string{"hub"}
	for i := 1; i <= 19; i++ {
		c := 0.05 * float64(i)
		vecs = append(vecs, []float32{float32(c), float32(math.Sqrt(1 - c*c)), 0})
		qEntry = append(qEntry, int32(i))
		ids = append(ids, string(rune('a'+i)))
	}
	h := newHubIndex(vecs, qEntry)
	if math.Abs(h.hub[0]-0.725) > 1e-6 {
		t.Errorf("hubness of the x axis %.6f, want 0.725", h.hub[0])
	}
	all := make([]int, len(vecs))
	for i := range all {
		all[i] = i
	}
	sameHub(t, "hand-made", h.hub, bruteHub(vecs, qEntry, all))

	ix := &Index{ids: ids, qEntry: qEntry, qLang: make([]string, len(vecs)), vecs: vecs, hub: h, num: map[string]int32{}}
	ev := ix.evidenceWith(defaultFuse, nil, []float32{1, 0, 0}, -1)
	if got := ev[0].scaled; math.Abs(got-0.275) > 1e-6 {
		t.Errorf("x axis entry: scaled cosine %.6f, want 1 - 0.725 = 0.275", got)
	}
	for e := 1; e < len(ev); e++ {
		want := 0.05*float64(e) - h.hub[e]
		if got := ev[e].scaled; math.Abs(got-want) > 1e-6 {
			t.Errorf("entry %d: scaled cosine %.6f, want its cosine %.2f less its hubness %.6f", e, got, 0.05*float64(e), h.hub[e])
		}
	}
	// With the x axis question left out, the others lose their nearest
	// that is it, and fusion reads their cosine less the hubness without it.
	ev = ix.evidenceWith(defaultFuse, nil, []float32{1, 0, 0}, 0)
	rest := newHubIndex(vecs[1:], qEntry[1:])
	for e := 1; e < len(ev); e++ {
		want := 0.05*float64(e) - rest.hub[e-1]
		if got := ev[e].scaled; math.Abs(got-want) > 1e-6 {
			t.Errorf("x axis left out, entry %d: scaled cosine %.6f, want %.6f", e, got, want)
		}
	}
}

// TestHubIndexWithoutIsTheIndexBuiltWithout: calibration's shortcut
// (without) gives every question the hubness it has in the index built
// without the left-out question, or without the left-out entry.
func TestHubIndexWithoutIsTheIndexBuiltWithout(t *testing.T) {
	// 60 questions, 1 to 6 per entry.
	var vecs [][]float32
	var qEntry []int32
	raw, _ := randomBase(7, 60, 1, 24)
	for i, e := 0, int32(0); i < len(raw); e++ {
		for q := 0; q < 1+int(e)%6 && i < len(raw); q++ {
			vecs, qEntry = append(vecs, raw[i]), append(qEntry, e)
			i++
		}
	}
	h := newHubIndex(vecs, qEntry)
	if len(h.hub) != len(vecs) {
		t.Fatalf("hubness of %d questions, want %d", len(h.hub), len(vecs))
	}
	check := func(what string, out func(i int) bool, skip int, drop int32) {
		var keep []int
		for i := range vecs {
			if !out(i) {
				keep = append(keep, i)
			}
		}
		var kv [][]float32
		var ke []int32
		for _, i := range keep {
			kv, ke = append(kv, vecs[i]), append(ke, qEntry[i])
		}
		want := newHubIndex(kv, ke).hub
		got := slices.Clone(h.hub)
		h.without(skip, drop, qEntry, func(i int, hub float64) { got[i] = hub })
		var g []float64
		for _, i := range keep {
			g = append(g, got[i])
		}
		sameHub(t, what, g, want)
	}
	for q := range vecs {
		check("question left out", func(i int) bool { return i == q }, q, -1)
	}
	for e := qEntry[len(qEntry)-1]; e >= 0; e-- {
		check("entry left out", func(i int) bool { return qEntry[i] == e }, -1, e)
	}
}

// TestHubIndexExactUpToTheCap: up to hubExact questions every pair is
// compared, so the hubness (and the ranking read from it) is the exact
// one; above, it is the same mean over the evenly spread sample.
func TestHubIndexExactUpToTheCap(t *testing.T) {
	for _, n := range []int{300, hubExact, hubExact + 1} {
		vecs, qEntry := randomBase(uint64(n), n, 3, 16)
		var cands []int
		m := 1
		if n > hubExact {
			m = (n + hubSample - 1) / hubSample
		}
		for j := 0; j < n; j += m {
			cands = append(cands, j)
		}
		if n > hubExact && len(cands) > hubSample {
			t.Fatalf("%d questions: sample of %d, want at most %d", n, len(cands), hubSample)
		}
		h := newHubIndex(vecs, qEntry)
		sameHub(t, "base of "+strconv.Itoa(n), h.hub, bruteHub(vecs, qEntry, cands))
	}
}
