-- check.lua -- the Lua tests' tiny harness (not a test itself): checks that
-- count passes and failures with the caller's line, and a summary that
-- prints "N passed, N failed" last and raises when anything failed.
local M = { passed = 0, failed = 0 }

local function where(level)
  local info = debug.getinfo(level + 1, "Sl")
  return info.short_src .. ":" .. info.currentline
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

local function record(ok, msg, level)
  if ok then
    M.passed = M.passed + 1
  else
    M.failed = M.failed + 1
    io.stderr:write(where(level + 1), ": ", msg, "\n")
  end
  return ok
end

-- check.ok(cond [, what])
function M.ok(cond, what)
  local r = record(cond and true or false, "check failed: " .. (what or "ok"), 2)
  return r -- not a tail call: where() counts frames
end

-- check.eq(got, want [, what]): plain equality.
function M.eq(got, want, what)
  local r = record(got == want, (what and what .. ": " or "") .. "got " ..
    show(got) .. ", expected " .. show(want), 2)
  return r -- not a tail call: where() counts frames
end

-- check.list(got, want [, what]): equal arrays of plain values.
function M.list(got, want, what)
  local same = type(got) == "table" and #got == #want
  for i = 1, #want do
    if not same then break end
    same = got[i] == want[i]
  end
  local function join(t)
    if type(t) ~= "table" then return tostring(t) end
    local parts = {}
    for i = 1, #t do parts[i] = show(t[i]) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  local r = record(same, (what and what .. ": " or "") .. "got " .. join(got) ..
    ", expected " .. join(want), 2)
  return r -- not a tail call: where() counts frames
end

-- check.fails(fn, pattern [, what]): fn raises an error matching pattern.
function M.fails(fn, pattern, what)
  local ok, err = pcall(fn)
  local good = not ok and tostring(err):find(pattern) ~= nil
  local r = record(good, (what and what .. ": " or "") .. (ok and "no error" or
    "error " .. show(tostring(err))) .. ", expected one matching " ..
    show(pattern), 2)
  return r -- not a tail call: where() counts frames
end

-- check.field(list, key): the values of key in each element of list.
function M.field(list, key)
  local out = {}
  for i, v in ipairs(list) do out[i] = v[key] end
  return out
end

function M.done()
  print(string.format("%d passed, %d failed", M.passed, M.failed))
  if M.failed > 0 then error(M.failed .. " checks failed", 0) end
end

return M
