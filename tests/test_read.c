/* test_read: unit tests of pipeline/read.c, the first stage (ROSTER.md "CSV" encodings):
 * UTF-8 with and without BOM, UTF-16 LE/BE with BOM (Excel "Unicode text", tab-delimited),
 * Windows-1258 for 8-bit text that is not UTF-8 (the bytes are made here with iconv(3) from
 * a UTF-8 original, and must come back NFC-equal to it), NFD input composed to NFC; files
 * that cannot be read (empty, binary, undecodable, missing, over READ_MAX_FILE_BYTES) are
 * rosters with failed = 1, never crashes; only regular files are read (a symlink, FIFO,
 * directory or device is refused without reading it, and a FIFO never blocks); the roster
 * carries the SHA-256 of the bytes read. Fixtures: tests/data/in_*. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read.h"
#include "util.h"
#include "testutil.h"

/* Converts UTF-8 text to `to` with iconv(3), flushing the converter's state at the end. */
static char *encode(const char *to, const char *utf8, size_t *outlen)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 4 + 16, outleft = cap;
    char *out = xmalloc(cap);
    char *ip = (char *)utf8, *op = out;
    assert_true(iconv(cd, &ip, &inleft, &op, &outleft) != (size_t)-1);
    assert_true(iconv(cd, NULL, NULL, &op, &outleft) != (size_t)-1);
    iconv_close(cd);
    *outlen = (size_t)(op - out);
    return out;
}

static roster *read_mem(const char *name, const char *data, size_t len)
{
    return read_roster_mem(name, data, len, NULL);
}

static roster *read_str(const char *name, const char *text)
{
    return read_mem(name, text, strlen(text));
}

static void expect_ok(const roster *r, const char *encoding, size_t n)
{
    if (r->failed)
        fail_msg("unexpected failure at line %ld: %s", r->error.line, r->error.message);
    assert_string_equal(r->encoding, encoding);
    assert_int_equal(r->nrecords, n);
}

static void expect_failed(const roster *r, long line)
{
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_int_equal(r->error.line, line);
    assert_non_null(r->error.message);
    assert_true(strlen(r->error.message) > 0);
}

static void test_roster_names(void **state)
{
    (void)state;
    assert_true(read_is_roster_name("inputs/stc.csv"));
    assert_true(read_is_roster_name("STC.CSV"));
    assert_true(read_is_roster_name("danh sách.txt"));
    assert_true(read_is_roster_name("a.b.xml"));
    assert_true(read_is_roster_name("a.Xml"));
    assert_false(read_is_roster_name("a.pdf"));
    assert_false(read_is_roster_name("a.csv.pdf"));
    assert_false(read_is_roster_name("csv"));
    assert_false(read_is_roster_name("inputs.csv/readme")); /* the dot is in the folder */
    assert_false(read_is_roster_name("a.csvx"));
}

static void test_utf8_without_bom(void **state)
{
    (void)state;
    roster *r = read_str("inputs/stc.csv", "ho_ten,thu_tuc\nNguyễn Thị Ánh Tuyết,gia-han\n");
    expect_ok(r, "utf-8", 1);
    assert_string_equal(r->format, "csv");
    assert_string_equal(r->path, "inputs/stc.csv");
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị Ánh Tuyết");
    assert_int_equal(r->records[0].line, 2);
    roster_free(r);
}

static void test_utf8_bom_not_part_of_first_header(void **state)
{
    (void)state;
    roster *r = read_str("a.csv", "\xEF\xBB\xBFho_ten,thu_tuc\nLê Văn Tám,cap-moi\n");
    expect_ok(r, "utf-8-bom", 1);
    tu_expect_field(r, 0, "ho_ten", "Lê Văn Tám");
    assert_string_equal(r->records[0].fields[0].key, "ho_ten");
    assert_int_equal(r->nwarnings, 0); /* a BOM glued to the header would be an unknown column */
    roster_free(r);
}

static void test_semicolon_labels_fixture(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/in_semicolon_labels.csv", NULL);
    expect_ok(r, "utf-8-bom", 2);
    assert_string_equal(r->format, "csv");
    assert_int_equal(r->records[0].line, 2);
    assert_int_equal(r->records[1].line, 4); /* line 3 is ";;;;" */
    tu_expect_field(r, 0, "thu_tuc", "Cấp mới");
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Văn An");
    tu_expect_field(r, 0, "ten_co_quan", "Sở Tài chính, An Giang");
    tu_expect_field(r, 0, "dien_thoai", "0913 456 789");
    tu_expect_field(r, 1, "ten_co_quan", "Sở Y tế; tỉnh An Giang");
    tu_expect_field(r, 1, "que_quan", "Cần Thơ");
    assert_int_equal(r->nwarnings, 1);
    assert_string_equal(r->warnings[0].field, "Quê quán");
    roster_free(r);
}

