package main

import (
	"net/http"

	"github.com/TykTechnologies/tyk/ctx"
)

// Versioned is a request hook, built against the stand-in gateway module fetched as a module
// version (from a file:// module proxy), as plugins built against a real Tyk commit are.
func Versioned(rw http.ResponseWriter, r *http.Request) {
	r.Header.Add("Versioned", ctx.GetAPIID(r))
}

func main() {}
