// A reference for the tests: loads a bundle the way the Tyk gateway does on a fresh download
// (TYK-FACTS "How the gateway loads a bundle", steps 4-6), written for tyk-ts from that description,
// with Go's own archive/zip, encoding/json, encoding/base64 and crypto/rsa, on a real file system.
//
// Usage: gateway_loader <bundle.zip> [public-key.pem]
// Prints one JSON line: {"accepted": bool, "stage": "...", "error": "..."}.
package main

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

type hook struct {
	Disabled       bool   `json:"disabled"`
	Name           string `json:"name"`
	Path           string `json:"path"`
	Code           string `json:"code"`
	RequireSession bool   `json:"require_session"`
	RawBodyOnly    bool   `json:"raw_body_only"`
}

type idExtractor struct {
	Disabled        bool                   `json:"disabled"`
	ExtractFrom     string                 `json:"extract_from"`
	ExtractWith     string                 `json:"extract_with"`
	ExtractorConfig map[string]interface{} `json:"extractor_config"`
}

type middleware struct {
	Pre         []hook      `json:"pre"`
	Post        []hook      `json:"post"`
	PostKeyAuth []hook      `json:"post_key_auth"`
	AuthCheck   hook        `json:"auth_check"`
	Response    []hook      `json:"response"`
	Driver      string      `json:"driver"`
	IdExtractor idExtractor `json:"id_extractor"`
	TrafficLogs hook        `json:"traffic_logs"`
}

type manifest struct {
	FileList         []string   `json:"file_list"`
	CustomMiddleware middleware `json:"custom_middleware"`
	Checksum         string     `json:"checksum"`
	Signature        string     `json:"signature"`
}

var errInvalidPath = errors.New("invalid file path in archive")

func checkName(name, target string) error {
	clean := filepath.Clean(name)
	if filepath.IsAbs(clean) {
		return errInvalidPath
	}
	rel, err := filepath.Rel(target, filepath.Join(target, clean))
	if err != nil {
		return err
	}
	if strings.HasPrefix(rel, "..") {
		return errInvalidPath
	}
	return nil
}

func extract(f *zip.File, dir string) error {
	if err := checkName(f.Name, dir); err != nil {
		return err
	}
	dest := filepath.Join(dir, f.Name)
	if f.FileHeader.Mode().IsDir() {
		return os.Mkdir(dest, 0700)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.Create(dest)
	if err != nil {
		return err
	}
	defer out.Close()
	_, err = io.Copy(out, rc)
	return err
}

func unpack(data []byte, dir string) error {
	reader, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range reader.File {
		if err := extract(f, dir); err != nil {
			return err
		}
	}
	return nil
}

func loadPublicKey(path string) (*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	var key interface{}
	switch block.Type {
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("unsupported key type %q", block.Type)
	}
	if err != nil {
		return nil, err
	}
	rsaKey, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rsaKey, nil
}

func verify(dir, keyPath string) (string, error) {
	f, err := os.Open(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return "manifest", err
	}
	defer f.Close()
	var m manifest
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		return "manifest", err
	}
	if keyPath != "" && m.Signature == "" {
		return "signed", errors.New("Bundle isn't signed")
	}
	md5Hash, shaHash := md5.New(), sha256.New()
	both := io.MultiWriter(md5Hash, shaHash)
	for _, name := range m.FileList {
		file, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return "file_list", err
		}
		_, err = io.Copy(both, file)
		file.Close()
		if err != nil {
			return "file_list", err
		}
	}
	if fmt.Sprintf("%x", md5Hash.Sum(nil)) != m.Checksum {
		return "checksum", errors.New("invalid checksum")
	}
	if keyPath == "" {
		return "", nil
	}
	key, err := loadPublicKey(keyPath)
	if err != nil {
		return "key", err
	}
	signature, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return "signature", err
	}
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, shaHash.Sum(nil), signature); err != nil {
		return "signature", err
	}
	return "", nil
}

func run() (string, error) {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		return "read", err
	}
	keyPath := ""
	if len(os.Args) > 2 {
		keyPath = os.Args[2]
	}
	// A fresh bundle directory, as the gateway makes under middleware_path/bundles.
	parent, err := os.MkdirTemp("", "gateway-loader-")
	if err != nil {
		return "setup", err
	}
	defer os.RemoveAll(parent)
	dir := filepath.Join(parent, "bundles", "0123456789abcdef0123456789abcdef")
	if err := os.MkdirAll(dir, 0700); err != nil {
		return "setup", err
	}
	if err := unpack(data, dir); err != nil {
		return "unpack", err
	}
	return verify(dir, keyPath)
}

func main() {
	stage, err := run()
	result := map[string]interface{}{"accepted": err == nil, "stage": stage}
	if err != nil {
		result["error"] = err.Error()
	}
	out, _ := json.Marshal(result)
	fmt.Println(string(out))
}
