// An independent model of how the Tyk gateway loads a freshly downloaded bundle, written with the
// same Go standard library the gateway uses (archive/zip, encoding/json, crypto/rsa), following
// TYK-FACTS "How the gateway loads a bundle". The tests use it as an oracle: tyk-ts's verdicts must
// equal this program's.
//
// Usage: gateway-loader <bundle.zip> [public.pem]
// Prints "accepted" (exit 0) or "refused: <reason>" (exit 1).
//
// The bundle is unpacked where the gateway unpacks it (getBundleDestPath in
// gateway/coprocess_bundle.go): middleware_path/bundles/<md5 of the bundle name>, with Go's default
// middleware_path "middleware" relative to the working directory (a fresh temporary one), or
// $GATEWAY_MIDDLEWARE_PATH. The path is handed to mkdir and create as the gateway hands it, so
// Linux's path length limit applies as it does on the gateway.
package main

import (
	"bytes"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
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

type manifest struct {
	FileList         []string `json:"file_list"`
	CustomMiddleware struct {
		Pre         []hook `json:"pre"`
		Post        []hook `json:"post"`
		PostKeyAuth []hook `json:"post_key_auth"`
		AuthCheck   hook   `json:"auth_check"`
		TrafficLogs hook   `json:"traffic_logs"`
		Response    []hook `json:"response"`
		Driver      string `json:"driver"`
		IdExtractor struct {
			Disabled        bool                   `json:"disabled"`
			ExtractFrom     string                 `json:"extract_from"`
			ExtractWith     string                 `json:"extract_with"`
			ExtractorConfig map[string]interface{} `json:"extractor_config"`
		} `json:"id_extractor"`
	} `json:"custom_middleware"`
	Checksum  string `json:"checksum"`
	Signature string `json:"signature"`
}

// unpack mirrors the gateway's ZipBundleSaver.extractFile (gateway/coprocess_bundle.go) with
// sanitize.ZipFilePath (internal/sanitize/path.go): cleaned names, refusal of absolute and
// ".."-prefixed relative names, mkdir for directories (parent must exist, must not exist yet), open
// the entry, then create the file (no parents made). Symbolic-link entries are not directories, so
// they become files holding the link's target, as on the gateway.
func unpack(zipPath, dest string) error {
	r, closeZip, err := zipOpen(zipPath)
	if err != nil {
		return err
	}
	defer closeZip()
	for _, f := range r.File {
		if filepath.IsAbs(f.Name) {
			return fmt.Errorf("invalid file path in archive: %s", f.Name)
		}
		target := filepath.Join(dest, f.Name)
		rel, err := filepath.Rel(dest, target)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("invalid file path in archive: %s", f.Name)
		}
		if f.FileInfo().IsDir() {
			if err := os.Mkdir(target, 0o755); err != nil {
				return err
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		out, err := os.Create(target)
		if err != nil {
			rc.Close()
			return err
		}
		_, err = io.Copy(out, rc)
		rc.Close()
		out.Close()
		if err != nil {
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
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, errors.New("not an RSA key")
		}
		return rk, nil
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	}
	return nil, fmt.Errorf("unsupported key type %q", block.Type)
}

func load(zipPath, keyPath string) error {
	work, err := os.MkdirTemp("", "gateway-loader-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := os.Chdir(work); err != nil {
		return err
	}
	middlewarePath := os.Getenv("GATEWAY_MIDDLEWARE_PATH")
	if middlewarePath == "" {
		middlewarePath = "middleware"
	}
	name := md5.Sum([]byte(filepath.Base(zipPath)))
	dest := filepath.Join(middlewarePath, "bundles", hex.EncodeToString(name[:]))
	if err := os.MkdirAll(dest, 0o700); err != nil {
		return err
	}
	if err := unpack(zipPath, dest); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	f, err := os.Open(filepath.Join(dest, "manifest.json"))
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	defer f.Close()
	var m manifest
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	var pub *rsa.PublicKey
	if keyPath != "" {
		if m.Signature == "" {
			return errors.New("Bundle isn't signed")
		}
		if pub, err = loadPublicKey(keyPath); err != nil {
			return err
		}
	}
	var data bytes.Buffer
	for _, name := range m.FileList {
		content, err := os.ReadFile(filepath.Join(dest, name))
		if err != nil {
			return err
		}
		data.Write(content)
	}
	if fmt.Sprintf("%x", md5.Sum(data.Bytes())) != m.Checksum {
		return errors.New("Invalid checksum")
	}
	if pub != nil {
		sig, err := base64.StdEncoding.DecodeString(m.Signature)
		if err != nil {
			return err
		}
		digest := sha256.Sum256(data.Bytes())
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gateway-loader <bundle.zip> [public.pem]")
		os.Exit(2)
	}
	// Absolute, because load changes the working directory.
	bundle, _ := filepath.Abs(os.Args[1])
	key := ""
	if len(os.Args) > 2 {
		key, _ = filepath.Abs(os.Args[2])
	}
	if err := load(bundle, key); err != nil {
		fmt.Println("refused:", err)
		os.Exit(1)
	}
	fmt.Println("accepted")
}
