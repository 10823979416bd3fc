/* xmlroster: XML rosters (ROSTER.md "XML"). <danh_sach> holds <yeu_cau> records whose child
 * elements are named by the request keys; <co_quan_quan_ly> carries the managing agency as
 * attributes, at the root for every request or inside one <yeu_cau> for that one alone.
 * libxml2 runs with no network, no DTD loading and no entity substitution; a document with
 * a DOCTYPE is refused outright, so no entity (internal or external) is ever expanded. The
 * schema that ships in config/roster.xsd is checked before any record is read. */
#ifndef CTS_XMLROSTER_H
#define CTS_XMLROSTER_H

#include <stddef.h>

#include "roster.h"

#define XMLROSTER_MAX_DEPTH 16     /* a roster is 3 levels deep; deeper is hostile or broken */
#define XMLROSTER_MAX_FIELDS 256   /* elements in one <yeu_cau>, as CSV_MAX_COLUMNS */
#define XMLROSTER_MAX_WARNINGS 100 /* unknown element names reported per file */

/* Parses the XML text into r's records after validating it against the schema at
 * schema_path (config/roster.xsd; NULL skips validation, for tests of the reader alone).
 * Element names go through roster_key_match with aliases[0..naliases) (may be NULL), the
 * key function of every tabular reader: an alias names its key, an ignored one is dropped.
 * A start tag with more than XMLCHECK_MAX_ATTRIBUTES attributes is refused before libxml2
 * parses it. Failures end in roster_fail with the line; unknown request elements are
 * warnings. */
void xmlroster_parse(roster *r, const char *data, size_t len, const char *schema_path,
                     const roster_alias *aliases, size_t naliases);

#endif
