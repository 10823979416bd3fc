/* xmlcheck: the one place XML documents are read and checked against their shipped schemas
 * (config/roster.xsd, config/ctsbatch.xsd, templates/form.xsd). Parsing is always safe: no
 * network, no DTD loading, no entity substitution, and any DOCTYPE is refused. */
#ifndef CTS_XMLCHECK_H
#define CTS_XMLCHECK_H

#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <stddef.h>

/* The reason xmlcheck_read gives for a document with a DOCTYPE. */
#define XMLCHECK_DOCTYPE "no DOCTYPE is allowed (it could declare entities)"

/* Attributes one start tag may carry. libxml2 2.9 checks a start tag's attributes for
 * duplicates pairwise: a root with 80,000 of them (869 KB) takes 30 s, so a document past
 * this is refused by a byte scan before libxml2 sees it. */
#define XMLCHECK_MAX_ATTRIBUTES 256
/* The reason xmlcheck_read gives for such a document. */
#define XMLCHECK_ATTRIBUTES "a start tag carries more attributes than allowed"

/* The largest number of attributes on one start tag of data[0..len), counted by a byte scan
 * (no parser; comments, CDATA, processing instructions and end tags skipped, quoted values
 * honoured), with the line of that tag in *line. Linear in len. */
size_t xmlcheck_max_attributes(const char *data, size_t len, long *line);

/* The same count over a document that comes in pieces (a sheet read from its zip a piece at
 * a time): feed each piece in order; most is the largest count so far, line its tag's line.
 * Any cut gives what the whole gives. */
typedef struct xmlcheck_attrs {
    int state;
    char open[10]; /* "<" and what follows it, until it says which markup it is */
    size_t nopen;
    const char *term; /* inside a comment, CDATA, PI or end tag: what ends it ... */
    size_t matched;   /* ... and how much of that was seen */
    char quote;       /* inside a start tag: the quote a value is in, or 0 */
    size_t n;         /* '=' of this start tag so far */
    long at, tag_line;
    size_t most;
    long line;
    long declaration; /* line of the first <!DOCTYPE (or any <! but a comment or CDATA), 0 */
} xmlcheck_attrs;
void xmlcheck_attrs_init(xmlcheck_attrs *a);
void xmlcheck_attrs_feed(xmlcheck_attrs *a, const char *data, size_t len);

/* A streaming reader (xmlTextReader) with the same safety settings as xmlcheck_read (no
 * network, no DTD loading, no entity substitution), over bytes pulled through read
 * (libxml2's xmlInputReadCallback: up to len bytes into buf, how many, 0 at the end, -1 to
 * stop with an error); close(ctx) is called once when the reader is freed, or at once when
 * it cannot be made (NULL then). The caller feeds each piece to xmlcheck_attrs_feed first
 * and refuses a declaration or too many attributes before libxml2 sees it. */
xmlTextReader *xmlcheck_reader_io(int (*read)(void *, char *, int), int (*close)(void *),
                                  void *ctx, const char *name);

/* Parses data (name for messages). Returns the document, or NULL with the line of the
 * problem in *line and libxml2's reason (English) in msg. A DOCTYPE, and a start tag with
 * more than XMLCHECK_MAX_ATTRIBUTES attributes, are refused before libxml2 parses them. */
xmlDoc *xmlcheck_read(const char *data, size_t len, const char *name, long *line, char *msg,
                      size_t msglen);
/* Same, from a file (bounded to 4 MiB). */
xmlDoc *xmlcheck_read_file(const char *path, long *line, char *msg, size_t msglen);

/* Reads the file and checks that its root element is `root`. Returns the document, or NULL
 * with "PATH:LINE: reason" (English, for the operator) in err. */
xmlDoc *xmlcheck_read_file_root(const char *path, const char *root, char *err, size_t errlen);

/* The text of an element or attribute node as a new string: NFC, surrounding space trimmed. */
char *xmlcheck_text(const xmlNode *n);
/* The value of attribute `name` of n as a new NFC string (as written, not trimmed); a copy of
 * dflt when there is no such attribute, or NULL when dflt is NULL too. */
char *xmlcheck_attr(const xmlNode *n, const char *name, const char *dflt);

/* 1 when n is an element named name. */
int xmlcheck_is_elem(const xmlNode *n, const char *name);

/* Validates doc against the schema file. Returns 0; 1 when doc does not follow it (first
 * problem's line and reason in *line, msg); -1 when the schema itself cannot be loaded. */
int xmlcheck_validate(xmlDoc *doc, const char *schema_path, long *line, char *msg, size_t msglen);

#endif
