// The gateway's two policy file loaders, as gateway/policy.go has them (TykTechnologies/tyk):
// LoadPoliciesFromFile decodes one file as a map of policy id → user.Policy and loads nothing when
// the decode fails; LoadPoliciesFromDir decodes every *.json file of a folder as one user.Policy,
// keyed by its `id`. Go's encoding/json does the decoding, so the verdict on a file's shape comes
// from the same decoder the gateway uses. Policy has the fields of user/policy.go that decide it.
//
// Usage: policy-loader file <policies.json> | policy-loader dir <folder>
// Prints {"error": "...", "policies": [{"key", "id", "name", "access_rights"}]}.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

type AccessDefinition struct {
	APIName  string   `json:"api_name"`
	APIID    string   `json:"api_id"`
	Versions []string `json:"versions"`
}

type Policy struct {
	ID                 string                      `json:"id"`
	Name               string                      `json:"name"`
	OrgID              string                      `json:"org_id"`
	Rate               float64                     `json:"rate"`
	Per                float64                     `json:"per"`
	QuotaMax           int64                       `json:"quota_max"`
	QuotaRenewalRate   int64                       `json:"quota_renewal_rate"`
	ThrottleInterval   float64                     `json:"throttle_interval"`
	ThrottleRetryLimit int                         `json:"throttle_retry_limit"`
	AccessRights       map[string]AccessDefinition `json:"access_rights"`
	Active             bool                        `json:"active"`
	IsInactive         bool                        `json:"is_inactive"`
	Tags               []string                    `json:"tags"`
	KeyExpiresIn       int64                       `json:"key_expires_in"`
}

type loaded struct {
	Key          string `json:"key"`
	ID           string `json:"id"`
	Name         string `json:"name"`
	AccessRights int    `json:"access_rights"`
}

type verdict struct {
	Error    string   `json:"error,omitempty"`
	Policies []loaded `json:"policies"`
}

// loadFromFile: LoadPoliciesFromFile — on a decode error the gateway returns nil (no policies).
func loadFromFile(file string) verdict {
	f, err := os.Open(file)
	if err != nil {
		return verdict{Error: err.Error(), Policies: []loaded{}}
	}
	defer f.Close()
	var policies map[string]Policy
	if err := json.NewDecoder(f).Decode(&policies); err != nil {
		return verdict{Error: err.Error(), Policies: []loaded{}}
	}
	return verdict{Policies: list(policies)}
}

// loadFromDir: LoadPoliciesFromDir — a file that does not decode still adds what was decoded.
func loadFromDir(dir string) verdict {
	policies := map[string]Policy{}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var firstErr string
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		pol := &Policy{}
		if err := json.NewDecoder(f).Decode(pol); err != nil && firstErr == "" {
			firstErr = fmt.Sprintf("%s: %v", filepath.Base(path), err)
		}
		f.Close()
		policies[pol.ID] = *pol
	}
	return verdict{Error: firstErr, Policies: list(policies)}
}

func list(policies map[string]Policy) []loaded {
	out := []loaded{}
	for key, p := range policies {
		out = append(out, loaded{Key: key, ID: p.ID, Name: p.Name, AccessRights: len(p.AccessRights)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: policy-loader file <policies.json> | dir <folder>")
		os.Exit(2)
	}
	var v verdict
	if os.Args[1] == "dir" {
		v = loadFromDir(os.Args[2])
	} else {
		v = loadFromFile(os.Args[2])
	}
	out, _ := json.Marshal(v)
	fmt.Println(string(out))
}
