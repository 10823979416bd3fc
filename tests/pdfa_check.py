#!/usr/bin/python3
"""Structural PDF/A-1b / PDF/A-2b checker for the documents ctsbatch writes.

Usage: pdfa_check.py [--part 1|2] [--text | --show-archival | --show-part] FILE...

For each FILE, one line per problem is printed as "FILE: problem"; the exit status is 1 when any
file has a problem, 2 on a usage error, 0 otherwise. --part defaults to the part the file claims
in its XMP (pdfaid:part); when given, the file must claim that part.

--text prints the decoded text of every text-showing operator (Tj, TJ, ', "), one per line, and
--show-archival prints the archival description (the XMP properties of non-standard namespaces)
as name=value lines. With either, problems go to standard error so that standard output holds
only the data; with several files each data line is prefixed by "FILE: ". --show-part only
prints the part each file claims (1, 2 or none), for a caller that runs part-specific tools.

The PDF is read through qpdf (its JSON form, stream data undecoded, and --show-object for the
trailer and the Info dictionary, whose strings we need byte for byte); streams are decoded here
(FlateDecode, ASCIIHex, ASCII85), fonts are loaded with fontTools. Only the standard library and
Debian's python3-fonttools are used: run it with /usr/bin/python3.

Every loop is bounded by the size of its input, every decompression and nesting depth by the
LIMIT_* constants, and qpdf by a timeout, so a hostile file cannot make the checker hang.
"""

import argparse
import base64
import binascii
import io
import json
import re
import signal
import subprocess
import sys
import traceback
import unicodedata
import zlib
import xml.etree.ElementTree as ET

try:
    from fontTools.ttLib import TTFont
except ImportError:  # reported per font, so the rest of the checks still run
    TTFont = None

LIMIT_STREAM = 64 << 20  # bytes one decoded stream may have
LIMIT_DEPTH = 64  # nesting of arrays/dictionaries, reference chains, page tree, XObjects
LIMIT_LISTED = 8  # items quoted in one problem line before "… N more"
QPDF_TIMEOUT = 120  # seconds for one qpdf call

# --------------------------------------------------------------------------------------------
# PDF values. JSON and PDF syntax are both turned into these.


class Name(str):
    """A PDF name, without its slash."""


class Ref(tuple):
    """An indirect reference (num, gen)."""

    def __str__(self):
        return "obj %d %d" % self


class PdfString:
    """A PDF string. raw holds its bytes; from qpdf's JSON "u:" form only the text is known."""

    def __init__(self, raw=None, text=None, raw_cr=False):
        self.raw = raw
        self.text = text
        self.raw_cr = raw_cr  # a literal string with an unescaped CR (which reads as LF)


class Stream:
    def __init__(self, sdict, raw, ref=None):
        self.dict = sdict
        self.raw = raw
        self.ref = ref


class Keyword(str):
    """An operator or other bare keyword of PDF syntax (content streams, CMaps)."""


class PdfError(Exception):
    """A problem that stops one part of the checks; its text is reported."""


# --------------------------------------------------------------------------------------------
# PDFDocEncoding (ISO 32000-1 Annex D). Bytes not listed are ASCII (0x20-0x7E) or Latin-1
# (0xA1-0xFF); 0x7F, 0x9F, 0xAD and the control codes other than TAB/LF/CR are undefined.

PDFDOC_SPECIAL = {
    0x18: "\u02d8", 0x19: "\u02c7", 0x1A: "\u02c6", 0x1B: "\u02d9",
    0x1C: "\u02dd", 0x1D: "\u02db", 0x1E: "\u02da", 0x1F: "\u02dc",
    0x80: "\u2022", 0x81: "\u2020", 0x82: "\u2021", 0x83: "\u2026",
    0x84: "\u2014", 0x85: "\u2013", 0x86: "\u0192", 0x87: "\u2044",
    0x88: "\u2039", 0x89: "\u203a", 0x8A: "\u2212", 0x8B: "\u2030",
    0x8C: "\u201e", 0x8D: "\u201c", 0x8E: "\u201d", 0x8F: "\u2018",
    0x90: "\u2019", 0x91: "\u201a", 0x92: "\u2122", 0x93: "\ufb01",
    0x94: "\ufb02", 0x95: "\u0141", 0x96: "\u0152", 0x97: "\u0160",
    0x98: "\u0178", 0x99: "\u017d", 0x9A: "\u0131", 0x9B: "\u0142",
    0x9C: "\u0153", 0x9D: "\u0161", 0x9E: "\u017e", 0xA0: "\u20ac",
}


def pdfdoc_char(b):
    if b in PDFDOC_SPECIAL:
        return PDFDOC_SPECIAL[b]
    if b in (0x09, 0x0A, 0x0D) or 0x20 <= b <= 0x7E or (0xA1 <= b <= 0xFF and b != 0xAD):
        return chr(b)
    return None


def decode_text_string(s):
    """The text of a PDF text string: UTF-16BE with its byte order mark, or PDFDocEncoding.

    Returns (text, problem); problem is None when the bytes are a valid text string."""
    if not isinstance(s, PdfString):
        return None, "is not a string"
    if s.raw is None:
        return s.text, None
    raw = s.raw
    if raw.startswith(b"\xfe\xff"):
        body = raw[2:]
        try:
            return body.decode("utf-16-be"), None
        except UnicodeDecodeError:
            return body.decode("utf-16-be", "replace"), "is not valid UTF-16BE"
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", "replace"), "is UTF-16LE (only UTF-16BE is allowed)"
    if raw.startswith(b"\xef\xbb\xbf"):
        return (raw[3:].decode("utf-8", "replace"),
                "is UTF-8 with a byte order mark (PDF 2.0 only, not PDF/A-1/2)")
    chars, bad = [], []
    for b in raw:
        c = pdfdoc_char(b)
        if c is None:
            bad.append("0x%02X" % b)
            c = "\ufffd"
        chars.append(c)
    if bad:
        return "".join(chars), "has bytes undefined in PDFDocEncoding: " + ", ".join(bad[:4])
    return "".join(chars), None


# --------------------------------------------------------------------------------------------
# PDF syntax: a lexer for content streams, CMaps and qpdf --show-object output.

WHITESPACE = b"\x00\t\n\x0c\r "
DELIMS = b"()<>[]{}/%"
RE_REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
RE_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)$")
RE_WS = re.compile(rb"[\x00\t\n\x0c\r ]+")
RE_HEXNAME = re.compile(rb"#([0-9A-Fa-f]{2})")
ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


