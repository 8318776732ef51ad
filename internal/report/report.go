// Package report writes the HTML report of a replay (package
// internal/replay): one self-contained page, for people who would rather
// look than read, with two charts drawn as inline SVG and the tables of the
// text summary.
//
//   - Decisions per day: for every day two stacked bars, the old run on the
//     left and the new on the right, of the decisions that were not allowed
//     (review, step_up, block, error), and above them, in a strip of its
//     own, a line of all decisions per day.
//   - Rule hit rates: for every rule two horizontal bars, old and new, the
//     share of transactions with at least one finding of the rule.
//
// The page needs no network and no script: no external style sheet, font,
// image or script, and no http(s) URL anywhere (the findings' citation URLs
// are left out). Everything is built with html/template, so every rule id,
// message and name is escaped. Geometry is in whole pixels with
// shape-rendering crispEdges, so a screenshot shows each bar in its exact
// colour where the SVG puts it (see the Chromium test); the line is drawn
// without anti-aliasing, apart from the bars.
package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"github.com/comply-go/comply/internal/replay"
)

// Options configures Write. A nil *Options means the defaults.
type Options struct {
	// Title heads the page. Default "comply replay".
	Title string
}

// The colours of the series. They are exact: the screenshot test looks for
// them pixel by pixel.
const (
	ColorReview   = "#f0b429"
	ColorStepUp   = "#3d7edb"
	ColorBlock    = "#d64545"
	ColorError    = "#8a5cc2"
	ColorTotal    = "#2e9e5b" // the line of all decisions per day
	ColorRuleOld  = "#5b6b7f"
	ColorRuleNew  = "#e8772e"
	ColorDaysBack = "#fbfbf4" // background of the days chart
	ColorRuleBack = "#f4fbfb" // background of the rules chart
)

// actionColors are the colours of the stacked outcomes, bottom first.
var actionColors = []struct {
	outcome replay.Outcome
	color   string
}{
	{replay.Review, ColorReview},
	{replay.StepUp, ColorStepUp},
	{replay.Block, ColorBlock},
	{replay.Error, ColorError},
}

// Rect is one bar of a chart, in the chart's SVG coordinates.
type Rect struct {
	X, Y, W, H int
	Fill       string
	Title      string
}

// Point is a vertex of a line.
type Point struct{ X, Y int }

// Text is a label.
type Text struct {
	X, Y   int
	Anchor string
	Text   string
}

// Chart is one SVG chart.
type Chart struct {
	ID            string
	Width, Height int
	Background    string
	Rects         []Rect
	Line          []Point
	LineColor     string
	Texts         []Text
	Axes          []Rect // thin axis lines, drawn in grey
}

// Points returns the line's vertices in SVG points syntax.
func (c *Chart) Points() string {
	var b strings.Builder
	for i, p := range c.Line {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d,%d", p.X, p.Y)
	}
	return b.String()
}

// allDays returns the days of res with the days between them that had no
// transactions, as zero counts.
func allDays(res *replay.Result) []replay.Day {
	if len(res.Days) == 0 {
		return nil
	}
	first, err1 := time.Parse(time.DateOnly, res.Days[0].Date)
	last, err2 := time.Parse(time.DateOnly, res.Days[len(res.Days)-1].Date)
	if err1 != nil || err2 != nil || last.Sub(first) > 20*366*24*time.Hour {
		return res.Days
	}
	var out []replay.Day
	i := 0
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		if i < len(res.Days) && res.Days[i].Date == k {
			out = append(out, res.Days[i])
			i++
		} else {
			out = append(out, replay.Day{Date: k})
		}
	}
	return out
}

