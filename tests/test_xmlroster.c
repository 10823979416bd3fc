/* test_xmlroster: unit tests of pipeline/xmlroster.c against ROSTER.md "XML": <yeu_cau>
 * records keyed by their child elements, each with the line of its <yeu_cau>; the managing
 * agency of <co_quan_quan_ly> at the root for every request and inside a <yeu_cau> for that
 * one alone; values trimmed and NFC. Hostile or broken files are refused with their line and
 * nothing leaks out: a DOCTYPE (external entity, billion laughs) is refused before any entity
 * is expanded and no local file's contents are printed or kept; malformed XML, a wrong root,
 * nesting past XMLROSTER_MAX_DEPTH and more than ROSTER_MAX_ROWS requests fail. With the
 * shipped schema (config/roster.xsd) a roster of the contract validates, unknown request
 * elements are one warning per name, and a document the schema refuses fails with its line.
 * Fixtures: tests/data/in_*.xml. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h" /* ROSTER_MAX_ROWS */
#include "read.h"
#include "util.h"
#include "xmlroster.h"
#include "testutil.h"

#define SCHEMA "config/roster.xsd"

/* Parses text as the reader alone (no schema), or against `schema` when not NULL. */
static roster *parse_with(const char *text, const char *schema)
{
    roster *r = roster_new("test.xml");
    xmlroster_parse(r, text, strlen(text), schema, NULL, 0);
    return r;
}

static roster *parse(const char *text)
{
    return parse_with(text, NULL);
}

static void expect_ok(const roster *r, size_t n)
{
    if (r->failed)
        fail_msg("unexpected failure at line %ld: %s", r->error.line, r->error.message);
    assert_int_equal(r->nrecords, n);
}

static void expect_failed(const roster *r, long line)
{
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_int_equal(r->error.line, line);
    assert_non_null(r->error.message);
}

/* 1 when needle occurs anywhere the roster could show it: error, warnings, records. */
static int roster_mentions(const roster *r, const char *needle)
{
    if (r->error.message && strstr(r->error.message, needle))
        return 1;
    for (size_t i = 0; i < r->nwarnings; i++)
        if (strstr(r->warnings[i].message, needle))
            return 1;
    for (size_t i = 0; i < r->nrecords; i++)
        for (size_t k = 0; k < r->records[i].nfields; k++)
            if (strstr(r->records[i].fields[k].value, needle))
                return 1;
    return 0;
}

/* Runs read_roster(path) with stdout and stderr sent to a file; returns what was printed. */
static roster *read_captured(const char *path, char **printed)
{
    char out_path[] = "/tmp/ctsbatch-test-xml-out-XXXXXX";
    int fd = mkstemp(out_path);
    assert_true(fd >= 0);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    assert_true(saved_out >= 0 && saved_err >= 0);
    assert_true(dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0);
    roster *r = read_roster(path, NULL);
    fflush(stdout);
    fflush(stderr);
    assert_true(dup2(saved_out, 1) >= 0 && dup2(saved_err, 2) >= 0);
    close(saved_out);
    close(saved_err);
    buf got;
    buf_init(&got, 0);
    char chunk[4096];
    ssize_t n;
    assert_true(lseek(fd, 0, SEEK_SET) == 0);
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        buf_append(&got, chunk, (size_t)n);
    close(fd);
    unlink(out_path);
    *printed = buf_detach(&got);
    return r;
}

static void test_requests_and_lines(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/in_agency.xml", NULL);
    expect_ok(r, 4);
    assert_string_equal(r->format, "xml");
    assert_int_equal(r->records[0].line, 5);
    assert_int_equal(r->records[1].line, 12);
    assert_int_equal(r->records[2].line, 17);
    assert_int_equal(r->records[3].line, 18);
    tu_expect_field(r, 0, "thu_tuc", "gia-han");
    tu_expect_field(r, 0, "loai_thue_bao", "ca-nhan");
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị Ánh Tuyết"); /* trimmed */
    tu_expect_field(r, 0, "ghi_chu", "A & B <C>");
    tu_expect_field(r, 1, "ho_ten", "Lê Văn Tám");
    tu_expect_field(r, 2, "ho_ten", "Võ <Thị> Mỹ Duyên"); /* CDATA */
    tu_expect_field(r, 2, "thu_tuc", "thu-hoi");
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
}

