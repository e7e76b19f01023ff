package formdoc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"sync"
	"unicode/utf8"
)

// tokenizer is a small, fast XML tokenizer for WordprocessingML parts: it
// gives the parser the same tokens as encoding/xml (elements with resolved
// namespaces, character data) about ten times faster, because it works
// on the whole part in memory and allocates little. It refuses DOCTYPE
// declarations (a docx never has one; entity expansion is how XML bombs
// work) and anything not well-formed enough to read safely.
type tokenizer struct {
	data     []byte
	pos      int
	ns       []nsBinding // prefix bindings in scope, innermost last
	depth    []int       // len(ns) at each open element
	names    []xml.Name  // open elements, for end tags of self-closing ones
	raws     []string    // open elements' names as written, to match end tags
	empty    bool        // the last start tag was self-closing: its end comes next
	buf      []byte
	interned [256]string // names read, by a hash of their bytes
	attrBuf  []rawAttr
	lastRaw  []byte // the qualified name of the last start tag, as written
	// the end tag of the last start tag's element, found from closeFor
	closeBuf          []byte
	closeFor, closeAt int
	// the last prefix resolved, valid while the bindings are unchanged
	cacheLen              int
	cachePrefix, cacheURI string
}

type nsBinding struct {
	prefix, uri string
}

var errMalformed = errors.New("malformed XML")

func newTokenizer(data []byte) *tokenizer {
	return &tokenizer{data: data, ns: []nsBinding{{"xml", "http://www.w3.org/XML/1998/namespace"}}}
}

// tokKind says what a token is.
type tokKind uint8

const (
	tStart tokKind = iota + 1
	tEnd
	tText
)

// token is an element start or end, or text (valid until the next call).
// It is a plain value, so reading a part allocates little.
type token struct {
	kind tokKind
	name xml.Name
	attr []tokAttr // parsed attributes, or nil when they are read lazily from raw
	raw  []byte    // the start tag's attributes as written, read on demand
	ns   []nsBinding
	text []byte
}

// attrs returns the start tag's attributes, parsing them if need be. Call
// it before the next token: the namespace bindings it resolves prefixes
// with are the tokenizer's, as they stood at this tag.
func (tok token) attrs() []tokAttr {
	if tok.attr != nil || tok.raw == nil {
		return tok.attr
	}
	var out []tokAttr
	for a, rest, ok := tok.nextAttr(tok.raw); ok; a, rest, ok = tok.nextAttr(rest) {
		out = append(out, a)
	}
	return out
}

// attrNamed finds the attribute named local in one of the given
// namespaces ("" for none) without building the attribute list.
func (tok token) attrNamed(local string, spaces ...string) (tokAttr, bool) {
	in := func(a tokAttr) bool {
		if a.name.Local != local {
			return false
		}
		for _, s := range spaces {
			if a.name.Space == s {
				return true
			}
		}
		return false
	}
	if tok.attr != nil {
		for _, a := range tok.attr {
			if in(a) {
				return a, true
			}
		}
		return tokAttr{}, false
	}
	for a, rest, ok := tok.nextAttr(tok.raw); ok; a, rest, ok = tok.nextAttr(rest) {
		if in(a) {
			return a, true
		}
	}
	return tokAttr{}, false
}

// nextAttr reads the first attribute of raw (a start tag's attributes as
// written, checked by the tokenizer) and returns what follows it.
func (tok token) nextAttr(raw []byte) (tokAttr, []byte, bool) {
	rest := trimLeftSpace(raw)
	eq := bytes.IndexByte(rest, '=')
	if eq <= 0 {
		return tokAttr{}, nil, false
	}
	name := trimRightSpace(rest[:eq])
	rest = trimLeftSpace(rest[eq+1:])
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return tokAttr{}, nil, false
	}
	end := bytes.IndexByte(rest[1:], rest[0])
	if end < 0 {
		return tokAttr{}, nil, false
	}
	value := rest[1 : 1+end]
	rest = rest[end+2:]
	var prefix, local []byte = nil, name
	if c := bytes.IndexByte(name, ':'); c >= 0 {
		prefix, local = name[:c], name[c+1:]
	}
	space := ""
	if len(prefix) > 0 {
		space = string(prefix) // undeclared: keep the prefix, as encoding/xml does
		for i := len(tok.ns) - 1; i >= 0; i-- {
			if tok.ns[i].prefix == string(prefix) {
				space = tok.ns[i].uri
				break
			}
		}
	}
	return tokAttr{name: xml.Name{Space: space, Local: internAttr(local)}, raw: value}, rest, true
}

