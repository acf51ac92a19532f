package handoff

import (
	"encoding/json"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	dir := sharedDir(t)
	r := loadShipped(t)
	f, _ := os.Create(os.Getenv("DUMP"))
	defer f.Close()
	enc := json.NewEncoder(f)
	row := func(src string, line int, text string, y bool) {
		d := r.ix.analyse(text)
		x, _ := r.complaintVector(d)
		var cues []string
		for i, xi := range x {
			if xi != 0 {
				name := "exclaim"
				if i < len(r.complaint.cues) {
					name = r.complaint.cues[i].name
				} else if i > len(r.complaint.cues) {
					name = "caps"
				}
				cues = append(cues, name)
			}
		}
		z := r.complaintZ(d)
		r.ix.release(d)
		enc.Encode(map[string]any{"src": src, "line": line, "text": text, "y": y, "score": sigmoid(z), "cues": cues})
	}
	for _, tw := range loadTweets(t, dir) {
		row("tw", tw.line, tw.text, tw.complaint)
	}
	for i, q := range loadBanking(t, dir) {
		row("bk", i+1, q.text, false)
	}
}
