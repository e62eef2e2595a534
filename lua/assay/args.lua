-- args.lua -- the command-line options of the commands written in Lua
-- (report, merge, show): one parser, so they all read options alike.
local M = {}

-- Parses args against spec:
--   spec.values = { ["--rules"] = "rules", ["-o"] = "output", ... }  -- take a value
--   spec.flags  = { ["--unsafe"] = "unsafe", ... }                     -- booleans
--   spec.usage  = the help text, spec.name = the command's name
-- "--key=value" is accepted for value options.  Returns opts (with
-- opts.inputs, the other arguments), or nil and an exit status after
-- printing the help (0) or an error (2).
function M.parse(args, spec)
  local opts, inputs = {}, {}
  local i = 1
  while i <= #args do
    local a = args[i]
    local key, inline = a:match("^(%-%-[%w-]+)=(.*)$")
    key = key or a
    if a == "-h" or a == "--help" then
      io.write(spec.usage)
      return nil, 0
    elseif spec.values[key] then
      local v = inline
      if not v then
        i = i + 1
        v = args[i]
      end
      if not v then
        io.stderr:write("assay: " .. spec.name .. ": " .. key .. " needs a value\n")
        return nil, 2
      end
      opts[spec.values[key]] = v
    elseif spec.flags and spec.flags[a] then
      opts[spec.flags[a]] = true
    elseif a:sub(1, 1) == "-" and a ~= "-" then
      io.stderr:write("assay: " .. spec.name .. ": unknown option " .. a ..
                      " (see assay " .. spec.name .. " --help)\n")
      return nil, 2
    else
      inputs[#inputs + 1] = a
    end
    i = i + 1
  end
  opts.inputs = inputs
  return opts
end

return M