static void test_root_agency_applies_to_every_request(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/in_agency.xml", NULL);
    expect_ok(r, 4);
    for (size_t i = 0; i < r->nrecords; i += 2) { /* requests 1 and 3 have no agency inside */
        tu_expect_field(r, i, "co_quan_quan_ly", "Sở Tài chính tỉnh An Giang");
        tu_expect_field(r, i, "co_quan_chu_quan", "UBND TỈNH AN GIANG");
        tu_expect_field(r, i, "ky_hieu", "STC-VP");
        tu_expect_field(r, i, "thu_truong", "Trần Văn Bình");
        tu_expect_field(r, i, "chuc_vu_thu_truong", "GIÁM ĐỐC");
        assert_false(record_has(&r->records[i], "ten")); /* `ten` is the co_quan_quan_ly key */
    }
    roster_free(r);
}

static void test_agency_inside_request_overrides(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/in_agency.xml", NULL);
    expect_ok(r, 4);
    tu_expect_field(r, 1, "co_quan_quan_ly", "Sở Y tế tỉnh An Giang");
    tu_expect_field(r, 1, "ky_hieu", "SYT-VP");
    tu_expect_field(r, 1, "thu_truong", "Lê Văn Tám");
    tu_expect_field(r, 3, "co_quan_quan_ly", "Sở Nội vụ tỉnh An Giang");
    tu_expect_field(r, 2, "co_quan_quan_ly", "Sở Tài chính tỉnh An Giang"); /* only that one */
    roster_free(r);
}

/* An agency inside a <yeu_cau> replaces the root's agency for that request: details it
 * leaves out belong to its own agency (the register fills them), never to the root's. */
static void test_agency_override_does_not_mix_agencies(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/in_agency.xml", NULL);
    expect_ok(r, 4);
    const record *noi_vu = &r->records[3];
    assert_string_equal(record_get(noi_vu, "co_quan_quan_ly"), "Sở Nội vụ tỉnh An Giang");
    assert_string_equal(record_get(noi_vu, "ky_hieu"), "");            /* not STC-VP */
    assert_string_equal(record_get(noi_vu, "thu_truong"), "");         /* not Trần Văn Bình */
    assert_string_equal(record_get(noi_vu, "chuc_vu_thu_truong"), ""); /* not GIÁM ĐỐC */
    assert_string_equal(record_get(noi_vu, "co_quan_chu_quan"), "");
    assert_string_equal(record_get(&r->records[1], "chuc_vu_thu_truong"), "");
    roster_free(r);
}

static void test_values_become_nfc(void **state)
{
    (void)state;
    roster *r = parse("<danh_sach>\n"
                      "<co_quan_quan_ly ten=\" So\xCC\x9B\xCC\x89 Y te\xCC\x82\xCC\x81 \"/>\n"
                      "<yeu_cau>\n"
                      "<ho_ten>Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3</ho_ten>\n"
                      "</yeu_cau>\n"
                      "</danh_sach>\n");
    expect_ok(r, 1);
    assert_int_equal(r->records[0].line, 3);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị");
    tu_expect_field(r, 0, "co_quan_quan_ly", "Sở Y tế");
    roster_free(r);
}

static void test_empty_roster_reads(void **state)
{
    (void)state;
    roster *r = parse("<?xml version=\"1.0\"?>\n<danh_sach ngay_lap=\"2026-11-20\"/>\n");
    expect_ok(r, 0);
    assert_int_equal(r->failed, 0);
    roster_free(r);
}

static void test_doctype_external_entity_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/ctsbatch-test-xxe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *secret = xasprintf("%s/secret.txt", dir);
    char *xml = xasprintf("%s/xxe.xml", dir);
    FILE *f = fopen(secret, "w");
    assert_non_null(f);
    fputs("SECRET-MARKER-4711\n", f);
    assert_int_equal(fclose(f), 0);
    f = fopen(xml, "w");
    assert_non_null(f);
    fprintf(f,
            "<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE danh_sach [<!ENTITY xxe SYSTEM \"file://%s\">]>\n"
            "<danh_sach>\n"
            "<yeu_cau><ho_ten>&xxe;</ho_ten><ghi_chu>x &xxe; y</ghi_chu></yeu_cau>\n"
            "</danh_sach>\n",
            secret);
    assert_int_equal(fclose(f), 0);

    char *printed = NULL;
    roster *r = read_captured(xml, &printed);
    expect_failed(r, 2);
    assert_false(roster_mentions(r, "SECRET-MARKER"));
    assert_null(strstr(printed, "SECRET-MARKER"));
    roster_free(r);
    free(printed);

    assert_int_equal(unlink(secret), 0);
    assert_int_equal(unlink(xml), 0);
    assert_int_equal(rmdir(dir), 0);
    free(secret);
    free(xml);
}

