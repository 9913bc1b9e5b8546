// Reads JSON cases {"type": "<go type>", "value": "<raw>"} on stdin, sets TYK_GW_V to the value,
// runs kelseyhightower/envconfig's Process("TYK_GW", &s) on a struct whose one field V has that Go
// type, and prints one JSON line per case: {"value": <result>} or {"error": "<envconfig error>"}.
// Floats print with strconv.FormatFloat so NaN and Inf survive JSON.
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

func main() {
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
