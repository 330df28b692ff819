/* Settings: defaults, typed values with ranges, files, unknown keys, addresses. */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "shared/config.h"
#include "shared/err.h"
#include "tests/harness.h"

static void
t_defaults(void)
{
	struct config c;
	config_init(&c);
	CHECK_STR_EQ(c.listen, "127.0.0.1:8080");
	CHECK_STR_EQ(c.api_listen, "127.0.0.1:8081");
	CHECK_INT_EQ(c.map_size, 1ull << 30);
	CHECK_INT_EQ(c.strict_line_breaks, 0);
	config_fini(&c);
}

static void
t_set_types(void)
{
	struct config c;
	char err[256];
	config_init(&c);
	CHECK_INT_EQ(config_set(&c, "max_body", "64M", err, sizeof(err)), 0);
	CHECK_INT_EQ(c.max_body, 64ull << 20);
	CHECK_INT_EQ(config_set(&c, "max_body", "2KiB", err, sizeof(err)), 0);
	CHECK_INT_EQ(c.max_body, 2048);
	CHECK_INT_EQ(config_set(&c, "strict_line_breaks", "yes", err, sizeof(err)), 0);
	CHECK_INT_EQ(c.strict_line_breaks, 1);
	CHECK_INT_EQ(config_set(&c, "gzip_level", "9", err, sizeof(err)), 0);
	CHECK_INT_EQ(c.gzip_level, 9);
	CHECK_INT_EQ(config_set(&c, "site_title", "My notes", err, sizeof(err)), 0);
	CHECK_STR_EQ(c.site_title, "My notes");
	config_fini(&c);
}

static void
t_errors_name_the_key(void)
{
	struct config c;
	char err[256];
	config_init(&c);
	CHECK_ERR(config_set(&c, "no_such_key", "1", err, sizeof(err)), ERR_NOTFOUND);
	CHECK(strstr(err, "no_such_key") != NULL);
	CHECK_ERR(config_set(&c, "gzip_level", "10", err, sizeof(err)), ERR_INVAL);
	CHECK(strstr(err, "gzip_level") != NULL);
	CHECK_ERR(config_set(&c, "gzip_level", "abc", err, sizeof(err)), ERR_INVAL);
	CHECK_ERR(config_set(&c, "max_body", "12X", err, sizeof(err)), ERR_INVAL);
	CHECK_ERR(config_set(&c, "max_body", "-5", err, sizeof(err)), ERR_INVAL);
	CHECK_ERR(config_set(&c, "strict_line_breaks", "maybe", err, sizeof(err)), ERR_INVAL);
	CHECK_INT_EQ(c.gzip_level, 6); /* a rejected value changes nothing */
	config_fini(&c);
}

static void
t_load_file(void)
{
	char path[] = "/tmp/folio-test-config-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	const char *text =
	        "# comment\n\nsite_title = \"Quoted title\"\r\n  listen=127.0.0.1:9000\n";
	CHECK_INT_EQ(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
	struct config c;
	char err[256];
	config_init(&c);
	CHECK_INT_EQ(config_load(&c, path, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.site_title, "Quoted title");
	CHECK_STR_EQ(c.listen, "127.0.0.1:9000");

	fd = open(path, O_WRONLY | O_TRUNC);
	const char *bad = "listen = 127.0.0.1:1\nbogus = 3\n";
	CHECK_INT_EQ(write(fd, bad, strlen(bad)), (long long)strlen(bad));
	close(fd);
	CHECK_ERR(config_load(&c, path, err, sizeof(err)), ERR_NOTFOUND);
	CHECK(strstr(err, ":2:") != NULL);
	CHECK(strstr(err, "bogus") != NULL);
	unlink(path);
	CHECK_ERR(config_load(&c, path, err, sizeof(err)), ERR_IO);
	config_fini(&c);
}

static void
t_dump_round_trips(void)
{
	struct config c, d;
	char err[256];
	config_init(&c);
	config_set(&c, "site_title", "Dumped", err, sizeof(err));
	config_set(&c, "max_files", "77", err, sizeof(err));
	char path[] = "/tmp/folio-test-dump-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	config_dump(&c, f, true);
	fclose(f);
	config_init(&d);
	CHECK_INT_EQ(config_load(&d, path, err, sizeof(err)), 0);
	CHECK_STR_EQ(d.site_title, "Dumped");
	CHECK_INT_EQ(d.max_files, 77);
	unlink(path);
	config_fini(&c);
	config_fini(&d);
}

static void
t_addr(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	CHECK_INT_EQ(config_parse_addr("127.0.0.1:8080", &ss, &len), 0);
	CHECK_INT_EQ(ss.ss_family, AF_INET);
	CHECK_INT_EQ(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8080);
	CHECK_INT_EQ(config_parse_addr("[::1]:80", &ss, &len), 0);
	CHECK_INT_EQ(ss.ss_family, AF_INET6);
	CHECK_INT_EQ(config_parse_addr("localhost:1", &ss, &len), 0);
	CHECK_ERR(config_parse_addr("127.0.0.1", &ss, &len), ERR_INVAL);
	CHECK_ERR(config_parse_addr("127.0.0.1:99999", &ss, &len), ERR_INVAL);
	CHECK_ERR(config_parse_addr("nohost:80", &ss, &len), ERR_INVAL);
	CHECK_ERR(config_parse_addr("1.2.3.4:", &ss, &len), ERR_INVAL);
}

static const struct test tests[] = {
        {"defaults", t_defaults},
        {"set_types", t_set_types},
        {"errors_name_the_key", t_errors_name_the_key},
        {"load_file", t_load_file},
        {"dump_round_trips", t_dump_round_trips},
        {"addr", t_addr},
};
TEST_MAIN(tests)
