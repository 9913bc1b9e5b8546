module example.com/plugins/other

go 1.19

require (
	example.com/shared v0.0.0
	github.com/TykTechnologies/tyk v0.0.0
)

replace github.com/TykTechnologies/tyk => ../../tyk

replace example.com/shared => ../../shared2
