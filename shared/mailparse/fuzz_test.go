package mailparse

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any bytes give a message or a clear error, never a panic,
// and never more decoded bytes than the limit.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "events", "email", "*.eml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte("From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Transfer-Encoding: base64\r\n\r\nAAA=\r\n--x--\r\n"))
	f.Add([]byte("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nFrom: c@d=\r\n\r\n\r\nhi"))
	lim := Limits{Bytes: 1 << 20, Parts: 50, Depth: 5}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		total := len(m.Text)
		for _, a := range m.Attachments {
			total += len(a.Data)
		}
		if total > 2*int(lim.Bytes) {
			t.Fatalf("decoded %d bytes past the limit", total)
		}
	})
}
