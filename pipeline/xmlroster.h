/* xmlroster: XML rosters (ROSTER.md "XML"). <danh_sach> holds <yeu_cau> records whose child
 * elements are named by the request keys; <co_quan_quan_ly> carries the managing agency as
 * attributes, at the root for every request or inside one <yeu_cau> for that one alone.
 * libxml2 runs with no network, no DTD loading and no entity substitution; a document with
 * a DOCTYPE is refused outright, so no entity (internal or external) is ever expanded. */
#ifndef CTS_XMLROSTER_H
#define CTS_XMLROSTER_H

#include <stddef.h>

#include "roster.h"

#define XMLROSTER_MAX_DEPTH 16 /* a roster is 3 levels deep; deeper is hostile or broken */

/* Parses the XML text into r's records; failures end in roster_fail with the line. */
void xmlroster_parse(roster *r, const char *data, size_t len);

#endif
