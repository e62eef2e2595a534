/*
 * common.c -- what the subcommands share: where the shipped data (rules,
 * Lua modules) lives, package.path for them, error printing, --help.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "cli.h"

#ifndef ASSAY_SOURCE_DIR
#define ASSAY_SOURCE_DIR "."
#endif
#ifndef ASSAY_INSTALL_DATADIR
#define ASSAY_INSTALL_DATADIR "share"
#endif

/* Computed once (pthread_once: worker threads may ask at the same time). */
static pthread_once_t paths_once = PTHREAD_ONCE_INIT;
static char data_dir[PATH_MAX], default_rules[PATH_MAX + 32],
    lua_dir[PATH_MAX + 32];

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "<dir of the program>/../share/assay" when it holds rules/ (an installed
 * program), else NULL-terminated empty. */
static void installed_data_dir(char *out, size_t size) {
  char exe[PATH_MAX], probe[PATH_MAX + 16];
  out[0] = '\0';
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return;
  *slash = '\0';
  int k = ASSAY_INSTALL_DATADIR[0] == '/'
              ? snprintf(out, size, "%s/assay", ASSAY_INSTALL_DATADIR)
              : snprintf(out, size, "%s/../%s/assay", exe, ASSAY_INSTALL_DATADIR);
  int m = snprintf(probe, sizeof probe, "%s/rules", out);
  /* A truncated path would name another folder: then use none. */
  if (k < 0 || (size_t)k >= size || m < 0 || (size_t)m >= sizeof probe ||
      !is_dir(probe))
    out[0] = '\0';
}

static void find_paths(void) {
  installed_data_dir(data_dir, sizeof data_dir);
  if (!data_dir[0]) snprintf(data_dir, sizeof data_dir, "%s", ASSAY_SOURCE_DIR);
  snprintf(default_rules, sizeof default_rules, "%s/rules/news.lua", data_dir);
  snprintf(lua_dir, sizeof lua_dir, "%s/lua", data_dir);
}

const char *cli_data_dir(void) {
  pthread_once(&paths_once, find_paths);
  return data_dir;
}

const char *cli_default_rules(void) {
  pthread_once(&paths_once, find_paths);
  return default_rules;
}

const char *cli_lua_dir(void) {
  pthread_once(&paths_once, find_paths);
  return lua_dir;
}

void cli_set_lua_path(lua_State *L) {
  const char *dir = cli_lua_dir();
  lua_getglobal(L, "package");
  if (!lua_istable(L, -1)) { /* no package library: nothing to set */
    lua_pop(L, 1);
    return;
  }
  lua_getfield(L, -1, "path");
  const char *old = lua_tostring(L, -1);
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s", dir, dir, old ? old : "");
  lua_setfield(L, -3, "path");
  lua_pop(L, 2);
}

void cli_errorf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("assay: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_is_help(const char *arg) {
  return arg && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0);
}
