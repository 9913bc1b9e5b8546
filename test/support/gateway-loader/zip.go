package main

import (
	"archive/zip"
	"encoding/binary"

	"io"
	"os"
)

// zipOpen opens the bundle as archive/zip does in the Go the gateway is built with (its go.mod asks
// for 1.21.11 / 1.22.6 or later). This module builds with the Go on the test machine (Debian's
// 1.19), whose readDirectoryEnd differs from the newer one in two ways, applied here before 1.19's
// reader runs:
//   - findSignatureInBlock stops at the last end-record signature and fails when its comment runs
//     past the end of the file (Go 1.21.11 / 1.22.4, golang.org/issue/66869); 1.19 looked further back.
//   - the base offset (data prepended to the zip) is decided once, in readDirectoryEnd: 0 when it is
//     positive and a directory record parses at the stated offset, otherwise as computed. 1.19 tried
//     the computed one first and fell back to 0 when the first record there failed.
func zipOpen(path string) (*zip.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	size := info.Size()
	var ra io.ReaderAt = f
	end, err := readEnd(f, size)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if end != nil {
		base := end.at - end.size - end.offset
		switch {
		case base > 0 && end.offset >= 0 && end.offset < size && directoryRecordAt(f, end.offset, size):
			// Newer Go reads the directory at the stated offset; make 1.19 compute a base of 0 too.
			fixed := make([]byte, end.sizeLen)
			if end.sizeLen == 4 {
				binary.LittleEndian.PutUint32(fixed, uint32(end.at-end.offset))
			} else {
				binary.LittleEndian.PutUint64(fixed, uint64(end.at-end.offset))
			}
			ra = overlay{f, end.sizeAt, fixed}
		case base != 0 && base+end.offset >= 0 && base+end.offset < size && !directoryRecordAt(f, base+end.offset, size):
			// Newer Go finds no record where it looks, and keeps no fallback.
			if uint16(end.records) != 0 {
				f.Close()
				return nil, nil, zip.ErrFormat
			}
			return &zip.Reader{}, f.Close, nil
		}
	}
	r, err := zip.NewReader(ra, size)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f.Close, nil
}

type endRecord struct {
	at, size, offset int64 // where the (zip64) end record starts; directory size and offset
	records          uint64
	sizeAt           int64 // where the directory size is stored, and in how many bytes
	sizeLen          int
}

// readEnd finds the end record as newer Go does. It returns nil (and lets archive/zip report the
// failure) where 1.19 fails the same way, and zip.ErrFormat for a truncated comment.
func readEnd(f io.ReaderAt, size int64) (*endRecord, error) {
	var block []byte
	var at int64
	for i, n := range []int64{1024, 65 * 1024} {
		if n > size {
			n = size
		}
		buf := make([]byte, n)
		if _, err := f.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return nil, err
		}
		p, truncated := lastEndRecord(buf)
		if p >= 0 {
			block, at = buf[p:], size-n+int64(p)
			break
		}
		if i == 1 || n == size {
			if truncated {
				return nil, zip.ErrFormat
			}
			return nil, nil
		}
	}
	e := &endRecord{
		at:      at,
		records: uint64(binary.LittleEndian.Uint16(block[10:])),
		size:    int64(binary.LittleEndian.Uint32(block[12:])),
		offset:  int64(binary.LittleEndian.Uint32(block[16:])),
		sizeAt:  at + 12,
		sizeLen: 4,
	}
	if e.records == 0xffff || e.size == 0xffff || e.offset == 0xffffffff {
		loc := make([]byte, 20)
		if at < 20 {
			return e, nil
		}
		if _, err := f.ReadAt(loc, at-20); err != nil {
			return nil, nil
		}
		p := int64(binary.LittleEndian.Uint64(loc[8:]))
		if binary.LittleEndian.Uint32(loc) != 0x07064b50 || binary.LittleEndian.Uint32(loc[4:]) != 0 || binary.LittleEndian.Uint32(loc[16:]) != 1 {
			return e, nil
		}
		rec := make([]byte, 56)
		if p < 0 || p+56 > size {
			return nil, nil
		}
		if _, err := f.ReadAt(rec, p); err != nil || binary.LittleEndian.Uint32(rec) != 0x06064b50 {
			return nil, nil
		}
		e.at, e.records, e.sizeAt, e.sizeLen = p, binary.LittleEndian.Uint64(rec[32:]), p+40, 8
		e.size, e.offset = int64(binary.LittleEndian.Uint64(rec[40:])), int64(binary.LittleEndian.Uint64(rec[48:]))
		if e.size < 0 || e.offset < 0 {
			return nil, zip.ErrFormat // newer Go refuses values beyond int64
		}
	}
	return e, nil
}

// lastEndRecord: the offset of the last end-record signature in b whose comment fits, or -1, and
// whether the last signature's comment ran past the end.
func lastEndRecord(b []byte) (int, bool) {
	const endLen = 22
	for i := len(b) - endLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(b[i:]) == 0x06054b50 {
			if int(binary.LittleEndian.Uint16(b[i+endLen-2:]))+endLen+i > len(b) {
				return -1, true
			}
			return i, false
		}
	}
	return -1, false
}

// directoryRecordAt: whether readDirectoryHeader succeeds at off (signature, the whole record
// within the file, and the zip64 field present for every maxed-out compressed size or offset).
func directoryRecordAt(f io.ReaderAt, off, size int64) bool {
	head := make([]byte, 46)
	if off+46 > size {
		return false
	}
	if _, err := f.ReadAt(head, off); err != nil || binary.LittleEndian.Uint32(head) != 0x02014b50 {
		return false
	}
	nameLen, extraLen, commentLen := int64(binary.LittleEndian.Uint16(head[28:])), int64(binary.LittleEndian.Uint16(head[30:])), int64(binary.LittleEndian.Uint16(head[32:]))
	if off+46+nameLen+extraLen+commentLen > size {
		return false
	}
	extra := make([]byte, extraLen)
	if _, err := f.ReadAt(extra, off+46+nameLen); err != nil {
		return false
	}
	needU := binary.LittleEndian.Uint32(head[24:]) == 0xffffffff
	needC := binary.LittleEndian.Uint32(head[20:]) == 0xffffffff
	needO := binary.LittleEndian.Uint32(head[42:]) == 0xffffffff
	for len(extra) >= 4 {
		tag, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if len(extra) < n {
			break
		}
		field := extra[:n]
		extra = extra[n:]
		if tag != 1 {
			continue
		}
		for _, need := range []*bool{&needU, &needC, &needO} {
			if *need {
				*need = false
				if len(field) < 8 {
					return false
				}
				field = field[8:]
			}
		}
	}
	return !needC && !needO
}

// overlay reads the file with a few bytes replaced.
type overlay struct {
	io.ReaderAt
	at   int64
	data []byte
}

func (o overlay) ReadAt(p []byte, off int64) (int, error) {
	n, err := o.ReaderAt.ReadAt(p, off)
	for i, b := range o.data {
		if at := o.at + int64(i) - off; at >= 0 && at < int64(n) {
			p[at] = b
		}
	}
	return n, err
}