class Lexer:
    """Tokens of PDF syntax: numbers, Name, PdfString, Keyword and the delimiters
    '[', ']', '<<', '>>', '{', '}' (as Keyword). Every step advances, so it ends."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def next(self):
        """The next token, or None at the end."""
        data, n = self.data, len(self.data)
        while self.pos < n:
            m = RE_WS.match(data, self.pos)
            if m:
                self.pos = m.end()
                continue
            if data[self.pos] == 0x25:  # % comment to end of line
                end = self.pos
                while end < n and data[end] not in b"\r\n":
                    end += 1
                self.pos = end
                continue
            break
        if self.pos >= n:
            return None
        c = data[self.pos]
        if c == 0x28:  # (
            return self._literal()
        if c == 0x3C:  # <
            if data[self.pos + 1:self.pos + 2] == b"<":
                self.pos += 2
                return Keyword("<<")
            return self._hex()
        if c == 0x3E:  # >
            if data[self.pos + 1:self.pos + 2] == b">":
                self.pos += 2
                return Keyword(">>")
            self.pos += 1
            return Keyword(">")
        if c in b"[]{})":
            self.pos += 1
            return Keyword(chr(c))
        if c == 0x2F:  # /
            m = RE_REGULAR.match(data, self.pos + 1)
            end = m.end() if m else self.pos + 1
            raw = data[self.pos + 1:end]
            self.pos = end
            raw = RE_HEXNAME.sub(lambda mm: bytes([int(mm.group(1), 16)]), raw)
            return Name(raw.decode("latin-1"))
        m = RE_REGULAR.match(data, self.pos)
        word = m.group(0)
        self.pos = m.end()
        if RE_NUMBER.match(word):
            if b"." in word:
                return float(word)
            return int(word)
        return Keyword(word.decode("latin-1"))

    def _literal(self):
        data, n = self.data, len(self.data)
        i = self.pos + 1
        depth = 1
        out = bytearray()
        raw_cr = False
        while i < n:
            c = data[i]
            if c == 0x5C:  # backslash
                i += 1
                if i >= n:
                    break
                e = data[i]
                if e in ESCAPES:
                    out.append(ESCAPES[e])
                    i += 1
                elif 0x30 <= e <= 0x37:
                    j = i
                    while j < n and j < i + 3 and 0x30 <= data[j] <= 0x37:
                        j += 1
                    out.append(int(data[i:j], 8) & 0xFF)
                    i = j
                elif e == 0x0D:  # backslash-EOL: line continuation
                    i += 2 if data[i + 1:i + 2] == b"\n" else 1
                elif e == 0x0A:
                    i += 1
                else:
                    out.append(e)
                    i += 1
                continue
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            elif c == 0x0D:  # an unescaped EOL in a string reads as LF
                out.append(0x0A)
                raw_cr = True
                i += 2 if data[i + 1:i + 2] == b"\n" else 1
                continue
            out.append(c)
            i += 1
        self.pos = i
        return PdfString(raw=bytes(out), raw_cr=raw_cr)

    def _hex(self):
        end = self.data.find(b">", self.pos + 1)
        if end < 0:
            end = len(self.data)
        digits = re.sub(rb"[\x00\t\n\x0c\r ]", b"", self.data[self.pos + 1:end])
        self.pos = end + 1
        if len(digits) % 2:
            digits += b"0"
        try:
            return PdfString(raw=binascii.unhexlify(digits))
        except (binascii.Error, ValueError):
            return PdfString(raw=b"")  # not hex: reported by whoever needs the value


def parse_object(lexer, token, depth=0):
    """A whole value starting with token: arrays and dictionaries are collected, and
    'num gen R' becomes a Ref. Returns the value (None for an unexpected delimiter)."""
    if depth > LIMIT_DEPTH:
        raise PdfError("arrays or dictionaries nested deeper than %d" % LIMIT_DEPTH)
    if token == "[":
        items = []
        while True:
            t = lexer.next()
            if t is None or t == "]":
                return fold_refs(items)
            items.append(parse_object(lexer, t, depth + 1))
    if token == "<<":
        items = []
        while True:
            t = lexer.next()
            if t is None or t == ">>":
                break
            items.append(parse_object(lexer, t, depth + 1))
        items = fold_refs(items)
        d = {}
        for i in range(0, len(items) - 1, 2):
            if isinstance(items[i], Name):
                d[str(items[i])] = items[i + 1]
        return d
    if isinstance(token, Keyword):
        if token == "true":
            return True
        if token == "false":
            return False
        if token == "null":
            return None
    return token


def fold_refs(items):
    """Turns the 'int int R' triples of a parsed sequence into Refs."""
    out = []
    for it in items:
        if (isinstance(it, Keyword) and it == "R" and len(out) >= 2
                and type(out[-1]) is int and type(out[-2]) is int):
            gen = out.pop()
            num = out.pop()
            out.append(Ref((num, gen)))
        else:
            out.append(it)
    return out


def parse_pdf_value(data):
    lexer = Lexer(data)
    tok = lexer.next()
    if tok is None:
        return None
    return parse_object(lexer, tok)


# --------------------------------------------------------------------------------------------
# The document, read through qpdf.


def run_qpdf(args):
    try:
        proc = subprocess.run(["qpdf"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=QPDF_TIMEOUT)
    except FileNotFoundError:
        raise PdfError("qpdf is not installed (Debian package qpdf)")
    except subprocess.TimeoutExpired:
        raise PdfError("qpdf %s took longer than %d s" % (args[0], QPDF_TIMEOUT))
    # qpdf exits 3 for warnings (the file was still read); `qpdf --check` in pdfa.sh judges them
    if proc.returncode not in (0, 3):
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PdfError("qpdf cannot read it: " + (msg[0] if msg else "exit %d" % proc.returncode))
    return proc.stdout


def from_json(v):
    """A value of qpdf's JSON v2 as a PDF value."""
    if isinstance(v, str):
        if v.startswith("/"):
            return Name(v[1:])
        if v.startswith("u:"):
            return PdfString(text=v[2:])
        if v.startswith("b:"):
            try:
                return PdfString(raw=binascii.unhexlify(v[2:]))
            except (binascii.Error, ValueError):
                return PdfString(raw=b"")
        if v.startswith("n:/"):
            return Name(v[3:])
        m = re.match(r"(\d+) (\d+) R$", v)
        if m:
            return Ref((int(m.group(1)), int(m.group(2))))
        return PdfString(text=v)
    if isinstance(v, list):
        return [from_json(x) for x in v]
    if isinstance(v, dict):
        return {k[1:] if k.startswith("/") else k: from_json(x) for k, x in v.items()}
    return v  # numbers, booleans, null


class Document:
    def __init__(self, path):
        self.path = path
        out = run_qpdf(["--json=2", "--json-key=qpdf", "--json-stream-data=inline",
                        "--decode-level=none", path])
        try:
            top = json.loads(out)["qpdf"]
            header, objs = top[0], top[1]
        except (ValueError, KeyError, IndexError, TypeError):
            raise PdfError("qpdf's JSON for it has an unexpected shape")
        self.json_pdf_version = header.get("pdfversion")
        self.objects = {}
        self.trailer = {}
        for key, val in objs.items():
            if key == "trailer":
                self.trailer = from_json(val.get("value", {}))
                continue
            m = re.match(r"obj:(\d+) (\d+) R$", key)
            if not m:
                continue
            ref = Ref((int(m.group(1)), int(m.group(2))))
            if "stream" in val:
                st = val["stream"]
                try:
                    raw = base64.b64decode(st.get("data", ""))
                except (binascii.Error, ValueError):
                    raw = b""
                self.objects[ref] = Stream(from_json(st.get("dict", {})), raw, ref)
            else:
                self.objects[ref] = from_json(val.get("value"))
        # The trailer and the Info dictionary as PDF syntax, where strings keep their bytes.
        raw_trailer = parse_pdf_value(run_qpdf(["--show-object=trailer", path]))
        if isinstance(raw_trailer, dict):
            self.trailer = raw_trailer

    def resolve(self, v):
        """Follows references (a missing object is null, as in PDF)."""
        for _ in range(LIMIT_DEPTH):
            if not isinstance(v, Ref):
                return v
            v = self.objects.get(v)
        raise PdfError("reference chain longer than %d" % LIMIT_DEPTH)

    def get(self, d, key):
        if isinstance(d, Stream):
            d = d.dict
        if not isinstance(d, dict):
            return None
        return self.resolve(d.get(key))

    def raw_object(self, ref):
        """An object as PDF syntax read by qpdf --show-object (strings byte for byte)."""
        return parse_pdf_value(run_qpdf(["--show-object=%d,%d" % ref, self.path]))

    def decode_stream(self, st):
        """The decoded data of a stream (FlateDecode, ASCIIHexDecode, ASCII85Decode)."""
        filters = self.resolve(st.dict.get("Filter"))
        parms = self.resolve(st.dict.get("DecodeParms"))
        if filters is None:
            return st.raw
        if not isinstance(filters, list):
            filters, parms = [filters], [parms]
        if not isinstance(parms, list):
            parms = [parms] * len(filters)
        data = st.raw
        for i, f in enumerate(filters):
            f = self.resolve(f)
            p = self.resolve(parms[i]) if i < len(parms) else None
            if isinstance(p, dict) and self.resolve(p.get("Predictor")) not in (None, 1):
                raise PdfError("%s: predictors are not supported here" % where(st))
            if f in ("FlateDecode", "Fl"):
                d = zlib.decompressobj()
                try:
                    data = d.decompress(data, LIMIT_STREAM)
                except zlib.error as e:
                    raise PdfError("%s: FlateDecode fails: %s" % (where(st), e))
                if d.unconsumed_tail:
                    raise PdfError("%s: decodes to more than %d bytes" % (where(st), LIMIT_STREAM))
            elif f in ("ASCIIHexDecode", "AHx"):
                end = data.find(b">")
                digits = re.sub(rb"\s", b"", data if end < 0 else data[:end])
                if len(digits) % 2:
                    digits += b"0"
                try:
                    data = binascii.unhexlify(digits)
                except (binascii.Error, ValueError):
                    raise PdfError("%s: bad ASCIIHexDecode data" % where(st))
            elif f in ("ASCII85Decode", "A85"):
                try:
                    data = base64.a85decode(data.strip().rstrip(b"~>").rstrip() + b"~>",
                                            adobe=False, ignorechars=b" \t\n\r\x0c\x00")
                except (ValueError, binascii.Error):
                    raise PdfError("%s: bad ASCII85Decode data" % where(st))
            else:
                raise PdfError("%s: filter /%s is not supported here" % (where(st), f))
        return data


