package handoff

import (
	"io/fs"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/memo"
)

// BenchmarkTrainShipped is the load-time cost of the learned layer on the
// shipped examples and knowledge questions (trainCached hides it after the
// first load of the same data).
//
//	go test -run '^$' -bench TrainShipped -benchtime 5x ./bot/handoff/
func BenchmarkTrainShipped(b *testing.B) {
	raw, err := os.ReadFile("../../prompts/handoff_examples.yaml")
	if err != nil {
		b.Fatal(err)
	}
	exs, probs := parseExamples("handoff_examples.yaml", raw)
	if len(probs) > 0 {
		b.Fatal(probs)
	}
	ordinary := shippedOrdinaryFor(b)
	var m *model
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	for b.Loop() {
		m = train(exs, ordinary)
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	// CPU time, not wall time: the machine is shared, and the load is what
	// a reload costs the bot.
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.Logf("%d examples, %d knowledge questions, %d features; %d L-BFGS steps, %d evaluations", len(exs), len(ordinary), len(m.feats), m.iters, m.evals)
}

// BenchmarkLoadShipped is what loading prompts/handoff.yaml costs with no
// model cached (a first start, or a reload after an edit of the examples
// or the knowledge), in CPU time: as shipped (examples), and with the
// tweets' tune quarter as learned.dataset (tune) or their even half
// (even), as TestTweetsTrainedDev builds them:
//
//	go test -run '^$' -bench LoadShipped -benchtime 3x ./bot/handoff/
func BenchmarkLoadShipped(b *testing.B) {
	kb, _ := knowledge.Load(os.DirFS("../../knowledge"), ".")
	tweets := loadTweets(b, sharedDir(b))
	for _, c := range []struct {
		name string
		fsys fs.FS
	}{
		{"examples", os.DirFS("../..")},
		{"tune", tweetsFS(b, tweets, func(tw tweet) bool { return tw.line%4 == 0 })},
		{"even", tweetsFS(b, tweets, even)},
	} {
		b.Run(c.name, func(b *testing.B) {
			saved := trained
			defer func() { trained = saved }()
			var before, after syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			for b.Loop() {
				trained = memo.New[*model](keepTrained) // train again
				if _, probs := LoadRules(c.fsys, "prompts/handoff.yaml", WithKnowledge(kb)); len(probs) > 0 {
					b.Fatal(probs)
				}
			}
			syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}