/* The two UTF-16 fixtures hold the same tab-delimited text with CRLF line ends. */
static void expect_utf16_fixture(const char *path, const char *encoding)
{
    roster *r = read_roster(path, NULL);
    expect_ok(r, encoding, 2);
    assert_string_equal(r->format, "csv");
    assert_int_equal(r->records[0].line, 2);
    assert_int_equal(r->records[1].line, 3);
    tu_expect_field(r, 0, "thu_tuc", "Gia hạn");
    tu_expect_field(r, 0, "loai_thue_bao", "ca-nhan");
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị Ánh Tuyết");
    tu_expect_field(r, 0, "so_cccd", "089185001234");
    tu_expect_field(r, 0, "ghi_chu", "Có\ttab, và \"ngoặc\"");
    tu_expect_field(r, 1, "ho_ten", "Đặng Hữu Phước");
    tu_expect_field(r, 1, "ghi_chu", "");
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
}

static void test_utf16le_bom_tab(void **state)
{
    (void)state;
    expect_utf16_fixture("tests/data/in_utf16le_tab.txt", "utf-16le");
}

static void test_utf16be_bom_tab(void **state)
{
    (void)state;
    expect_utf16_fixture("tests/data/in_utf16be_tab.txt", "utf-16be");
}

static const char CP1258_ORIGINAL[] =
    "ho_ten,co_quan_cong_tac,chuc_vu,ghi_chu\r\n"
    "Nguyễn Thị Ánh Tuyết,Sở Tài chính tỉnh An Giang,Phó Chánh Văn phòng,\"Đã gia hạn 1 lần\"\r\n"
    "Đặng Hữu Phước,Phòng Ngân sách,Chuyên viên,Ủy ban nhân dân; Lưu ý: ỹ ỵ ử ợ ặ ẫ\r\n"
    "Trần Văn Bình,Văn phòng Sở,Giám đốc,\r\n";

/* 1 when some byte of s is one of the five Windows-1258 combining tone marks. */
static int has_cp1258_tone_mark(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xCC || c == 0xEC || c == 0xDE || c == 0xD2 || c == 0xF2)
            return 1;
    }
    return 0;
}

static void test_windows1258_nfc_equal_to_original(void **state)
{
    (void)state;
    size_t n = 0;
    char *bytes = encode("WINDOWS-1258", CP1258_ORIGINAL, &n);
    assert_true(has_cp1258_tone_mark(bytes, n)); /* the test exercises composition */
    roster *r = read_mem("inputs/stc.csv", bytes, n);
    expect_ok(r, "windows-1258", 3);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị Ánh Tuyết");
    tu_expect_field(r, 0, "co_quan_cong_tac", "Sở Tài chính tỉnh An Giang");
    tu_expect_field(r, 0, "chuc_vu", "Phó Chánh Văn phòng");
    tu_expect_field(r, 0, "ghi_chu", "Đã gia hạn 1 lần");
    tu_expect_field(r, 1, "ho_ten", "Đặng Hữu Phước");
    tu_expect_field(r, 1, "ghi_chu", "Ủy ban nhân dân; Lưu ý: ỹ ỵ ử ợ ặ ẫ");
    tu_expect_field(r, 2, "ho_ten", "Trần Văn Bình");
    tu_expect_field(r, 2, "chuc_vu", "Giám đốc");
    assert_int_equal(r->records[2].line, 4);
    roster_free(r);
    free(bytes);
}

/* Windows-1258 text whose last value ends the file with no line end: the decoder holds a
 * base letter back in case a tone mark follows; it must still reach the value at the end. */
static void test_windows1258_last_letter_without_line_end(void **state)
{
    (void)state;
    size_t n = 0;
    char *bytes = encode("WINDOWS-1258", "ho_ten,ghi_chu\nNguyễn Văn An,Tân", &n);
    roster *r = read_mem("a.csv", bytes, n);
    expect_ok(r, "windows-1258", 1);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Văn An");
    tu_expect_field(r, 0, "ghi_chu", "Tân");
    roster_free(r);
    free(bytes);
}

/* 0x81 is no character in Windows-1258: the file cannot be decoded, and the message says
 * where (line 3) and in which encoding it was read. */
static void test_undecodable_byte_names_its_line(void **state)
{
    (void)state;
    const char data[] = "ho_ten,thu_tuc\nL\xE0 A,cap-moi\nB\x81,x\nC,y\n";
    roster *r = read_mem("a.csv", data, sizeof data - 1);
    expect_failed(r, 3);
    assert_string_equal(r->encoding, "windows-1258");
    assert_non_null(strstr(r->error.message, "windows-1258"));
    assert_non_null(strstr(r->error.message, "dòng 3)"));
    roster_free(r);
}

