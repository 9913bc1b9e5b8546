module example.com/gateway

go 1.19

require github.com/TykTechnologies/tyk v0.0.0

replace github.com/TykTechnologies/tyk => ../tyk
