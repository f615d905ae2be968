-- wrk script: GET /v1/kv/bench/hot, one existing key (bench/run and bench/cluster write it first).
-- An optional script argument is appended as the query string: `wrk ... URL -- consistent`
-- sends GET /v1/kv/bench/hot?consistent.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

wrk.method = "GET"
wrk.path = "/v1/kv/bench/hot"

init = function(args)
  if args[1] and args[1] ~= "" then wrk.path = wrk.path .. "?" .. args[1] end
end
