/* xls: the first sheet of a BIFF workbook through FreeXL (xls.h). */
#include "xls.h"

#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv.h"

#include "sheet.h"
#include "util.h"

static const char FIX[] = "Hãy mở tệp trong Excel và lưu lại dưới dạng Excel Workbook (*.xlsx), "
                          "hoặc lưu thành CSV UTF-8.";

static void fail(table *t, const char *what)
{
    char *msg = xasprintf("Không đọc được tệp Excel 97-2003 (.xls): %s. %s", what, FIX);
    roster_fail(table_roster(t), 0, msg);
    free(msg);
}

/* The bytes in a private temporary file; returns its path (to unlink and free) or NULL. */
static char *to_temp(const char *data, size_t len)
{
    const char *dir = getenv("TMPDIR");
    char *path = xasprintf("%s/ctsbatch-xls-XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (close(fd) < 0 || done < len) {
        unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

/* The text of one cell into out (SHEET_TEXT_BYTES) or borrowed from FreeXL. */
static const char *cell_text(const FreeXL_CellValue *v, char *out)
{
    switch (v->type) {
    case FREEXL_CELL_INT:
        snprintf(out, SHEET_TEXT_BYTES, "%d", v->value.int_value);
        return out;
    case FREEXL_CELL_DOUBLE:
        sheet_number_text(v->value.double_value, out);
        return out;
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_TIME:
        return v->value.text_value ? v->value.text_value : "";
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
        if (v->value.text_value && sheet_iso_text(v->value.text_value, out) == 0)
            return out;
        return v->value.text_value ? v->value.text_value : "";
    default:
        return "";
    }
}

/* What the FreeXL process says, one message after another on a pipe: a tag, then for
 * MSG_CELL its row, column, length and bytes; for MSG_FAIL a FreeXL status. */
enum { MSG_CELL = 1, MSG_END, MSG_FAIL, MSG_PASSWORD, MSG_NO_SHEET };

static int put(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w, n -= (size_t)w;
    }
    return 0;
}

static int put_u32(int fd, uint32_t v)
{
    return put(fd, &v, sizeof v);
}

/* Reads exactly n bytes; -1 at an early end. */
static int get(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r, n -= (size_t)r;
    }
    return 0;
}

/* The FreeXL process: opens path, sends every non-empty cell of the first sheet, ends. Never
 * returns. Run.c's crash handler is dropped: a crash here is FreeXL's, not the run's. */
static void freexl_child(int fd, const char *path)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    /* FreeXL's own reports (a sanitizer's, in a test build) would read as the run's */
    int quiet = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (quiet >= 0)
        dup2(quiet, STDERR_FILENO);
#if XLS_LIMIT_MEMORY
    struct rlimit rl = {XLS_MAX_MEMORY, XLS_MAX_MEMORY};
    setrlimit(RLIMIT_AS, &rl);
#endif
    alarm(XLS_MAX_SECONDS);
    const void *h = NULL;
    unsigned int rows = 0, pw = 0;
    unsigned short cols = 0;
    int rc = freexl_open(path, &h);
    if (rc != FREEXL_OK) {
        put_u32(fd, MSG_FAIL);
        put_u32(fd, (uint32_t)-rc);
        _exit(0);
    }
    if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK && pw == FREEXL_BIFF_OBFUSCATED)
        put_u32(fd, MSG_PASSWORD), _exit(0);
    if (freexl_select_active_worksheet(h, 0) != FREEXL_OK ||
        freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
        put_u32(fd, MSG_NO_SHEET), _exit(0);
    for (unsigned int r = 0; r < rows; r++) {
        for (unsigned short c = 0; c < cols; c++) {
            FreeXL_CellValue v;
            char num[SHEET_TEXT_BYTES];
            if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK)
                continue;
            const char *text = cell_text(&v, num);
            size_t len = strlen(text);
            if (len > CSV_MAX_FIELD_BYTES + 1)
                len = CSV_MAX_FIELD_BYTES + 1; /* still too long for the reader to refuse */
            if (len && (put_u32(fd, MSG_CELL) < 0 || put_u32(fd, r) < 0 || put_u32(fd, c) < 0 ||
                        put_u32(fd, (uint32_t)len) < 0 || put(fd, text, len) < 0))
                _exit(1);
        }
    }
    put_u32(fd, MSG_END);
    freexl_close(h);
    _exit(0);
}

