package main

import (
	"net/http"

	"example.com/shared"
	"github.com/TykTechnologies/tyk/ctx"
)

// AddFooBarHeader is a request hook.
func AddFooBarHeader(rw http.ResponseWriter, r *http.Request) {
	r.Header.Add("Foo", shared.Greeting()+ctx.GetAPIID(r))
}

// MyResponse is a response hook.
func MyResponse(rw http.ResponseWriter, res *http.Response, req *http.Request) {
	res.Header.Add("Foo", "Bar")
}

// NotAFunc is exported but is not a function.
var NotAFunc = 3

func main() {}
