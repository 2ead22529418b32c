/* Tests of csvio: quoting only when needed, formula-safe text, CRLF rows,
 * the temporary-file commit protocol, parsing back what we wrote, and
 * malformed or unreadable input. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"

/* A fresh empty directory for one test (removed by the test). */
static char *temp_dir(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/fdsim-csvio-XXXXXX");
    cr_assert_not_null(mkdtemp(path));
    return path;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Run `fill` on a stream writer and return what it wrote (caller frees). */
static char *write_to_string(void (*fill)(csvio_writer *))
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    csvio_writer *w = csvio_writer_stream(f);
    cr_assert_not_null(w);
    fill(w);
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_writer_finish(w, &d), FD_OK, "%s", d.msg);
    cr_assert_eq(csvio_writer_commit(w, &d), FD_OK, "%s", d.msg);
    csvio_writer_destroy(w);
    fclose(f);
    return text;
}

static void fill_quoting(csvio_writer *w)
{
    csvio_cell(w, "plain");
    csvio_cell(w, "a,b");
    csvio_cell(w, "say \"hi\"");
    csvio_cell(w, "two\nlines");
    csvio_cell(w, " padded ");
    csvio_cell(w, NULL);
    csvio_cell(w, "");
    csvio_end_row(w);
}

Test(csvio, quotes_only_when_needed)
{
    char *s = write_to_string(fill_quoting);
    cr_assert_str_eq(s, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
                        "\" padded \",,\r\n");
    free(s);
}

static void fill_formulas(csvio_writer *w)
{
    csvio_cell(w, "=1+1");
    csvio_cell(w, "+1");
    csvio_cell(w, "-x");
    csvio_cell(w, "@SUM(A1)");
    csvio_cell(w, "\tx");
    csvio_cell(w, "a=b");
    csvio_cell_num(w, "%g", -0.5);
    csvio_cell_int(w, -7);
    csvio_end_row(w);
}

Test(csvio, text_cells_are_formula_safe_numbers_are_not)
{
    char *s = write_to_string(fill_formulas);
    cr_assert_str_eq(s, "'=1+1,'+1,'-x,'@SUM(A1),'\tx,a=b,-0.5,-7\r\n");
    free(s);
}

static void fill_rows(csvio_writer *w)
{
    csvio_cell(w, "a");
    csvio_cell_num(w, "%.17g", 0.1);
    csvio_end_row(w);
    csvio_cell_num(w, "%.3f", 0.0 / 0.0);
    csvio_cell_int(w, 123456789012345LL);
    csvio_end_row(w);
    csvio_cell(w, NULL); /* a row of one empty cell */
    csvio_end_row(w);
}

Test(csvio, rows_end_with_crlf_nan_is_empty)
{
    char *s = write_to_string(fill_rows);
    cr_assert_str_eq(s, "a,0.10000000000000001\r\n,123456789012345\r\n\"\"\r\n");
    free(s);
}

Test(csvio, temp_file_invisible_until_commit)
{
    char *dir = temp_dir();
    char path[128], tmp[160];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    diag d;
    diag_clear(&d);
    csvio_writer *w;
    cr_assert_eq(csvio_writer_create(&w, path, &d), FD_OK, "%s", d.msg);
    csvio_cell(w, "x");
    csvio_end_row(w);
    cr_assert(exists(tmp));
    cr_assert(!exists(path));
    cr_assert_eq(csvio_writer_finish(w, &d), FD_OK, "%s", d.msg);
    cr_assert(!exists(path), "visible after finish, before commit");
    cr_assert_eq(csvio_writer_commit(w, &d), FD_OK, "%s", d.msg);
    cr_assert(exists(path));
    cr_assert(!exists(tmp));
    csvio_writer_destroy(w);
    cr_assert(exists(path), "destroy removed a committed file");

    char *buf;
    size_t len;
    cr_assert_eq(csvio_slurp(path, 1 << 20, &buf, &len, &d), FD_OK, "%s", d.msg);
    cr_assert_eq(len, 3);
    cr_assert_str_eq(buf, "x\r\n");
    free(buf);
    remove(path);
    rmdir(dir);
}