static const char *open_problem(uint32_t code)
{
    int rc = -(int)code;
    if (rc == FREEXL_BIFF_INVALID_BOF || rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND)
        return "tệp không chứa bảng tính Excel (có thể là tài liệu Word hoặc tệp hỏng)";
    if (rc == FREEXL_CRAFTED_FILE)
        return "cấu trúc tệp bị hỏng nặng (có thể là tệp độc hại)";
    return "cấu trúc tệp bị hỏng";
}

/* Reads the FreeXL process's messages into t. Returns 1 when they ended properly (MSG_END or
 * a failure already reported), 0 when the process stopped without a word, -1 when the reader
 * stopped them (the roster failed: a limit). */
static int read_messages(table *t, int fd)
{
    sheet_row *row = xcalloc(1, sizeof *row);
    buf text;
    buf_init(&text, CSV_MAX_FIELD_BYTES + 2);
    int rc = 0, have_row = 0;
    uint32_t tag;
    while (get(fd, &tag, sizeof tag) == 0) {
        uint32_t r, c, len;
        if (tag != MSG_CELL) {
            rc = 1;
            if (tag == MSG_FAIL)
                fail(t, get(fd, &r, sizeof r) == 0 ? open_problem(r) : "cấu trúc tệp bị hỏng");
            else if (tag == MSG_PASSWORD)
                fail(t, "tệp được đặt mật khẩu; hãy bỏ mật khẩu của tệp");
            else if (tag == MSG_NO_SHEET)
                fail(t, "bảng tính không có trang nào");
            else if (tag != MSG_END)
                rc = 0;
            break;
        }
        if (get(fd, &r, 4) < 0 || get(fd, &c, 4) < 0 || get(fd, &len, 4) < 0 ||
            len > CSV_MAX_FIELD_BYTES + 1 || r >= SHEET_MAX_ROW ||
            (have_row && (long)r + 1 < row->line))
            break; /* not what the process writes: treated as its crash */
        buf_reset(&text);
        char chunk[4096];
        for (uint32_t left = len; left > 0;) {
            uint32_t n = left < sizeof chunk ? left : (uint32_t)sizeof chunk;
            if (get(fd, chunk, n) < 0 || buf_append(&text, chunk, n) < 0)
                goto out;
            left -= n;
        }
        if (have_row && (long)r + 1 != row->line && sheet_row_emit(row, t) < 0) {
            rc = -1;
            break;
        }
        row->line = (long)r + 1;
        have_row = 1;
        if (sheet_row_set(row, t, c, buf_str(&text), text.len) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 1 && tag == MSG_END && have_row && sheet_row_emit(row, t) < 0)
        rc = -1;
out:
    sheet_row_clear(row);
    free(row);
    buf_release(&text);
    return rc;
}

void xls_read(table *t, const char *data, size_t len)
{
    char *path = to_temp(data, len);
    int fds[2] = {-1, -1};
    if (!path || pipe(fds) < 0) {
        char *why = xasprintf("không tạo được tệp tạm để đọc (%s); báo cho người quản trị",
                              strerror(errno));
        fail(t, why);
        table_roster(t)->operator_fault = 1;
        free(why);
        goto out;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        freexl_child(fds[1], path);
    }
    close(fds[1]);
    if (pid < 0) {
        fail(t, "không chạy được bộ đọc .xls; báo cho người quản trị");
        table_roster(t)->operator_fault = 1;
        close(fds[0]);
        goto out;
    }
    int rc = read_messages(t, fds[0]);
    if (rc <= 0)
        kill(pid, SIGKILL); /* it may wait on a full pipe, or still run */
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    roster *r = table_roster(t);
    if (rc == 0 && !r->failed)
        fail(t, WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM
                    ? "đọc tệp quá lâu (có thể là tệp hỏng hoặc độc hại)"
                    : "thư viện đọc .xls dừng đột ngột trên tệp này (tệp hỏng hoặc độc hại)");
    else if (rc == 1 && !r->failed)
        table_end(t);
out:
    if (path)
        unlink(path);
    free(path);
}