// internAttr returns the attribute names Word uses without allocating.
func internAttr(b []byte) string {
	switch string(b) {
	case "val":
		return "val"
	case "char":
		return "char"
	case "fldCharType":
		return "fldCharType"
	}
	return string(b)
}

// tokAttr is an attribute; its value is decoded only when asked for.
type tokAttr struct {
	name xml.Name
	raw  []byte // as written, quotes removed
}

// value decodes the attribute's value.
func (a tokAttr) value() string {
	if bytes.IndexByte(a.raw, '&') < 0 && bytes.IndexByte(a.raw, '\r') < 0 {
		return string(a.raw)
	}
	v, err := (&tokenizer{}).unescape(a.raw)
	if err != nil {
		return string(a.raw)
	}
	return string(v)
}

// Token returns the next token.
func (t *tokenizer) Token() (token, error) {
	if t.empty {
		t.empty = false
		return token{kind: tEnd, name: t.end()}, nil
	}
	for {
		if t.pos >= len(t.data) {
			if len(t.names) > 0 {
				return token{}, errMalformed
			}
			return token{}, io.EOF
		}
		if t.data[t.pos] != '<' {
			return t.text()
		}
		rest := t.data[t.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			if err := t.procInst(); err != nil {
				return token{}, err
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			// The first "--" ends the comment, and must be followed by '>'.
			end := bytes.Index(rest[4:], []byte("--"))
			if end < 0 || 4+end+2 >= len(rest) || rest[4+end+2] != '>' {
				return token{}, errMalformed
			}
			t.pos += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest, []byte("]]>"))
			if end < 0 {
				return token{}, errMalformed
			}
			t.pos += end + 3
			text, err := t.chars(rest[9:end])
			if err != nil {
				return token{}, err
			}
			return token{kind: tText, text: text}, nil
		case bytes.HasPrefix(rest, []byte("<!")):
			return token{}, fmt.Errorf("%w: DOCTYPE and declarations are not accepted", errMalformed)
		case bytes.HasPrefix(rest, []byte("</")):
			return t.endTag()
		default:
			return t.startTag()
		}
	}
}

// procInst reads past a processing instruction: a name, then anything up
// to "?>". The XML declaration may only say version 1.0 and UTF-8 (what
// encoding/xml reads without a charset reader); anything else in it is
// refused.
func (t *tokenizer) procInst() error {
	t.pos += 2
	start := t.pos
	for t.pos < len(t.data) && !isSpace(t.data[t.pos]) && t.data[t.pos] != '?' {
		t.pos++
	}
	target := t.data[start:t.pos]
	if !isName(target) || bytes.IndexByte(target, ':') >= 0 {
		return errMalformed
	}
	t.skipSpace()
	i := bytes.Index(t.data[t.pos:], []byte("?>"))
	if i < 0 {
		return errMalformed
	}
	content := t.data[t.pos : t.pos+i]
	t.pos += i + 2
	if string(target) == "xml" && !xmlDecl().Match(content) {
		return fmt.Errorf("%w: an XML declaration other than version 1.0 in UTF-8", errMalformed)
	}
	return nil
}