/* A UTF-8 BOM is a promise: bytes that break it fail at their line, no Windows-1258 guess. */
static void test_bom_then_invalid_utf8_fails(void **state)
{
    (void)state;
    const char data[] = "\xEF\xBB\xBFho_ten\nNguyễn\nL\xE0 A\n";
    roster *r = read_mem("a.csv", data, sizeof data - 1);
    expect_failed(r, 3);
    assert_string_equal(r->encoding, "utf-8-bom");
    roster_free(r);
}

static void test_forced_encoding(void **state)
{
    (void)state;
    read_options opt;
    memset(&opt, 0, sizeof opt);
    opt.encoding = "WINDOWS-1258";
    /* "\xE0" is 'à' in Windows-1258 and no UTF-8 at all */
    const char text[] = "ho_ten\nL\xE0 A\n";
    roster *r = read_roster_mem("a.csv", text, sizeof text - 1, &opt);
    expect_ok(r, "WINDOWS-1258", 1);
    tu_expect_field(r, 0, "ho_ten", "Là A");
    roster_free(r);
}

static void test_nfd_utf8_value_becomes_nfc(void **state)
{
    (void)state;
    roster *r = read_str("mac.csv", "ho_ten,chuc_vu\n"
                                    "Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An," /* NFD ễ ă */
                                    "Gia\xCC\x81m \xC4\x91o\xCC\x82\xCC\x81\x63\n");
    expect_ok(r, "utf-8", 1);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Văn An");
    tu_expect_field(r, 0, "chuc_vu", "Giám đốc");
    assert_int_equal(strlen(record_get(&r->records[0], "ho_ten")), strlen("Nguyễn Văn An"));
    roster_free(r);
}

static void test_empty_file_fails(void **state)
{
    (void)state;
    roster *r = read_mem("a.csv", "", 0);
    expect_failed(r, 1);
    roster_free(r);
    r = read_mem("a.xml", "", 0);
    expect_failed(r, 1);
    assert_string_equal(r->format, "xml");
    roster_free(r);
}

static void test_binary_with_nul_fails(void **state)
{
    (void)state;
    const char data[] = "ho_ten,thu_tuc\nA,cap-moi\nB\0\x01\x02,x\n"; /* NUL on line 3 */
    roster *r = read_mem("a.csv", data, sizeof data - 1);
    expect_failed(r, 3);
    roster_free(r);
}

/* A BOM says "text" but a NUL says otherwise: still refused, at the NUL's line. */
static void test_binary_with_nul_after_bom_fails(void **state)
{
    (void)state;
    const char data[] = "\xEF\xBB\xBFho_ten,thu_tuc\nA,cap-moi\nB\0,x\n";
    roster *r = read_mem("a.csv", data, sizeof data - 1);
    expect_failed(r, 3);
    roster_free(r);
}

static void test_utf16_truncated_fails(void **state)
{
    (void)state;
    const char le[] = "\xFF\xFEh\0o\0_"; /* odd length: half a code unit at the end */
    roster *r = read_mem("a.txt", le, sizeof le - 1);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_non_null(strstr(r->error.message, "utf-16le"));
    roster_free(r);
    const char be[] = "\xFE\xFF\0h\xDC\x00\0\n"; /* lone low surrogate */
    r = read_mem("a.txt", be, sizeof be - 1);
    assert_int_equal(r->failed, 1);
    assert_non_null(strstr(r->error.message, "utf-16be"));
    roster_free(r);
}

static void test_bom_only_file_fails(void **state)
{
    (void)state;
    roster *r = read_mem("a.csv", "\xEF\xBB\xBF", 3);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    roster_free(r);
}

static void test_missing_file_fails(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/in_does_not_exist.csv", NULL);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_string_equal(r->path, "tests/data/in_does_not_exist.csv");
    assert_non_null(r->error.message);
    roster_free(r);
}

static void test_xml_chosen_by_extension(void **state)
{
    (void)state;
    roster *r = read_str("inputs/b.XML", "<danh_sach>\n<yeu_cau><ho_ten>A</ho_ten></yeu_cau>\n"
                                         "</danh_sach>\n");
    assert_int_equal(r->failed, 0);
    assert_string_equal(r->format, "xml");
    assert_int_equal(r->nrecords, 1);
    tu_expect_field(r, 0, "ho_ten", "A");
    roster_free(r);
    /* the same bytes named .csv are a CSV roster with one column "<danh_sach>" */
    r = read_str("inputs/b.csv", "<danh_sach>\n<yeu_cau></yeu_cau>\n</danh_sach>\n");
    assert_string_equal(r->format, "csv");
    roster_free(r);
}

