module tyk-ts/go-json

go 1.19