def where(st):
    return str(st.ref) if isinstance(st, Stream) and st.ref else "a direct stream"


def listed(items, total=None):
    """Items for a problem line: the first few, then how many more."""
    items = list(items)
    total = len(items) if total is None else total
    text = ", ".join(str(x) for x in items[:LIMIT_LISTED])
    if total > min(len(items), LIMIT_LISTED):
        text += " … %d more" % (total - min(len(items), LIMIT_LISTED))
    return text


# --------------------------------------------------------------------------------------------
# XMP


NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "pdfaType": "http://www.aiim.org/pdfa/ns/type#",
    "pdfaField": "http://www.aiim.org/pdfa/ns/field#",
}

# The properties of the predefined schemas whose names we check (XMP 2004/2005 and ISO 19005).
KNOWN_PROPERTIES = {
    NS["dc"]: {"contributor", "coverage", "creator", "date", "description", "format",
               "identifier", "language", "publisher", "relation", "rights", "source",
               "subject", "title", "type"},
    NS["xmp"]: {"Advisory", "BaseURL", "CreateDate", "CreatorTool", "Identifier", "Label",
                "MetadataDate", "ModifyDate", "Nickname", "Rating", "Thumbnails"},
    NS["pdf"]: {"Keywords", "PDFVersion", "Producer", "Trapped"},
    NS["pdfaid"]: {"part", "amd", "corr", "conformance"},
    NS["xmpMM"]: {"DerivedFrom", "DocumentID", "History", "InstanceID", "ManagedFrom",
                  "Manager", "ManageTo", "ManageUI", "ManagerVariant", "RenditionClass",
                  "RenditionParams", "VersionID", "Versions", "LastURL", "RenditionOf",
                  "SaveID", "OriginalDocumentID"},
    NS["xmpRights"]: {"Certificate", "Marked", "Owner", "UsageTerms", "WebStatement"},
    NS["pdfaExtension"]: {"schemas"},
}

# Further predefined namespaces (XMP specification, PDF/A extension schema container and its
# structure types): their properties are accepted without a list of names.
OTHER_STANDARD_NS = {
    "http://ns.adobe.com/xap/1.0/bj/", "http://ns.adobe.com/xap/1.0/t/pg/",
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/", "http://ns.adobe.com/photoshop/1.0/",
    "http://ns.adobe.com/camera-raw-settings/1.0/", "http://ns.adobe.com/tiff/1.0/",
    "http://ns.adobe.com/exif/1.0/", "http://ns.adobe.com/exif/1.0/aux/",
    "http://ns.adobe.com/xap/1.0/sType/Dimensions#", "http://ns.adobe.com/xap/1.0/sType/Font#",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#", "http://ns.adobe.com/xap/1.0/sType/Version#",
    "http://ns.adobe.com/xap/1.0/sType/Job#", "http://ns.adobe.com/xap/1.0/g/",
    "http://ns.adobe.com/xap/1.0/g/img/", "http://ns.adobe.com/xmp/Identifier/qual/1.0/",
    NS["pdfaSchema"], NS["pdfaProperty"], NS["pdfaType"], NS["pdfaField"],
}

BASIC_VALUE_TYPES = {
    "Boolean", "Date", "Integer", "Real", "Text", "AgentName", "Choice", "GUID", "Lang Alt",
    "Locale", "MIMEType", "ProperName", "RenditionClass", "ResourceRef", "URI", "URL", "XPath",
    "Rational", "RealNumber", "Thumbnail", "Dimensions", "Font", "ResourceEvent", "Version",
    "Job", "Colorant",
}

RDF = "{%s}" % NS["rdf"]
XML_LANG = "{%s}lang" % NS["xml"]


def split_tag(tag):
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


class RdfShapeError(Exception):
    pass


def rdf_value(elem, depth=0):
    """A property element's value: str (simple), ('Alt'|'Seq'|'Bag', [(lang, value)]) for
    arrays, or dict {(ns, name): value} for structures."""
    if depth > LIMIT_DEPTH:
        raise RdfShapeError("nested deeper than %d" % LIMIT_DEPTH)
    if RDF + "resource" in elem.attrib:
        return elem.attrib[RDF + "resource"]
    children = list(elem)
    if elem.attrib.get(RDF + "parseType") == "Resource":
        return rdf_struct(elem, depth)
    if not children:
        return elem.text or ""
    if len(children) == 1:
        ns, local = split_tag(children[0].tag)
        if ns == NS["rdf"] and local in ("Alt", "Seq", "Bag"):
            items = []
            for li in children[0]:
                if li.tag != RDF + "li":
                    raise RdfShapeError("rdf:%s holds <%s>, not rdf:li" % (local, li.tag))
                items.append((li.attrib.get(XML_LANG), rdf_value(li, depth + 1)))
            return (local, items)
        if ns == NS["rdf"] and local == "Description":
            return rdf_struct(children[0], depth)
    raise RdfShapeError("<%s> has a value of an unexpected RDF form" % elem.tag)


def rdf_struct(elem, depth):
    fields = {}
    for k, v in elem.attrib.items():
        ns, local = split_tag(k)
        if ns not in (NS["rdf"], NS["xml"]):
            fields[(ns, local)] = v
    for child in elem:
        fields[split_tag(child.tag)] = rdf_value(child, depth + 1)
    return fields


