/* testutil: shared helpers of the cmocka suites. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

char *tu_temp_file(const char *text)
{
    char *path = xstrdup("/tmp/ctsbatch-unit-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

char *tu_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b);
}

void tu_expect_field(const roster *r, size_t i, const char *key, const char *want)
{
    assert_true(i < r->nrecords);
    assert_string_equal(record_get(&r->records[i], key), want);
}

int tu_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = xasprintf("%s/%s", path, e->d_name);
        rc = tu_remove_tree(child);
        free(child);
    }
    closedir(d);
    return rc == 0 ? rmdir(path) : -1;
}

const char *const TU_ROSTER_KEYS[TU_NROSTER_KEYS] = {
    "thu_tuc",
    "loai_thue_bao",
    "ngay_de_nghi",
    "ho_ten",
    "ngay_sinh",
    "so_cccd",
    "ngay_cap_cccd",
    "noi_cap_cccd",
    "chuc_vu",
    "co_quan_cong_tac",
    "ten_co_quan",
    "dia_chi",
    "tu_cach_phap_nhan",
    "quyet_dinh_thanh_lap",
    "xac_nhan_cap_tren",
    "email",
    "dien_thoai",
    "so_hieu_cts",
    "ngay_het_han",
    "so_lan_gia_han",
    "noi_dung_thay_doi",
    "gia_tri_cu",
    "gia_tri_moi",
    "ly_do_thu_hoi",
    "ngay_thu_hoi",
    "so_serial_thiet_bi",
    "ngay_that_lac",
    "hoan_canh",
    "xac_nhan_thu_truong",
    "ghi_chu",
    "co_quan_quan_ly",
    "co_quan_chu_quan",
    "ky_hieu",
    "thu_truong",
    "chuc_vu_thu_truong",
    "dia_chi_co_quan",
    "dien_thoai_co_quan",
    "email_co_quan",
};

config *tu_config(void)
{
    char err[512] = "";
    config *c = config_load("config/ctsbatch.xml", ".", err, sizeof err);
    if (!c)
        fail_msg("config_load: %s", err);
    return c;
}
