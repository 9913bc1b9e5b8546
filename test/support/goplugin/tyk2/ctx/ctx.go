// Package ctx: the stand-in gateway package, changed (one more function), so a plugin built
// against this copy has a different hash for it than the gateway built against ../tyk.
package ctx

import "net/http"

// GetAPIID returns the API a request is for.
func GetAPIID(r *http.Request) string { return r.Header.Get("X-Tyk-Api-Id") }

// GetOrgID is the change.
func GetOrgID(r *http.Request) string { return r.Header.Get("X-Tyk-Org-Id") }
