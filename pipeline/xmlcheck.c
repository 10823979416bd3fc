/* xmlcheck: safe libxml2 parsing and XML Schema validation shared by the readers of rosters,
 * the configuration and the templates (ROSTER.md "XML": no network, no entities). */
#include "xmlcheck.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define XMLCHECK_MAX_FILE ((size_t)4 << 20)

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* The line where needle first occurs (libxml2 keeps no line for a DTD), else 1. */
static long line_of(const char *data, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    long line = 1;
    for (size_t i = 0; i + nl <= len; i++) {
        if (memcmp(data + i, needle, nl) == 0)
            return line;
        line += data[i] == '\n';
    }
    return 1;
}

enum { ATTRS_TEXT, ATTRS_OPEN, ATTRS_SKIP, ATTRS_TAG };

void xmlcheck_attrs_init(xmlcheck_attrs *a)
{
    memset(a, 0, sizeof *a);
    a->at = a->line = 1;
}

/* SKIP: c against the terminator; past it, back to text. The terminators ("-->", "]]>",
 * "?>", ">") are found as a substring search finds them: after a mismatch, what was matched
 * may still end in the terminator's start ("--->"). */
static void skip_char(xmlcheck_attrs *a, char c)
{
    size_t tl = strlen(a->term);
    if (c == a->term[a->matched]) {
        if (++a->matched == tl)
            a->state = ATTRS_TEXT;
        return;
    }
    /* the longest end of term[0..matched) + c that starts term */
    char seen[4];
    memcpy(seen, a->term, a->matched);
    seen[a->matched] = c;
    size_t n = a->matched + 1, k = n < tl ? n : tl - 1;
    while (k > 0 && memcmp(seen + n - k, a->term, k) != 0)
        k--;
    a->matched = k;
}

static void skip_to(xmlcheck_attrs *a, const char *term)
{
    a->state = ATTRS_SKIP;
    a->term = term;
    a->matched = 0;
}

/* TAG: one '=' outside quotes per attribute, up to the '>' outside quotes. */
static void tag_char(xmlcheck_attrs *a, char c)
{
    if (a->quote) {
        a->quote = c == a->quote ? 0 : a->quote;
    } else if (c == '"' || c == '\'') {
        a->quote = c;
    } else if (c == '>') {
        a->state = ATTRS_TEXT;
    } else if (c == '=' && ++a->n > a->most) {
        a->most = a->n;
        a->line = a->tag_line;
    }
}

/* OPEN: what follows a '<', until it says which markup it is. */
static void open_char(xmlcheck_attrs *a, char c)
{
    static const char comment[] = "<!--", cdata[] = "<![CDATA[";
    a->open[a->nopen++] = c;
    const char *o = a->open;
    size_t n = a->nopen;
    if (o[1] == '?' || o[1] == '/') {
        skip_to(a, o[1] == '?' ? "?>" : ">");
    } else if (o[1] != '!') {
        a->state = ATTRS_TAG; /* a start tag: its name and attributes */
        a->n = 0;
        a->quote = 0;
        tag_char(a, c);
    } else if (n <= 4 && memcmp(o, comment, n) == 0) {
        if (n == 4)
            skip_to(a, "-->");
    } else if (n <= 9 && memcmp(o, cdata, n) == 0) {
        if (n == 9)
            skip_to(a, "]]>");
    } else if (n > 2) { /* another declaration: up to the next '>', from after "<!" */
        if (!a->declaration)
            a->declaration = a->tag_line; /* a DOCTYPE, or what only a DTD holds */
        skip_to(a, ">");
        for (size_t k = 2; k < n && a->state == ATTRS_SKIP; k++)
            skip_char(a, o[k]);
    }
}

void xmlcheck_attrs_feed(xmlcheck_attrs *a, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        switch (a->state) {
        case ATTRS_TEXT:
            if (c == '<') {
                a->state = ATTRS_OPEN;
                a->open[0] = '<';
                a->nopen = 1;
                a->tag_line = a->at;
            }
            break;
        case ATTRS_OPEN:
            open_char(a, c);
            break;
        case ATTRS_SKIP:
            skip_char(a, c);
            break;
        default:
            tag_char(a, c);
        }
        a->at += c == '\n';
    }
}

size_t xmlcheck_max_attributes(const char *data, size_t len, long *line)
{
    xmlcheck_attrs a;
    xmlcheck_attrs_init(&a);
    xmlcheck_attrs_feed(&a, data, len);
    *line = a.line;
    return a.most;
}

static const int READER_OPTIONS =
    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;

