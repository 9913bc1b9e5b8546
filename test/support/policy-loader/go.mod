module policyloader

go 1.19
