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

/* Skips from data[i] to just past the terminator term, counting lines; len when absent. */
static size_t skip_past(const char *data, size_t len, size_t i, const char *term, long *line)
{
    size_t tl = strlen(term);
    for (; i < len; i++) {
        if (i + tl <= len && memcmp(data + i, term, tl) == 0)
            return i + tl;
        *line += data[i] == '\n';
    }
    return len;
}

size_t xmlcheck_max_attributes(const char *data, size_t len, long *line)
{
    size_t most = 0;
    long at = 1;
    *line = 1;
    for (size_t i = 0; i < len;) {
        char c = data[i];
        if (c != '<') {
            at += c == '\n';
            i++;
            continue;
        }
        if (i + 4 <= len && memcmp(data + i, "<!--", 4) == 0) {
            i = skip_past(data, len, i + 4, "-->", &at);
        } else if (i + 9 <= len && memcmp(data + i, "<![CDATA[", 9) == 0) {
            i = skip_past(data, len, i + 9, "]]>", &at);
        } else if (i + 1 < len && data[i + 1] == '?') {
            i = skip_past(data, len, i + 2, "?>", &at);
        } else if (i + 1 < len && (data[i + 1] == '/' || data[i + 1] == '!')) {
            i = skip_past(data, len, i + 2, ">", &at);
        } else { /* a start tag: one '=' outside quotes per attribute */
            long tag_line = at;
            size_t n = 0;
            char quote = 0;
            for (i++; i < len && (quote || data[i] != '>'); i++) {
                at += data[i] == '\n';
                if (quote)
                    quote = data[i] == quote ? 0 : quote;
                else if (data[i] == '"' || data[i] == '\'')
                    quote = data[i];
                else
                    n += data[i] == '=';
            }
            i++;
            if (n > most)
                most = n, *line = tag_line;
        }
    }
    return most;
}

xmlTextReader *xmlcheck_reader(const char *data, size_t len, const char *name)
{
    xmlSetGenericErrorFunc(NULL, quiet);
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    return len > (size_t)2147483647 ? NULL : xmlReaderForMemory(data, (int)len, name, NULL, opts);
}

xmlDoc *xmlcheck_read(const char *data, size_t len, const char *name, long *line, char *msg,
                      size_t msglen)
{
    xmlSetGenericErrorFunc(NULL, quiet);
    if (xmlcheck_max_attributes(data, len, line) > XMLCHECK_MAX_ATTRIBUTES) {
        snprintf(msg, msglen, "%s", XMLCHECK_ATTRIBUTES);
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
