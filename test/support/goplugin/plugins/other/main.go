package main

import (
	"net/http"

	"example.com/shared"
	"github.com/TykTechnologies/tyk/ctx"
)

// Other is a request hook.
func Other(rw http.ResponseWriter, r *http.Request) {
	r.Header.Add("Other", shared.Greeting()+ctx.GetAPIID(r))
}

func main() {}
