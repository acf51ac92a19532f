package bot

import "testing"

// A question that asks only how long, and one that names what it asks
// about too.
func TestAsksOnlyDuration(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{"how long does it take?", true},
		{"how long?", true},
		{"how long will it take", true},
		{"要多久", true},
		{"大概需要多久？", true},
		{"얼마나 걸려요?", true},
		{"보통 며칠 걸려요?", true},
		{"how long does shipping take?", false},
		{"how long is the warranty", false},
		{"退款要多久", false},
		{"배송 얼마나 걸려요?", false},
		{"how much is it?", false},
		{"", false},
	} {
		if got := asksOnlyDuration(c.msg); got != c.want {
			t.Errorf("asksOnlyDuration(%q) = %v, want %v", c.msg, got, c.want)
		}
	}
	if !durationIn("we issue the refund within 3 business days") || !durationIn("3~5 영업일") || !durationIn("14일 이내") || durationIn("$14.95 (free over $150)") {
		t.Error("durationIn misreads")
	}
}