static void test_doctype_fixture_passwd_not_read(void **state)
{
    (void)state;
    char *printed = NULL;
    roster *r = read_captured("tests/data/in_xxe.xml", &printed);
    expect_failed(r, 2);
    assert_non_null(strstr(r->error.message, "DOCTYPE"));
    assert_false(roster_mentions(r, "root:"));
    assert_null(strstr(printed, "root:"));
    roster_free(r);
    free(printed);
}

static void test_doctype_without_entities_refused(void **state)
{
    (void)state;
    roster *r = parse("<?xml version=\"1.0\"?>\n\n"
                      "<!DOCTYPE danh_sach>\n"
                      "<danh_sach><yeu_cau><ho_ten>A</ho_ten></yeu_cau></danh_sach>\n");
    expect_failed(r, 3);
    roster_free(r);
}

static void test_billion_laughs_refused(void **state)
{
    (void)state;
    char *printed = NULL;
    roster *r = read_captured("tests/data/in_billion_laughs.xml", &printed);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_false(roster_mentions(r, "lollollol"));
    assert_true(strlen(printed) < 4096); /* nothing expanded reached the terminal */
    roster_free(r);
    free(printed);
}

static void test_malformed_names_its_line(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/in_malformed.xml", NULL);
    expect_failed(r, 5);
    assert_non_null(strstr(r->error.message, "dòng 5:"));
    assert_null(strchr(r->error.message, '\n')); /* one line, for the report */
    roster_free(r);
    r = parse("<danh_sach>\n<yeu_cau>\n<ho_ten>A</ho_ten>\n"); /* ends inside <yeu_cau> */
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_true(r->error.line >= 3);
    roster_free(r);
    r = parse("not xml at all\n");
    expect_failed(r, 1);
    roster_free(r);
}

static void test_wrong_root_refused(void **state)
{
    (void)state;
    roster *r = parse("<?xml version=\"1.0\"?>\n<!-- x -->\n<danhsach>\n"
                      "<yeu_cau><ho_ten>A</ho_ten></yeu_cau>\n</danhsach>\n");
    expect_failed(r, 3);
    assert_non_null(strstr(r->error.message, "danh_sach"));
    roster_free(r);
}

/* A roster nested `depth` elements deep in all (danh_sach = 1), on one line after the
 * declaration; the innermost text is "sâu". */
static char *nested(int depth)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<?xml version=\"1.0\"?>\n<danh_sach><yeu_cau><ghi_chu>");
    for (int i = 3; i < depth; i++)
        buf_puts(&b, "<x>");
    buf_puts(&b, "sâu");
    for (int i = 3; i < depth; i++)
        buf_puts(&b, "</x>");
    buf_puts(&b, "</ghi_chu></yeu_cau></danh_sach>\n");
    return buf_detach(&b);
}

static void test_depth_limit(void **state)
{
    (void)state;
    char *text = nested(XMLROSTER_MAX_DEPTH);
    roster *r = parse(text);
    expect_ok(r, 1);
    tu_expect_field(r, 0, "ghi_chu", "sâu");
    roster_free(r);
    free(text);

    text = nested(XMLROSTER_MAX_DEPTH + 1);
    r = parse(text);
    expect_failed(r, 2);
    roster_free(r);
    free(text);

    text = nested(5000); /* far past libxml2's own limit too: refused, no crash */
    r = parse(text);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    roster_free(r);
    free(text);
}

/* Rosters of many requests are long files: a <yeu_cau> past line 65535 keeps its line. */
static void test_lines_past_65535(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<danh_sach>\n");
    for (long line = 2; line < 70000; line++)
        buf_putc(&b, '\n');
    buf_puts(&b, "<yeu_cau><ho_ten>A</ho_ten></yeu_cau>\n" /* line 70000 */
                 "<yeu_cau><ho_ten>B</ho_ten></yeu_cau>\n" /* line 70001 */
                 "</danh_sach>\n");
    roster *r = parse(buf_str(&b));
    expect_ok(r, 2);
    assert_int_equal(r->records[0].line, 70000);
    assert_int_equal(r->records[1].line, 70001);
    roster_free(r);
    buf_release(&b);
}

/* `n` empty requests, all on line 2. */
static char *many_requests(size_t n)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<danh_sach>\n");
    for (size_t i = 0; i < n; i++)
        buf_puts(&b, "<yeu_cau/>");
    buf_puts(&b, "\n</danh_sach>\n");
    return buf_detach(&b);
}

static void test_rows_limit(void **state)
{
    (void)state;
    char *text = many_requests(ROSTER_MAX_ROWS);
    roster *r = parse(text);
    expect_ok(r, ROSTER_MAX_ROWS);
    roster_free(r);
    free(text);
    text = many_requests(ROSTER_MAX_ROWS + 1);
    r = parse(text);
    expect_failed(r, 2);
    roster_free(r);
    free(text);
}

