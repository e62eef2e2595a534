-- test_text.lua -- text functions without a document: tokenize, fold,
-- code point offsets, UTF-8 validity.
-- Run: assay run tests/lua/test_text.lua (from the repository root).
local check = dofile("tests/lua/check.lua")

local text = "On Nov. 28 the FBI said “it was $4.5bn.” Really?"
local toks, sents = assay.tokenize(text)
check.list(check.field(toks, "text"),
  { "On", "Nov.", "28", "the", "FBI", "said", "“", "it", "was", "$", "4.5bn",
    ".", "”", "Really", "?" }, "token texts")
for i, t in ipairs(toks) do
  check.eq(text:sub(t.start + 1, t.stop), t.text, "span of token " .. i)
end
check.ok(toks[7].quote, "curly quote flag")
check.eq(toks[10].kind, "symbol", "$ is a symbol")
check.eq(#sents, 2, "two sentences")
check.eq(sents[2].text, "Really?", "second sentence")

local toks2 = assay.tokenize("Mail press@example.com or see https://example.com/x.")
local kinds = {}
for _, t in ipairs(toks2) do kinds[t.text] = t.kind end
check.eq(kinds["press@example.com"], "email", "email token")
check.eq(kinds["https://example.com/x"], "url", "url token")

check.eq(#assay.tokenize(""), 0, "no tokens in empty text")

check.eq(assay.fold("Straße NORTH Korea"), "strasse north korea", "fold")
check.eq(assay.char_offset("Pyongyang’s hacking", 14), 12, "char_offset")
check.eq(assay.byte_offset("Pyongyang’s hacking", 12), 14, "byte_offset")
check.eq(assay.valid_utf8("ok ’"), true, "valid UTF-8")
local ok, at = assay.valid_utf8("ab\xffcd")
check.list({ ok, at }, { false, 2 }, "invalid UTF-8 and where")

check.done()