// xmlDecl is the XML declaration's content this tokenizer reads: version
// 1.0, UTF-8 if an encoding is named, standalone yes or no.
var xmlDecl = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^version=("1\.0"|'1\.0')(\s+encoding=("[uU][tT][fF]-8"|'[uU][tT][fF]-8'))?(\s+standalone=("yes"|"no"|'yes'|'no'))?\s*$`)
})

// isName reports whether b is a name this tokenizer reads: ASCII letters,
// digits, '.', '-' and '_', starting with a letter or '_', and at most one
// colon between two such names. (XML allows more; WordprocessingML uses
// none of it, and what is refused here cannot be read differently.)
func isName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	first := true
	colons := 0
	for _, c := range b {
		switch {
		case c == ':':
			if first {
				return false
			}
			colons++
			first = true
			continue
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case '0' <= c && c <= '9', c == '.', c == '-':
			if first {
				return false
			}
		default:
			return false
		}
		first = false
	}
	return !first && colons <= 1
}

// chars checks character data as written (text, CDATA) and returns it as
// XML reads it: "\r\n" and "\r" as "\n". Every character must be one XML
// allows, in UTF-8.
func (t *tokenizer) chars(raw []byte) ([]byte, error) {
	if !xmlChars(raw) {
		return nil, fmt.Errorf("%w: a character XML does not allow", errMalformed)
	}
	if bytes.IndexByte(raw, '\r') < 0 {
		return raw, nil
	}
	t.buf = appendNewlines(t.buf[:0], raw)
	return t.buf, nil
}

// appendNewlines appends raw with "\r\n" and "\r" made "\n".
func appendNewlines(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		switch {
		case raw[i] != '\r':
			dst = append(dst, raw[i])
		case i+1 < len(raw) && raw[i+1] == '\n':
		default:
			dst = append(dst, '\n')
		}
	}
	return dst
}

// xmlChars reports whether b is UTF-8 holding only characters XML allows.
func xmlChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !xmlRune(r) {
			return false
		}
		i += size
	}
	return true
}

func xmlRune(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// text reads character data up to the next '<', decoding references.
func (t *tokenizer) text() (token, error) {
	start := t.pos
	end := bytes.IndexByte(t.data[start:], '<')
	if end < 0 {
		end = len(t.data) - start
	}
	t.pos = start + end
	raw := t.data[start:t.pos]
	if bytes.Contains(raw, []byte("]]>")) {
		return token{}, errMalformed
	}
	if bytes.IndexByte(raw, '&') < 0 {
		text, err := t.chars(raw)
		return token{kind: tText, text: text}, err
	}
	out, err := t.unescape(raw)
	if err != nil {
		return token{}, err
	}
	return token{kind: tText, text: out}, nil
}

// unescape decodes references and "\r" as XML reads character data, and
// checks every character of the result.
func (t *tokenizer) unescape(raw []byte) ([]byte, error) {
	t.buf = t.buf[:0]
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			t.buf = appendNewlines(t.buf, raw)
			break
		}
		t.buf = appendNewlines(t.buf, raw[:i])
		raw = raw[i:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 2 || semi > 12 {
			return nil, errMalformed
		}
		ref := string(raw[1:semi])
		raw = raw[semi+1:]
		switch ref {
		case "lt":
			t.buf = append(t.buf, '<')
		case "gt":
			t.buf = append(t.buf, '>')
		case "amp":
			t.buf = append(t.buf, '&')
		case "quot":
			t.buf = append(t.buf, '"')
		case "apos":
			t.buf = append(t.buf, '\'')
		default:
			if ref[0] != '#' {
				return nil, errMalformed // no DTD, so no other entities
			}
			var n uint64
			var err error
			if len(ref) > 1 && ref[1] == 'x' {
				n, err = strconv.ParseUint(ref[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ref[1:], 10, 32)
			}
			if err != nil || !xmlRune(rune(n)) {
				return nil, errMalformed
			}
			t.buf = utf8.AppendRune(t.buf, rune(n))
		}
	}
	if !xmlChars(t.buf) {
		return nil, fmt.Errorf("%w: a character XML does not allow", errMalformed)
	}
	return t.buf, nil
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// trimLeftSpace and trimRightSpace trim XML's white space (bytes.Trim
// builds its set of bytes at every call).
func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func trimRightSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// name reads a qualified name at pos.
func (t *tokenizer) name() (prefix, local string, err error) {
	start := t.pos
	colon := -1
	for t.pos < len(t.data) {
		b := t.data[t.pos]
		if isSpace(b) || b == '>' || b == '/' || b == '=' {
			break
		}
		if b == ':' && colon < 0 {
			colon = t.pos
		}
		t.pos++
	}
	if t.pos == start || t.pos >= len(t.data) || !isName(t.data[start:t.pos]) {
		return "", "", errMalformed
	}
	if colon < 0 {
		return "", t.intern(t.data[start:t.pos]), nil
	}
	return t.intern(t.data[start:colon]), t.intern(t.data[colon+1 : t.pos]), nil
}

// intern returns a string for b, allocating it once per distinct name: a
// direct-mapped cache, as a part repeats a few dozen names thousands of
// times.
func (t *tokenizer) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := (uint(len(b))*31 + uint(b[0])*7 + uint(b[len(b)-1])) % uint(len(t.interned))
	if s := t.interned[h]; s == string(b) {
		return s
	}
	s := string(b)
	t.interned[h] = s
	return s
}

func (t *tokenizer) skipSpace() {
	for t.pos < len(t.data) && isSpace(t.data[t.pos]) {
		t.pos++
	}
}

type rawAttr struct {
	prefix, local string
	raw           []byte
}

func (t *tokenizer) startTag() (token, error) {
	t.pos++ // '<'
	nameStart := t.pos
	prefix, local, err := t.name()
	if err != nil {
		return token{}, err
	}
	t.lastRaw = t.data[nameStart:t.pos]
	// Find the end of the tag, minding quotes: '>' may stand in a value.
	end, quote := t.pos, byte(0)
	for ; end < len(t.data); end++ {
		c := t.data[end]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			return token{}, errMalformed
		}
		if quote == 0 && c == '>' {
			break
		}
	}
	if end >= len(t.data) {
		return token{}, errMalformed
	}
	region := t.data[t.pos:end]
	selfClosing := len(region) > 0 && region[len(region)-1] == '/'
	if selfClosing {
		region = region[:len(region)-1]
	}
	if !t.attrsWellFormed(region) {
		return token{}, fmt.Errorf("%w: attributes", errMalformed)
	}
	region = trimRightSpace(region)
	if bytes.Contains(region, []byte("xmlns")) || bytes.IndexByte(region, '&') >= 0 || bytes.IndexByte(region, '\r') >= 0 {
		return t.startTagStrict(prefix, local) // namespace declarations, references or "\r" in values: read now
	}
	t.depth = append(t.depth, len(t.ns))
	t.pos = end + 1
	tok, err := t.start(prefix, local, nil)
	tok.raw, tok.ns = region, t.ns
	if len(region) == 0 {
		tok.raw = nil
	}
	t.empty = selfClosing
	return tok, err
}

// Byte classes for attrsWellFormed.
const (
	nameStart = 1 + iota // a letter or '_'
	nameChar             // a digit, '.' or '-'
	nameColon
)

const (
	valueOK    = iota
	valueBad   // '<', control characters
	valueCheck // '&', ']', UTF-8: looked at again
)

var byteClass, valueClass = func() (names, values [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
			names[c] = nameStart
		case '0' <= c && c <= '9', c == '.', c == '-':
			names[c] = nameChar
		case c == ':':
			names[c] = nameColon
		}
		switch {
		case c == '<', c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			values[c] = valueBad
		case c == '&', c == ']', c >= utf8.RuneSelf:
			values[c] = valueCheck
		}
	}
	return names, values
}()

// attrsWellFormed checks a start tag's attributes as written, without
// keeping them: each is whitespace, a name, '=', and a quoted value with
// no '<' and only characters and references XML allows; at the end
// whitespace may follow. One pass over the bytes: it runs at every tag.
func (t *tokenizer) attrsWellFormed(b []byte) bool {
	i, n := 0, len(b)
	for {
		j := i
		for i < n && isSpace(b[i]) {
			i++
		}
		if i == n {
			return true
		}
		if i == j {
			return false // no whitespace before the name
		}
		// The name: as isName, in the same pass.
		start, colon := i, -1
		for i < n && b[i] != '=' && !isSpace(b[i]) {
			switch byteClass[b[i]] {
			case nameStart:
			case nameChar:
				if i == start || i == colon+1 {
					return false
				}
			case nameColon:
				if colon >= 0 || i == start {
					return false
				}
				colon = i
			default:
				return false
			}
			i++
		}
		if i == start || i == colon+1 {
			return false
		}
		for i < n && isSpace(b[i]) {
			i++
		}
		if i == n || b[i] != '=' {
			return false
		}
		i++
		for i < n && isSpace(b[i]) {
			i++
		}
		if i == n || (b[i] != '"' && b[i] != '\'') {
			return false
		}
		q := b[i]
		i++
		vstart, slow := i, false
		for i < n && b[i] != q {
			switch valueClass[b[i]] {
			case valueBad:
				return false
			case valueCheck:
				slow = true // references, "]]>", UTF-8: checked below
			}
			i++
		}
		if i == n {
			return false
		}
		if v := b[vstart:i]; slow {
			if bytes.Contains(v, []byte("]]>")) {
				return false
			}
			if bytes.IndexByte(v, '&') >= 0 {
				if _, err := t.unescape(v); err != nil {
					return false
				}
			} else if !xmlChars(v) {
				return false
			}
		}
		i++ // the closing quote
	}
}

// startTagStrict reads a start tag's attributes now: those that bind
// namespaces or hold references.
func (t *tokenizer) startTagStrict(prefix, local string) (token, error) {
	attrs := t.attrBuf[:0]
	t.depth = append(t.depth, len(t.ns))
	for {
		t.skipSpace()
		if t.pos >= len(t.data) {
			return token{}, errMalformed
		}
		switch t.data[t.pos] {
		case '>':
			t.pos++
			t.attrBuf = attrs
			return t.start(prefix, local, attrs)
		case '/':
			if t.pos+1 >= len(t.data) || t.data[t.pos+1] != '>' {
				return token{}, errMalformed
			}
			t.pos += 2
			t.attrBuf = attrs
			tok, err := t.start(prefix, local, attrs)
			t.empty = true
			return tok, err
		}
		ap, al, err := t.name()
		if err != nil {
			return token{}, err
		}
		t.skipSpace()
		if t.pos >= len(t.data) || t.data[t.pos] != '=' {
			return token{}, errMalformed
		}
		t.pos++
		t.skipSpace()
		if t.pos >= len(t.data) || (t.data[t.pos] != '"' && t.data[t.pos] != '\'') {
			return token{}, errMalformed
		}
		quote := t.data[t.pos]
		end := bytes.IndexByte(t.data[t.pos+1:], quote)
		if end < 0 {
			return token{}, errMalformed
		}
		raw := t.data[t.pos+1 : t.pos+1+end]
		t.pos += end + 2
		if bytes.IndexByte(raw, '&') >= 0 {
			if _, err := t.unescape(raw); err != nil { // refuse bad references now, decode when read
				return token{}, err
			}
		}
		switch {
		case ap == "" && al == "xmlns":
			t.ns = append(t.ns, nsBinding{"", knownURI(tokAttr{raw: raw}.value())})
		case ap == "xmlns" && (al == "xml" || al == "xmlns"):
			return token{}, errMalformed // the reserved prefixes are not bound again
		case ap == "xmlns":
			t.ns = append(t.ns, nsBinding{al, knownURI(tokAttr{raw: raw}.value())})
		default:
			attrs = append(attrs, rawAttr{ap, al, raw})
		}
	}
}

// knownURI returns the parser's own constant for the namespaces it
// compares names with, so those comparisons find the same string and
// stop at the pointer instead of comparing sixty bytes.
func knownURI(uri string) string {
	for _, k := range []string{nsW, nsW14, nsMC} {
		if uri == k {
			return k
		}
	}
	return uri
}

// inner returns what is inside the element whose start tag was the last
// token, as written, without reading it: nil for a self-closing one or
// when its end cannot be found. Only for elements that never contain an
// element of their own name.
func (t *tokenizer) inner() []byte {
	if t.empty {
		return nil
	}
	i := t.closingAt()
	if i < 0 {
		return nil
	}
	return t.data[t.pos : t.pos+i]
}

// closingAt finds the end tag of the element whose start tag was the last
// token, from pos: its offset, or -1. The last answer is kept, as inner
// and SkipElement ask in turn.
func (t *tokenizer) closingAt() int {
	if t.closeFor == t.pos && t.closeFor > 0 {
		return t.closeAt
	}
	t.closeBuf = append(append(append(t.closeBuf[:0], "</"...), t.lastRaw...), '>')
	t.closeFor, t.closeAt = t.pos, bytes.Index(t.data[t.pos:], t.closeBuf)
	return t.closeAt
}

// SkipElement skips the rest of the element whose start tag was the last
// token, without tokenizing what is inside. Only for elements that never
// contain an element of their own name (run and paragraph properties).
func (t *tokenizer) SkipElement() error {
	if t.empty {
		t.empty = false
		t.end()
		return nil
	}
	i := t.closingAt()
	if i < 0 {
		return errMalformed
	}
	t.pos += i + len(t.closeBuf)
	t.end()
	return nil
}

func (t *tokenizer) resolve(prefix string, element bool) string {
	if prefix == "" && !element {
		return ""
	}
	if len(t.ns) == t.cacheLen && prefix == t.cachePrefix {
		return t.cacheURI
	}
	uri := t.lookup(prefix)
	t.cacheLen, t.cachePrefix, t.cacheURI = len(t.ns), prefix, uri
	return uri
}

// lookup finds a prefix's namespace, innermost binding first.
func (t *tokenizer) lookup(prefix string) string {
	for i := len(t.ns) - 1; i >= 0; i-- {
		if t.ns[i].prefix == prefix {
			return t.ns[i].uri
		}
	}
	return prefix // undeclared: keep the prefix, as encoding/xml does
}

func (t *tokenizer) start(prefix, local string, raw []rawAttr) (token, error) {
	if prefix == "xmlns" {
		return token{}, errMalformed // an element in the namespace-declaration prefix
	}
	name := xml.Name{Space: t.resolve(prefix, true), Local: local}
	t.names = append(t.names, name)
	t.raws = append(t.raws, t.intern(t.lastRaw))
	var attrs []tokAttr
	if len(raw) > 0 {
		attrs = make([]tokAttr, len(raw))
		for i, a := range raw {
			attrs[i] = tokAttr{name: xml.Name{Space: t.resolve(a.prefix, false), Local: a.local}, raw: a.raw}
		}
	}
	return token{kind: tStart, name: name, attr: attrs}, nil
}

func (t *tokenizer) end() xml.Name {
	name := t.names[len(t.names)-1]
	t.names = t.names[:len(t.names)-1]
	t.raws = t.raws[:len(t.raws)-1]
	t.ns = t.ns[:t.depth[len(t.depth)-1]]
	t.depth = t.depth[:len(t.depth)-1]
	return name
}

func (t *tokenizer) endTag() (token, error) {
	t.pos += 2
	start := t.pos
	for t.pos < len(t.data) && !isSpace(t.data[t.pos]) && t.data[t.pos] != '>' {
		t.pos++
	}
	qname := t.data[start:t.pos]
	t.skipSpace()
	if t.pos >= len(t.data) || t.data[t.pos] != '>' || len(qname) == 0 {
		return token{}, errMalformed
	}
	t.pos++
	if len(t.raws) == 0 || t.raws[len(t.raws)-1] != string(qname) {
		return token{}, fmt.Errorf("%w: unexpected end tag %q", errMalformed, qname)
	}
	return token{kind: tEnd, name: t.end()}, nil
}
