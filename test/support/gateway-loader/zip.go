package main

import (
	"archive/zip"
	"encoding/binary"
	"io"
	"os"
)

// zipOpen is archive/zip's OpenReader as the gateway's Go has it. This module builds with the Go
// on the test machine (Debian's 1.19), whose readDirectoryEnd predates one change the gateway's Go
// has (its go.mod asks for 1.21.11 / 1.22.6 or later): since Go 1.21.11 and 1.22.4
// (golang.org/issue/66869) findSignatureInBlock stops at the last end-record signature and fails
// when its comment runs past the end of the file, where 1.19 skipped it and looked further back.
func zipOpen(path string) (*zip.ReadCloser, error) {
	if err := checkEndRecord(path); err != nil {
		return nil, err
	}
	return zip.OpenReader(path)
}

// checkEndRecord repeats the newer search (the last 1 KiB, then the last 65 KiB) and reports
// zip.ErrFormat where it fails; where it succeeds, it finds the record 1.19 finds.
func checkEndRecord(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	for i, n := range []int64{1024, 65 * 1024} {
		if n > size {
			n = size
		}
		buf := make([]byte, n)
		if _, err := f.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return err
		}
		switch lastEndRecord(buf) {
		case "found":
			return nil
		case "truncated":
			if i == 1 || n == size {
				return zip.ErrFormat
			}
		}
		if i == 1 || n == size {
			return nil // no record at all: 1.19 fails the same way
		}
	}
	return nil
}

// lastEndRecord: "found", "truncated" (the comment runs past the block) or "none".
func lastEndRecord(b []byte) string {
	const endLen = 22
	for i := len(b) - endLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(b[i:]) == 0x06054b50 {
			if int(binary.LittleEndian.Uint16(b[i+endLen-2:]))+endLen+i > len(b) {
				return "truncated"
			}
			return "found"
		}
	}
	return "none"
}