/* A file of `size` bytes (a hole: all NUL) in a fresh folder; returns its path. */
static char *sparse_file(char *dir, size_t size)
{
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/big.csv", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), (off_t)size), 0);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_file_size_limit(void **state)
{
    (void)state;
    char dir[] = "/tmp/ctsbatch-test-read-XXXXXX";
    char *path = sparse_file(dir, READ_MAX_FILE_BYTES + 1);
    roster *r = read_roster(path, NULL);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_non_null(strstr(r->error.message, "32 MiB"));
    assert_string_equal(r->sha256, ""); /* not all its bytes were read: no digest of a prefix */
    roster_free(r);
    /* exactly at the limit the file is read, and refused for what it holds (NULs) */
    assert_int_equal(truncate(path, (off_t)READ_MAX_FILE_BYTES), 0);
    r = read_roster(path, NULL);
    assert_int_equal(r->failed, 1);
    assert_null(strstr(r->error.message, "32 MiB"));
    assert_non_null(strstr(r->error.message, "nhị phân"));
    roster_free(r);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    free(path);
}

/* --encoding still drops the BOM that says the same thing, so the first column keeps its key */
static void test_forced_encoding_drops_bom(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBFthu_tuc,ho_ten\ncap-moi,Nguy\xE1\xBB\x85n\n";
    read_options opt = {"UTF-8", NULL, NULL, 0};
    roster *r = read_roster_mem("bom.csv", text, sizeof text - 1, &opt);
    assert_int_equal(r->failed, 0);
    assert_int_equal(r->nrecords, 1);
    tu_expect_field(r, 0, "thu_tuc", "cap-moi");
    tu_expect_field(r, 0, "ho_ten", "Nguyễn");
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
}

/* The digest of bytes by sha256sum(1): an oracle apart from the program's libcrypto call. */
static void sha256sum_of(const char *path, char want[65])
{
    char *cmd = xasprintf("sha256sum '%s'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%64s", want), 1);
    assert_int_equal(pclose(p), 0);
    free(cmd);
}

/* The roster carries the SHA-256 of the exact bytes read, accepted or failed. */
static void test_sha256_of_bytes_read(void **state)
{
    (void)state;
    const char *text = "ho_ten,thu_tuc\nNguyễn Thị Ánh Tuyết,gia-han\n";
    char *path = tu_temp_file(text);
    char want[65];
    sha256sum_of(path, want);
    roster *r = read_roster(path, NULL);
    expect_ok(r, "utf-8", 1);
    assert_string_equal(r->sha256, want);
    roster_free(r);
    r = read_str("same.csv", text); /* the same bytes from memory: the same digest */
    assert_string_equal(r->sha256, want);
    roster_free(r);
    assert_int_equal(unlink(path), 0);
    free(path);
    /* a file read and refused for what it holds still has the digest of its bytes */
    const char bin[] = "ho_ten\nB\0x\n";
    path = tu_temp_file("");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bin, 1, sizeof bin - 1, f), sizeof bin - 1);
    assert_int_equal(fclose(f), 0);
    sha256sum_of(path, want);
    r = read_roster(path, NULL);
    assert_int_equal(r->failed, 1);
    assert_string_equal(r->sha256, want);
    roster_free(r);
    assert_int_equal(unlink(path), 0);
    free(path);
    /* empty bytes were read too: the digest of nothing */
    r = read_mem("a.csv", "", 0);
    assert_string_equal(r->sha256,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    roster_free(r);
    /* nothing could be read: no digest */
    r = read_roster("tests/data/in_does_not_exist.csv", NULL);
    assert_string_equal(r->sha256, "");
    roster_free(r);
}

static const char VALID[] = "ho_ten,thu_tuc\nLê Văn Tám,cap-moi\n";

/* A fresh folder holding a valid roster "ok.csv"; *ok gets its path. */
static char *folder_with_roster(char *dir, char **ok)
{
    assert_non_null(mkdtemp(dir));
    *ok = xasprintf("%s/ok.csv", dir);
    FILE *f = fopen(*ok, "wb");
    assert_non_null(f);
    assert_true(fputs(VALID, f) >= 0);
    assert_int_equal(fclose(f), 0);
    return dir;
}

