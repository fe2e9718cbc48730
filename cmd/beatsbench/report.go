package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// figure is one row of the results table.
type figure struct {
	Section string  `json:"section"`
	Name    string  `json:"name"`
	Value   float64 `json:"value"`
	Unit    string  `json:"unit"`
	Text    string  `json:"text,omitempty"` // shown instead of Value when set
	Target  string  `json:"target,omitempty"`
	Met     *bool   `json:"met,omitempty"`
}

// results is what a run produces: the table and details for the JSON file.
type results struct {
	Mode     string         `json:"mode"` // "full" or "quick"
	Date     string         `json:"date"`
	Machine  string         `json:"machine"`
	Commit   string         `json:"commit"`
	Seconds  float64        `json:"seconds"`
	Figures  []figure       `json:"figures"`
	Details  map[string]any `json:"details"`
	Findings []string       `json:"findings,omitempty"`
}

func (r *results) add(f figure) { r.Figures = append(r.Figures, f) }

// check adds a figure with a target: met reports whether value meets it.
func (r *results) check(section, name string, value float64, unit, target string, met bool) {
	r.add(figure{Section: section, Name: name, Value: value, Unit: unit, Target: target, Met: &met})
}

func (r *results) info(section, name string, value float64, unit string) {
	r.add(figure{Section: section, Name: name, Value: value, Unit: unit})
}

func (r *results) detail(key string, v any) { r.Details[key] = v }

func (f figure) value() string {
	if f.Text != "" {
		return f.Text
	}
	var s string
	switch {
	case f.Value == float64(int64(f.Value)) && (f.Value >= 100 || f.Value <= -100 || f.Value == 0):
		s = commas(int64(f.Value))
	case f.Value >= 100:
		s = commas(int64(f.Value + 0.5))
	case f.Value >= 10:
		s = fmt.Sprintf("%.1f", f.Value)
	default:
		s = fmt.Sprintf("%.2f", f.Value)
	}
	if f.Unit != "" {
		s += " " + f.Unit
	}
	return s
}

func (f figure) target() string {
	if f.Target == "" {
		return "—"
	}
	if f.Met == nil {
		return f.Target
	}
	if *f.Met {
		return f.Target + " ✅ met"
	}
	return f.Target + " ❌ missed"
}

// markdown renders the table with its heading.
func (r *results) markdown() string {
	var b strings.Builder
	label := "Full run"
	if r.Mode == "quick" {
		label = "Quick run (`make bench-quick`: reduced sizes, not comparable with the full run's targets)"
	}
	fmt.Fprintf(&b, "### %s\n\n", label)
	fmt.Fprintf(&b, "Run %s on %s at commit `%s`, in %s.\n\n", r.Date, r.Machine, r.Commit, (time.Duration(r.Seconds) * time.Second).String())
	b.WriteString("| figure | value | target | date | machine | commit |\n|---|---|---|---|---|---|\n")
	day := r.Date[:min(len(r.Date), 10)]
	for _, f := range r.Figures {
		fmt.Fprintf(&b, "| %s: %s | %s | %s | %s | %s | %s |\n", f.Section, escapeCell(f.Name), escapeCell(f.value()), escapeCell(f.target()), day, escapeCell(r.Machine), r.Commit)
	}
	if len(r.Findings) > 0 {
		b.WriteString("\nMeasured alongside:\n\n")
		for _, s := range r.Findings {
			fmt.Fprintf(&b, "- %s\n", s)
		}
	}
	return b.String()
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func commas(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// writeMarkdown replaces this mode's block in path, between its markers,
// and keeps the rest of the file (the hand-written notes) as it is.
func writeMarkdown(path string, r *results) error {
	begin := fmt.Sprintf("<!-- beatsbench:%s:begin -->", r.Mode)
	end := fmt.Sprintf("<!-- beatsbench:%s:end -->", r.Mode)
	block := begin + "\n" + r.markdown() + end
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	switch {
	case i >= 0 && j > i:
		text = text[:i] + block + text[j+len(end):]
	case text == "":
		text = "# Benchmarks\n\n`make bench` (full) and `make bench-quick` write the tables below; the notes are kept by hand.\n\n" + block + "\n"
	default:
		text = strings.TrimRight(text, "\n") + "\n\n" + block + "\n"
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

// writeJSON stores r under its mode in path, keeping the other mode's results.
func writeJSON(path string, r *results) error {
	all := map[string]json.RawMessage{}
	if old, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(old, &all)
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	all[r.Mode] = raw
	out, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}
