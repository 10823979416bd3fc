/* xmlroster: <danh_sach>/<yeu_cau> rosters read with libxml2, safely (ROSTER.md "XML"). */
#include "xmlroster.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"
#include "xmlcheck.h"

/* The agency attributes: `ten` is the co_quan_quan_ly key, the others keep their names. */
static void set_agency(record *rec, const xmlNode *agency)
{
    for (const xmlAttr *a = agency->properties; a; a = a->next) {
        char *value = xmlcheck_text((const xmlNode *)a);
        const char *name = (const char *)a->name;
        record_set(rec, strcmp(name, "ten") == 0 ? "co_quan_quan_ly" : name, value);
        free(value);
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

/* Unknown request elements are kept and reported once per name (ROSTER.md "Keys"), for the
 * first XMLROSTER_MAX_WARNINGS names. */
static void warn_unknown(roster *r, const xmlNode *c)
{
    const char *name = (const char *)c->name;
    if (r->nwarnings >= XMLROSTER_MAX_WARNINGS)
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

typedef struct keys {
    const roster_alias *v;
    size_t n;
} keys;

static void read_request(roster *r, const xmlNode *req, const xmlNode *root_agency, keys k)
{
    size_t elements = 0;
    for (const xmlNode *c = req->children; c; c = c->next)
        elements += c->type == XML_ELEMENT_NODE;
    if (elements > XMLROSTER_MAX_FIELDS) {
        char *msg = xasprintf("Yêu cầu ở dòng %ld có %zu phần tử, quá giới hạn %d; hãy kiểm tra "
                              "lại tệp XML.",
                              (long)xmlGetLineNo(req), elements, XMLROSTER_MAX_FIELDS);
        roster_fail(r, (long)xmlGetLineNo(req), msg);
        free(msg);
        return;
    }
    record *rec = roster_add_record(r, (long)xmlGetLineNo(req));
    /* ROSTER.md: an agency inside a request replaces the root one whole, so no detail of
     * one agency (its head, its ký hiệu) ever lands on another's letter */
    const xmlNode *agency = root_agency;
    for (const xmlNode *c = req->children; c; c = c->next)
        if (xmlcheck_is_elem(c, "co_quan_quan_ly"))
            agency = c;
    if (agency)
        set_agency(rec, agency);
    for (const xmlNode *c = req->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlcheck_is_elem(c, "co_quan_quan_ly"))
            continue;
        const char *key = roster_key_match((const char *)c->name, k.v, k.n);
        if (key && !key[0])
            continue; /* a column the configuration ignores */
        if (!key)
            warn_unknown(r, c);
        char *value = xmlcheck_text(c);
        record_set(rec, key ? key : (const char *)c->name, value);
        free(value);
    }
}

static void read_requests(roster *r, const xmlNode *root, keys k)
{
    const xmlNode *agency = NULL;
    for (const xmlNode *c = root->children; c; c = c->next)
        if (xmlcheck_is_elem(c, "co_quan_quan_ly"))
            agency = c;
    for (const xmlNode *c = root->children; c && !r->failed; c = c->next) {
        if (!xmlcheck_is_elem(c, "yeu_cau"))
            continue;
        if (r->nread < ROSTER_MAX_ROWS) {
            read_request(r, c, agency, k);
            continue;
        }
        char *msg = xasprintf("Tệp có quá nhiều yêu cầu: dòng %ld vượt giới hạn %ld yêu cầu; "
                              "hãy chia thành nhiều tệp.",
                              (long)xmlGetLineNo(c), (long)ROSTER_MAX_ROWS);
        roster_fail(r, (long)xmlGetLineNo(c), msg);
        free(msg);
    }
}

void xmlroster_parse(roster *r, const char *data, size_t len, const char *schema_path,
                     const roster_alias *aliases, size_t naliases)
{
    long line = 0;
    char why[300], *msg = NULL;
    xmlDoc *doc = xmlcheck_read(data, len, r->path, &line, why, sizeof why);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc;
    if (!doc && strcmp(why, XMLCHECK_DOCTYPE) == 0)
        msg = xasprintf("Tệp XML có khai báo DOCTYPE; danh sách không được chứa DOCTYPE hay "
                        "thực thể (entity).");
    else if (!doc && strcmp(why, XMLCHECK_ATTRIBUTES) == 0)
        msg = xasprintf("Phần tử ở dòng %ld của tệp XML có hơn %d thuộc tính: đây không phải "
                        "danh sách đề nghị hợp lệ (có thể là tệp độc hại). Hãy xuất lại danh "
                        "sách từ phần mềm quản lý, mỗi thông tin là một phần tử con của "
                        "<yeu_cau>.",
                        line, XMLCHECK_MAX_ATTRIBUTES);
    else if (!doc)
        msg = xasprintf("Tệp XML không đúng cú pháp ở dòng %ld: %s", line, why);
    else if (!root || !xmlcheck_is_elem(root, "danh_sach"))
        line = root ? (long)xmlGetLineNo(root) : 1,
        msg = xasprintf("Phần tử gốc của tệp XML phải là <danh_sach>.");
    else if (!depth_ok(root, 1))
        line = (long)xmlGetLineNo(root), msg = xasprintf("Tệp XML lồng quá sâu.");
    else if (schema_path && (rc = xmlcheck_validate(doc, schema_path, &line, why, sizeof why)))
        msg = rc < 0 ? xasprintf("Không nạp được lược đồ XML của chương trình "
                                 "(config/roster.xsd); báo cho người quản trị.")
                     : xasprintf("Tệp XML không đúng lược đồ danh sách ở dòng %ld: %s", line, why);
    if (msg)
        roster_fail(r, line, msg);
    else
        read_requests(r, root, (keys){aliases, aliases ? naliases : 0});
    free(msg);
    xmlFreeDoc(doc);
}