/* A refused entry: a failed roster for the whole file, naming what it is, nothing read. */
static void expect_refused(const char *path, const char *what)
{
    roster *r = read_roster(path, NULL);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_int_equal(r->error.line, 0);
    assert_string_equal(r->path, path);
    if (!strstr(r->error.message, what) || !strstr(r->error.message, "không đọc nó"))
        fail_msg("%s: reason \"%s\" does not name \"%s\"", path, r->error.message, what);
    assert_string_equal(r->sha256, "");
    roster_free(r);
}

/* A symlink to a valid roster is refused, not followed: its rows are not read. */
static void test_symlink_refused_not_followed(void **state)
{
    (void)state;
    char dir[] = "/tmp/ctsbatch-test-read-XXXXXX", *ok = NULL;
    folder_with_roster(dir, &ok);
    roster *r = read_roster(ok, NULL); /* the target itself is a good roster */
    expect_ok(r, "utf-8", 1);
    roster_free(r);
    char *link = xasprintf("%s/link.csv", dir);
    assert_int_equal(symlink(ok, link), 0);
    assert_int_equal(read_entry_kind_of(link), READ_ENTRY_SYMLINK);
    expect_refused(link, "liên kết tượng trưng (symlink)");
    char *dangling = xasprintf("%s/dangling.csv", dir); /* to nothing: still a symlink */
    assert_int_equal(symlink("/nonexistent/x.csv", dangling), 0);
    expect_refused(dangling, "symlink");
    assert_int_equal(unlink(dangling), 0);
    assert_int_equal(unlink(link), 0);
    assert_int_equal(unlink(ok), 0);
    assert_int_equal(rmdir(dir), 0);
    free(dangling);
    free(link);
    free(ok);
}

/* A FIFO with no writer is refused at once; before, reading it waited for a writer forever.
 * The alarm turns a hang into a failed test instead of a stuck `make unit`. */
static void test_fifo_refused_promptly(void **state)
{
    (void)state;
    char dir[] = "/tmp/ctsbatch-test-read-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *fifo = xasprintf("%s/fifo.csv", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(read_entry_kind_of(fifo), READ_ENTRY_FIFO);
    alarm(10);
    expect_refused(fifo, "(FIFO)");
    alarm(0);
    assert_int_equal(unlink(fifo), 0);
    assert_int_equal(rmdir(dir), 0);
    free(fifo);
}

static void test_directory_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/ctsbatch-test-read-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/folder.csv", dir); /* a roster's name, a folder's nature */
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(read_entry_kind_of(sub), READ_ENTRY_DIR);
    expect_refused(sub, "thư mục");
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(rmdir(dir), 0);
    free(sub);
}

/* A device is refused before it is opened (opening one can act on it). */
static void test_device_refused(void **state)
{
    (void)state;
    assert_int_equal(read_entry_kind_of("/dev/null"), READ_ENTRY_DEVICE);
    expect_refused("/dev/null", "thiết bị");
}

/* --encoding is checked against iconv before any file is read (issue 11 item 5). */
static void test_encoding_known(void **state)
{
    (void)state;
    assert_int_equal(read_encoding_known("WINDOWS-1258"), 1);
    assert_int_equal(read_encoding_known("utf-16le"), 1);
    assert_int_equal(read_encoding_known("UTF-8"), 1);
    assert_int_equal(read_encoding_known("NO-SUCH-CODE"), 0);
    assert_int_equal(read_encoding_known(""), 0);
    assert_int_equal(read_encoding_known(NULL), 0);
}

static void test_entry_kinds(void **state)
{
    (void)state;
    char dir[] = "/tmp/ctsbatch-test-read-XXXXXX", *ok = NULL;
    folder_with_roster(dir, &ok);
    assert_int_equal(read_entry_kind_of(ok), READ_ENTRY_REGULAR);
    assert_int_equal(read_entry_kind_of(dir), READ_ENTRY_DIR);
    char *gone = xasprintf("%s/gone.csv", dir);
    assert_int_equal(read_entry_kind_of(gone), READ_ENTRY_GONE);
    assert_string_equal(read_entry_kind_name(READ_ENTRY_REGULAR), "regular file");
    assert_string_equal(read_entry_kind_name(READ_ENTRY_SYMLINK), "symlink");
    assert_string_equal(read_entry_kind_name(READ_ENTRY_FIFO), "FIFO");
    assert_string_equal(read_entry_kind_name(READ_ENTRY_DIR), "directory");
    assert_string_equal(read_entry_kind_name(READ_ENTRY_DEVICE), "device");
    assert_string_equal(read_entry_kind_name(READ_ENTRY_OTHER), "special file");
    assert_string_equal(read_entry_kind_name(READ_ENTRY_GONE), "missing");
    assert_string_equal(read_entry_kind_name((read_entry_kind)99), "unknown");
    /* a file that cannot be opened keeps its old reason (root reads anything: skip then) */
    if (geteuid() != 0) {
        assert_int_equal(chmod(ok, 0), 0);
        roster *r = read_roster(ok, NULL);
        assert_int_equal(r->failed, 1);
        assert_non_null(strstr(r->error.message, "Không mở được tệp: "));
        roster_free(r);
    }
    roster *r = read_roster(gone, NULL);
    assert_int_equal(r->failed, 1);
    assert_non_null(strstr(r->error.message, "Không mở được tệp: "));
    roster_free(r);
    assert_int_equal(unlink(ok), 0);
    assert_int_equal(rmdir(dir), 0);
    free(gone);
    free(ok);
}

