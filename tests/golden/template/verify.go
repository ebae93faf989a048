// Checks cases.txt against Go's own text/template, with the functions docker's
// --format adds. Run from this folder:
//
//	go run verify.go            # report rows whose expected column differs from Go
//	go run verify.go -write     # rewrite the expected column with Go's output
//
// Data rows are JSON; they are decoded the way layerbox reads JavaScript values:
// integral numbers become int, other numbers float64, arrays of strings (and empty
// arrays) []string, objects whose values are all strings map[string]string.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"text/template"
)

const sep = " ¦ "

// docker's extra template functions, re-stated from their documented behaviour.
var dockerFuncs = template.FuncMap{
	"json": func(v interface{}) string {
		buf := &bytes.Buffer{}
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		return strings.TrimSpace(buf.String())
	},
	"split": strings.Split,
	"join":  strings.Join,
	"title": strings.Title,
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"pad": func(s string, prefix, suffix int) string {
		if s == "" {
			return s
		}
		return strings.Repeat(" ", prefix) + s + strings.Repeat(" ", suffix)
	},
	"truncate": func(s string, n int) string {
		if len(s) < n {
			return s
		}
		return s[:n]
	},
}

func convert(v interface{}) interface{} {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int(x)
		}
		return x
	case []interface{}:
		allStrings := true
		for _, e := range x {
			if _, ok := e.(string); !ok {
				allStrings = false
			}
		}
		if allStrings {
			out := make([]string, len(x))
			for i, e := range x {
				out[i] = e.(string)
			}
			return out
		}
		for i, e := range x {
			x[i] = convert(e)
		}
		return x
	case map[string]interface{}:
		allStrings := true
		for _, e := range x {
			if _, ok := e.(string); !ok {
				allStrings = false
			}
		}
		if allStrings {
			out := map[string]string{}
			for k, e := range x {
				out[k] = e.(string)
			}
			return out
		}
		for k, e := range x {
			x[k] = convert(e)
		}
		return x
	}
	return v
}

// A field is a JSON string when it starts with a double quote, else literal text.
func decodeField(s string) string {
	if strings.HasPrefix(s, `"`) {
		var out string
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			panic(fmt.Sprintf("bad JSON string field %s: %v", s, err))
		}
		return out
	}
	return s
}

func encodeField(s string) string {
	if s == "" || strings.HasPrefix(s, `"`) || strings.Contains(s, sep) || strings.ContainsAny(s, "\n\r\t") ||
		strings.TrimSpace(s) != s {
		b, _ := json.Marshal(s)
		return string(b)
	}
	return s
}

func run(tmplText, dataText, missingKey string) string {
	var data interface{}
	if err := json.Unmarshal([]byte(dataText), &data); err != nil {
		panic(fmt.Sprintf("bad data %s: %v", dataText, err))
	}
	data = convert(data)
	t, err := template.New("").Funcs(dockerFuncs).Option("missingkey=" + missingKey).Parse(tmplText)
	if err != nil {
		return "error: " + err.Error()
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data); err != nil {
		return "error: " + err.Error()
	}
	return out.String()
}

func main() {
	write := flag.Bool("write", false, "rewrite the expected column")
	flag.Parse()
	f, err := os.Open("cases.txt")
	if err != nil {
		panic(err)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	f.Close()
	missingKey := "default"
	bad, rows := 0, 0
	for i, line := range lines {
		if strings.HasPrefix(line, "#! missingkey=") {
			missingKey = strings.TrimPrefix(line, "#! missingkey=")
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, sep)
		if len(parts) != 3 {
			panic(fmt.Sprintf("line %d: want 3 fields separated by %q", i+1, sep))
		}
		rows++
		got := run(decodeField(parts[0]), parts[1], missingKey)
		want := decodeField(parts[2])
		if got != want {
			bad++
			if !*write {
				fmt.Printf("line %d: %s\n  want %q\n  go   %q\n", i+1, parts[0], want, got)
			}
			lines[i] = parts[0] + sep + parts[1] + sep + encodeField(got)
		}
	}
	if *write {
		os.WriteFile("cases.txt", []byte(strings.Join(lines, "\n")+"\n"), 0o644)
		fmt.Printf("%d rows, %d rewritten\n", rows, bad)
		return
	}
	fmt.Printf("%d rows, %d differ from Go\n", rows, bad)
	if bad > 0 {
		os.Exit(1)
	}
}