def flat(value):
    """A value as one line of text, for comparison and --show-archival."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        kind, items = value
        if kind == "Alt":
            for lang, v in items:
                if lang == "x-default":
                    return flat(v)
            return flat(items[0][1]) if items else ""
        return "; ".join(flat(v) for _, v in items)
    if isinstance(value, dict):
        return ", ".join("%s=%s" % (k[1], flat(v)) for k, v in value.items())
    return ""


class Xmp:
    """The properties of an XMP packet: {(ns, name): value}, in document order."""

    def __init__(self, data):
        self.problems = []
        self.props = {}
        self.prefixes = {}  # namespace URI -> prefixes declared for it
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise PdfError("XMP has a DOCTYPE or ENTITY declaration, which XMP does not allow")
        # ISO 19005-1 6.7.5: the packet header, when there is one, has no bytes/encoding
        m = re.search(rb"<\?xpacket\s+begin=(.*?)\?>", data, re.S)
        if m and re.search(rb"\b(bytes|encoding)\s*=", m.group(1)):
            self.problems.append("XMP packet header uses the bytes or encoding attribute")
        root = None
        try:
            for event, item in ET.iterparse(io.BytesIO(data), events=("start-ns", "end")):
                if event == "start-ns":
                    prefix, uri = item
                    self.prefixes.setdefault(uri, set()).add(prefix)
                else:
                    root = item
        except ET.ParseError as e:
            raise PdfError("XMP is not well-formed XML: %s" % e)
        if root is None:
            raise PdfError("XMP is empty")
        rdfs = [root] if root.tag == RDF + "RDF" else list(root.iter(RDF + "RDF"))
        if len(rdfs) != 1:
            raise PdfError("XMP has %d rdf:RDF elements, not 1" % len(rdfs))
        abouts = set()
        for desc in rdfs[0]:
            if desc.tag != RDF + "Description":
                self.problems.append("XMP rdf:RDF holds <%s>, not rdf:Description" % desc.tag)
                continue
            abouts.add(desc.attrib.get(RDF + "about"))
            for k, v in desc.attrib.items():
                ns, local = split_tag(k)
                if ns not in (NS["rdf"], NS["xml"]):
                    self._add((ns, local), v)
            for child in desc:
                try:
                    self._add(split_tag(child.tag), rdf_value(child))
                except RdfShapeError as e:
                    self.problems.append("XMP property %s: %s"
                                         % (self.qname(split_tag(child.tag)), e))
        if len(abouts) > 1:
            self.problems.append("XMP rdf:Description elements differ in rdf:about: %s"
                                 % listed(sorted(repr(a) for a in abouts)))

    def _add(self, key, value):
        if key in self.props:
            self.problems.append("XMP property %s is given twice" % self.qname(key))
        self.props[key] = value

    def qname(self, key):
        ns, local = key
        for prefix, uri in NS.items():
            if uri == ns:
                return "%s:%s" % (prefix, local)
        prefixes = sorted(self.prefixes.get(ns, ()))
        return "%s:%s" % (prefixes[0], local) if prefixes else "{%s}%s" % (ns, local)

    def get(self, prefix, name):
        return self.props.get((NS[prefix], name))


def check_extension_schemas(xmp, problems):
    """Returns {namespace URI: {property name: valueType}} of the PDF/A extension schemas,
    reporting an incomplete description."""
    declared = {}
    value = xmp.get("pdfaExtension", "schemas")
    if value is None:
        return declared
    if not (isinstance(value, tuple) and value[0] == "Bag"):
        problems.append("XMP pdfaExtension:schemas is not an rdf:Bag")
        return declared
    for _, schema in value[1]:
        if not isinstance(schema, dict):
            problems.append("XMP pdfaExtension:schemas holds an item that is not a structure")
            continue
        uri = schema.get((NS["pdfaSchema"], "namespaceURI"))
        prefix = schema.get((NS["pdfaSchema"], "prefix"))
        label = uri if isinstance(uri, str) and uri else "(no namespaceURI)"
        if not isinstance(uri, str) or not uri:
            problems.append("XMP extension schema without pdfaSchema:namespaceURI")
        if not isinstance(prefix, str) or not prefix:
            problems.append("XMP extension schema %s without pdfaSchema:prefix" % label)
        elif isinstance(uri, str) and uri in xmp.prefixes and prefix not in xmp.prefixes[uri]:
            problems.append("XMP extension schema %s: pdfaSchema:prefix %r, but the packet binds "
                            "it to %s" % (label, prefix, listed(sorted(xmp.prefixes[uri]))))
        if not flat(schema.get((NS["pdfaSchema"], "schema"), "")):
            problems.append("XMP extension schema %s without pdfaSchema:schema (its description)"
                            % label)
        types = set()
        vt = schema.get((NS["pdfaSchema"], "valueType"))
        if isinstance(vt, tuple):
            for _, t in vt[1]:
                if isinstance(t, dict) and flat(t.get((NS["pdfaType"], "type"), "")):
                    types.add(flat(t.get((NS["pdfaType"], "type"))))
        props = schema.get((NS["pdfaSchema"], "property"))
        if not (isinstance(props, tuple) and props[0] == "Seq"):
            problems.append("XMP extension schema %s: pdfaSchema:property is not an rdf:Seq"
                            % label)
            continue
        names = declared.setdefault(uri if isinstance(uri, str) else "", {})
        for _, prop in props[1]:
            if not isinstance(prop, dict):
                problems.append("XMP extension schema %s: a property is not a structure" % label)
                continue
            fields = {f: flat(prop.get((NS["pdfaProperty"], f), "")).strip()
                      for f in ("name", "valueType", "category", "description")}
            pname = fields["name"] or "(no name)"
            for f, v in fields.items():
                if not v:
                    problems.append("XMP extension schema %s: property %s has no pdfaProperty:%s"
                                    % (label, pname, f))
            if fields["category"] and fields["category"] not in ("internal", "external"):
                problems.append("XMP extension schema %s: property %s has category %r, not "
                                "internal or external" % (label, pname, fields["category"]))
            vtype = fields["valueType"]
            base = re.sub(r"^(bag|seq|alt) ", "", vtype, flags=re.I)
            if vtype and base not in BASIC_VALUE_TYPES and base not in types:
                problems.append("XMP extension schema %s: property %s has valueType %r, which "
                                "is neither an XMP type nor defined by pdfaSchema:valueType"
                                % (label, pname, vtype))
            if fields["name"]:
                names[fields["name"]] = vtype
    return declared


# --------------------------------------------------------------------------------------------
# Dates

RE_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"(?:(Z)(?:00'?(?:00'?)?)?|([+-])(\d{2})(?:'(\d{2})'?)?)?$")
RE_XMP_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(?:(Z)|([+-])(\d{2}):(\d{2})))?)?)?$")


def parse_pdf_date(s):
    """(year, month, day, hour, minute, second, fraction, offset minutes or None) or None."""
    m = RE_PDF_DATE.match(s)
    if not m:
        return None
    g = m.groups()
    fields = [int(g[0])] + [int(x) if x else d for x, d in zip(g[1:6], (1, 1, 0, 0, 0))]
    if g[6] == "Z":
        offset = 0
    elif g[7]:
        offset = (int(g[8]) * 60 + int(g[9] or 0)) * (1 if g[7] == "+" else -1)
    else:
        offset = None
    return tuple(fields) + (0, offset)


def parse_xmp_date(s):
    m = RE_XMP_DATE.match(s)
    if not m:
        return None
    g = m.groups()
    fields = [int(g[0])] + [int(x) if x else d for x, d in zip(g[1:6], (1, 1, 0, 0, 0))]
    frac = int(g[6].rstrip("0") or 0) if g[6] else 0
    if g[7] == "Z":
        offset = 0
    elif g[8]:
        offset = (int(g[9]) * 60 + int(g[10])) * (1 if g[8] == "+" else -1)
    else:
        offset = None
    return tuple(fields) + (frac, offset)


# --------------------------------------------------------------------------------------------
# Fonts


class FontUse:
    """What the text checks need of one Type0 font; None members mean 'could not be read'."""

    def __init__(self, ref, label):
        self.ref = ref
        self.label = label
        self.num_glyphs = None
        self.units_per_em = None
        self.advances = None  # list indexed by glyph id
        self.cid_to_gid = None  # None: Identity; bytes: the CIDToGIDMap stream
        self.widths = {}
        self.width_ranges = []
        self.dw = 1000
        self.cidset = None
        self.tounicode = None  # (dict code -> bytes, [(lo, hi, dst)])
        self.usable = False  # 2-byte Identity-H codes that we can follow to glyphs
        self.drawn = set()  # the CIDs the content draws with it, checked once per font

    def gid(self, cid):
        if self.cid_to_gid is None:
            return cid
        i = 2 * cid
        if i + 2 > len(self.cid_to_gid):
            return 0
        return int.from_bytes(self.cid_to_gid[i:i + 2], "big")

    def width(self, cid):
        if cid in self.widths:
            return self.widths[cid]
        for lo, hi, w in self.width_ranges:
            if lo <= cid <= hi:
                return w
        return self.dw

    def unicode(self, code):
        """The UTF-16BE bytes the ToUnicode CMap gives for a code, or None."""
        if self.tounicode is None:
            return None
        single, ranges = self.tounicode
        if code in single:
            return single[code]
        for lo, hi, dst in ranges:
            if lo <= code <= hi:
                if isinstance(dst, list):
                    return dst[code - lo] if code - lo < len(dst) else None
                value = int.from_bytes(dst, "big") + (code - lo)
                return value.to_bytes(len(dst), "big") if value.bit_length() <= 8 * len(dst) \
                    else None
        return None


def parse_tounicode(data):
    """(single codes, ranges) of a ToUnicode CMap's bfchar and bfrange sections."""
    lexer = Lexer(data)
    single, ranges = {}, []
    section, operands = None, []
    while True:
        tok = lexer.next()
        if tok is None:
            break
        if tok == "[":
            tok = parse_object(lexer, tok)
        if isinstance(tok, Keyword) and tok not in ("[", "]"):
            if tok in ("beginbfchar", "beginbfrange"):
                section = tok[5:]
            elif tok in ("endbfchar", "endbfrange"):
                if section == "bfchar":
                    for i in range(0, len(operands) - 1, 2):
                        src, dst = operands[i], operands[i + 1]
                        if isinstance(src, PdfString) and isinstance(dst, PdfString):
                            single[int.from_bytes(src.raw, "big")] = dst.raw
                elif section == "bfrange":
                    for i in range(0, len(operands) - 2, 3):
                        lo, hi, dst = operands[i:i + 3]
                        if not (isinstance(lo, PdfString) and isinstance(hi, PdfString)):
                            continue
                        lo, hi = int.from_bytes(lo.raw, "big"), int.from_bytes(hi.raw, "big")
                        if isinstance(dst, PdfString):
                            ranges.append((lo, hi, dst.raw))
                        elif isinstance(dst, list):
                            ranges.append((lo, hi, [d.raw if isinstance(d, PdfString) else None
                                                    for d in dst]))
                section = None
            operands = []
            continue
        if section:
            operands.append(tok)
    return single, ranges


RE_SUBSET = re.compile(r"[A-Z]{6}\+")


