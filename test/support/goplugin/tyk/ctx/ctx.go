// Package ctx stands in for the gateway's package of the same name.
package ctx

import "net/http"

// GetAPIID returns the API a request is for.
func GetAPIID(r *http.Request) string { return r.Header.Get("X-Tyk-Api-Id") }
