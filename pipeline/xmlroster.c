/* xmlroster: <danh_sach>/<yeu_cau> rosters read with libxml2, safely (ROSTER.md "XML"). */
#include "xmlroster.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "text.h"
#include "util.h"

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static int is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The agency attributes: `ten` is the co_quan_quan_ly key, the others keep their names. */
static void set_agency(record *rec, const xmlNode *agency)
{
    for (const xmlAttr *a = agency->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
        char *nfc = str_empty((const char *)v) ? xstrdup("") : text_nfc((const char *)v);
        char *trimmed = str_trim_dup(nfc);
        const char *name = (const char *)a->name;
        record_set(rec, strcmp(name, "ten") == 0 ? "co_quan_quan_ly" : name, trimmed);
        free(trimmed);
        free(nfc);
        xmlFree(v);
    }
}

/* The line where `needle` first occurs (libxml2 keeps no line for a DTD), else 1. */
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

static int depth_ok(const xmlNode *n, int depth)
{
    if (depth > XMLROSTER_MAX_DEPTH)
        return 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1))
            return 0;
    return 1;
}

/* Unknown request elements are kept and reported once per name (ROSTER.md "Keys"). */
static void warn_unknown(roster *r, const xmlNode *c)
{
    const char *name = (const char *)c->name;
    if (roster_key_for_header(name))
        return;
    for (size_t i = 0; i < r->nwarnings; i++)
        if (r->warnings[i].field && strcmp(r->warnings[i].field, name) == 0)
            return;
    char msg[300];
    snprintf(msg, sizeof msg,
             "Phần tử <%.100s> không thuộc mẫu danh sách; dữ liệu được giữ lại "
             "nhưng không được sử dụng.",
             name);
    roster_warn(r, (long)xmlGetLineNo(c), name, msg);
}

static void read_request(roster *r, const xmlNode *req, const xmlNode *root_agency)
{
    record *rec = roster_add_record(r, (long)xmlGetLineNo(req));
    /* ROSTER.md: an agency inside a request replaces the root one whole, so no detail of
     * one agency (its head, its ký hiệu) ever lands on another's letter */
    const xmlNode *agency = root_agency;
    for (const xmlNode *c = req->children; c; c = c->next)
        if (is_elem(c, "co_quan_quan_ly"))
            agency = c;
    if (agency)
        set_agency(rec, agency);
    for (const xmlNode *c = req->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_elem(c, "co_quan_quan_ly"))
            continue;
        warn_unknown(r, c);
        xmlChar *v = xmlNodeGetContent(c);
        char *nfc = text_nfc(v ? (const char *)v : "");
        char *trimmed = str_trim_dup(nfc);
        record_set(rec, (const char *)c->name, trimmed);
        free(trimmed);
        free(nfc);
        xmlFree(v);
    }
}

typedef struct schema_error {
    long line;
    char message[300];
} schema_error;

static void on_schema_error(void *ctx, xmlErrorPtr e)
{
    schema_error *se = ctx;
    if (se->line || !e)
        return;
    se->line = e->line > 0 ? e->line : 1;
    snprintf(se->message, sizeof se->message, "%s", e->message ? e->message : "");
    se->message[strcspn(se->message, "\n")] = '\0';
}

/* Validates doc against the schema file. Returns 0, or -1 after failing the roster. */
static int validate(roster *r, xmlDoc *doc, const char *schema_path)
{
    schema_error se = {0, ""};
    xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(schema_path);
    xmlSchema *schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaValidCtxt *vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    int rc = -1;
    if (!vc) {
        /* an operator's problem, but the file still cannot be trusted: say so */
        roster_fail(r, 0,
                    "Không nạp được lược đồ XML của chương trình (config/roster.xsd); "
                    "báo cho người quản trị.");
    } else {
        xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &se);
        if (xmlSchemaValidateDoc(vc, doc) == 0) {
            rc = 0;
        } else {
            char msg[512];
            snprintf(msg, sizeof msg, "Tệp XML không đúng lược đồ danh sách ở dòng %ld: %s",
                     se.line, se.message);
            roster_fail(r, se.line, msg);
        }
    }
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc;
}

void xmlroster_parse(roster *r, const char *data, size_t len, const char *schema_path)
{
    xmlSetGenericErrorFunc(NULL, quiet);
    /* BIG_LINES: a roster of 200,000 requests runs past line 65535 */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    xmlDoc *doc = xmlReadMemory(data, (int)len, r->path, NULL, opts);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        char msg[400];
        long line = e ? e->line : 0;
        snprintf(msg, sizeof msg, "Tệp XML không đúng cú pháp ở dòng %ld: %s", line,
                 e && e->message ? e->message : "lỗi không xác định");
        msg[strcspn(msg, "\n")] = '\0';
        roster_fail(r, line, msg);
        return;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset) {
        roster_fail(r, line_of(data, len, "<!DOCTYPE"),
                    "Tệp XML có khai báo DOCTYPE; danh sách không được chứa DOCTYPE hay thực "
                    "thể (entity).");
    } else if (!root || !is_elem(root, "danh_sach")) {
        roster_fail(r, root ? (long)xmlGetLineNo(root) : 1,
                    "Phần tử gốc của tệp XML phải là <danh_sach>.");
    } else if (!depth_ok(root, 1)) {
        roster_fail(r, (long)xmlGetLineNo(root), "Tệp XML lồng quá sâu.");
    } else if (!schema_path || validate(r, doc, schema_path) == 0) {
        const xmlNode *agency = NULL;
        for (const xmlNode *c = root->children; c; c = c->next)
            if (is_elem(c, "co_quan_quan_ly"))
                agency = c;
        for (const xmlNode *c = root->children; c && !r->failed; c = c->next) {
            if (!is_elem(c, "yeu_cau"))
                continue;
            if (r->nrecords >= ROSTER_MAX_ROWS) {
                char *msg = xasprintf("Tệp có quá nhiều yêu cầu: dòng %ld vượt giới hạn %ld yêu "
                                      "cầu; hãy chia thành nhiều tệp.",
                                      (long)xmlGetLineNo(c), (long)ROSTER_MAX_ROWS);
                roster_fail(r, (long)xmlGetLineNo(c), msg);
                free(msg);
            } else
                read_request(r, c, agency);
        }
    }
    xmlFreeDoc(doc);
}
