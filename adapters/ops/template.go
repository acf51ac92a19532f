package ops

import (
	_ "embed"
	"fmt"
	"html/template"

	"github.com/batonhq/baton/bot/stats"
)

//go:embed page.html
var pageHTML string

var pageTmpl = template.Must(template.New("ops").Funcs(template.FuncMap{
	"human": human,
	"csat": func(f stats.Figures) string {
		c, n := f.CSAT()
		if n == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f (%d)", c, n)
	},
}).Parse(pageHTML))
