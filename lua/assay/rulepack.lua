-- rulepack.lua -- the rule-pack language (docs/rules.md): runs a pack's files
-- in an environment whose functions collect declarations into one table.
--
-- The engine (src/engine_compile.c, src/engine_scan.c) embeds this file and
-- calls load_pack(); the compiler turns the declarations into matchers, each
-- scanner takes the Lua functions (where, emit, run) from its own copy.

local M = {}

local SAFE_BASE = {
  "assert", "error", "ipairs", "next", "pairs", "pcall", "select",
  "tonumber", "tostring", "type", "xpcall", "rawequal", "rawget", "rawlen",
  "rawset", "setmetatable", "getmetatable", "print", "_VERSION",
}
local SAFE_LIBS = { "string", "table", "math", "utf8", "coroutine" }
-- The parts of the assay module a sandboxed pack may use: pure functions.
local SAFE_ASSAY = { "date", "fold", "tokenize", "char_offset", "version" }

local function shallow_copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

-- Joins a path relative to dir (absolute paths stay as they are).
local function join(dir, path)
  if path:sub(1, 1) == "/" or dir == nil or dir == "" then return path end
  return dir .. "/" .. path
end

local function dirname(path)
  return path:match("^(.*)/[^/]*$") or "."
end

-- Normalises "a/./b/../c" to "a/c" so the sandbox can tell whether a path
-- stays under the pack's folder.
local function normalize(path)
  local abs = path:sub(1, 1) == "/"
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      if #parts > 0 and parts[#parts] ~= ".." then
        parts[#parts] = nil
      elseif not abs then
        parts[#parts + 1] = ".."
      end
    elseif part ~= "." then
      parts[#parts + 1] = part
    end
  end
  return (abs and "/" or "") .. table.concat(parts, "/")
end

local function read_all(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("a")
  f:close()
  return s
end

-- Where a declaration was written: the first stack level inside a pack file.
local function caller_place(files)
  for level = 3, 12 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    local src = info.source
    if src:sub(1, 1) == "@" and files[src:sub(2)] then
      return src:sub(2), info.currentline
    end
  end
  return "?", 0
end

-- Raises an error that names the place of the declaration.
local function decl_error(files, msg)
  local file, line = caller_place(files)
  error(string.format("%s:%d: %s", file, line, msg), 0)
end

-- Runs the pack at `path`.  opts: unsafe (bool), assay (the module table,
-- for emit functions), source (the pack text instead of reading path).
-- Returns the declarations:
--   pack = {name=, version=}, stages = {names in order},
--   layers = {name = {policy=}}, layer_order = {names},
--   lexicons = {{name=, files={...}, entries=, fold=, file=, line=}},
--   rules = {{name=, stage=, match=, where=, emit=, run=, priority=,
--             file=, line=}}
function M.load_pack(path, opts)
  opts = opts or {}
  local base_dir = dirname(path)
  local root = normalize(base_dir)
  local decl = {
    pack = { name = "unnamed", version = "0" },
    stages = { "main" },
    layers = {}, layer_order = {},
    lexicons = {}, rules = {}, files = {},
  }
  local files = decl.files
  local lexicon_index = {}
  local rule_index = {} -- name -> rule, for "declared twice"
  local current_stage = "main"
  local stage_seen = { main = true }
  local env

  local function under_root(p)
    local n = normalize(p)
    -- The engine passes absolute paths, so a prefix test is enough.
    return opts.unsafe or n == root or n:sub(1, #root + 1) == root .. "/"
  end

  -- The compiler's run keeps each file's bytecode (opts.dumped); the
  -- scanners' runs load it (opts.chunks) instead of reading and parsing
  -- the source again: the same code, a fraction of the start-up.  With a
  -- compile cache (opts.cache), the compiler's run too finds the bytecode
  -- of a source it has parsed before.
  local function run_file(file, src)
    files[file] = true
    local code = opts.chunks and opts.chunks[file]
    local chunk, err
    if code then
      chunk, err = load(code, "@" .. file, "b", env)
    else
      if not src then
        src, err = read_all(file)
        if not src then decl_error(files, "cannot read " .. file .. ": " .. tostring(err)) end
      end
      -- Bytecode this Lua cannot load is parsed again, as if not cached.
      code = opts.cache and opts.cache.get(file, src)
      chunk = code and load(code, "@" .. file, "b", env)
      if not chunk then
        chunk, err = load(src, "@" .. file, "t", env)
        code = chunk and (opts.dumped or opts.cache) and string.dump(chunk)
        if code and opts.cache then opts.cache.put(file, src, code) end
      end
      if code and opts.dumped then opts.dumped[file] = code end
    end
    if not chunk then error(err, 0) end
    return chunk()
  end

  env = {}
  if opts.unsafe then
    env = setmetatable(env, { __index = _G })
  else
    for _, k in ipairs(SAFE_BASE) do env[k] = _G[k] end
    for _, k in ipairs(SAFE_LIBS) do env[k] = shallow_copy(_G[k]) end
    env.string.dump = nil
    -- load: text chunks only, in the pack's environment by default.
    env.load = function(chunk, name, _, e)
      return load(chunk, name, "t", e or env)
    end
    -- io: reading files under the pack's own folder, nothing else.
    env.io = {
      open = function(p, mode)
        mode = mode or "r"
        if not mode:match("^rb?$") then return nil, "sandbox: files are read-only" end
        local full = join(base_dir, p)
        if not under_root(full) then
          return nil, "sandbox: " .. p .. " is outside the rule pack's folder"
        end
        return io.open(full, mode)
      end,
      lines = function(p, ...)
        local full = join(base_dir, p)
        if not under_root(full) then
          error("sandbox: " .. p .. " is outside the rule pack's folder", 2)
        end
        return io.lines(full, ...)
      end,
    }
    env.os = { time = os.time, date = os.date, clock = os.clock }
    -- What the sandbox leaves out says so, rather than "attempt to call a
    -- nil value".
    local function refuse(lib)
      return { __index = function(_, k)
        error(lib .. "." .. tostring(k) .. " is not available in the rule sandbox"
              .. " (--unsafe lifts it)", 2)
      end }
    end
    setmetatable(env.os, refuse("os"))
    setmetatable(env.io, refuse("io"))
  end
  if opts.assay then
    local a = {}
    for _, k in ipairs(SAFE_ASSAY) do a[k] = opts.assay[k] end
    env.assay = opts.unsafe and opts.assay or a
  end
  env._G = env

  -- pack { name = "news", version = "0.1" }
  env.pack = function(t)
    if type(t) ~= "table" then decl_error(files, "pack: expected a table") end
    decl.pack.name = tostring(t.name or decl.pack.name)
    decl.pack.version = tostring(t.version or decl.pack.version)
  end

  -- include "other.lua": runs another file of the pack, relative to this one.
  env.include = function(rel)
    if type(rel) ~= "string" then decl_error(files, "include: expected a file name") end
    local file = caller_place(files)
    local full = join(dirname(file), rel)
    if not under_root(full) then
      decl_error(files, "include: " .. rel .. " is outside the rule pack's folder")
    end
    return run_file(full)
  end

  -- stage "claims": the rules declared next run in this stage.
  env.stage = function(name)
    if type(name) ~= "string" then decl_error(files, "stage: expected a name") end
    if not stage_seen[name] then
      stage_seen[name] = true
      decl.stages[#decl.stages + 1] = name
    end
    current_stage = name
  end

  -- layer "actor" { policy = "longest" }; hidden = true keeps a working
  -- layer (cue words, name parts) out of the output unless asked for.
  env.layer = function(name)
    if type(name) ~= "string" then decl_error(files, "layer: expected a name") end
    return function(t)
      local policy = t and t.policy or "all"
      if policy ~= "all" and policy ~= "longest" then
        decl_error(files, "layer " .. name .. ": policy must be \"all\" or \"longest\"")
      end
      if not decl.layers[name] then decl.layer_order[#decl.layer_order + 1] = name end
      decl.layers[name] = { policy = policy, hidden = t and t.hidden and true or false }
    end
  end

  -- lexicon "name" { file = ..., fold = ... } declares; lexicon "name" alone
  -- is a matcher for rules.
  env.lexicon = function(name)
    if type(name) ~= "string" then decl_error(files, "lexicon: expected a name") end
    local ref = { type = "lexicon", name = name }
    return setmetatable(ref, {
      __call = function(_, t)
        if type(t) ~= "table" then decl_error(files, "lexicon " .. name .. ": expected a table") end
        if lexicon_index[name] then decl_error(files, "lexicon " .. name .. " is declared twice") end
        local file, line = caller_place(files)
        -- fold: nil lets the lexicon file's own `fold:` decide.
        local fold = t.fold
        if fold ~= nil then fold = fold and true or false end
        local lx = { name = name, fold = fold, files = {},
                     entries = t.entries, file = file, line = line }
        local list = t.files or (t.file and { t.file }) or {}
        for i, f in ipairs(list) do
          local full = join(dirname(file), f)
          if not under_root(full) then
            decl_error(files, "lexicon " .. name .. ": " .. f .. " is outside the rule pack's folder")
          end
          lx.files[i] = full
        end
        if #lx.files == 0 and type(t.entries) ~= "table" then
          decl_error(files, "lexicon " .. name .. ": give file = ... or entries = {...}")
        end
        lexicon_index[name] = #decl.lexicons + 1
        decl.lexicons[#decl.lexicons + 1] = lx
        return ref
      end,
    })
  end

  -- regex [[...]] or regex { [[...]], flags = "i", snap = false }
  env.regex = function(t)
    if type(t) == "string" then t = { t } end
    if type(t) ~= "table" or type(t[1]) ~= "string" then
      decl_error(files, "regex: expected a pattern string")
    end
    local flags = t.flags or ""
    if t.snap ~= false and not flags:find("t", 1, true) then flags = flags .. "t" end
    return { type = "regex", source = t[1], flags = flags }
  end

  -- tokens [[ 'according' 'to' @actor:source ]]
  env.tokens = function(src)
    if type(src) ~= "string" then decl_error(files, "tokens: expected a pattern string") end
    return { type = "tokens", source = src }
  end

  -- annotations "actor": each live annotation of a layer is a match.
  env.annotations = function(name)
    if type(name) ~= "string" then decl_error(files, "annotations: expected a layer name") end
    return { type = "annotations", layer = name }
  end

  -- rule "name" { match = ..., where = fn, emit = table|fn, priority = n }
  -- or rule "name" { run = function(doc) ... end }
  env.rule = function(name)
    if type(name) ~= "string" then decl_error(files, "rule: expected a name") end
    return function(t)
      if type(t) ~= "table" then decl_error(files, "rule " .. name .. ": expected a table") end
      local file, line = caller_place(files)
      local r = { name = name, stage = current_stage, file = file, line = line,
                  match = t.match, where = t.where, emit = t.emit, run = t.run,
                  priority = t.priority or 0, retry = t.retry and true or false }
      local function bad(msg) error(string.format("%s:%d: rule %s: %s", file, line, name, msg), 0) end
      if r.run ~= nil then
        if type(r.run) ~= "function" then bad("run must be a function") end
        if r.match ~= nil then bad("give either match or run, not both") end
      else
        if type(r.match) ~= "table" or not r.match.type then
          bad("match must be lexicon \"...\", regex [[...]], tokens [[...]] or annotations \"...\"")
        end
        if r.match.type == "lexicon" and not lexicon_index[r.match.name] then
          bad("no lexicon named " .. r.match.name .. " is declared before this rule")
        end
        if type(r.emit) ~= "table" and type(r.emit) ~= "function" then
          bad("emit must be a table or a function")
        end
        if type(r.emit) == "table" and type(r.emit.layer) ~= "string" then
          bad("emit.layer must name a layer")
        end
        if r.where ~= nil and type(r.where) ~= "function" then bad("where must be a function") end
        if r.retry and r.match.type ~= "tokens" then bad("retry applies to token patterns only") end
      end
      if type(r.priority) ~= "number" then bad("priority must be a number") end
      local other = rule_index[name]
      if other then bad("declared twice (first at " .. other.file .. ":" .. other.line .. ")") end
      rule_index[name] = r
      decl.rules[#decl.rules + 1] = r
    end
  end

  run_file(path, opts.source)
  return decl
end

return M