Test(csvio, the_temporary_name_is_path_dot_tmp_pid)
{
    char want[64];
    snprintf(want, sizeof want, "a/b.csv.tmp-%ld", (long)getpid());
    char *tmp = csvio_temp_path("a/b.csv");
    cr_assert_not_null(tmp);
    cr_expect_str_eq(tmp, want);
    free(tmp);
}

Test(csvio, destroyed_uncommitted_writer_leaves_no_file)
{
    char *dir = temp_dir();
    char path[128], tmp[160];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    diag d;
    diag_clear(&d);
    csvio_writer *w;
    /* Once unfinished, once finished: neither leaves anything behind. */
    for (int finish = 0; finish < 2; finish++) {
        cr_assert_eq(csvio_writer_create(&w, path, &d), FD_OK, "%s", d.msg);
        csvio_cell(w, "x");
        csvio_end_row(w);
        if (finish)
            cr_assert_eq(csvio_writer_finish(w, &d), FD_OK);
        csvio_writer_destroy(w);
        cr_assert(!exists(tmp));
        cr_assert(!exists(path));
    }
    csvio_writer_destroy(NULL);
    cr_assert_eq(rmdir(dir), 0, "directory not empty");
}

Test(csvio, create_in_missing_directory_fails)
{
    diag d;
    diag_clear(&d);
    csvio_writer *w = (csvio_writer *)&d;
    cr_assert_eq(csvio_writer_create(&w, "/nonexistent-dir/x.csv", &d), FD_EIO);
    cr_assert_null(w);
    cr_assert(strstr(d.msg, "/nonexistent-dir/x.csv") != NULL, "%s", d.msg);
}

Test(csvio, write_error_is_reported_by_finish)
{
    FILE *f = fopen("/dev/full", "w");
    if (f == NULL)
        cr_skip_test("no /dev/full");
    setvbuf(f, NULL, _IONBF, 0);
    csvio_writer *w = csvio_writer_stream(f);
    csvio_cell(w, "x");
    csvio_end_row(w);
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_writer_finish(w, &d), FD_EIO);
    cr_assert(strstr(d.msg, "cannot write") != NULL, "%s", d.msg);
    csvio_writer_destroy(w);
    fclose(f);
}

/* Rows read back by collect(), flattened as "cell|cell\n". */
typedef struct rows {
    char text[1024];
    size_t last_row;
} rows;

static int collect(void *user, char **fields, size_t nfields, size_t row)
{
    rows *r = user;
    cr_assert_eq(row, r->last_row + 1);
    r->last_row = row;
    for (size_t i = 0; i < nfields; i++) {
        size_t used = strlen(r->text);
        snprintf(r->text + used, sizeof r->text - used, "%s%s", i ? "|" : "",
                 fields[i]);
    }
    strncat(r->text, "\n", sizeof r->text - strlen(r->text) - 1);
    return 0;
}

Test(csvio, written_cells_parse_back_the_same)
{
    char *s = write_to_string(fill_quoting);
    rows r = {.text = ""};
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_parse(s, strlen(s), "mem", collect, &r, &d), 0, "%s", d.msg);
    cr_assert_str_eq(r.text, "plain|a,b|say \"hi\"|two\nlines| padded ||\n");
    free(s);

    s = write_to_string(fill_rows);
    memset(&r, 0, sizeof r);
    cr_assert_eq(csvio_parse(s, strlen(s), "mem", collect, &r, &d), 0, "%s", d.msg);
    cr_assert_str_eq(r.text, "a|0.10000000000000001\n|123456789012345\n\n");
    cr_assert_eq(r.last_row, 3);
    free(s);
}

Test(csvio, parse_handles_lf_and_missing_final_newline)
{
    const char *in = "h1,h2\n1,2\n\"3\",4";
    rows r = {.text = ""};
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_parse(in, strlen(in), "mem", collect, &r, &d), 0, "%s", d.msg);
    cr_assert_str_eq(r.text, "h1|h2\n1|2\n3|4\n");
}

static int stop_at_two(void *user, char **fields, size_t nfields, size_t row)
{
    (void)fields;
    (void)nfields;
    *(size_t *)user = row;
    return row == 2 ? 7 : 0;
}

