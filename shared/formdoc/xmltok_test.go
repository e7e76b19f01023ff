package formdoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tokens renders a token stream for comparison.
func tokens(next func() (xml.Token, error)) (string, error) {
	var b bytes.Buffer
	for {
		tok, err := next()
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			fmt.Fprintf(&b, "<%s %s", t.Name.Space, t.Name.Local)
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				fmt.Fprintf(&b, " %s:%s=%q", a.Name.Space, a.Name.Local, a.Value)
			}
			b.WriteString(">")
		case xml.EndElement:
			fmt.Fprintf(&b, "</%s %s>", t.Name.Space, t.Name.Local)
		case xml.CharData:
			fmt.Fprintf(&b, "%q", string(t))
		}
	}
}

// TestTokenizerAgreesWithEncodingXML: on every fixture's document.xml and
// on awkward snippets the tokenizer gives encoding/xml's elements and text.
func TestTokenizerAgreesWithEncodingXML(t *testing.T) {
	docs := map[string][]byte{
		"snippet": []byte(`<?xml version="1.0"?><!-- c --><a xmlns="urn:d" xmlns:p="urn:p"><p:b p:x="1 &amp; 2" y='&#x41;&#66;'>t&lt;&gt;&quot;&apos;<![CDATA[<raw>]]></p:b><c/><d xmlns:p="urn:q"><p:e/></d><p:e/></a>`),
	}
	files, _ := filepath.Glob(filepath.Join(formsDir, "*.docx"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, zf := range zr.File {
			if zf.Name == "word/document.xml" {
				rc, _ := zf.Open()
				docs[filepath.Base(f)], _ = io.ReadAll(rc)
				rc.Close()
			}
		}
	}
	for name, doc := range docs {
		dec := xml.NewDecoder(bytes.NewReader(doc))
		want, err := tokens(func() (xml.Token, error) {
			tok, err := dec.Token()
			if pi, ok := tok.(xml.ProcInst); ok {
				_ = pi
				return xml.CharData(nil), err
			}
			if _, ok := tok.(xml.Comment); ok {
				return xml.CharData(nil), err
			}
			return tok, err
		})
		if err != nil {
			t.Fatalf("%s: encoding/xml: %v", name, err)
		}
		got, err := tokens(asXML(newTokenizer(doc)))
		if err != nil {
			t.Fatalf("%s: tokenizer: %v", name, err)
		}
		want = string(bytes.ReplaceAll([]byte(want), []byte(`""`), nil))
		got = string(bytes.ReplaceAll([]byte(got), []byte(`""`), nil))
		if got != want {
			t.Errorf("%s: tokens differ\n got %.400s\nwant %.400s", name, got, want)
		}
	}
	for _, bad := range []string{`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, `<a>&bogus;</a>`, `<a><b></a>`, `<a`, `<a x="1><b/>`, `<a>&#xFFFFFFFF;</a>`} {
		if _, err := tokens(asXML(newTokenizer([]byte(bad)))); err == nil {
			t.Errorf("tokenizer accepted %s", bad)
		}
	}
}

// asXML adapts the tokenizer to encoding/xml's token types.
func asXML(t *tokenizer) func() (xml.Token, error) {
	return func() (xml.Token, error) {
		tok, err := t.Token()
		if err != nil {
			return nil, err
		}
		switch tok.kind {
		case tStart:
			list := tok.attrs()
			attrs := make([]xml.Attr, len(list))
			for i, a := range list {
				attrs[i] = xml.Attr{Name: a.name, Value: a.value()}
			}
			return xml.StartElement{Name: tok.name, Attr: attrs}, nil
		case tEnd:
			return xml.EndElement{Name: tok.name}, nil
		}
		return xml.CharData(tok.text), nil
	}
}

// encodingXMLTokens is what encoding/xml reads from doc, in the form
// tokens renders, processing instructions and comments left out.
func encodingXMLTokens(doc []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	s, err := tokens(func() (xml.Token, error) {
		tok, err := dec.Token()
		switch tok.(type) {
		case xml.ProcInst, xml.Comment:
			return xml.CharData(nil), err
		}
		return tok, err
	})
	return strings.ReplaceAll(s, `""`, ""), err
}

// FuzzTokenizer: whatever the tokenizer reads, encoding/xml reads too,
// as the same elements, attributes and text. The tokenizer may refuse
// more (DOCTYPE, names beyond ASCII, odd declarations); it may never read
// differently.
func FuzzTokenizer(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!-- c --><a xmlns="urn:d" xmlns:p="urn:p"><p:b p:x="1 &amp; 2" y='&#x41;&#66;'>t&lt;&gt;&quot;&apos;<![CDATA[<raw>]]></p:b><c/><d xmlns:p="urn:q"><p:e/></d><p:e/></a>`))
	f.Add([]byte("<w:document xmlns:w=\"" + nsW + "\"><w:body><w:p><w:r><w:t xml:space=\"preserve\"> a\r\nb\rc </w:t></w:r></w:p></w:body></w:document>"))
	f.Add([]byte(`<a b="x&#13;y" c="1"><b/>&#65;</a>`))
	f.Add([]byte(`<a><!----><?pi data?></a>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, err := tokens(asXML(newTokenizer(doc)))
		if err != nil {
			return // refused
		}
		got = strings.ReplaceAll(got, `""`, "")
		want, err := encodingXMLTokens(doc)
		if err != nil {
			t.Fatalf("the tokenizer read what encoding/xml refuses (%v): %q", err, doc)
		}
		if got != want {
			t.Fatalf("tokens differ for %q\n got %s\nwant %s", doc, got, want)
		}
	})
}
