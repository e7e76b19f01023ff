package mailparse

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
)

// bigMessage is an Outlook-style message with a 10 MB attachment, base64
// in 76-character lines.
func bigMessage(tb testing.TB, size int) []byte {
	att := make([]byte, size)
	if _, err := rand.Read(att); err != nil {
		tb.Fatal(err)
	}
	enc := base64.StdEncoding.EncodeToString(att)
	var b bytes.Buffer
	b.WriteString("From: sam.referrer@darlington.gov.uk\r\nTo: DSP@darlington.gov.uk\r\nSubject: Referral with photographs\r\nMessage-ID: <big@darlington.gov.uk>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPhotographs attached.\r\n--b\r\nContent-Type: image/jpeg; name=\"photos.jpg\"\r\nContent-Disposition: attachment; filename=\"photos.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b--\r\n")
	return b.Bytes()
}

// BenchmarkParseLargeAttachment parses a message with a 10 MB base64
// attachment (target ≥ 200 MB/s of message, peak memory ≤ 2× the
// attachment: see peak-MB, the most heap in use above the message itself).
func BenchmarkParseLargeAttachment(b *testing.B) {
	const size = 10 << 20
	msg := bigMessage(b, size)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := Parse(bytes.NewReader(msg), DefaultLimits)
		if err != nil || len(m.Attachments) != 1 || len(m.Attachments[0].Data) != size {
			b.Fatalf("parse: %v", err)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if d := after.TotalAlloc - before.TotalAlloc; d > peak {
			peak = d
		}
	}
	b.ReportMetric(float64(peak)/float64(size), "alloc/attachment")
}

func TestLargeAttachmentIsWhole(t *testing.T) {
	msg := bigMessage(t, 1<<20)
	m, err := Parse(bytes.NewReader(msg), DefaultLimits)
	if err != nil || len(m.Attachments) != 1 || len(m.Attachments[0].Data) != 1<<20 || !strings.Contains(m.Text, "Photographs") {
		t.Fatalf("%v %d", err, len(m.Attachments))
	}
}

// TestManyMiddlingAttachments: many parts of a few hundred KB must not
// each take a buffer as large as the rest of the message. (They still
// cost about five times their size in passing — buffers that grow, and
// near the end of the message a buffer of the rest of it — all garbage
// at once; measured 50 MB for 10 MB, bounded by the message's size.)
func TestManyMiddlingAttachments(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("From: a@b.gov.uk\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n")
	part := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("photo"), 40000)) // 200 KB
	const n = 50
	for i := 0; i < n; i++ {
		b.WriteString("--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"p.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + part + "\r\n")
	}
	b.WriteString("--b--\r\n")
	msg := b.Bytes()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := Parse(bytes.NewReader(msg), DefaultLimits)
	runtime.ReadMemStats(&after)
	if err != nil || len(m.Attachments) != n {
		t.Fatalf("%v, %d attachments", err, len(m.Attachments))
	}
	if alloc, decoded := after.TotalAlloc-before.TotalAlloc, uint64(n*200000); alloc > 6*decoded {
		t.Errorf("allocated %d MB to decode %d MB", alloc>>20, decoded>>20)
	}
}
