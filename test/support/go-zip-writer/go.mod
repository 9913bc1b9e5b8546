module gozipwriter

go 1.19
