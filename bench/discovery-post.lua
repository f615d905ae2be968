-- wrk script: POST /<token> {"address": ..., "port": 8300}, the token drawn at random from the
-- file given as the first argument, each token always with the same address: after the first
-- round, every POST refreshes an existing entry, as servers re-posting do.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local tokens = {}
init = function(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end
wrk.headers["Content-Type"] = "application/json"

request = function()
  local i = math.random(#tokens)
  local body = string.format('{"address": "10.%d.%d.1", "port": 8300}', math.floor(i / 256) % 256, i % 256)
  return wrk.format("POST", "/" .. tokens[i], nil, body)
end