xmlTextReader *xmlcheck_reader_io(int (*read)(void *, char *, int), int (*close)(void *),
                                  void *ctx, const char *name)
{
    xmlSetGenericErrorFunc(NULL, quiet);
    return xmlReaderForIO(read, close, ctx, name, NULL, READER_OPTIONS);
}

xmlDoc *xmlcheck_read(const char *data, size_t len, const char *name, long *line, char *msg,
                      size_t msglen)
{
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlcheck_attrs a;
    xmlcheck_attrs_init(&a);
    xmlcheck_attrs_feed(&a, data, len);
    if (a.most > XMLCHECK_MAX_ATTRIBUTES) {
        *line = a.line;
        snprintf(msg, msglen, "%s", XMLCHECK_ATTRIBUTES);
        return NULL;
    }
    if (a.declaration) { /* refused unparsed: a DTD of 40,000 defaults takes libxml2 2 s */
        *line = a.declaration;
        snprintf(msg, msglen, "%s", XMLCHECK_DOCTYPE);
        return NULL;
    }
    /* BIG_LINES: a roster of 200,000 requests runs past line 65535 */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    xmlDoc *doc = len > (size_t)2147483647 ? NULL : xmlReadMemory(data, (int)len, name, NULL, opts);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        *line = e ? e->line : 0;
        snprintf(msg, msglen, "%s", e && e->message ? e->message : "unreadable XML");
        msg[strcspn(msg, "\n")] = '\0';
        return NULL;
    }
    if (doc->intSubset || doc->extSubset) {
        *line = line_of(data, len, "<!DOCTYPE");
        snprintf(msg, msglen, "%s", XMLCHECK_DOCTYPE);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

xmlDoc *xmlcheck_read_file(const char *path, long *line, char *msg, size_t msglen)
{
    buf b;
    buf_init(&b, XMLCHECK_MAX_FILE);
    int rc = buf_read_file(&b, path);
    xmlDoc *doc = NULL;
    *line = 0;
    if (rc == -1)
        snprintf(msg, msglen, "cannot read the file: %s", strerror(errno));
    else if (rc == -2)
        snprintf(msg, msglen, "larger than %zu bytes", XMLCHECK_MAX_FILE);
    else
        doc = xmlcheck_read(buf_str(&b), b.len, path, line, msg, msglen);
    buf_release(&b);
    return doc;
}

typedef struct first_error {
    long line;
    char *msg;
    size_t msglen;
    int seen;
} first_error;

static void on_error(void *ctx, xmlErrorPtr e)
{
    first_error *fe = ctx;
    if (fe->seen || !e)
        return;
    fe->seen = 1;
    fe->line = e->line > 0 ? e->line : 1;
    snprintf(fe->msg, fe->msglen, "%s", e->message ? e->message : "");
    fe->msg[strcspn(fe->msg, "\n")] = '\0';
}

xmlDoc *xmlcheck_read_file_root(const char *path, const char *root, char *err, size_t errlen)
{
    long line = 0;
    char why[300];
    xmlDoc *doc = xmlcheck_read_file(path, &line, why, sizeof why);
    if (!doc) {
        snprintf(err, errlen, "%s:%ld: %s", path, line, why);
        return NULL;
    }
    const xmlNode *r = xmlDocGetRootElement(doc);
    if (!r || !xmlcheck_is_elem(r, root)) {
        snprintf(err, errlen, "%s:%ld: the root element must be <%s>", path,
                 r ? (long)xmlGetLineNo(r) : 1L, root);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

char *xmlcheck_text(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *nfc = text_nfc(v ? (const char *)v : "");
    xmlFree(v);
    char *s = str_trim_dup(nfc);
    free(nfc);
    return s;
}

char *xmlcheck_attr(const xmlNode *n, const char *name, const char *dflt)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? text_nfc((const char *)v) : dflt ? xstrdup(dflt) : NULL;
    xmlFree(v);
    return s;
}

int xmlcheck_is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

int xmlcheck_validate(xmlDoc *doc, const char *schema_path, long *line, char *msg, size_t msglen)
{
    first_error fe = {0, msg, msglen, 0};
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(schema_path);
    xmlSchema *schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaValidCtxt *vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    int rc = -1;
    if (!vc) {
        *line = 0;
        snprintf(msg, msglen, "cannot load the schema %s", schema_path);
    } else {
        xmlSchemaSetValidStructuredErrors(vc, on_error, &fe);
        rc = xmlSchemaValidateDoc(vc, doc) == 0 ? 0 : 1;
        *line = fe.line;
        if (rc && !fe.seen)
            snprintf(msg, msglen, "does not follow the schema");
    }
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc;
}
