-- wrk script: PUT /v1/kv/bench/k<n> with a 128-byte body, n cycling over 1000 key names.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local counter = 0
local body = string.rep("v", 128)
wrk.headers["Content-Type"] = "application/octet-stream"

request = function()
  counter = counter + 1
  return wrk.format("PUT", "/v1/kv/bench/k" .. (counter % 1000), nil, body)
end
