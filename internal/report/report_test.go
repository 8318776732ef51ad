package report_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comply-go/comply/internal/replay"
	"github.com/comply-go/comply/internal/report"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/synth"
)

// tightPack is the stricter overlay the CLI tests use, over the built-in KR
// pack.
func tightPack(t testing.TB) *jurisdiction.Pack {
	t.Helper()
	o, err := jurisdiction.Load(os.DirFS("../../cmd/comply/testdata/replay/tight"), ".")
	if err != nil {
		t.Fatal(err)
	}
	p, err := jurisdiction.Overlay(kr.Pack(), o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	resultOnce sync.Once
	result     *replay.Result
	resultErr  error
)

// sample replays a small synthetic history under KR and the tight overlay.
func sample(t testing.TB) *replay.Result {
	t.Helper()
	resultOnce.Do(func() {
		g, err := synth.New(&synth.Options{Seed: 3, Customers: 400, Days: 21})
		if err != nil {
			resultErr = err
			return
		}
		var buf bytes.Buffer
		if _, err := g.Write(&buf); err != nil {
			resultErr = err
			return
		}
		result, resultErr = replay.Run(context.Background(), &buf, &replay.Options{
			Old: []*jurisdiction.Pack{kr.Pack()}, New: []*jurisdiction.Pack{tightPack(t)},
			OldName: "kr", NewName: "tight",
		})
	})
	if resultErr != nil {
		t.Fatal(resultErr)
	}
	return result
}

func render(t testing.TB, res *replay.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Write(&buf, res, &report.Options{Title: "replay <test>"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// external matches anything that could make a browser reach out: URLs,
// attributes that load, CSS imports and url(), scripts, frames, images.
var external = regexp.MustCompile(`(?i)https?:|//[a-z0-9]|\b(src|href|srcset|action|formaction|xlink:href)\s*=|url\(|@import|<(script|link|img|iframe|object|embed|image|use|foreignObject)\b`)

func TestNoNetwork(t *testing.T) {
	html := render(t, sample(t))
	if m := external.FindAll(html, 5); m != nil {
		t.Fatalf("the report refers outside itself: %q", m)
	}
	for _, want := range []string{`<svg id="chart-days"`, `<svg id="chart-rules"`, `class="bar"`, `<polyline class="line"`} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report has no %s", want)
		}
	}
}

// TestEscaping: rule ids, messages and names reach the page as text.
func TestEscaping(t *testing.T) {
	res := *sample(t)
	res.Old.Name = `<script>alert(1)</script>`
	res.Rules = append([]replay.RuleCount{{Rule: `x"><img onerror=1>`, Old: 1}}, res.Rules...)
	res.Changes = []replay.Change{{TxID: "<b>t</b>", Old: replay.Allow, New: replay.Block,
		Added: []replay.ChangedFinding{{Rule: "r", Message: `</div><script>x</script>`}}}}
	html := string(render(t, &res))
	for _, bad := range []string{"<script>", "<img", "<b>t</b>", `x"><`} {
		if strings.Contains(html, bad) {
			t.Errorf("report contains %q unescaped", bad)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the side's name is not shown escaped")
	}
}

func TestChartsMatchCounts(t *testing.T) {
	res := sample(t)
	if res.Changed == 0 {
		t.Fatal("the tight pack changed nothing: the sample cannot show a difference")
	}
	days := report.DaysChart(res)
	// One line vertex per day; bar heights follow the counts: the day with
	// the most flagged decisions reaches the top of the plot.
	first, _ := time.Parse(time.DateOnly, res.Days[0].Date)
	last, _ := time.Parse(time.DateOnly, res.Days[len(res.Days)-1].Date)
	if n := int(last.Sub(first).Hours()/24) + 1; len(days.Line) != n {
		t.Fatalf("%d line points for %d days", len(days.Line), n)
	}
	minY := days.Height
	for _, r := range days.Rects {
		minY = min(minY, r.Y)
	}
	if minY != 100 {
		t.Errorf("tallest stack starts at y=%d, want the plot top 100", minY)
	}
	rules := report.RulesChart(res)
	for _, r := range rules.Rects {
		if r.W < 1 || r.W > 480 {
			t.Errorf("bar %+v out of the plot", r)
		}
	}
}

// svgRect is a <rect> of a chart as the HTML has it.
type svgRect struct {
	Class string `xml:"class,attr"`
	X     int    `xml:"x,attr"`
	Y     int    `xml:"y,attr"`
	W     int    `xml:"width,attr"`
	H     int    `xml:"height,attr"`
	Fill  string `xml:"fill,attr"`
}

type svgDoc struct {
	ID     string    `xml:"id,attr"`
	Width  int       `xml:"width,attr"`
	Height int       `xml:"height,attr"`
	Rects  []svgRect `xml:"rect"`
	Line   *struct {
		Points string `xml:"points,attr"`
		Stroke string `xml:"stroke,attr"`
	} `xml:"polyline"`
}

// charts parses the <svg> elements of the page.
func charts(t *testing.T, html []byte) []svgDoc {
	t.Helper()
	var out []svgDoc
	rest := html
	for {
		i := bytes.Index(rest, []byte("<svg "))
		if i < 0 {
			break
		}
		j := bytes.Index(rest[i:], []byte("</svg>"))
		if j < 0 {
			t.Fatal("unterminated <svg>")
		}
		var d svgDoc
		if err := xml.Unmarshal(rest[i:i+j+len("</svg>")], &d); err != nil {
			t.Fatalf("chart is not well-formed: %v", err)
		}
		out = append(out, d)
		rest = rest[i+j:]
	}
	return out
}

func hexColor(t *testing.T, s string) color.RGBA {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil || len(s) != 7 {
		t.Fatalf("colour %q", s)
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

func same(img image.Image, x, y int, c color.RGBA) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(b>>8) == c.B
}

// box finds the bounding box of the pixels of colour c: a chart's
// background.
func box(img image.Image, c color.RGBA) (image.Rectangle, int) {
	b := img.Bounds()
	r := image.Rectangle{Min: b.Max, Max: b.Min}
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if same(img, x, y, c) {
				n++
				r.Min.X, r.Min.Y = min(r.Min.X, x), min(r.Min.Y, y)
				r.Max.X, r.Max.Y = max(r.Max.X, x+1), max(r.Max.Y, y+1)
			}
		}
	}
	return r, n
}

// TestChromiumScreenshot opens the report in headless Chromium
// (COMPLY_TEST_CHROMIUM), takes a screenshot and checks, for each chart,
// that every bar is drawn where its <rect> puts it in its colour, that no
// series colour appears beyond its bars, and that the line passes through
// its points.
func TestChromiumScreenshot(t *testing.T) {
	bin := os.Getenv("COMPLY_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("COMPLY_TEST_CHROMIUM is not set")
	}
	res := sample(t)
	html := render(t, res)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	shot := filepath.Join(dir, "shot.png")
	if err := os.WriteFile(page, html, 0o644); err != nil {
		t.Fatal(err)
	}
	docs := charts(t, html)
	if len(docs) != 2 {
		t.Fatalf("%d charts, want 2", len(docs))
	}
	height := 200
	for _, d := range docs {
		height += d.Height + 80
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--force-device-scale-factor=1", "--no-first-run", "--disable-extensions",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		fmt.Sprintf("--window-size=1200,%d", height), "--screenshot="+shot, "file://"+page)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chromium %s does not run: %v\n%s", bin, err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, out)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	backs := map[string]string{"chart-days": report.ColorDaysBack, "chart-rules": report.ColorRuleBack}
	for _, d := range docs {
		t.Run(d.ID, func(t *testing.T) {
			frame, _ := box(img, hexColor(t, backs[d.ID]))
			if frame.Dx() != d.Width || frame.Dy() != d.Height {
				t.Fatalf("chart drawn %v, want %dx%d", frame, d.Width, d.Height)
			}
			at := func(x, y int) (int, int) { return frame.Min.X + x, frame.Min.Y + y }
			// Every bar: at least 90 % of it in its colour.
			want := map[string]int{}
			bars := 0
			for _, r := range d.Rects {
				if r.Class != "bar" {
					continue
				}
				bars++
				c := hexColor(t, r.Fill)
				want[r.Fill] += r.W * r.H
				n, in := 0, 0
				for y := r.Y; y < r.Y+r.H; y++ {
					for x := r.X; x < r.X+r.W; x++ {
						in++
						if px, py := at(x, y); same(img, px, py, c) {
							n++
						}
					}
				}
				if n*10 < in*9 {
					t.Errorf("bar %+v: %d of %d pixels in %s", r, n, in, r.Fill)
				}
			}
			if bars == 0 {
				t.Fatal("no bars")
			}
			// Each series colour: nowhere in the chart but in its bars.
			for fill, area := range want {
				c := hexColor(t, fill)
				got := 0
				for y := 0; y < d.Height; y++ {
					for x := 0; x < d.Width; x++ {
						if px, py := at(x, y); same(img, px, py, c) {
							got++
						}
					}
				}
				if got > area || got*10 < area*9 {
					t.Errorf("%s: %d pixels in the chart, bars cover %d", fill, got, area)
				}
			}
			if d.Line == nil {
				return
			}
			c := hexColor(t, d.Line.Stroke)
			pts := strings.Fields(d.Line.Points)
			for _, p := range pts {
				var x, y int
				if _, err := fmt.Sscanf(p, "%d,%d", &x, &y); err != nil {
					t.Fatal(err)
				}
				found := false
				for dy := -2; dy <= 2 && !found; dy++ {
					for dx := -2; dx <= 2 && !found; dx++ {
						px, py := at(x+dx, y+dy)
						found = same(img, px, py, c)
					}
				}
				if !found {
					t.Errorf("line point %d,%d not drawn", x, y)
				}
			}
		})
	}
}
