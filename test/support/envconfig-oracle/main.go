// Reads JSON cases {"type": "<go type>", "value": "<raw>"} on stdin, sets TYK_GW_V to the value,
// runs kelseyhightower/envconfig's Process("TYK_GW", &s) on a struct whose one field V has that Go
// type, and prints one JSON line per case: {"value": <result>} or {"error": "<envconfig error>"}.
// Floats print with strconv.FormatFloat so NaN and Inf survive JSON.
// With the argument "names" it prints instead the variable names envconfig gives the fields of
// Config below, a struct with the shapes tyk's config.Config uses.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/kelseyhightower/envconfig"
)

type Case struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func run(c Case) (interface{}, error) {
	os.Setenv("TYK_GW_V", c.Value)
	switch c.Type {
	case "bool":
		var s struct{ V bool }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "int":
		var s struct{ V int }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "int8":
		var s struct{ V int8 }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "int32":
		var s struct{ V int32 }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "int64":
		var s struct{ V int64 }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "uint16":
		var s struct{ V uint16 }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "uint64":
		var s struct{ V uint64 }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "float32":
		var s struct{ V float32 }
		err := envconfig.Process("TYK_GW", &s)
		return strconv.FormatFloat(float64(s.V), 'g', -1, 32), err
	case "float64":
		var s struct{ V float64 }
		err := envconfig.Process("TYK_GW", &s)
		return strconv.FormatFloat(s.V, 'g', -1, 64), err
	case "time.Duration":
		var s struct{ V time.Duration }
		err := envconfig.Process("TYK_GW", &s)
		return int64(s.V), err
	case "string":
		var s struct{ V string }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "[]string":
		var s struct{ V []string }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "[]int":
		var s struct{ V []int }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "map[string]string":
		var s struct{ V map[string]string }
		return s.V, envconfig.Process("TYK_GW", &s)
	case "map[string]int":
		var s struct{ V map[string]int }
		return s.V, envconfig.Process("TYK_GW", &s)
	}
	return nil, fmt.Errorf("unknown type %s", c.Type)
}

type CertData struct {
	Name     string `json:"domain_name"`
	CertFile string `json:"cert_file"`
}

// CertsData decodes itself from JSON, like tyk's config.CertsData.
type CertsData []CertData

func (c *CertsData) Decode(value string) error { return json.Unmarshal([]byte(value), c) }

type RateLimit struct {
	DRLThreshold                 float64 `json:"drl_threshold"`
	EnableFixedWindowRateLimiter bool    `json:"enable_fixed_window_rate_limiter"`
}

type Base struct {
	Enabled  bool `json:"enabled"`
	Exporter struct {
		Endpoint string `json:"endpoint"`
	} `json:"exporter"`
}

type TracesConfig struct {
	Base
	Extra int `json:"extra"`
}

type Trigger struct {
	Handler string `json:"handler"`
}

type Config struct {
	HostName string `json:"hostname"`
	Storage  struct {
		Host string `json:"host"`
		Port int    `json:"port"`
	} `json:"storage"`
	RateLimit
	Tracer struct {
		Name    string                 `json:"name"`
		Options map[string]interface{} `json:"options"`
	} `json:"tracing"`
	Traces        *TracesConfig        `json:"traces"`
	Certificates  CertsData            `json:"certificates"`
	Secrets       map[string]string    `json:"secrets"`
	CheckInterval int64                `json:"-" ignored:"true"`
	Events        map[string][]Trigger `json:"events"`
	Duration      time.Duration        `json:"duration"`
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "names" {
		if err := envconfig.Usagef("TYK_GW", &Config{}, os.Stdout, "{{range .}}{{usage_key .}}\n{{end}}"); err != nil {
			panic(err)
		}
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var c Case
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			panic(err)
		}
		v, err := run(c)
		if err != nil {
			out.Encode(map[string]string{"error": err.Error()})
		} else {
			out.Encode(map[string]interface{}{"value": v})
		}
	}
}