/* ---- read_roster_each: the same records, one at a time ---- */

typedef struct collected {
    roster *copy; /* every record handed over, kept here to compare */
    const roster *told; /* the roster the sink was told of */
    size_t calls, stop_at; /* stop_at: return -1 on that call (0: never) */
} collected;

static int collect(void *ctx, roster *r, record *rec)
{
    collected *c = ctx;
    c->told = r;
    c->calls++;
    assert_int_equal(r->nrecords, 0); /* the roster told of holds no record */
    record *kept = roster_add_record(c->copy, rec->line);
    for (size_t i = 0; i < rec->nfields; i++)
        record_set(kept, rec->fields[i].key, rec->fields[i].value);
    for (size_t i = 0; i < rec->nflags; i++)
        record_flag_set(kept, rec->flags[i].key, rec->flags[i].rule, rec->flags[i].variant);
    return c->stop_at && c->calls == c->stop_at ? -1 : 0;
}

static void expect_same_roster(const char *path, const roster *a, const roster *b,
                               const roster *records_b)
{
    if (a->failed != b->failed)
        fail_msg("%s: failed %d read whole, %d read in stream", path, a->failed, b->failed);
    assert_string_equal(a->format, b->format);
    assert_string_equal(a->encoding, b->encoding);
    assert_string_equal(a->sha256, b->sha256);
    if (a->failed) {
        assert_int_equal(a->error.line, b->error.line);
        assert_string_equal(a->error.message, b->error.message);
        assert_int_equal(records_b->nrecords, 0); /* a file that fails reaches no sink */
        return;
    }
    assert_int_equal(a->nwarnings, b->nwarnings);
    for (size_t i = 0; i < a->nwarnings; i++) {
        assert_int_equal(a->warnings[i].line, b->warnings[i].line);
        assert_string_equal(a->warnings[i].message, b->warnings[i].message);
    }
    assert_int_equal(b->nrecords, 0);
    assert_int_equal(a->nrecords, b->nread);
    assert_int_equal(a->nrecords, records_b->nrecords);
    for (size_t i = 0; i < a->nrecords; i++) {
        const record *x = &a->records[i], *y = &records_b->records[i];
        assert_int_equal(x->line, y->line);
        assert_int_equal(x->nfields, y->nfields);
        for (size_t k = 0; k < x->nfields; k++) {
            assert_string_equal(x->fields[k].key, y->fields[k].key);
            assert_string_equal(x->fields[k].value, y->fields[k].value);
        }
        assert_int_equal(x->nflags, y->nflags);
        for (size_t k = 0; k < x->nflags; k++) {
            assert_string_equal(x->flags[k].key, y->flags[k].key);
            assert_string_equal(x->flags[k].rule, y->flags[k].rule);
        }
    }
}

/* Every fixture the readers have, accepted or refused, in every format: read in stream
 * (issue 12 item 5) it gives what read_roster gives, the repairs of excel.h included (lost
 * zeros, US dates decided per column over the whole file, times, code pages). */
static void test_each_same_as_whole(void **state)
{
    (void)state;
    static const char *const files[] = {
        "tests/data/excel_zeros.csv",        "tests/data/excel_month_first.csv",
        "tests/data/excel_mixed_dates.csv",  "tests/data/excel_errors.csv",
        "tests/data/excel_cp1252.csv",       "tests/data/excel_mojibake.csv",
        "tests/data/in_semicolon_labels.csv", "tests/data/in_utf16le_tab.txt",
        "tests/data/in_utf16be_tab.txt",     "tests/data/golden_gia_han.xml",
        "tests/data/in_agency.xml",          "tests/data/in_malformed.xml",
        "tests/data/in_xxe.xml",             "tests/data/sheet_roster.xlsx",
        "tests/data/sheet_roster.ods",       "tests/data/sheet_roster.xls",
        "tests/data/sheet_mixed_dates.xlsx", "tests/data/sheet_long_number.xlsx",
        "tests/data/sheet_multi.xlsx",       "tests/data/sheet_formula.xls",
        "tests/data/register.csv",           "tests/data/register.xml",
        "tests/data/e2e_all_procedures.csv", "tests/data/in_does_not_exist.csv",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        roster *whole = read_roster(files[i], NULL);
        collected c = {roster_new(files[i]), NULL, 0, 0};
        roster *each = read_roster_each(files[i], NULL, collect, &c);
        expect_same_roster(files[i], whole, each, c.copy);
        if (c.calls)
            assert_ptr_equal(c.told, each); /* the sink hears of the roster returned */
        assert_int_equal(each->stopped, 0);
        roster_free(whole);
        roster_free(each);
        roster_free(c.copy);
    }
}

