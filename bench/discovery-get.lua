-- wrk script: GET /<token>, the token drawn at random from the file given as the first argument.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local tokens = {}
init = function(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

request = function()
  return wrk.format("GET", "/" .. tokens[math.random(#tokens)])
end
