package handoff

import (
	"bytes"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
)

// The shipped learned layer is fitted to convergence: the fit stops on the
// gradient tolerance, well before its step limit, not on a line search
// that found nothing left to gain (which was taken for the optimum,
// silently) nor on the step limit.
func TestLearnedShippedFitConverges(t *testing.T) {
	m := rules(t).learned.m
	if m.stop != fitConverged {
		t.Fatalf("the shipped fit stopped: %v after %d steps, want converged", m.stop, m.iters)
	}
	if m.iters >= defaultFit.maxIter/2 {
		t.Errorf("the shipped fit took %d steps of at most %d: too close to the limit", m.iters, defaultFit.maxIter)
	}
}

func rosenbrock(x, g []float64) float64 {
	a, b := x[0], x[1]
	g[0] = -2*(1-a) - 400*a*(b-a*a)
	g[1] = 200 * (b - a*a)
	return (1-a)*(1-a) + 100*(b-a*a)*(b-a*a)
}

func TestLBFGSConvergesOnRosenbrock(t *testing.T) {
	x := []float64{-1.2, 1}
	_, _, stop := lbfgs(x, rosenbrock, 1e-8, 1000)
	if stop != fitConverged || math.Abs(x[0]-1) > 1e-6 || math.Abs(x[1]-1) > 1e-6 {
		t.Fatalf("stop %v at %v, want converged at (1, 1)", stop, x)
	}
}

// A fit that runs out of steps says so, with the best point it reached.
func TestLBFGSReportsItsStepLimit(t *testing.T) {
	x := []float64{-1.2, 1}
	g := make([]float64, 2)
	f0 := rosenbrock(x, g)
	iters, _, stop := lbfgs(x, rosenbrock, 1e-8, 5)
	if stop != fitMaxIter || iters != 5 {
		t.Fatalf("stop %v after %d steps, want the step limit after 5", stop, iters)
	}
	if f := rosenbrock(x, g); !(f < f0) {
		t.Errorf("f = %v at %v, want below the start's %v", f, x, f0)
	}
}

// An objective or gradient that is NaN or infinite is reported, and x
// stays at the last point where both were finite: an infinite gradient at
// the start, or an objective NaN everywhere but the start, ended the fit
// after 0 steps like a converged one.
func TestLBFGSReportsNonFiniteObjective(t *testing.T) {
	for _, c := range []struct {
		name string
		x0   []float64
		f    func(x, g []float64) float64
	}{
		{"infinite gradient", []float64{1}, func(x, g []float64) float64 { g[0] = math.Inf(1); return 0 }},
		{"NaN gradient", []float64{1}, func(x, g []float64) float64 { g[0] = math.NaN(); return x[0] }},
		{"NaN at the start", []float64{1}, func(x, g []float64) float64 { g[0] = 1; return math.NaN() }},
		{"NaN away from the start", []float64{1, 1}, func(x, g []float64) float64 {
			g[0], g[1] = 2*x[0], 2*x[1]
			if x[0] != 1 {
				return math.NaN()
			}
			return x[0]*x[0] + x[1]*x[1]
		}},
		{"infinite gradient away from the start", []float64{1, 1}, func(x, g []float64) float64 {
			g[0], g[1] = 2*x[0], 2*x[1]
			if x[0] != 1 {
				g[1] = math.Inf(-1)
			}
			return x[0]*x[0] + x[1]*x[1]
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := append([]float64(nil), c.x0...)
			iters, _, stop := lbfgs(x, c.f, 1e-5, 1000)
			if stop != fitNonFinite || iters != 0 {
				t.Errorf("stop %v after %d steps, want not finite after 0", stop, iters)
			}
			for i := range x {
				if x[i] != c.x0[i] {
					t.Errorf("x = %v, want the start %v (the last finite point)", x, c.x0)
					break
				}
			}
		})
	}
}

// A line search that fails along the L-BFGS direction is retried once
// along the plain gradient, without the memory, before the fit gives up:
// one bad curvature pair (here a gradient off by a hair at the first step,
// which makes the next direction about 1e12 times too long) ended the fit
// there, taken for the optimum.
func TestLBFGSRetriesAFailedLineSearchAlongTheGradient(t *testing.T) {
	evals := 0
	f := func(x, g []float64) float64 {
		evals++
		if evals == 2 { // the first step's point: a gradient barely different from the start's
			g[0], g[1] = 3-6e-13, 4-8e-13
		} else {
			g[0], g[1] = x[0], x[1]
		}
		return (x[0]*x[0] + x[1]*x[1]) / 2
	}
	x := []float64{3, 4}
	iters, _, stop := lbfgs(x, f, 1e-8, 1000)
	if stop != fitConverged || math.Abs(x[0]) > 1e-8 || math.Abs(x[1]) > 1e-8 {
		t.Fatalf("stop %v after %d steps at %v, want converged at 0", stop, iters, x)
	}
}

// When even the plain gradient gives no decrease, the fit says the line
// search failed (not converged) and keeps the last point.
func TestLBFGSReportsAFailedLineSearch(t *testing.T) {
	// The gradient points the wrong way: no step along -g decreases f.
	x := []float64{1}
	_, _, stop := lbfgs(x, func(x, g []float64) float64 { g[0] = -1; return x[0] }, 1e-5, 1000)
	if stop != fitLineSearch || x[0] != 1 {
		t.Fatalf("stop %v at %v, want a failed line search at 1", stop, x)
	}
}

// A training that does not converge warns ops (slog, as the vector layer
// does) and names the reason, without any example's text.
func TestLearnedTrainingThatDoesNotConvergeWarns(t *testing.T) {
	var buf syncBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	exs := []example{
		{class: clExplicit, text: "let me talk to a real person"},
		{class: clComplaint, text: "this is a disgrace, three weeks late"},
		{class: clConfusion, text: "I don't understand what you mean"},
	}
	fs := defaultFit
	fs.maxIter = 2
	m := trainWith(exs, []string{"where is my parcel?"}, fs)
	if m.stop != fitMaxIter {
		t.Fatalf("stop %v after %d steps, want the step limit", m.stop, m.iters)
	}
	out := buf.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "did not converge") || !strings.Contains(out, `stop="step limit reached"`) {
		t.Errorf("log %q, want a WARN naming the step limit", out)
	}
	for _, e := range exs {
		if strings.Contains(out, e.text) {
			t.Errorf("log %q has an example's text", out)
		}
	}
	if strings.Contains(out, "parcel") {
		t.Errorf("log %q has a question's text", out)
	}

	buf.reset()
	if m := trainWith(exs, []string{"where is my parcel?"}, defaultFit); m.stop != fitConverged {
		t.Fatalf("stop %v, want converged", m.stop)
	}
	if out := buf.String(); out != "" {
		t.Errorf("a converged fit logged %q", out)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }
func (b *syncBuffer) reset()         { b.mu.Lock(); b.buf.Reset(); b.mu.Unlock() }