def check_font(doc, ref, font, part, problems):
    """Checks one font dictionary and returns a FontUse for the text checks."""
    base = doc.get(font, "BaseFont")
    label = "font %s %s" % (ref if isinstance(ref, Ref) else "(direct)",
                            base if isinstance(base, str) else "(no BaseFont)")
    use = FontUse(ref, label)

    def bad(msg):
        problems.append("%s: %s" % (label, msg))

    subtype = doc.get(font, "Subtype")
    if subtype != "Type0":
        bad("is /%s, not a Type0 (composite) font" % subtype)
        return use
    if doc.get(font, "Encoding") != "Identity-H":
        bad("/Encoding is %s, not /Identity-H" % describe(doc.get(font, "Encoding")))
        return use
    use.usable = True
    tu = doc.get(font, "ToUnicode")
    if not isinstance(tu, Stream):
        bad("has no /ToUnicode CMap stream")
    else:
        try:
            use.tounicode = parse_tounicode(doc.decode_stream(tu))
        except PdfError as e:
            bad("ToUnicode: %s" % e)
    descendants = doc.get(font, "DescendantFonts")
    if not isinstance(descendants, list) or len(descendants) != 1:
        bad("/DescendantFonts is not an array of one font")
        return use
    cid = doc.resolve(descendants[0])
    if not isinstance(cid, dict) or doc.get(cid, "Subtype") != "CIDFontType2":
        bad("its descendant font is %s, not a /CIDFontType2"
            % describe(doc.get(cid, "Subtype") if isinstance(cid, dict) else cid))
        return use
    cid_base = doc.get(cid, "BaseFont")
    c2g = doc.get(cid, "CIDToGIDMap")
    if c2g != "Identity":
        bad("/CIDToGIDMap is %s, not /Identity" % describe(c2g))
        if isinstance(c2g, Stream):
            try:
                use.cid_to_gid = doc.decode_stream(c2g)
            except PdfError as e:
                bad(str(e))
    w = doc.get(cid, "W")
    dw = doc.get(cid, "DW")
    if isinstance(dw, (int, float)):
        use.dw = dw
    if w is not None:
        read_widths(doc, w, use, bad)
    fd = doc.get(cid, "FontDescriptor")
    if not isinstance(fd, dict):
        bad("its CIDFont has no /FontDescriptor")
        return use
    # ISO 32000-1 Table 122: the keys a FontDescriptor of a non-Type3 font requires
    missing = [k for k in ("Flags", "FontBBox", "ItalicAngle", "Ascent", "Descent", "CapHeight",
                           "StemV") if doc.get(fd, k) is None]
    if missing:
        bad("FontDescriptor lacks the required key(s) %s" % ", ".join("/" + k for k in missing))
    fname = doc.get(fd, "FontName")
    if not isinstance(fname, str) or fname != cid_base:
        bad("FontDescriptor /FontName %s differs from the CIDFont's /BaseFont %s"
            % (describe(fname), describe(cid_base)))
    if isinstance(cid_base, str):
        if not RE_SUBSET.match(cid_base):
            bad("/BaseFont %s has no subset tag (six capital letters and '+')" % cid_base)
        if base not in (cid_base, cid_base + "-Identity-H"):
            bad("Type0 /BaseFont %s is neither the CIDFont's %s nor %s-Identity-H"
                % (describe(base), cid_base, cid_base))
    for other in ("FontFile", "FontFile3"):
        if fd.get(other) is not None:
            bad("FontDescriptor has /%s; a TrueType CIDFont embeds /FontFile2" % other)
    ff = doc.get(fd, "FontFile2")
    if not isinstance(ff, Stream):
        bad("FontDescriptor has no embedded /FontFile2")
    else:
        read_font_program(doc, ff, use, bad)
    cidset = doc.get(fd, "CIDSet")
    if isinstance(cidset, Stream):
        try:
            use.cidset = doc.decode_stream(cidset)
        except PdfError as e:
            bad("CIDSet: %s" % e)
    elif part == 1:
        bad("FontDescriptor has no /CIDSet stream (PDF/A-1 requires it for a subset)")
    if part == 1 and use.cidset is not None and use.num_glyphs is not None:
        # ISO 19005-1 6.3.5: CIDSet identifies every CID present in the font program
        # (and so no CID the program lacks)
        if use.cid_to_gid is None:
            absent = [c for c in range(use.num_glyphs) if not cid_in_set(use.cidset, c)]
            if absent:
                bad("/CIDSet lacks CIDs present in the font program: %s" % listed(absent))
            extra, count = cids_from(use.cidset, use.num_glyphs)
            if count:
                bad("/CIDSet names CIDs the font program (%d glyphs) does not have: %s"
                    % (use.num_glyphs, listed(extra, count)))
    return use


def cids_from(cidset, first):
    """The CIDs >= first that a CIDSet names: the first few found, and how many in all
    (at C speed, since a hostile CIDSet may be megabytes long)."""
    tail = cidset[first >> 3:]
    if not tail:
        return [], 0
    total = (tail[0] & (0xFF >> (first & 7))).bit_count() \
        + int.from_bytes(tail[1:], "big").bit_count()
    found = []
    for m in re.finditer(rb"[^\x00]", tail):
        byte = (first >> 3) + m.start()
        found.extend(c for c in range(8 * byte, 8 * byte + 8)
                     if c >= first and cid_in_set(cidset, c))
        if len(found) >= LIMIT_LISTED:
            break
    return found[:LIMIT_LISTED], total


def cid_in_set(cidset, cid):
    i = cid >> 3
    return i < len(cidset) and bool(cidset[i] & (0x80 >> (cid & 7)))


def read_widths(doc, w, use, bad):
    if not isinstance(w, list):
        bad("/W is not an array")
        return
    i = 0
    while i < len(w):
        first = doc.resolve(w[i])
        nxt = doc.resolve(w[i + 1]) if i + 1 < len(w) else None
        if type(first) is int and isinstance(nxt, list):
            for k, width in enumerate(nxt):
                width = doc.resolve(width)
                if isinstance(width, (int, float)):
                    use.widths[first + k] = width
            i += 2
        elif type(first) is int and type(nxt) is int and i + 2 < len(w):
            width = doc.resolve(w[i + 2])
            if isinstance(width, (int, float)):
                use.width_ranges.append((first, nxt, width))
            i += 3
        else:
            bad("/W has an entry of an unexpected form at index %d" % i)
            return


def read_font_program(doc, ff, use, bad):
    try:
        data = doc.decode_stream(ff)
    except PdfError as e:
        bad("FontFile2: %s" % e)
        return
    length1 = doc.get(ff, "Length1")
    if length1 is None:
        bad("FontFile2 %s has no /Length1" % where(ff))
    elif length1 != len(data):
        bad("FontFile2 %s /Length1 is %s, its decoded data has %d bytes"
            % (where(ff), length1, len(data)))
    if data[:4] not in (b"\x00\x01\x00\x00", b"true"):
        bad("FontFile2 %s is not a TrueType font (starts with %r)" % (where(ff), data[:4]))
        return
    if TTFont is None:
        bad("cannot load FontFile2: fontTools is missing (Debian package python3-fonttools)")
        return
    try:
        tt = TTFont(io.BytesIO(data), lazy=True)
        missing = [t for t in ("head", "hhea", "hmtx", "maxp", "loca", "glyf") if t not in tt]
        if missing:
            bad("FontFile2 %s lacks the table(s) %s" % (where(ff), ", ".join(missing)))
            return
        use.num_glyphs = tt["maxp"].numGlyphs
        use.units_per_em = tt["head"].unitsPerEm
        order = tt.getGlyphOrder()
        hmtx = tt["hmtx"]
        use.advances = [hmtx[name][0] for name in order]
    except Exception as e:  # fontTools raises many kinds on a broken font
        bad("fontTools cannot load FontFile2 %s: %s: %s" % (where(ff), type(e).__name__, e))
        use.num_glyphs = None
        return
    if not use.units_per_em:
        bad("FontFile2 %s has unitsPerEm 0" % where(ff))
        use.num_glyphs = None


def describe(v):
    if v is None:
        return "missing"
    if isinstance(v, Name):
        return "/" + v
    if isinstance(v, Stream):
        return "a stream (%s)" % where(v)
    if isinstance(v, PdfString):
        return repr(decode_text_string(v)[0])
    if isinstance(v, dict):
        return "a dictionary"
    if isinstance(v, list):
        return "an array"
    return repr(v)


# --------------------------------------------------------------------------------------------
# Content streams


