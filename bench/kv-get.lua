-- wrk script: GET /v1/kv/bench/hot, one existing key (bench/run writes it before the run).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

wrk.method = "GET"
wrk.path = "/v1/kv/bench/hot"
