/* config: everything that follows the law or the site rather than the code (DESIGN.md,
 * RULES.md): site settings (province, place name, recipient), the font family, the allowed
 * values of coded fields, each rule's severity, Vietnamese message and legal basis, rule
 * parameters, required fields per procedure, which documents each procedure makes, and the
 * register of managing agencies, and the header aliases of the roster columns. Read from one XML file (config/ctsbatch.xml by default)
 * with libxml2, no network, no entities. The config owns every string it hands out. */
#ifndef CTS_CONFIG_H
#define CTS_CONFIG_H

#include <stddef.h>

#include "date.h"
#include "font.h"
#include "roster.h"

typedef struct config config;

typedef enum { SEV_ERROR = 0, SEV_WARNING = 1, SEV_INFO = 2 } severity;

typedef struct config_variant {
    const char *key, *message, *basis; /* basis NULL: the rule's */
} config_variant;

typedef struct config_rule {
    const char *id;
    severity sev;
    const char *basis;        /* legal basis, Vietnamese; may hold {placeholders} too */
    const char *message;      /* template with {placeholders} the rule fills */
    config_variant *variants; /* <msg key="..."> children: the message for one case */
    size_t nvariants;
} config_rule;

/* A document the plan makes: `per` is "row" (one per accepted request, the subscriber signs)
 * or "agency" (one per managing agency and procedure, listing its rows). */
typedef struct config_document {
    const char *procedure;  /* "cap-moi", or a space-separated list ("thu-hoi ban-giao-...") */
    const char *subscriber; /* "ca-nhan", "co-quan", ... a list, or "*" */
    const char *per;        /* "row" or "agency" */
    const char *form;       /* "01": the template templates/mauNN.xml */
    const char *folder;     /* output folder under the agency's; default: the procedure */
    const char *when;       /* "" or a condition the plan knows (plan.h) */
} config_document;

/* Loads the file; relative paths in it (fonts) are resolved against `home`, the folder
 * holding templates/, fonts/ and config/. Returns NULL with an English reason in err. */
config *config_load(const char *path, const char *home, char *err, size_t errlen);
void config_free(config *c); /* accepts NULL */

const char *config_home(const config *c);
/* A site setting (<site><value key="...">), "" when absent. */
const char *config_site(const config *c, const char *key);
/* 1 when <site> has a value of this key (a template may name it: {site.KEY}). */
int config_site_has(const config *c, const char *key);
/* 1 when <values field="..."> lists the allowed values of this field ({nhan.FIELD}). */
int config_values_has(const config *c, const char *field);
/* A rule parameter as a number; `fallback` when absent or not a number. */
long config_param(const config *c, const char *name, long fallback);
/* The rule with this id, or NULL. */
const config_rule *config_rule_get(const config *c, const char *id);
/* The message and basis of one case of a rule (variant NULL or unknown: the rule's own). */
void config_rule_text(const config_rule *r, const char *variant, const char **message,
                      const char **basis);
/* The PDF/A part documents are written to: 2 (PDF/A-2b, the default) or 1 (PDF/A-1b), from
 * <pdf chuan="PDF/A-2b"/>; and the ICC profile of their output intent (<pdf icc="FILE"/>,
 * absolute or relative to home; Debian's icc-profiles-free grey profile by default). */
#define CONFIG_DEFAULT_ICC "/usr/share/color/icc/Gray.icc"
int config_pdfa_part(const config *c);
const char *config_icc(const config *c);
/* Font file of a face (absolute or relative to home, as written), never NULL. */
const char *config_font(const config *c, int face);

/* The canonical value of a coded field ("thu_tuc": "Cấp mới" -> "cap-moi"), matched on the
 * folded key, label or an alias; NULL when the value is not allowed. */
const char *config_value_canonical(const config *c, const char *key, const char *value);
/* The Vietnamese label of a canonical value ("cap-moi" -> "Cấp mới"), or the value itself. */
const char *config_value_label(const config *c, const char *key, const char *canonical);

/* Fields required for this procedure and subscriber type: fills out (up to max) with
 * borrowed key names and returns how many there are (may exceed max). */
size_t config_required(const config *c, const char *procedure, const char *subscriber,
                       const char **out, size_t max);

size_t config_document_count(const config *c);
const config_document *config_document_at(const config *c, size_t i);

/* A named list (<lists><list name="...">): its words, borrowed, and their count in *n;
 * NULL and 0 when there is no such list. */
const char *const *config_list(const config *c, const char *name, size_t *n);
int config_list_has(const config *c, const char *name, const char *word);

/* The public holidays of <holidays>, sorted, borrowed; their count in *n. A day that does not
 * parse makes config_load fail. */
const date *config_holidays(const config *c, size_t *n);

/* The agency register entry whose name equals `name` exactly (after NFC), or NULL. Its
 * fields use the managing-agency keys of ROSTER.md (co_quan_quan_ly, ky_hieu, ...). */
const record *config_agency(const config *c, const char *name);

/* The header aliases of <aliases> (roster.h roster_alias: key "" for an ignored column),
 * borrowed, in file order; their count in *n. An <alias key> that is no roster key makes
 * config_load fail. */
const roster_alias *config_aliases(const config *c, size_t *n);

/* 1 when word is in the space-separated list, or the list is "*". */
int config_in_list(const char *list, const char *word);

#endif
