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
 *   <columns space-before space-after keep(yes) when> <col width(%)> <p>... </col> ... </columns>
 *   <table size space-before space-after when rows> <col head align ...> cell text </col>
 *   <space height(pt) when/>
 * title and subject are the PDF's document information; type and signer, with them, its
 * archival description (Nghị định 30/2020 Phụ lục VI: TypeName, SignerInfo).
 *   <if when> text, <b>, <i>, <br/> </if>: inside p and table col, a piece shown only when
 *      its condition holds
 *   table <col>: [min-width max-width fixed-width (mm) nowrap(N)]: the layout sizes columns
 *      from their content (layout.h) within these bounds; nowrap="4": cells of up to four
 *      words stay on one line while the table has room
 * Placeholders: {key}, then filters applied left to right: {key|upper} (Vietnamese
 * capitals), {key|lower}, {key|capital} (first letter upper: {key|lower|capital} makes
 * "GIÁM ĐỐC" "Giám đốc"), {key|chuc_vu} (a title in capitals as a sentence writes it, NĐ
 * 30/2020 Phụ lục II: "PHÓ GIÁM ĐỐC" -> "Phó Giám đốc"; mixed case stays), {key|ngay} (a date, ISO
 * or as the clerk wrote it, as dd/mm/yyyy), {key|opt} (optional: empty stays empty, and a paragraph
 * made only of empty optional values is left out, e.g. an authority line "KT. GIÁM ĐỐC"); any other
 * empty value becomes the form's `blank` text in paragraphs and nothing in table cells. A paragraph
 * made only of <if> pieces none of which holds is left out too. {?CONDITION:TEXT} gives TEXT (no
 * braces, no placeholders) when the condition holds, else nothing: the <if> of attributes (a
 * letter's subject).
 * when="CONDITION" (p, table, columns, space, if): the block or piece is left out unless
 * every space-separated term holds: NAME (set, not empty, not "0"; e.g. doc.so_tu_choi),
 * !NAME (not set), NAME=A,B (the value is one of A, B: ma.thu_tuc=gia-han), NAME!=A,B (none
 * of them); rows.NAME... holds when the term holds for one of the document's rows (a letter
 * listing renewals and changes: rows.ma.thu_tuc=gia-han rows.ma.thu_tuc=thay-doi). Names in
 * a table cell's conditions are the row's. rows="NAME" (table): the value NAME is
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
    char *when; /* the <if when="..."> it stands in, or NULL; NULL once filled */
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
    double width; /* columns: % of the text width */
    /* tables: constraints on the column's width, mm, 0 when not set; the layout sizes
     * every other column from its content (layout.h) */
    double min_width, max_width, fixed_width;
    int nowrap;     /* tables: cells of up to this many words stay on one line while the table
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
    char *when;    /* the condition that must hold for the block to be made, or NULL */
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

/* The names a template may use, as the data that fills it knows them: known(ctx, name,
 * in_row) is 1 when `name` (without filters) has a value at the document level (in_row 0)
 * or in a table row (in_row 1). */
typedef struct tnames {
    void *ctx;
    int (*known)(void *ctx, const char *name, int in_row);
} tnames;

/* Loads a template file and checks it: its schema (form.xsd beside it), its elements, the
 * syntax of its conditions and, with names (may be NULL), that every placeholder, filter and
 * condition names what the data has. Returns NULL with an English reason in err that names
 * the file and line ("templates/mau08.xml:34: unknown placeholder {ho_tenx} ..."). */
template *template_load_checked(const char *path, const tnames *names, char *err, size_t errlen);
/* template_load_checked with no names to check. */
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
