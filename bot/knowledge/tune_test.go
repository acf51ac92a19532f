package knowledge

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// TestTune prints leave-one-out and held-out accuracy for variations of
// the matcher parameters (a few minutes: leave-one-out rebuilds the index
// for each of the 770 questions). It only runs on request:
//
//	BATON_TUNE=1 go test -run TestTune -v ./bot/knowledge/
func TestTune(t *testing.T) {
	if os.Getenv("BATON_TUNE") == "" {
		t.Skip("set BATON_TUNE=1 to run the parameter sweep")
	}
	b, test := loadBanking77(t)
	try := func(name string, p params) {
		loo := leaveOneOut(b, p, 1)
		c := *b
		c.index = buildIndex(b, p)
		held := evaluate(&c, test)
		t.Logf("%-28s LOO %.4f   test %.4f", name, loo.raw(), held.raw())
	}
	vary := func(name string, vals []float64, set func(*params, float64)) {
		for _, v := range vals {
			p := defaultParams
			set(&p, v)
			try(name+"="+strconv.FormatFloat(v, 'g', 3, 64), p)
		}
	}
	try("default", defaultParams)
	vary("charW", []float64{0.3}, func(p *params, v float64) { p.charW = v })
	vary("bigramW", []float64{0, 1}, func(p *params, v float64) { p.bigramW = v })
	vary("entryW", []float64{1, 4}, func(p *params, v float64) { p.entryW = v })
	vary("answerW", []float64{0, 1}, func(p *params, v float64) { p.answerW = v })
	vary("top2", []float64{0, 1}, func(p *params, v float64) { p.top[1] = v })
	vary("minIDF", []float64{0, 1}, func(p *params, v float64) { p.minIDF = v })
}

func fmtf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
