package knowledge

import (
	"os"
	"path/filepath"
	"testing"
)

// Experiment harness (temporary while tuning).

func loadShop(t testing.TB) (*Base, []labelled) {
	t.Helper()
	shop, problems := Load(os.DirFS(repoRoot()), "knowledge")
	if len(problems) > 0 {
		t.Fatalf("shop problems: %v", problems)
	}
	return shop, readJSONL(t, filepath.Join("testdata", "shop_queries.jsonl"))
}

func splitHalves(qs []labelled) (even, odd []labelled) {
	for i, q := range qs {
		if i%2 == 0 {
			even = append(even, q)
		} else {
			odd = append(odd, q)
		}
	}
	return
}

func withParams(b *Base, p params) *Base {
	c := *b
	c.index = buildIndex(b, p)
	return &c
}

func top1(b *Base, qs []labelled) (n, ok int) {
	for _, q := range qs {
		if q.ID == "" {
			continue
		}
		n++
		if m := b.Match(q.Query, 1); len(m) > 0 && m[0].ID == q.ID {
			ok++
		}
	}
	return
}

func TestExp(t *testing.T) {
	if os.Getenv("BATON_EXP") == "" {
		t.Skip("BATON_EXP")
	}
	bank, _ := loadBanking77(t)
	shop, sq := loadShop(t)
	even, _ := splitHalves(sq)
	run := func(name string, p params) {
		bl := leaveOneOut(bank, p, 1)
		sl := leaveOneOut(shop, p, 1)
		n, ok := top1(withParams(shop, p), even)
		t.Logf("%-30s b77-LOO %.4f shop-LOO %.4f shop-even %.4f (%d/%d)", name, bl.raw(), sl.raw(), float64(ok)/float64(n), ok, n)
	}
	run("default", defaultParams)
}