class TextCheck:
    """Walks the content of the pages, collecting text runs and glyph problems per font."""

    def __init__(self, doc, part, problems):
        self.doc = doc
        self.part = part
        self.problems = problems
        self.fonts = {}  # id key -> FontUse
        self.runs = []  # decoded text of each text-showing operator
        self.glyph_issues = {}  # (font label, kind) -> {cid: detail}
        self.text_issues = []
        self.intent_space = None  # DeviceGray/DeviceRGB/DeviceCMYK of the output intent
        self.colour_issues = {}  # device colour space used against the intent -> first page

    def font_use(self, ref, font):
        key = ref if isinstance(ref, Ref) else id(font)
        if key not in self.fonts:
            self.fonts[key] = check_font(self.doc, ref, font, self.part, self.problems)
        return self.fonts[key]

    def issue(self, use, kind, cid, detail=None):
        self.glyph_issues.setdefault((use.label, kind), {}).setdefault(cid, detail)

    def run_pages(self):
        doc = self.doc
        root = doc.get(doc.trailer, "Root")
        pages = doc.get(root, "Pages")
        stack = [(pages, {}, 0)]
        seen = set()
        page_no = 0
        while stack:
            node, inherited, depth = stack.pop()
            if not isinstance(node, dict) or id(node) in seen or depth > LIMIT_DEPTH:
                continue
            seen.add(id(node))
            attrs = dict(inherited)
            if doc.get(node, "Resources") is not None:
                attrs["Resources"] = doc.get(node, "Resources")
            if doc.get(node, "Type") == "Pages" or "Kids" in node:
                kids = doc.get(node, "Kids")
                if isinstance(kids, list):
                    for kid in reversed(kids):
                        stack.append((doc.resolve(kid), attrs, depth + 1))
                continue
            page_no += 1
            contents = doc.get(node, "Contents")
            parts = contents if isinstance(contents, list) else [contents]
            data = b""
            for p in parts:
                p = doc.resolve(p)
                if isinstance(p, Stream):
                    try:
                        data += doc.decode_stream(p) + b"\n"
                    except PdfError as e:
                        self.problems.append("page %d: %s" % (page_no, e))
            self.run_content(data, attrs.get("Resources"), page_no, set(), 0)
        if page_no == 0:
            self.problems.append("the document has no page")
        # every font of the file is checked, even one no content uses
        for ref, obj in doc.objects.items():
            if isinstance(obj, dict) and obj.get("Type") == "Font" \
                    and obj.get("Subtype") not in ("CIDFontType0", "CIDFontType2"):
                self.font_use(ref, obj)

    def run_content(self, data, resources, page_no, path, depth):
        """Interprets one content stream: fonts chosen by Tf (saved by q/Q), text operators,
        and Form XObjects (Do), which are followed with their own resources."""
        doc = self.doc
        lexer = Lexer(data)
        operands = []
        font, gstack = None, []
        while True:
            tok = lexer.next()
            if tok is None:
                break
            if tok in ("[", "<<"):
                try:
                    operands.append(parse_object(lexer, tok))
                except PdfError as e:
                    self.problems.append("page %d: content: %s" % (page_no, e))
                    return
                continue
            if not isinstance(tok, Keyword) or tok in ("true", "false", "null"):
                operands.append(parse_object(lexer, tok))
                continue
            op = str(tok)
            if op == "q":
                if len(gstack) < 4096:
                    gstack.append(font)
            elif op == "Q":
                if gstack:
                    font = gstack.pop()
            elif op == "Tf" and len(operands) >= 2 and isinstance(operands[-2], Name):
                fonts = doc.get(resources, "Font")
                fref = fonts.get(operands[-2]) if isinstance(fonts, dict) else None
                fobj = doc.resolve(fref)
                if not isinstance(fobj, dict):
                    self.problems.append("page %d: Tf names font /%s, which the resources do not "
                                         "hold" % (page_no, operands[-2]))
                    font = None
                else:
                    font = self.font_use(fref, fobj)
            elif op in ("Tj", "'", '"', "TJ"):
                if op == "TJ":
                    arg = operands[-1] if operands and isinstance(operands[-1], list) else None
                    strings = [s for s in arg if isinstance(s, PdfString)] if arg else None
                else:
                    arg = operands[-1] if operands and isinstance(operands[-1], PdfString) \
                        else None
                    strings = [arg] if arg else None
                if strings is None:
                    self.problems.append("page %d: %s without a string operand" % (page_no, op))
                elif font is None:
                    self.problems.append("page %d: %s before any valid Tf" % (page_no, op))
                else:
                    if any(s.raw_cr for s in strings):
                        self.problems.append(
                            "page %d: %s: a literal string holds an unescaped CR byte, which a "
                            "reader takes for LF (a glyph code with byte 0x0D needs \\r)"
                            % (page_no, font.label))
                    self.show(font, b"".join(s.raw for s in strings), page_no)
            elif op == "Do" and operands and isinstance(operands[-1], Name):
                xobjs = doc.get(resources, "XObject")
                xref = xobjs.get(operands[-1]) if isinstance(xobjs, dict) else None
                xobj = doc.resolve(xref)
                if isinstance(xobj, Stream) and doc.get(xobj, "Subtype") == "Form" \
                        and xref not in path and depth < LIMIT_DEPTH:
                    try:
                        sub = doc.decode_stream(xobj)
                    except PdfError as e:
                        self.problems.append("page %d: %s" % (page_no, e))
                    else:
                        res = doc.get(xobj, "Resources")
                        self.run_content(sub, res if res is not None else resources, page_no,
                                         path | {xref}, depth + 1)
            elif op in DEVICE_COLOUR_OPS or (op in ("cs", "CS") and operands
                                             and operands[-1] in ("DeviceRGB", "DeviceCMYK")):
                space = DEVICE_COLOUR_OPS.get(op) or str(operands[-1])
                if self.intent_space != space and space not in self.colour_issues:
                    self.colour_issues[space] = page_no
            elif op == "BI":
                # inline image: skip its data, which is binary, up to EI
                m = re.compile(rb"\sID\s").search(data, lexer.pos)
                e = re.compile(rb"\sEI(?=[\x00\t\n\x0c\r ]|$)").search(data, m.end()) if m \
                    else None
                lexer.pos = e.end() if e else len(data)
            operands = []

    def show(self, font, raw, page_no):
        """One text-showing operator's string with a Type0 Identity-H font: 2-byte codes."""
        if not font.usable:
            self.runs.append("")
            return
        if len(raw) % 2:
            self.problems.append("page %d: %s: a string of odd length %d for 2-byte codes"
                                 % (page_no, font.label, len(raw)))
        text = []
        for i in range(0, len(raw) - 1, 2):
            cid = int.from_bytes(raw[i:i + 2], "big")
            font.drawn.add(cid)
            u = font.unicode(cid)
            if u is None:
                self.issue(font, "drawn without a ToUnicode mapping (CID)", cid)
                text.append("\ufffd")
            else:
                try:
                    s = u.decode("utf-16-be")
                except UnicodeDecodeError:
                    self.issue(font, "mapped by ToUnicode to invalid UTF-16 (CID)", cid)
                    s = "\ufffd"
                if s in ("", "\u0000", "\ufeff", "\ufffe", "\ufffd"):
                    self.issue(font, "mapped by ToUnicode to no usable character (CID)", cid)
                text.append(s)
        run = "".join(text)
        self.runs.append(run)
        if not unicodedata.is_normalized("NFC", run):
            self.text_issues.append("page %d: text is not NFC: %r" % (page_no, run))

    def report_glyphs(self):
        """The checks of every drawn glyph against its font, once per font."""
        for use in self.fonts.values():
            if not use.drawn or use.num_glyphs is None:
                continue
            for cid in sorted(use.drawn):
                gid = use.gid(cid)
                if gid == 0:
                    self.issue(use, "draws glyph 0 (.notdef) for CID", cid)
                    continue
                if gid >= use.num_glyphs or gid >= len(use.advances):
                    self.issue(use, "draws glyph ids the font does not have (%d glyphs) (CID)"
                               % use.num_glyphs, cid)
                    continue
                expected = round(use.advances[gid] * 1000 / use.units_per_em)
                w = use.width(cid)
                if abs(w - expected) > 1:
                    self.issue(use, "/W width differs from the font's advance (CID: W vs font)",
                               cid, "%d: %s vs %d" % (cid, fmt_num(w), expected))
                if self.part == 1 and use.cidset is not None and not cid_in_set(use.cidset, cid):
                    self.issue(use, "draws CIDs missing from /CIDSet", cid)
        for (label, kind), cids in self.glyph_issues.items():
            items = [d if d is not None else c for c, d in sorted(cids.items())]
            self.problems.append("%s: %s: %s" % (label, kind, listed(items)))
        for space, page_no in self.colour_issues.items():
            self.problems.append("page %d: paints in /%s, which the output intent (%s) does not "
                                 "allow" % (page_no, space, self.intent_space or "none"))
        if self.text_issues:
            self.problems.append("%d text run(s) not NFC, e.g. %s"
                                 % (len(self.text_issues), "; ".join(self.text_issues[:3])))


