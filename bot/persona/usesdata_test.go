package persona

import (
	"testing"
	"text/template"
)

// TestUsesData: a template is run without a clone only when none of its
// calls reads the call's data, wherever the call sits.
func TestUsesData(t *testing.T) {
	fm := (&Persona{}).funcs("en", Data{})
	for src, want := range map[string]bool{
		"Hello!":                            false,
		"Hi {{.Customer}}, we're {{shop}}.": false,
		"{{join .Topics \", \"}}{{bullets .Topics}}":           false,
		"{{hours}} {{email}} {{phone}}":                        false,
		"Good {{timeOfDay}}!":                                  true,
		"{{if .Customer}}{{weekday}}{{end}}":                   true,
		"{{range .Topics}}x{{else}}{{intro}}{{end}}":           true,
		"{{with .Agent}}{{.}}{{end}}{{(timeOfDay)}}":           true,
		"{{define \"x\"}}{{weekday}}{{end}}{{template \"x\"}}": true,
	} {
		tmpl, err := template.New("m").Funcs(fm).Parse(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if got := usesData(tmpl); got != want {
			t.Errorf("usesData(%q) = %v, want %v", src, got, want)
		}
	}
}