// DaysChart lays out the decisions-per-day chart of res: every day from the
// first to the last, days without transactions included.
func DaysChart(res *replay.Result) *Chart {
	const left, right, top, bottom = 56, 56, 24, 44
	days := allDays(res)
	n := len(days)
	slot := 24
	if n > 0 && n*slot > 900 {
		slot = max(900/n, 3)
	}
	plotW := max(n*slot, 100)
	// The line of all decisions has a strip of its own above the bars, so
	// that neither hides the other.
	const lineTop, lineH = top, 60
	c := &Chart{ID: "chart-days", Width: left + plotW + right, Height: 380, Background: ColorDaysBack, LineColor: ColorTotal}
	barTop := lineTop + lineH + 16
	plotH := c.Height - barTop - bottom
	base := barTop + plotH
	maxFlagged, maxTotal := 1, 1
	for _, d := range days {
		maxFlagged = max(maxFlagged, flagged(d.Old), flagged(d.New))
		maxTotal = max(maxTotal, d.Old.Total())
	}
	barW := max(slot*2/5, 1)
	for i, d := range days {
		x0 := left + i*slot + (slot-2*barW)/3
		for side, counts := range []replay.Counts{d.Old, d.New} {
			x := x0 + side*(barW+(slot-2*barW)/3)
			y := base
			name := "old"
			if side == 1 {
				name = "new"
			}
			for _, ac := range actionColors {
				v := counts[ac.outcome]
				if v == 0 {
					continue
				}
				// Heights are cumulative so that rounding never overlaps.
				yTop := base - int(math.Round(float64(plotH)*float64(cumulative(counts, ac.outcome))/float64(maxFlagged)))
				h := y - yTop
				if h <= 0 {
					continue
				}
				c.Rects = append(c.Rects, Rect{X: x, Y: yTop, W: barW, H: h, Fill: ac.color,
					Title: fmt.Sprintf("%s %s: %d %s", d.Date, name, v, ac.outcome)})
				y = yTop
			}
		}
		cx := left + i*slot + slot/2
		cy := lineTop + lineH - int(math.Round(float64(lineH)*float64(d.Old.Total())/float64(maxTotal)))
		c.Line = append(c.Line, Point{cx, cy})
		if n <= 40 || i%((n+39)/40) == 0 {
			c.Texts = append(c.Texts, Text{X: cx, Y: base + 14, Anchor: "middle", Text: d.Date[8:]})
		}
	}
	if n > 0 {
		c.Texts = append(c.Texts, Text{X: left, Y: base + 32, Anchor: "start", Text: days[0].Date + " … " + days[n-1].Date})
	}
	c.Texts = append(c.Texts,
		Text{X: left - 6, Y: lineTop + 4, Anchor: "end", Text: fmt.Sprint(maxTotal)},
		Text{X: left - 6, Y: lineTop + lineH, Anchor: "end", Text: "0"},
		Text{X: left - 6, Y: barTop + 4, Anchor: "end", Text: fmt.Sprint(maxFlagged)},
		Text{X: left - 6, Y: base, Anchor: "end", Text: "0"},
		Text{X: left, Y: 14, Anchor: "start", Text: "all decisions per day (line, old run)"},
		Text{X: left + plotW, Y: barTop - 4, Anchor: "end", Text: "not allowed, by action (bars: old left, new right)"},
	)
	c.Axes = []Rect{{X: left, Y: base, W: plotW, H: 1}, {X: left - 1, Y: barTop, W: 1, H: plotH + 1}, {X: left, Y: lineTop + lineH + 1, W: plotW, H: 1}}
	return c
}

func flagged(c replay.Counts) int {
	return c[replay.Review] + c[replay.StepUp] + c[replay.Block] + c[replay.Error]
}

// cumulative is the count of o and of the outcomes stacked below it.
func cumulative(c replay.Counts, o replay.Outcome) int {
	n := 0
	for _, ac := range actionColors {
		n += c[ac.outcome]
		if ac.outcome == o {
			break
		}
	}
	return n
}

// RulesChart lays out the rule-hit-rate chart of res.
func RulesChart(res *replay.Result) *Chart {
	const left, right, top, rowH, barH = 330, 150, 28, 30, 11
	plotW := 480
	c := &Chart{ID: "chart-rules", Width: left + plotW + right, Background: ColorRuleBack}
	c.Height = top + max(len(res.Rules), 1)*rowH + 16
	maxRate := 0.0
	total := float64(max(res.Transactions, 1))
	for _, rc := range res.Rules {
		maxRate = math.Max(maxRate, math.Max(float64(rc.Old), float64(rc.New))/total)
	}
	for i, rc := range res.Rules {
		y := top + i*rowH
		c.Texts = append(c.Texts, Text{X: left - 8, Y: y + barH + 4, Anchor: "end", Text: string(rc.Rule)})
		for side, v := range []int{rc.Old, rc.New} {
			rate := float64(v) / total
			w := 0
			if maxRate > 0 {
				w = int(math.Round(float64(plotW) * rate / maxRate))
			}
			if v > 0 && w == 0 {
				w = 1
			}
			fill, name := ColorRuleOld, "old"
			if side == 1 {
				fill, name = ColorRuleNew, "new"
			}
			by := y + side*(barH+2)
			if w > 0 {
				c.Rects = append(c.Rects, Rect{X: left, Y: by, W: w, H: barH, Fill: fill,
					Title: fmt.Sprintf("%s %s: %d decisions, %.3f%%", rc.Rule, name, v, 100*rate)})
			}
			c.Texts = append(c.Texts, Text{X: left + w + 6, Y: by + barH - 1, Anchor: "start", Text: fmt.Sprintf("%s %.3f%%", name, 100*rate)})
		}
	}
	c.Texts = append(c.Texts, Text{X: left, Y: 16, Anchor: "start", Text: "share of transactions with a finding of the rule (old, new)"})
	c.Axes = []Rect{{X: left - 1, Y: top - 4, W: 1, H: c.Height - top - 8}}
	return c
}

type page struct {
	Title   string
	Res     *replay.Result
	Days    *Chart
	Rules   *Chart
	Legend  []legendItem
	Outcome []string
	Matrix  [][]int
	Rows    []outcomeRow
}

type legendItem struct{ Name, Color string }

type outcomeRow struct {
	Name          string
	Old, New, Chg int
}

