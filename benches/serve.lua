-- wrk script for benches/serve.sh: cycles through a file of queries (one a line, `#` starts a
-- comment), each sent to one path, e.g. `wrk ... -s benches/serve.lua URL -- /api/search FILE`.
local paths = {}
local n = 0

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local target, file = args[1], args[2]
  for line in io.lines(file) do
    line = line:gsub("^%s+", ""):gsub("%s+$", "")
    if line ~= "" and line:sub(1, 1) ~= "#" then
      table.insert(paths, target .. "?q=" .. encode(line))
    end
  end
  -- Each thread starts at another query.
  n = math.random(#paths)
end

function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
