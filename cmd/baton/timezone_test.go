package main

import (
	"strings"
	"testing"
)

func TestLoadZone(t *testing.T) {
	loc, err := loadZone("Asia/Seoul")
	if err != nil || loc.String() != "Asia/Seoul" {
		t.Errorf("Asia/Seoul: %v, %v", loc, err)
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "+09:00"} {
		if _, err := loadZone(bad); err == nil || !strings.Contains(err.Error(), "BATON_TIMEZONE") || !strings.Contains(err.Error(), "Asia/Seoul") {
			t.Errorf("%q: error %v, want one naming the variable and an example", bad, err)
		}
	}
}
