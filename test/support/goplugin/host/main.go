// The oracle: opens each argument (file.so[:Symbol[:hook]]) in order with plugin.Open, as one
// gateway process would, then looks the symbol up and casts it the way goplugin/goplugin.go does.
package main

import (
	"encoding/json"
	"net/http"
	"os"
	"plugin"
	"strings"

	"github.com/TykTechnologies/tyk/ctx"
)

type result struct {
	File     string `json:"file"`
	OK       bool   `json:"ok"`
	Error    string `json:"error,omitempty"`
	Symbol   string `json:"symbol,omitempty"`
	Found    bool   `json:"found"`
	Cast     bool   `json:"cast"`
	SymError string `json:"symError,omitempty"`
}

var _ = ctx.GetAPIID

func main() {
	out := json.NewEncoder(os.Stdout)
	for _, arg := range os.Args[1:] {
		parts := strings.SplitN(arg, ":", 3)
		r := result{File: parts[0]}
		p, err := plugin.Open(parts[0])
		if err != nil {
			r.Error = err.Error()
		} else {
			r.OK = true
			if len(parts) > 1 {
				r.Symbol = parts[1]
				s, err := p.Lookup(parts[1])
				if err != nil {
					r.SymError = err.Error()
				} else {
					r.Found = true
					if len(parts) > 2 && parts[2] == "response" {
						_, r.Cast = s.(func(http.ResponseWriter, *http.Response, *http.Request))
					} else {
						_, r.Cast = s.(func(http.ResponseWriter, *http.Request))
					}
				}
			}
		}
		_ = out.Encode(r)
	}
}
