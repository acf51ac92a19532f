package bot

import "testing"

func TestComplaintSubject(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"I want to file a formal complaint about the courier who threw my parcel over the fence", "the courier who threw my parcel over the fence"},
		{"i'd like to complain about your support team. nobody answers", "your support team"},
		{"我要投诉，你们的快递员把包裹扔在门口就走了，东西摔坏了", "你们的快递员把包裹扔在门口就走了，东西摔坏了"},
		{"택배 기사님 태도에 대해 항의하고 싶어요", "택배 기사님 태도"},
		{"항의하고 싶어요, 택배 기사가 상자를 문 앞에 던지고 갔어요", "택배 기사가 상자를 문 앞에 던지고 갔어요"},
		{"I want to complain, your courier dumped my parcel at the door", "your courier dumped my parcel at the door"},
		{"I want to file a formal complaint", ""},
		{"我要投诉！", ""},
		{"this is the worst service ever!!!", ""},
	} {
		if got := complaintSubject(c.msg); got != c.want {
			t.Errorf("complaintSubject(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}
