module example.com/plugins/versioned

go 1.19

require github.com/TykTechnologies/tyk v1.9.2-0.20240101000000-abcdefabcdef
