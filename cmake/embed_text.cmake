# Turns a text file into a C string constant, so the library carries the
# file (e.g. the rule-pack language, lua/assay/rulepack.lua) without needing
# it at run time.  Invoked as: cmake -DIN=... -DOUT=... -DNAME=... -P this
file(READ "${IN}" content HEX)
string(LENGTH "${content}" hexlen)
math(EXPR n "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE "${OUT}" "/* Generated from ${IN} by cmake/embed_text.cmake. */\n#include <stddef.h>\nconst unsigned char ${NAME}[] = {\n${bytes}0x00};\nconst size_t ${NAME}_len = ${n};\n")
