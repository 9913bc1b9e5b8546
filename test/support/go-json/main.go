// The oracle for what Go's standard library does with the text lint reads: url.Parse on
// load-balancing targets, json.Decoder (config.Load, LoadPoliciesFromFile) against json.Unmarshal
// (loadDefFromFilePath) on trailing data, and how duplicate keys land in typed fields.
// Usage: go-json url < lines | go-json decode FILE | go-json merge FILE
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
)

// Shapes the gateway's structs have: nested structs, maps of structs, slices, interface{} values.
type Inner struct {
	A int               `json:"a"`
	B string            `json:"b"`
	M map[string]string `json:"m"`
}

type Doc struct {
	Flag    bool                   `json:"flag"`
	Name    string                 `json:"name"`
	Inner   Inner                  `json:"inner"`
	Ptr     *Inner                 `json:"ptr"`
	Map     map[string]Inner       `json:"map"`
	List    []string               `json:"list"`
	Any     interface{}            `json:"any"`
	AnyMap  map[string]interface{} `json:"any_map"`
}

func main() {
	switch os.Args[1] {
	case "url":
		in := bufio.NewScanner(os.Stdin)
		out := json.NewEncoder(os.Stdout)
		for in.Scan() {
			u, err := url.Parse(in.Text())
			res := map[string]string{"scheme": "", "error": ""}
			if err != nil {
				res["error"] = err.Error()
			} else {
				res["scheme"] = u.Scheme
			}
			out.Encode(res)
		}
	case "decode":
		data, _ := os.ReadFile(os.Args[2])
		f, _ := os.Open(os.Args[2])
		var viaDecoder, viaUnmarshal map[string]interface{}
		decErr := json.NewDecoder(f).Decode(&viaDecoder)
		unErr := json.Unmarshal(data, &viaUnmarshal)
		json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"decoder": decErr == nil, "unmarshal": unErr == nil, "value": viaDecoder})
	case "merge":
		data, _ := os.ReadFile(os.Args[2])
		var d Doc
		if err := json.Unmarshal(data, &d); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(d)
	}
}
