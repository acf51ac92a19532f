package persona

import "testing"

// A greeting that names the time of day is mirrored even with other words
// around it ("hey good morning", "morning all"), in each language; a
// goodbye that names the time of day is a goodbye, never a greeting.
func TestTimeOfDayGreetingWithOtherWords(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct{ text, kind string }{
		{"hey good morning", "morning"},
		{"morning all", "morning"},
		{"hi, good afternoon!", "afternoon"},
		{"hello there, good evening", "evening"},
		{"good evening everybody", "evening"},
		{"早上好呀", "morning"},
		{"你好，下午好", "afternoon"},
		{"大家晚上好", "evening"},
		{"早啊", "morning"},
		{"안녕하세요 좋은 아침이에요", "morning"},
		{"안녕하세요, 좋은 오후입니다", "afternoon"},
		{"하이 좋은 저녁이네요", "evening"},
		// Goodbyes that name the time of day.
		{"좋은 오후 보내세요", "bye"},
		{"감사해요 좋은 밤 되세요", "bye"},
		{"좋은 저녁 보내세요", "bye"},
		{"have a good afternoon", "bye"},
		{"thanks, have a great evening!", "bye"},
	} {
		if kind, rest := p.Smalltalk(c.text); kind != c.kind || rest != "" {
			t.Errorf("Smalltalk(%q) = %q, %q; want %q, \"\"", c.text, kind, rest, c.kind)
		}
	}
}

// Small talk lists hold only their own kind: no goodbye is listed as a
// greeting of a time of day (the QA walk found "좋은 오후 보내세요" there).
func TestNoGoodbyeListedAsGreeting(t *testing.T) {
	p, _ := loadReal(t)
	byeWords := []string{"보내세요", "되세요", "have", "night", "晚安", "再见"}
	for _, list := range p.small.byFirst {
		for _, ph := range list {
			if !IsGreeting(ph.kind) {
				continue
			}
			for _, tk := range ph.toks {
				for _, w := range byeWords {
					if tk.norm == w {
						t.Errorf("%s phrase %q has goodbye word %q", ph.kind, joinNorm(ph.toks), w)
					}
				}
			}
		}
	}
}

// A laugh alone is its own small talk ("laugh", answered lightly); beside
// other words it is filler and changes nothing.
func TestLaughAloneAndBesideWords(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct{ text, kind, rest string }{
		{"lol", "laugh", ""},
		{"hahaha!!", "laugh", ""},
		{"LMAO 😂", "laugh", ""},
		{"ok lol", "laugh", ""},
		{"哈哈", "laugh", ""},
		{"哈哈哈哈", "laugh", ""},
		{"笑死", "laugh", ""},
		{"하하", "laugh", ""},
		{"ㅋㅋ", "laugh", ""},
		{"ㅋㅋㅋㅋㅋ", "laugh", ""},
		{"ㅎㅎㅎ", "laugh", ""},
		// Beside other words: filler.
		{"thanks lol", "thanks", ""},
		{"哈哈 谢谢", "thanks", ""},
		{"ㅋㅋ 감사합니다", "thanks", ""},
		{"lol where is my order", "", "lol where is my order"},
		{"哈尔滨", "", "哈尔滨"},
		// Mood that is not laughter stays an acknowledgement.
		{"ㅠㅠ", "", "ㅠㅠ"},
	} {
		if kind, rest := p.Smalltalk(c.text); kind != c.kind || rest != c.rest {
			t.Errorf("Smalltalk(%q) = %q, %q; want %q, %q", c.text, kind, rest, c.kind, c.rest)
		}
	}
}

// Question marks alone ask whether anyone is there.
func TestQuestionMarksAlonePing(t *testing.T) {
	p, _ := loadReal(t)
	for _, text := range []string{"???", "？？？", "?", "¿?", "? ? ?"} {
		if kind, rest := p.Smalltalk(text); kind != "ping" || rest != "" {
			t.Errorf("Smalltalk(%q) = %q, %q; want ping", text, kind, rest)
		}
	}
	for _, text := range []string{"...", "!!!", "where?"} {
		if kind, _ := p.Smalltalk(text); kind == "ping" {
			t.Errorf("Smalltalk(%q) = ping", text)
		}
	}
}

// Longer identity questions are "bot" small talk, and their other half
// ("or an automated reply?") belongs to them.
func TestIdentityQuestionsWithTheirOtherHalf(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct{ text, alt string }{
		{"are you a real person or an automated reply?", "or an automated reply?"},
		{"is this a bot or a real agent", "or a real agent"},
		{"are you human or is it a bot?", "or is it a bot?"},
		{"你们是真人还是自动回复啊", "还是自动回复啊"},
		{"你是机器人还是真人？", "还是真人？"},
		{"是真人吗 还是说是机器人", "还是说是机器人"},
		{"혹시 사람이 답하는 건가요 아니면 자동응답인가요?", "아니면 자동응답인가요?"},
		{"봇이에요 아니면 사람이에요?", "아니면 사람이에요?"},
		{"챗봇인가요 혹은 상담원인가요", "혹은 상담원인가요"},
	} {
		kind, rest := p.Smalltalk(c.text)
		if kind != "bot" || rest != c.alt {
			t.Errorf("Smalltalk(%q) = %q, %q; want bot, %q", c.text, kind, rest, c.alt)
			continue
		}
		if !p.Alternative(rest) {
			t.Errorf("Alternative(%q) = false, want true", rest)
		}
	}
	for _, rest := range []string{"where is my order", "or what about shipping to canada and the customs", "or maybe I should just cancel my order and buy it somewhere else"} {
		if p.Alternative(rest) {
			t.Errorf("Alternative(%q) = true", rest)
		}
	}
	for _, c := range []struct {
		rest string
		tail bool
	}{
		{"over there", true}, {"over there where you are now", false}, {"那边呢", true}, {"거기는요", true},
		{"my parcel is late and nobody answers my emails", false}, {"我的包裹已经晚了一个星期了还没有人回复", false},
	} {
		if got := p.ChatTail(c.rest); got != c.tail {
			t.Errorf("ChatTail(%q) = %v, want %v", c.rest, got, c.tail)
		}
	}
}

// Laughs are taken out of what is matched, wherever they stand; a message
// that is only laughter is left alone.
func TestWithoutLaughs(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct{ in, want string }{
		{"lol how do I return an item", "how do I return an item"},
		{"haha how do I return an item", "how do I return an item"},
		{"how do I return an item lol", "how do I return an item"},
		{"hehe how do I return an item lmao", "how do I return an item"},
		{"哈哈 怎么退货", "怎么退货"},
		{"哈哈哈怎么退货", "怎么退货"},
		{"ㅋㅋ 반품 어떻게 해요", "반품 어떻게 해요"},
		{"반품 어떻게 해요 ㅎㅎ", "반품 어떻게 해요"},
		{"lol", "lol"},
		{"哈哈哈哈", "哈哈哈哈"},
		{"ㅋㅋㅋ", "ㅋㅋㅋ"},
		{"I want to go to 哈尔滨", "I want to go to 哈尔滨"},
		{"how do I return an item", "how do I return an item"},
		// No person declined without a person word (review-A W5).
		{"충전기 연결 안 해도 돼요?", "충전기 연결 안 해도 돼요?"},
		{"상담원 필요 없어요 반품 어떻게 해요", "반품 어떻게 해요"},
	} {
		if got := p.WithoutLaughs(c.in); got != c.want {
			t.Errorf("WithoutLaughs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
