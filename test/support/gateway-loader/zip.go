package main

import "archive/zip"

func zipOpen(path string) (*zip.ReadCloser, error) { return zip.OpenReader(path) }
