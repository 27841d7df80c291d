// Package tlstrust turns a webhook's "trusted certificate" (PEM) into the
// certificate pool its https requests verify against: the system's roots
// plus those certificates. Validation and the sender share it, so what is
// accepted when a webhook is saved is exactly what is trusted when it sends.
package tlstrust

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Pool parses pemText and returns the system roots plus its certificates.
// It refuses text with no certificate, a block that is not a certificate,
// or a certificate that does not parse.
func Pool(pemText string) (*x509.CertPool, error) {
	certs, err := Parse(pemText)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// Parse returns the certificates in pemText.
func Parse(pemText string) ([]*x509.Certificate, error) {
	rest := []byte(strings.TrimSpace(pemText))
	var certs []*x509.Certificate
	for len(rest) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			if len(certs) == 0 {
				return nil, errors.New("not a PEM certificate: paste the -----BEGIN CERTIFICATE----- block")
			}
			return nil, errors.New("text after the last certificate is not PEM")
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("found a %q block; only CERTIFICATE blocks can be trusted", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the certificate does not parse: %v", err)
		}
		certs = append(certs, c)
		rest = []byte(strings.TrimSpace(string(rest)))
	}
	if len(certs) == 0 {
		return nil, errors.New("not a PEM certificate: paste the -----BEGIN CERTIFICATE----- block")
	}
	return certs, nil
}
