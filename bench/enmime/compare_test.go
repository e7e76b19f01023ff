// Package enmime compares shared/mailparse with github.com/jhillyerd/enmime
// on the same messages, in the same run. It is a module of its own so
// enmime never becomes a dependency of the functions:
//
//	cd bench/enmime && go test -run '^$' -bench . -benchtime 10x
package enmime

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"testing"

	"github.com/jhillyerd/enmime/v2"

	"github.com/cspr-intake/cspr-intake/shared/mailparse"
)

func bigMessage(b *testing.B, size int) []byte {
	att := make([]byte, size)
	rand.Read(att)
	enc := base64.StdEncoding.EncodeToString(att)
	var m bytes.Buffer
	m.WriteString("From: sam.referrer@darlington.gov.uk\r\nTo: DSP@darlington.gov.uk\r\nSubject: Referral with photographs\r\nMessage-ID: <big@darlington.gov.uk>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPhotographs attached.\r\n--b\r\nContent-Type: image/jpeg; name=\"photos.jpg\"\r\nContent-Disposition: attachment; filename=\"photos.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		m.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	m.WriteString(enc + "\r\n--b--\r\n")
	return m.Bytes()
}

func messages(b *testing.B) map[string][]byte {
	outlook, err := os.ReadFile("../../events/email/outlook-word-form.eml")
	if err != nil {
		b.Fatal(err)
	}
	return map[string][]byte{"10MB-base64": bigMessage(b, 10<<20), "outlook-word-form": outlook}
}

func BenchmarkParse(b *testing.B) {
	for name, msg := range messages(b) {
		b.Run("mailparse/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := mailparse.Parse(bytes.NewReader(msg), mailparse.DefaultLimits); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("enmime/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := enmime.ReadEnvelope(bytes.NewReader(msg)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