// Write writes the HTML report of res to w.
func Write(w io.Writer, res *replay.Result, opts *Options) error {
	p := page{Title: "comply replay", Res: res, Days: DaysChart(res), Rules: RulesChart(res)}
	if opts != nil && opts.Title != "" {
		p.Title = opts.Title
	}
	for _, ac := range actionColors {
		p.Legend = append(p.Legend, legendItem{ac.outcome.String(), ac.color})
	}
	p.Legend = append(p.Legend, legendItem{"all decisions", ColorTotal}, legendItem{"rule, old", ColorRuleOld}, legendItem{"rule, new", ColorRuleNew})
	for i := range replay.NumOutcomes {
		o := replay.Outcome(i)
		p.Outcome = append(p.Outcome, o.String())
		p.Rows = append(p.Rows, outcomeRow{o.String(), res.Old.Outcomes[i], res.New.Outcomes[i], res.New.Outcomes[i] - res.Old.Outcomes[i]})
		p.Matrix = append(p.Matrix, res.Transitions[i][:])
	}
	return tmpl.Execute(w, &p)
}

func pct(n, total int) string {
	if total == 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": pct,
	"signed": func(n int) string {
		return fmt.Sprintf("%+d", n)
	},
	"subtract": func(a, b int) int { return a - b },
	"utc":      func(c replay.Change) string { return c.Time.UTC().Format("2006-01-02 15:04:05Z") },
}).Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { margin: 0; background: #ffffff; color: #1d2329; font: 14px/1.4 sans-serif; }
main { width: 1080px; padding: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
svg { display: block; }
svg text { font: 11px sans-serif; fill: #1d2329; }
table { border-collapse: collapse; margin: 4px 0; }
td, th { border: 1px solid #d0d5db; padding: 2px 8px; text-align: right; }
th:first-child, td.l { text-align: left; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
.change { margin: 2px 0 8px; }
.msg { color: #4a5560; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Res.Transactions}} transactions{{if .Res.MalformedLines}}, {{.Res.MalformedLines}} malformed lines skipped{{end}}.
Old: <b>{{.Res.Old.Name}}</b> ({{.Res.Old.PackList}}). New: <b>{{.Res.New.Name}}</b> ({{.Res.New.PackList}}).
Changed: <b>{{.Res.Changed}}</b> decisions ({{pct .Res.Changed .Res.Transactions}}), {{.Res.ActionChanged}} with another action.</p>
<p class="legend">{{range .Legend}}<span><i style="background: {{.Color}}"></i>{{.Name}}</span>{{end}}</p>
<h2>Decisions per day</h2>
{{template "chart" .Days}}
<h2>Rule hit rates</h2>
{{template "chart" .Rules}}
<h2>Outcomes</h2>
<table>
<tr><th></th><th>old</th><th>new</th><th>change</th></tr>
{{range .Rows}}<tr><td class="l">{{.Name}}</td><td>{{.Old}}</td><td>{{.New}}</td><td>{{signed .Chg}}</td></tr>
{{end}}</table>
<h2>Transitions (rows old, columns new)</h2>
<table>
<tr><th></th>{{range .Outcome}}<th>{{.}}</th>{{end}}</tr>
{{range $i, $row := .Matrix}}<tr><td class="l">{{index $.Outcome $i}}</td>{{range $row}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<h2>Decisions per rule</h2>
<table>
<tr><th>rule</th><th>old</th><th>new</th><th>change</th></tr>
{{range .Res.Rules}}<tr><td class="l">{{.Rule}}</td><td>{{.Old}}</td><td>{{.New}}</td><td>{{signed (subtract .New .Old)}}</td></tr>
{{end}}</table>
{{if .Res.Changes}}<h2>Changed decisions{{if lt (len .Res.Changes) .Res.Changed}} (first {{len .Res.Changes}} of {{.Res.Changed}}){{end}}</h2>
{{range .Res.Changes}}<div class="change"><b>{{.TxID}}</b> line {{.Line}}, {{utc .}}, customer {{.Customer}}: {{.Old}} → {{.New}}
{{range .Added}}<div class="msg">+ {{.Rule}} ({{.Action}}): {{.Message}}</div>{{end}}
{{range .Removed}}<div class="msg">− {{.Rule}} ({{.Action}}): {{.Message}}</div>{{end}}
{{if .OldError}}<div class="msg">old error: {{.OldError}}</div>{{end}}
{{if .NewError}}<div class="msg">new error: {{.NewError}}</div>{{end}}
</div>
{{end}}{{end}}
</main>
</body>
</html>
{{define "chart"}}<svg id="{{.ID}}" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" shape-rendering="crispEdges" role="img">
<rect x="0" y="0" width="{{.Width}}" height="{{.Height}}" fill="{{.Background}}"/>
{{range .Axes}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="#9aa3ad"/>
{{end}}{{range .Rects}}<rect class="bar" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Fill}}"><title>{{.Title}}</title></rect>
{{end}}{{if .Line}}<polyline class="line" points="{{.Points}}" fill="none" stroke="{{.LineColor}}" stroke-width="2"/>
{{end}}{{range .Texts}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>
{{end}}</svg>{{end}}`