Test(csvio, callback_can_stop_the_parse)
{
    const char *in = "a\nb\nc\n\"broken";
    size_t seen = 0;
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_parse(in, strlen(in), "mem", stop_at_two, &seen, &d), 7);
    cr_assert_eq(seen, 2);
    cr_assert_eq(d.code, FD_OK);
}

Test(csvio, malformed_csv_is_einval_with_record)
{
    const char *bad[] = {
        "a,b\r\nc,\"unterminated\r\n",  /* unterminated quote */
        "a,b\r\n\"x\"y,z\r\n",           /* text after a closing quote */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rows r = {.text = ""};
        diag d;
        diag_clear(&d);
        cr_assert_eq(csvio_parse(bad[i], strlen(bad[i]), "bad.csv", collect, &r, &d),
                     FD_EINVAL, "case %zu", i);
        cr_assert(strstr(d.msg, "bad.csv: record 2") != NULL, "%s", d.msg);
    }
}

Test(csvio, slurp_errors)
{
    char *dir = temp_dir();
    char path[128];
    char *buf = (char *)1;
    size_t len = 1;
    diag d;
    diag_clear(&d);
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    cr_assert_eq(csvio_slurp(path, 100, &buf, &len, &d), FD_EIO);
    cr_assert_null(buf);
    cr_assert(strstr(d.msg, "missing.csv") != NULL, "%s", d.msg);

    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 1000; i++)
        fputs("12345678,\n", f);
    fclose(f);
    diag_clear(&d);
    cr_assert_eq(csvio_slurp(path, 9999, &buf, &len, &d), FD_EINVAL);
    cr_assert(strstr(d.msg, "too large") != NULL, "%s", d.msg);
    diag_clear(&d);
    cr_assert_eq(csvio_slurp(path, 10000, &buf, &len, &d), FD_OK, "%s", d.msg);
    cr_assert_eq(len, 10000);
    cr_assert_eq(buf[len], '\0');
    free(buf);
    remove(path);

    snprintf(path, sizeof path, "%s/bin.csv", dir);
    f = fopen(path, "wb");
    fwrite("a,b\0c\n", 1, 6, f);
    fclose(f);
    diag_clear(&d);
    cr_assert_eq(csvio_slurp(path, 100, &buf, &len, &d), FD_EINVAL);
    cr_assert(strstr(d.msg, "not a text file") != NULL, "%s", d.msg);
    remove(path);

    snprintf(path, sizeof path, "%s/empty.csv", dir);
    fclose(fopen(path, "w"));
    diag_clear(&d);
    cr_assert_eq(csvio_slurp(path, 100, &buf, &len, &d), FD_OK, "%s", d.msg);
    cr_assert_eq(len, 0);
    cr_assert_str_eq(buf, "");
    free(buf);
    remove(path);
    rmdir(dir);
}

static int stop_never(void *user, char **fields, size_t nfields, size_t row)
{
    (void)fields;
    (void)nfields;
    size_t *count = user;
    cr_assert_eq(row, ++count[0]);
    return 0;
}

Test(csvio, a_bom_is_no_content_and_a_file_prefix_parses_in_chunks)
{
    const char *in = "\xEF\xBB\xBFh1,h2\r\n1,2\r\n";
    rows r = {.text = ""};
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_parse(in, strlen(in), "mem", collect, &r, &d), 0, "%s", d.msg);
    cr_assert_str_eq(r.text, "h1|h2\n1|2\n");
    /* a file's first bytes only, read in 64 KiB chunks across records */
    char path[] = "/tmp/fdsim-csvio-prefix-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%d,row %d\r\n", i, i);
    long keep = ftell(f);
    fputs("20000,cut here", f);
    fclose(f);
    size_t count[2] = { 0, 0 };
    cr_assert_eq(csvio_parse_file(path, (unsigned long long)keep, stop_never, count, &d), 0,
                 "%s", d.msg);
    cr_expect_eq(count[0], 20000);
    count[0] = 0;
    diag_clear(&d);
    cr_expect_eq(csvio_parse_file(path, (unsigned long long)keep + 1000, stop_never, count, &d),
                 FD_EIO, "a file shorter than said");
    cr_expect_not_null(strstr(d.msg, "shorter than expected"), "%s", d.msg);
    unlink(path);
}
