/*
 * run.c -- `assay run SCRIPT.lua [INPUT...]`: runs the user's Lua 5.4
 * program (whole standard library) with the assay module loaded and the
 * command line's inputs behind assay.inputs().
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "cli.h"
#include "lua_common.h"
#include "lua_host.h"

static const char usage_text[] =
    "usage: assay run [--encoding NAME] [--] SCRIPT.lua [INPUT...]\n"
    "\n"
    "Runs a Lua 5.4 script with the assay module loaded (the global\n"
    "`assay`, also `require \"assay\"`).  The script reads the inputs (files,\n"
    "folders, .jsonl files, - for stdin) one document at a time with\n"
    "`for doc in assay.inputs() do ... end`; arg[0] is the script and\n"
    "arg[1..] the inputs, as with lua5.4.  Options go before SCRIPT; what\n"
    "follows SCRIPT belongs to the script.\n"
    "\n"
    "options:\n"
    "  --encoding NAME  the inputs' encoding (windows-1252, latin1, ...)\n"
    "  -h, --help       print this help and exit\n"
    "\n"
    "exit status: 0 all fine; 1 some documents failed (each named on\n"
    "stderr); 2 usage or script error (the script, line and traceback on\n"
    "stderr).  See docs/lua-api.md.\n";

typedef struct run_args {
  int argc;
  char **argv;
  int script; /* index of the script in argv */
  const char *encoding;
} run_args;

/* Adds a traceback to a script error, as lua5.4 does. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      msg = lua_tostring(L, -1);
    else
      msg = lua_pushfstring(L, "(error object is a %s value)",
                            luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* The global `arg`: argv around the script, arg[0] the script. */
static void create_arg_table(lua_State *L, const run_args *ra) {
  lua_createtable(L, ra->argc - ra->script, ra->script + 1);
  for (int i = 0; i < ra->argc; i++) {
    lua_pushstring(L, ra->argv[i]);
    lua_rawseti(L, -2, i - ra->script);
  }
  lua_setglobal(L, "arg");
}

/* Sets up the state and runs the script, in protected mode. */
static int pmain(lua_State *L) {
  const run_args *ra = lua_touserdata(L, 1);
  const char *script = ra->argv[ra->script];
  int ninputs = ra->argc - ra->script - 1;
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_assay);
  lua_setfield(L, -2, "assay");
  lua_pop(L, 1);
  luaL_requiref(L, "assay", luaopen_assay, 1); /* also the global */
  lua_pop(L, 1);
  cli_set_lua_path(L);
  create_arg_table(L, ra);
  lassay_set_inputs(L, (const char *const *)ra->argv + ra->script + 1,
                    (size_t)ninputs, ra->encoding);
  lua_pushcfunction(L, msghandler);
  int handler = lua_gettop(L);
  int st = luaL_loadfile(L, strcmp(script, "-") == 0 ? NULL : script);
  if (st != LUA_OK) return lua_error(L);
  luaL_checkstack(L, ninputs + 1, "too many inputs");
  for (int i = 0; i < ninputs; i++)
    lua_pushstring(L, ra->argv[ra->script + 1 + i]);
  if (lua_pcall(L, ninputs, 0, handler) != LUA_OK) return lua_error(L);
  return 0;
}

/* Parses the options; returns -1 to go on, else an exit status. */
static int parse_options(run_args *ra) {
  int i = 1;
  for (; i < ra->argc; i++) {
    const char *a = ra->argv[i];
    if (cli_is_help(a)) {
      fputs(usage_text, stdout);
      return CLI_OK;
    }
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "--encoding") == 0 && i + 1 < ra->argc) {
      ra->encoding = ra->argv[++i];
    } else if (strncmp(a, "--encoding=", 11) == 0) {
      ra->encoding = a + 11;
    } else if (a[0] == '-' && a[1]) {
      cli_errorf("run: unknown option or missing value: %s", a);
      fputs("usage: assay run [--encoding NAME] [--] SCRIPT.lua [INPUT...]\n",
            stderr);
      return CLI_USAGE;
    } else {
      break;
    }
  }
  if (i >= ra->argc) {
    cli_errorf("run: no script given");
    fputs("usage: assay run [--encoding NAME] [--] SCRIPT.lua [INPUT...]\n",
          stderr);
    return CLI_USAGE;
  }
  ra->script = i;
  return -1;
}

int cli_run(int argc, char **argv) {
  run_args ra = {argc, argv, 0, NULL};
  int rc = parse_options(&ra);
  if (rc >= 0) return rc;
  lua_State *L = luaL_newstate();
  if (!L) {
    cli_errorf("run: cannot create a Lua state: out of memory");
    return CLI_USAGE;
  }
  lua_pushcfunction(L, pmain);
  lua_pushlightuserdata(L, &ra);
  int st = lua_pcall(L, 1, 0, 0);
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    cli_errorf("%s", msg ? msg : "(error object is not a string)");
    rc = CLI_USAGE;
  } else {
    rc = lassay_failures(L) > 0 ? CLI_SOME_FAILED : CLI_OK;
  }
  lua_close(L);
  if (fflush(stdout) != 0 && rc == CLI_OK) {
    cli_errorf("run: cannot write the output");
    rc = CLI_SOME_FAILED;
  }
  return rc;
}