# Device colour operators and the process colour space they paint in (ISO 19005-1 6.2.3.3,
# 19005-2 6.2.4.3: DeviceRGB/DeviceCMYK need an output intent of that space; DeviceGray is
# allowed with any output intent).
DEVICE_COLOUR_OPS = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK"}


def fmt_num(x):
    return ("%d" % x) if float(x).is_integer() else ("%g" % x)


# --------------------------------------------------------------------------------------------
# The checks of one file


INFO_XMP = [  # Info key, XMP prefix, XMP property, kind
    ("Title", "dc", "title", "alt"),
    ("Author", "dc", "creator", "seq"),
    ("Subject", "dc", "description", "alt"),
    ("Creator", "xmp", "CreatorTool", "text"),
    ("Producer", "pdf", "Producer", "text"),
    ("Keywords", "pdf", "Keywords", "text"),
    ("CreationDate", "xmp", "CreateDate", "date"),
    ("ModDate", "xmp", "ModifyDate", "date"),
]


def xmp_text(value, kind, qname, problems):
    """The text of an XMP property of the form the Info correspondence expects."""
    if kind == "alt":
        if not (isinstance(value, tuple) and value[0] == "Alt"):
            problems.append("XMP %s is not an rdf:Alt (language alternative)" % qname)
            return flat(value)
        for lang, v in value[1]:
            if lang == "x-default":
                return flat(v)
        problems.append("XMP %s has no x-default item" % qname)
        return None
    if kind == "seq":
        if not (isinstance(value, tuple) and value[0] == "Seq"):
            problems.append("XMP %s is not an rdf:Seq" % qname)
            return flat(value)
        return flat(value[1][0][1]) if value[1] else ""
    if not isinstance(value, str):
        problems.append("XMP %s is not a simple value" % qname)
        return flat(value)
    return value


def check_header(path, problems):
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise PdfError("cannot read: %s" % e.strerror)
    m = re.match(rb"%PDF-(\d)\.(\d)(\r\n|\r|\n)", head)
    if not m:
        problems.append("does not start with a %PDF-1.n header line")
        return None
    version = (int(m.group(1)), int(m.group(2)))
    if not (1, 4) <= version <= (1, 7):
        problems.append("header %%PDF-%d.%d is not 1.4 to 1.7" % version)
    second = re.match(rb"%([^\r\n]*)(\r\n|\r|\n)", head[m.end():])
    if not second or len(second.group(1)) < 4 or any(b < 128 for b in second.group(1)[:4]):
        problems.append("line 2 is not a comment of at least 4 bytes >= 128 (binary marker)")
    return version


def check_file(path, want_part):
    """Returns (problems, text runs, archival [(name, value)]) of one file."""
    problems = []
    check_header(path, problems)
    try:
        return check_document(path, want_part, problems)
    except PdfError as e:
        return problems + [str(e)], [], []
    except RecursionError:
        return problems + ["structure nested too deeply to check"], [], []
    except Exception as e:  # a case this checker does not handle: the file fails, said so
        frame = traceback.extract_tb(e.__traceback__)[-1]
        return problems + ["the checker cannot go on: %s: %s (pdfa_check.py line %d)"
                           % (type(e).__name__, e, frame.lineno)], [], []


def check_document(path, want_part, problems):
    doc = Document(path)
    root = doc.get(doc.trailer, "Root")
    if not isinstance(root, dict):
        raise PdfError("the trailer has no /Root catalog")
    version = doc.get(root, "Version")
    if isinstance(version, Name) and version not in ("1.4", "1.5", "1.6", "1.7"):
        problems.append("catalog /Version /%s is not 1.4 to 1.7" % version)

    # XMP metadata
    xmp, part, archival = None, None, []
    meta = doc.get(root, "Metadata")
    if not isinstance(meta, Stream):
        problems.append("the catalog has no /Metadata stream")
    else:
        if doc.get(meta, "Type") != "Metadata" or doc.get(meta, "Subtype") != "XML":
            problems.append("/Metadata %s is not /Type /Metadata /Subtype /XML" % where(meta))
        if meta.dict.get("Filter") is not None:
            problems.append("/Metadata %s has a /Filter %s; PDF/A wants the XMP unfiltered"
                            % (where(meta), describe(doc.get(meta, "Filter"))))
        try:
            xmp = Xmp(doc.decode_stream(meta))
        except PdfError as e:
            problems.append(str(e))
    if xmp is not None:
        problems.extend(xmp.problems)
        claimed = xmp.get("pdfaid", "part")
        conf = xmp.get("pdfaid", "conformance")
        if claimed not in ("1", "2"):
            problems.append("XMP pdfaid:part is %s, not 1 or 2" % describe_xmp(claimed))
        else:
            part = int(claimed)
        if conf != "B":
            problems.append("XMP pdfaid:conformance is %s, not B" % describe_xmp(conf))
        archival = check_archival(xmp, problems)
    if want_part is not None:
        if part is not None and part != want_part:
            problems.append("XMP claims PDF/A-%d, not the PDF/A-%d asked for" % (part, want_part))
        part = want_part

    check_info(doc, xmp, problems)
    intent_space = check_output_intents(doc, root, problems)
    check_id(doc, problems)
    check_file_syntax(doc, path, part, problems)
    if doc.trailer.get("Encrypt") is not None:
        problems.append("the trailer has /Encrypt: PDF/A forbids encryption")

    text = TextCheck(doc, part, problems)
    text.intent_space = intent_space
    text.run_pages()
    text.report_glyphs()
    return problems, text.runs, archival


def describe_xmp(v):
    return "missing" if v is None else repr(flat(v))


# The simple XMP value types whose form can be checked (XMP specification part 1, 8.2.1).
VALUE_FORMS = {
    "Integer": lambda v: re.fullmatch(r"[+-]?\d+", v) is not None,
    "Real": lambda v: re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", v) is not None,
    "Boolean": lambda v: v in ("True", "False"),
    "Date": lambda v: parse_xmp_date(v) is not None,
}


def check_archival(xmp, problems):
    """Every property of a namespace that is not predefined must be described by an extension
    schema and have a value. Returns [(name, value)] of those properties."""
    declared = check_extension_schemas(xmp, problems)
    archival = []
    for key, value in xmp.props.items():
        ns, local = key
        qname = xmp.qname(key)
        if ns in KNOWN_PROPERTIES:
            if local not in KNOWN_PROPERTIES[ns] and local not in declared.get(ns, {}):
                problems.append("XMP %s is not a property of its predefined schema" % qname)
            continue
        if ns in OTHER_STANDARD_NS:
            continue
        if ns not in declared:
            problems.append("XMP %s: namespace %s has no PDF/A extension schema" % (qname, ns))
        elif local not in declared[ns]:
            problems.append("XMP %s is not declared in the extension schema of %s" % (qname, ns))
        text = flat(value)
        if not text.strip():
            problems.append("XMP %s has an empty value" % qname)
        vtype = declared.get(ns, {}).get(local)
        if vtype in VALUE_FORMS and not (isinstance(value, str)
                                         and VALUE_FORMS[vtype](value)):
            problems.append("XMP %s is declared %s, but its value is %r" % (qname, vtype, text))
        archival.append((local, text))
    return archival


def check_info(doc, xmp, problems):
    info_ref = doc.trailer.get("Info")
    info = doc.raw_object(info_ref) if isinstance(info_ref, Ref) else doc.resolve(info_ref)
    if info is None:
        info = {}
    if not isinstance(info, dict):
        problems.append("the trailer /Info is not a dictionary")
        return
    for key, prefix, prop, kind in INFO_XMP:
        value = info.get(key)
        if isinstance(value, Ref):
            value = doc.raw_object(value)
        qname = "%s:%s" % (prefix, prop)
        xval = xmp.get(prefix, prop) if xmp is not None else None
        if value is None and xval is None:
            continue
        itext = None
        if value is not None:
            itext, bad = decode_text_string(value)
            if bad:
                problems.append("Info /%s %s" % (key, bad))
        if xmp is None:
            continue
        if xval is None:
            problems.append("Info /%s has no counterpart %s in the XMP" % (key, qname))
            continue
        xtext = xmp_text(xval, "text" if kind == "date" else kind, qname, problems)
        if value is None:
            problems.append("XMP %s has no counterpart /%s in the Info dictionary" % (qname, key))
            continue
        if itext is None or xtext is None:
            continue
        if kind == "date":
            idate, xdate = parse_pdf_date(itext), parse_xmp_date(xtext)
            if idate is None:
                problems.append("Info /%s %r is not a PDF date D:YYYYMMDDHHmmSS+HH'mm'"
                                % (key, itext))
            if xdate is None:
                problems.append("XMP %s %r is not an XMP date YYYY-MM-DDThh:mm:ss+hh:mm"
                                % (qname, xtext))
            if idate and xdate and idate != xdate:
                problems.append("Info /%s %r and XMP %s %r are not the same time and offset"
                                % (key, itext, qname, xtext))
        elif itext != xtext:
            problems.append("Info /%s %r differs from XMP %s %r" % (key, itext, qname, xtext))


