package handoff

import (
	"os"
	"syscall"
	"testing"
	"time"
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
