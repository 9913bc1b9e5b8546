module gatewayloader

go 1.19