ICC_SPACES = {b"GRAY": 1, b"RGB ": 3, b"CMYK": 4, b"Lab ": 3}
ICC_DEVICE = {b"GRAY": "DeviceGray", b"RGB ": "DeviceRGB", b"CMYK": "DeviceCMYK"}


def check_output_intents(doc, root, problems):
    """Checks the PDF/A output intent; returns the device colour space of its profile."""
    intents = doc.get(root, "OutputIntents")
    if not isinstance(intents, list):
        problems.append("the catalog has no /OutputIntents array")
        return
    pdfa = [doc.resolve(i) for i in intents
            if isinstance(doc.resolve(i), dict) and doc.get(doc.resolve(i), "S") == "GTS_PDFA1"]
    if len(pdfa) != 1:
        problems.append("/OutputIntents has %d dictionaries with /S /GTS_PDFA1, not 1" % len(pdfa))
        return
    oi = pdfa[0]
    ident = doc.get(oi, "OutputConditionIdentifier")
    if not isinstance(ident, PdfString) or not decode_text_string(ident)[0]:
        problems.append("the output intent has no /OutputConditionIdentifier string")
    prof = doc.get(oi, "DestOutputProfile")
    if not isinstance(prof, Stream):
        problems.append("the output intent has no /DestOutputProfile ICC stream")
        return
    try:
        icc = doc.decode_stream(prof)
    except PdfError as e:
        problems.append("DestOutputProfile: %s" % e)
        return
    if len(icc) < 128 or icc[36:40] != b"acsp":
        problems.append("DestOutputProfile %s is not an ICC profile" % where(prof))
        return
    if int.from_bytes(icc[0:4], "big") != len(icc):
        problems.append("DestOutputProfile %s: ICC header says %d bytes, the stream has %d"
                        % (where(prof), int.from_bytes(icc[0:4], "big"), len(icc)))
    if icc[12:16] not in (b"mntr", b"prtr"):
        problems.append("DestOutputProfile %s: ICC device class %r is not an output (prtr) or "
                        "monitor (mntr) profile" % (where(prof), icc[12:16].decode("latin-1")))
    space = icc[16:20]
    n = doc.get(prof, "N")
    if space not in ICC_SPACES:
        problems.append("DestOutputProfile %s: ICC colour space %r is not GRAY, RGB, CMYK or Lab"
                        % (where(prof), space.decode("latin-1")))
    elif n != ICC_SPACES[space]:
        problems.append("DestOutputProfile %s: /N is %s, the ICC colour space %s has %d"
                        % (where(prof), describe(n), space.decode("latin-1").strip(),
                           ICC_SPACES[space]))
    return ICC_DEVICE.get(space)


def check_id(doc, problems):
    ids = doc.resolve(doc.trailer.get("ID"))
    if not isinstance(ids, list) or len(ids) != 2:
        problems.append("the trailer has no /ID array of two strings")
        return
    for i, s in enumerate(ids):
        s = doc.resolve(s)
        if not isinstance(s, PdfString) or s.raw is None or len(s.raw) != 16:
            problems.append("trailer /ID[%d] is not a 16-byte string (%s)"
                            % (i, "%d bytes" % len(s.raw) if isinstance(s, PdfString)
                               and s.raw is not None else describe(s)))


RE_STREAM_KEYWORD = re.compile(rb"[\x00\t\x0c\r\n ]*stream(\r\n|\n|\r)?")
RE_OBJ_HEADER = re.compile(rb"(\d+) (\d+) obj(\r\n|\r|\n)")


def check_file_syntax(doc, path, part, problems):
    """What qpdf's JSON does not show: ISO 19005-1 6.1.7/6.1.8 and 19005-2 6.1.7.1/6.1.9 on
    how objects and streams are written (an EOL after 'N G obj' and after 'stream', /Length
    ending the data at an EOL and 'endstream'), and, for PDF/A-1, no object or xref streams."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise PdfError("cannot read: %s" % e.strerror)
    bad_obj, bad_stream, compressed = [], [], 0
    for line in run_qpdf(["--show-xref", path]).decode("latin-1").splitlines():
        if ": compressed;" in line:
            compressed += 1
            continue
        m = re.match(r"(\d+)/(\d+): uncompressed; offset = (\d+)$", line)
        if not m:
            continue
        ref = Ref((int(m.group(1)), int(m.group(2))))
        offset = int(m.group(3))
        head = RE_OBJ_HEADER.match(data, offset)
        if not head or (int(head.group(1)), int(head.group(2))) != ref:
            bad_obj.append(ref[0])
            continue
        if not isinstance(doc.objects.get(ref), Stream):
            continue
        # the stream dictionary as written, for its /Length (qpdf's JSON leaves it out)
        lexer = Lexer(data)
        lexer.pos = head.end()
        sdict = parse_object(lexer, lexer.next())
        kw = RE_STREAM_KEYWORD.match(data, lexer.pos)
        length = doc.resolve(sdict.get("Length")) if isinstance(sdict, dict) else None
        if not kw or kw.group(1) not in (b"\r\n", b"\n") or type(length) is not int:
            bad_stream.append("%d (after 'stream')" % ref[0])
            continue
        end = kw.end() + length
        if not re.match(rb"(\r\n|\r|\n)endstream", data[end:end + 11]):
            bad_stream.append("%d (/Length %d)" % (ref[0], length))
        for key in ("F", "FFilter", "FDecodeParms"):
            if key in sdict:
                problems.append("obj %d: a stream with /%s (external data)" % (ref[0], key))
    if bad_obj:
        problems.append("objects whose 'N G obj' header is not followed by an EOL at the xref "
                        "offset: %s" % listed(bad_obj))
    if bad_stream:
        problems.append("streams not written as 'stream' EOL, /Length bytes, EOL 'endstream': %s"
                        % listed(bad_stream))
    if part == 1:
        if compressed:
            problems.append("%d object(s) in object streams, which PDF 1.4 (PDF/A-1) has not"
                            % compressed)
        if doc.trailer.get("Type") == "XRef":
            problems.append("a cross-reference stream, which PDF 1.4 (PDF/A-1) has not")


# --------------------------------------------------------------------------------------------


def claimed_part(path):
    """The part the XMP claims (1 or 2), or None; nothing else is checked."""
    try:
        doc = Document(path)
        meta = doc.get(doc.get(doc.trailer, "Root"), "Metadata")
        if isinstance(meta, Stream):
            part = Xmp(doc.decode_stream(meta)).get("pdfaid", "part")
            if part in ("1", "2"):
                return int(part)
    except (PdfError, RecursionError):
        pass
    return None


def main(argv):
    ap = argparse.ArgumentParser(
        description="Structural PDF/A-1b/2b checks; prints 'FILE: problem' lines.")
    ap.add_argument("--part", type=int, choices=(1, 2),
                    help="the PDF/A part the files must claim (default: the part each claims)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--text", action="store_true",
                      help="print the decoded text of each text-showing operator")
    mode.add_argument("--show-archival", action="store_true",
                      help="print the archival description as name=value lines")
    mode.add_argument("--show-part", action="store_true",
                      help="only print the PDF/A part each file claims (1, 2 or none)")
    ap.add_argument("files", nargs="+", metavar="FILE")
    args = ap.parse_args(argv)

    if args.show_part:
        for path in args.files:
            prefix = path + ": " if len(args.files) > 1 else ""
            print("%s%s" % (prefix, claimed_part(path) or "none"))
        return 0

    data_mode = args.text or args.show_archival
    report = sys.stderr if data_mode else sys.stdout
    failed = False
    for path in args.files:
        prefix = path + ": " if len(args.files) > 1 else ""
        problems, runs, archival = check_file(path, args.part)
        for p in problems:
            print("%s: %s" % (path, p.replace("\n", " ")), file=report)
        failed = failed or bool(problems)
        if args.text:
            for run in runs:
                print(prefix + re.sub(r"[\r\n]", " ", run))
        if args.show_archival:
            for name, value in archival:
                print("%s%s=%s" % (prefix, name, value.replace("\\", "\\\\").replace("\n", "\\n")))
        report.flush()
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `pdfa_check.py --text F | head` is fine
    sys.exit(main(sys.argv[1:]))
