// Writes a zip with Go's own archive/zip writer, as Go tooling (and the gateway's `tyk bundle build`)
// makes them: every file entry deflated or stored with a data descriptor after its data.
//
// Usage: go-zip-writer < spec.json, where spec is
// {"out": "b.zip", "entries": [{"name": "lib/", "dir": true}, {"name": "a.py", "text": "…", "store": false}]}
package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
)

type entry struct {
	Name  string `json:"name"`
	Text  string `json:"text"`
	Dir   bool   `json:"dir"`
	Store bool   `json:"store"`
}

type spec struct {
	Out     string  `json:"out"`
	Entries []entry `json:"entries"`
}

func run() error {
	var s spec
	if err := json.NewDecoder(os.Stdin).Decode(&s); err != nil {
		return err
	}
	f, err := os.Create(s.Out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := zip.NewWriter(f)
	for _, e := range s.Entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Store || e.Dir {
			h.Method = zip.Store
		}
		if e.Dir {
			h.SetMode(os.ModeDir | 0o755)
		} else {
			h.SetMode(0o644)
		}
		out, err := w.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := out.Write([]byte(e.Text)); err != nil {
			return err
		}
	}
	return w.Close()
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
