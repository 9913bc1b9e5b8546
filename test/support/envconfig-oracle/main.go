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

// process runs envconfig on a struct whose one field V has the Go type T.
func process[T any]() (T, error) {
	var s struct{ V T }
	err := envconfig.Process("TYK_GW", &s)
	return s.V, err
}

// result is process for the types whose value prints as it is.
func result[T any]() (interface{}, error) {
	v, err := process[T]()
	return v, err
}

func run(c Case) (interface{}, error) {
	os.Setenv("TYK_GW_V", c.Value)
	switch c.Type {
	case "bool":
		return result[bool]()
	case "int":
		return result[int]()
	case "int8":
		return result[int8]()
	case "int32":
		return result[int32]()
	case "int64":
		return result[int64]()
	case "uint16":
		return result[uint16]()
	case "uint64":
		return result[uint64]()
	case "float32":
		v, err := process[float32]()
		return strconv.FormatFloat(float64(v), 'g', -1, 32), err
	case "float64":
		v, err := process[float64]()
		return strconv.FormatFloat(v, 'g', -1, 64), err
	case "time.Duration":
		v, err := process[time.Duration]()
		return int64(v), err
	case "string":
		return result[string]()
	case "[]string":
		return result[[]string]()
	case "[]int":
		return result[[]int]()
	case "map[string]string":
		return result[map[string]string]()
	case "map[string]int":
		return result[map[string]int]()
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
