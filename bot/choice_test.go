package bot

import "testing"

// A pick is a place and nothing else: numbers inside a message of its
// own ("2 items are missing", "2번 주문했는데", "第二天") are not picks.
func TestTopicChoiceReadsOnlyAPlace(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int // 0: no pick
	}{
		{"2", 2}, {"２", 2}, {"option 2", 2}, {"2 pls", 2}, {"#1", 1}, {"the first one", 1}, {"the second", 2},
		{"option one", 1}, {"i'll take the 3rd one thanks", 3}, {"the last one", 3},
		{"1번", 1}, {"1번이요", 1}, {"첫번째요", 1}, {"두 번째", 2}, {"세번째 거요", 3}, {"둘째요", 2},
		{"第一个", 1}, {"1号", 1}, {"选2", 2}, {"我选第三个", 3}, {"第2个吧", 2},
		{"2 items are missing", 0}, {"no", 0}, {"that one is broken", 0}, {"the first one broke", 0},
		{"2번 주문했는데 안 왔어요", 0}, {"第二天还没到", 0}, {"选哪个好", 0}, {"5", 0}, {"option 0", 0},
		{"1 or 2", 0}, {"二", 0}, {"", 0},
		// "no" and "nr" are "number" only right before a digit; 一 to 五
		// are places only after 第 (两 never: "我要两个" wants two); a
		// question asks, it does not pick.
		{"no 2", 2}, {"no. 2", 2}, {"nr 3", 3}, {"No.1", 1},
		{"no one", 0}, {"no, the first", 0}, {"no 2 please no", 0}, {"我要两个", 0}, {"要三个", 0}, {"我要一个", 0}, {"两个", 0},
		{"is it one?", 0}, {"option 2?", 0}, {"the second?", 0}, {"第二个？", 0}, {"1번이요?", 0},
	} {
		got, ok := topicChoice(c.s, 3)
		if !ok {
			got = 0
		}
		if got != c.want {
			t.Errorf("topicChoice(%q, 3) = %d, %v; want %d", c.s, got, ok, c.want)
		}
	}
}