/* A sink that says stop ends the read there: the roster says it stopped, not failed. */
static void test_each_sink_stops(void **state)
{
    (void)state;
    const char *text = "ho_ten,thu_tuc\nA Văn Một,cap-moi\nB Văn Hai,cap-moi\nC Văn Ba,cap-moi\n";
    char *path = tu_temp_file(text);
    collected c = {roster_new(path), NULL, 0, 2};
    roster *r = read_roster_each(path, NULL, collect, &c);
    assert_int_equal(c.calls, 2);
    assert_int_equal(r->stopped, 1);
    assert_int_equal(r->failed, 0);
    roster_free(r);
    roster_free(c.copy);
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* A text file of several read blocks (1 MiB each) is read in stream a block at a time: rows
 * with quoted line breaks, doubled quotes and CRLF across the blocks' edges, a BOM, lost
 * zeros and US dates decided over the whole file: the same records as read whole. */
static void test_each_many_blocks(void **state)
{
    (void)state;
    char *path = tu_temp_file("");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\xEF\xBB\xBFso_hieu_cts,ho_ten,so_cccd,ngay_het_han,ghi_chu\r\n", f);
    for (int i = 0; i < 40000; i++)
        fprintf(f, "5402%012X,Cán bộ %d,%s%011lld,%d/%d/2027,\"dòng %d\r\nxuống \"\"dòng\"\"\"\r\n",
                i, i, i % 7 ? "0" : "", 89200000000LL + i, 1 + i % 12, 13 + i % 15, i);
    assert_int_equal(fclose(f), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 3 * (1 << 20));
    roster *whole = read_roster(path, NULL);
    assert_int_equal(whole->failed, 0);
    assert_int_equal(whole->nrecords, 40000);
    assert_true(whole->nwarnings >= 2); /* the zeros put back, the dates read month first */
    collected c = {roster_new(path), NULL, 0, 0};
    roster *each = read_roster_each(path, NULL, collect, &c);
    expect_same_roster(path, whole, each, c.copy);
    roster_free(whole);
    roster_free(each);
    roster_free(c.copy);
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* A sink that changes the file while the second reading hands it records over (past the
 * header's 20 rows, records are handed over as they are read): the roster fails, saying the
 * file changed (the import that owns the sink undoes what it did). */
static const char *changed_path;

static int change_file(void *ctx, roster *r, record *rec)
{
    (void)r;
    (void)rec;
    size_t *calls = ctx;
    if ((*calls)++ == 0) {
        FILE *f = fopen(changed_path, "ab");
        assert_non_null(f);
        fputs("D Văn Bốn,cap-moi\n", f);
        assert_int_equal(fclose(f), 0);
    }
    return 0;
}

static void test_each_file_changed(void **state)
{
    (void)state;
    buf text;
    buf_init(&text, 0);
    buf_puts(&text, "ho_ten,thu_tuc\n");
    for (int i = 0; i < 40; i++)
        buf_printf(&text, "Cán Bộ %c,cap-moi\n", 'A' + i % 26);
    char *path = tu_temp_file(buf_str(&text));
    buf_release(&text);
    changed_path = path;
    size_t calls = 0;
    roster *r = read_roster_each(path, NULL, change_file, &calls);
    assert_int_equal(r->failed, 1);
    assert_non_null(strstr(r->error.message, "đã thay đổi"));
    roster_free(r);
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* The delimiter is detected on the first feed (csv.h). A title line with a stray quote once
 * made the detection skip to the next quote of the file, past the first 1 MiB block: read
 * whole, the ";" of that late row decided (no header); read in stream, ",". A quote now
 * opens a cell only at its start, as the tokenizer takes it, and the stream's first feed
 * holds the first lines whole: both read "," and give the same roster (read.h). */
static void test_each_delimiter_past_first_block(void **state)
{
    (void)state;
    char *path = tu_temp_file("");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("Danh sách \"đợt 1\nho_ten,thu_tuc,ghi_chu\n", f);
    for (int i = 0; i < 60000; i++)
        fprintf(f, "Cán Bộ %d,cap-moi,x\n", i);
    fputs("Cán Bộ Cuối,cap-moi,\"a;b;c;d\"\n", f);
    assert_int_equal(fclose(f), 0);
    roster *whole = read_roster(path, NULL);
    collected c = {roster_new(path), NULL, 0, 0};
    roster *each = read_roster_each(path, NULL, collect, &c);
    expect_same_roster(path, whole, each, c.copy);
    roster_free(whole);
    roster_free(each);
    roster_free(c.copy);
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* An encoding forced as "utf-8" (lower case, as a clerk types it) on a file saved with its BOM
 * twice (a BOM put in front of an export that had one): read whole, decode() goes through
 * iconv and drops the second BOM ("a BOM iconv kept"); read in stream only the first is
 * skipped, so the first header cell is U+FEFF "ho_ten" and the column is lost. */
static void test_each_forced_utf8_two_boms(void **state)
{
    (void)state;
    char *path = tu_temp_file("\xEF\xBB\xBF\xEF\xBB\xBFho_ten,thu_tuc,so_cccd\n"
                              "Lê Văn Tám,cap-moi,089090002211\n");
    read_options ro = {"utf-8", NULL, NULL, 0};
    roster *whole = read_roster(path, &ro);
    collected c = {roster_new(path), NULL, 0, 0};
    roster *each = read_roster_each(path, &ro, collect, &c);
    expect_same_roster(path, whole, each, c.copy);
    roster_free(whole);
    roster_free(each);
    roster_free(c.copy);
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* The roster read_roster_each returns is the caller's, a plain roster (read.h): the path
 * that holds the bytes (read_twice: a workbook, XML, another code page) leaves it streaming
 * into its first reading's pass (pass_record with a ctx on read_twice's stack, its scan
 * freed), so a record the caller adds to it is handed to a dead pass. The text path clears
 * it (read_text_stream); read_twice does not. */
static void test_each_roster_returned_keeps_no_sink(void **state)
{
    (void)state;
    static const char *const files[] = {"tests/data/sheet_roster.xlsx",
                                        "tests/data/golden_gia_han.xml",
                                        "tests/data/excel_cp1252.csv",
                                        "tests/data/register.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        collected c = {roster_new(files[i]), NULL, 0, 0};
        roster *each = read_roster_each(files[i], NULL, collect, &c);
        if (each->sink)
            fail_msg("%s: the roster returned still streams into a pass of the read", files[i]);
        roster_free(each);
        roster_free(c.copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forced_encoding_drops_bom),
        cmocka_unit_test(test_roster_names),
        cmocka_unit_test(test_utf8_without_bom),
        cmocka_unit_test(test_utf8_bom_not_part_of_first_header),
        cmocka_unit_test(test_semicolon_labels_fixture),
        cmocka_unit_test(test_utf16le_bom_tab),
        cmocka_unit_test(test_utf16be_bom_tab),
        cmocka_unit_test(test_windows1258_nfc_equal_to_original),
        cmocka_unit_test(test_windows1258_last_letter_without_line_end),
        cmocka_unit_test(test_undecodable_byte_names_its_line),
        cmocka_unit_test(test_bom_then_invalid_utf8_fails),
        cmocka_unit_test(test_forced_encoding),
        cmocka_unit_test(test_nfd_utf8_value_becomes_nfc),
        cmocka_unit_test(test_empty_file_fails),
        cmocka_unit_test(test_binary_with_nul_fails),
        cmocka_unit_test(test_binary_with_nul_after_bom_fails),
        cmocka_unit_test(test_utf16_truncated_fails),
        cmocka_unit_test(test_bom_only_file_fails),
        cmocka_unit_test(test_missing_file_fails),
        cmocka_unit_test(test_xml_chosen_by_extension),
        cmocka_unit_test(test_file_size_limit),
        cmocka_unit_test(test_sha256_of_bytes_read),
        cmocka_unit_test(test_each_same_as_whole),
        cmocka_unit_test(test_each_sink_stops),
        cmocka_unit_test(test_each_many_blocks),
        cmocka_unit_test(test_each_file_changed),
        cmocka_unit_test(test_each_delimiter_past_first_block),
        cmocka_unit_test(test_each_forced_utf8_two_boms),
        cmocka_unit_test(test_each_roster_returned_keeps_no_sink),
        cmocka_unit_test(test_symlink_refused_not_followed),
        cmocka_unit_test(test_fifo_refused_promptly),
        cmocka_unit_test(test_directory_refused),
        cmocka_unit_test(test_device_refused),
        cmocka_unit_test(test_entry_kinds),
        cmocka_unit_test(test_encoding_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
