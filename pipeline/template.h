/* template: the forms of FORMS.md as data. A template file (templates/mauNN.xml) is a tree:
 * paragraphs of styled spans, side-by-side columns of paragraphs (the two-column công văn
 * header, the signature blocks), tables whose rows repeat over the listed requests, and
 * vertical space. Text holds {placeholders} that template_fill resolves; the filled tree is
 * what the layout engine sets. No form wording lives in C.
 *
 * Element reference (attributes in brackets, lengths in mm, sizes and spacing in pt):
 *   <form id title subject type signer size line-height margin-top margin-bottom margin-left
 *         margin-right page-numbers(yes|no) blank(text for an empty value)>
 *   <p align(left|center|right|justify) size bold italic indent space-before space-after
 *      rule(none|full|third) keep-with-next(yes) when> text, <b>..</b>, <i>..</i>, <br/> </p>
 *   <columns space-before space-after keep(yes)> <col width(%)> <p>... </col> ... </columns>
 *   <table size space-before space-after when rows> <col width(relative) head align> cell
 *      text </col>
 *   <space height(pt)/>
 * title and subject are the PDF's document information; type and signer, with them, its
 * archival description (Nghị định 30/2020 Phụ lục VI: TypeName, SignerInfo).
 * Placeholders: {key}, {key|upper} (Vietnamese capitals), {key|ngay} (a date, ISO or as the
 * clerk wrote it, as dd/mm/yyyy), {key|opt} (optional: empty stays empty, and a paragraph
 * made only of empty optional values is left out, e.g. an authority line "KT. GIÁM ĐỐC");
 * any other empty value becomes the form's `blank` text in paragraphs and nothing in table
 * cells.
 * when="NAME" (p, table): the block is left out unless the document-level value NAME (e.g.
 * doc.so_tu_choi) is set, non-empty and not "0". rows="NAME" (table): the value NAME is
 * "FIRST COUNT", and the table lists rows FIRST .. FIRST+COUNT-1 of the document's rows (cut
 * to those there are); a table that lists no row then is left out, header and all. Without
 * rows a table lists every row. */
#ifndef CTS_TEMPLATE_H
#define CTS_TEMPLATE_H

#include <stddef.h>

#include "util.h"

typedef enum { AL_LEFT, AL_CENTER, AL_RIGHT, AL_JUSTIFY } talign;
typedef enum { RULE_NONE, RULE_FULL, RULE_THIRD } trule;
typedef enum { TB_PARA, TB_COLUMNS, TB_TABLE, TB_SPACE } tblock_kind;

typedef struct tspan {
    char *text; /* "\n" alone is a forced line break */
    int bold, italic;
} tspan;

typedef struct tpara {
    tspan *spans;
    size_t nspans;
    talign align;
    double size;          /* 0: the form's size */
    double indent;        /* first-line indent, mm */
    double before, after; /* pt */
    trule rule;           /* a solid rule under the last line */
    int keep_with_next;
    int omit; /* filled: only {...|opt} values, all empty: the paragraph is left out */
} tpara;

typedef struct tblock tblock;

typedef struct tcolumn {
    double width;   /* columns: % of the text width */
    /* tables: constraints on the column's width, mm, 0 when not set; the layout sizes
     * every other column from its content (layout.h) */
    double min_width, max_width, fixed_width;
    int nowrap; /* tables: cells of up to this many words stay on one line while the table
                 * has room (a name of four words; a unit's long name still wraps); 0: none */
    tblock *blocks; /* columns: the paragraphs of the column */
    size_t nblocks;
    char *head; /* tables: header text */
    tpara cell; /* tables: the cell template (one paragraph) */
} tcolumn;

struct tblock {
    tblock_kind kind;
    tpara para;    /* TB_PARA */
    tcolumn *cols; /* TB_COLUMNS, TB_TABLE */
    size_t ncols;
    char ***cells; /* TB_TABLE once filled: nrows x ncols texts */
    size_t nrows;
    double size; /* TB_TABLE text size, 0: form size */
    double before, after;
    double height; /* TB_SPACE */
    int keep;      /* TB_COLUMNS: never split, never left alone at a page top */
    char *when;    /* p, table: the value that must be set for the block to be made, or NULL */
    char *rows;    /* table: the value naming its rows ("FIRST COUNT"), or NULL */
    size_t first;  /* TB_TABLE once filled: the document row its first row is */
    int omit;      /* once filled: left out (when unset, or a table with no row) */
};

typedef struct template
{
    char *id, *title, *subject, *blank;
    char *type, *signer; /* archival description (NĐ 30/2020 Phụ lục VI): TypeName, SignerInfo */
    double size, line_height;
    double margin[4]; /* top, right, bottom, left, mm */
    int page_numbers;
    tblock *blocks;
    size_t nblocks;
}
template;

#define TEMPLATE_MAX_BYTES ((size_t)1 << 20)

/* Loads a template file. Returns NULL with an English reason in err. */
template *template_load(const char *path, char *err, size_t errlen);
void template_free(template *t); /* accepts NULL */

/* What fills a template: document-level names, and per table row i (0-based) names. */
typedef struct tdata {
    void *ctx;
    const char *(*doc)(void *ctx, const char *name);
    size_t nrows;
    const char *(*row)(void *ctx, size_t i, const char *name);
} tdata;

/* A copy of t with every placeholder resolved and tables filled with d->nrows rows. */
template *template_fill(const template *t, const tdata *d);

#endif