static void test_fixture_valid_against_shipped_schema(void **state)
{
    (void)state;
    read_options opt;
    memset(&opt, 0, sizeof opt);
    opt.xml_schema = SCHEMA;
    roster *r = read_roster("tests/data/in_agency.xml", &opt);
    expect_ok(r, 4);
    assert_int_equal(r->records[3].line, 18);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị Ánh Tuyết");
    tu_expect_field(r, 1, "ky_hieu", "SYT-VP");
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
}

static void test_unknown_element_one_warning(void **state)
{
    (void)state;
    roster *r = parse_with("<danh_sach>\n"
                           "<yeu_cau>\n"
                           "<ho_ten>A</ho_ten>\n"
                           "<que_quan>An Giang</que_quan>\n" /* line 4 */
                           "</yeu_cau>\n"
                           "<yeu_cau><ho_ten>B</ho_ten><que_quan>Huế</que_quan></yeu_cau>\n"
                           "</danh_sach>\n",
                           SCHEMA);
    expect_ok(r, 2);
    assert_int_equal(r->nwarnings, 1);
    assert_int_equal(r->warnings[0].line, 4);
    assert_string_equal(r->warnings[0].field, "que_quan");
    tu_expect_field(r, 0, "que_quan", "An Giang"); /* kept, as an unknown CSV column is */
    tu_expect_field(r, 1, "que_quan", "Huế");
    roster_free(r);
}

static void test_schema_refusal_names_its_line(void **state)
{
    (void)state;
    roster *r = parse_with("<?xml version=\"1.0\"?>\n"
                           "<danh_sach>\n"
                           "<yeu_cau>\n"
                           "<ho_ten>A</ho_ten>\n"
                           "</yeu_cau>\n"
                           "<yeu_cau>\n"
                           "<thu_tuc>cap-moi<b/></thu_tuc>\n" /* line 7: markup in a value */
                           "</yeu_cau>\n"
                           "</danh_sach>\n",
                           SCHEMA);
    expect_failed(r, 7);
    assert_non_null(strstr(r->error.message, "dòng 7:"));
    roster_free(r);
    /* an agency with no name */
    r = parse_with("<danh_sach>\n<co_quan_quan_ly ky_hieu=\"X\"/>\n</danh_sach>\n", SCHEMA);
    expect_failed(r, 2);
    roster_free(r);
}

static void test_schema_value_length_limit(void **state)
{
    (void)state;
    for (size_t n = 16384; n <= 16385; n++) {
        buf b;
        buf_init(&b, 0);
        buf_puts(&b, "<danh_sach>\n<yeu_cau>\n<ghi_chu>");
        for (size_t i = 0; i < n; i++)
            buf_putc(&b, 'x');
        buf_puts(&b, "</ghi_chu>\n</yeu_cau>\n</danh_sach>\n");
        roster *r = parse_with(buf_str(&b), SCHEMA);
        if (n == 16384) {
            expect_ok(r, 1);
            assert_int_equal(strlen(record_get(&r->records[0], "ghi_chu")), n);
        } else {
            expect_failed(r, 3);
        }
        roster_free(r);
        buf_release(&b);
    }
}

static void test_missing_schema_fails_closed(void **state)
{
    (void)state;
    roster *r = parse_with("<danh_sach><yeu_cau><ho_ten>A</ho_ten></yeu_cau></danh_sach>",
                           "tests/data/in_no_such_schema.xsd");
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    roster_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_and_lines),
        cmocka_unit_test(test_root_agency_applies_to_every_request),
        cmocka_unit_test(test_agency_inside_request_overrides),
        cmocka_unit_test(test_agency_override_does_not_mix_agencies),
        cmocka_unit_test(test_values_become_nfc),
        cmocka_unit_test(test_empty_roster_reads),
        cmocka_unit_test(test_doctype_external_entity_refused),
        cmocka_unit_test(test_doctype_fixture_passwd_not_read),
        cmocka_unit_test(test_doctype_without_entities_refused),
        cmocka_unit_test(test_billion_laughs_refused),
        cmocka_unit_test(test_malformed_names_its_line),
        cmocka_unit_test(test_wrong_root_refused),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_lines_past_65535),
        cmocka_unit_test(test_rows_limit),
        cmocka_unit_test(test_fixture_valid_against_shipped_schema),
        cmocka_unit_test(test_unknown_element_one_warning),
        cmocka_unit_test(test_schema_refusal_names_its_line),
        cmocka_unit_test(test_schema_value_length_limit),
        cmocka_unit_test(test_missing_schema_fails_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
