/* xmlroster: <danh_sach>/<yeu_cau> rosters read with libxml2, safely (ROSTER.md "XML"). */
#include "xmlroster.h"

#include <libxml/parser.h>
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

static int depth_ok(const xmlNode *n, int depth)
{
    if (depth > XMLROSTER_MAX_DEPTH)
        return 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1))
            return 0;
    return 1;
}

static void read_request(roster *r, const xmlNode *req, const xmlNode *root_agency)
{
    record *rec = roster_add_record(r, (long)xmlGetLineNo(req));
    if (root_agency)
        set_agency(rec, root_agency);
    for (const xmlNode *c = req->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, "co_quan_quan_ly")) {
            set_agency(rec, c);
            continue;
        }
        xmlChar *v = xmlNodeGetContent(c);
        char *nfc = text_nfc(v ? (const char *)v : "");
        char *trimmed = str_trim_dup(nfc);
        record_set(rec, (const char *)c->name, trimmed);
        free(trimmed);
        free(nfc);
        xmlFree(v);
    }
}

void xmlroster_parse(roster *r, const char *data, size_t len)
{
    xmlSetGenericErrorFunc(NULL, quiet);
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
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
        roster_fail(r, doc->intSubset ? (long)xmlGetLineNo((xmlNode *)doc->intSubset) : 1,
                    "Tệp XML có khai báo DOCTYPE; danh sách không được chứa DOCTYPE hay thực "
                    "thể (entity).");
    } else if (!root || !is_elem(root, "danh_sach")) {
        roster_fail(r, root ? (long)xmlGetLineNo(root) : 1,
                    "Phần tử gốc của tệp XML phải là <danh_sach>.");
    } else if (!depth_ok(root, 1)) {
        roster_fail(r, (long)xmlGetLineNo(root), "Tệp XML lồng quá sâu.");
    } else {
        const xmlNode *agency = NULL;
        for (const xmlNode *c = root->children; c; c = c->next)
            if (is_elem(c, "co_quan_quan_ly"))
                agency = c;
        for (const xmlNode *c = root->children; c && !r->failed; c = c->next) {
            if (!is_elem(c, "yeu_cau"))
                continue;
            if (r->nrecords >= ROSTER_MAX_ROWS)
                roster_fail(r, (long)xmlGetLineNo(c), "Tệp có quá nhiều yêu cầu.");
            else
                read_request(r, c, agency);
        }
    }
    xmlFreeDoc(doc);
}
