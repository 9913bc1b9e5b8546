// The oracle for what Go's standard library does with the text lint reads: url.Parse on
// load-balancing targets, json.Decoder (config.Load, LoadPoliciesFromFile) against json.Unmarshal
// (loadDefFromFilePath) on trailing data, how duplicate keys land in typed fields, and which number
// literals each Go number type takes.
// Usage: go-json url < lines | go-json decode FILE | go-json merge FILE | go-json numbers < literals
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"time"
)

// Shapes the gateway's structs have: nested structs, maps of structs, slices, interface{} values.
type Inner struct {
	A int               `json:"a"`
	B string            `json:"b"`
	M map[string]string `json:"m"`
}

type Doc struct {
	Flag   bool                   `json:"flag"`
	Name   string                 `json:"name"`
	Inner  Inner                  `json:"inner"`
	Ptr    *Inner                 `json:"ptr"`
	Map    map[string]Inner       `json:"map"`
	List   []string               `json:"list"`
	Any    interface{}            `json:"any"`
	AnyMap map[string]interface{} `json:"any_map"`
}

// The number types of the gateway's structs, one field each.
type Numbers struct {
	Int      int           `json:"int"`
	Int8     int8          `json:"int8"`
	Int16    int16         `json:"int16"`
	Int32    int32         `json:"int32"`
	Int64    int64         `json:"int64"`
	Uint     uint          `json:"uint"`
	Uint8    uint8         `json:"uint8"`
	Uint16   uint16        `json:"uint16"`
	Uint32   uint32        `json:"uint32"`
	Uint64   uint64        `json:"uint64"`
	Duration time.Duration `json:"time.Duration"`
	Float32  float32       `json:"float32"`
	Float64  float64       `json:"float64"`
}

var numberTypes = []string{"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "time.Duration", "float32", "float64"}

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
	case "numbers":
		// For each literal line: Go type → the error json.Unmarshal gives ("" when it takes it).
		in := bufio.NewScanner(os.Stdin)
		out := json.NewEncoder(os.Stdout)
		for in.Scan() {
			res := map[string]string{}
			for _, t := range numberTypes {
				var n Numbers
				res[t] = ""
				if err := json.Unmarshal([]byte(`{"`+t+`":`+in.Text()+`}`), &n); err != nil {
					res[t] = err.Error()
				}
			}
			out.Encode(res)
		}
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
