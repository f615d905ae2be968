-- wrk script: etcd v3 JSON gateway, POST /v3/kv/put of a 128-byte value to bench/k<n>, n cycling
-- over 1000 key names: the same keys and value size as kv-put.lua sends to Cairn.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")
local b64 = dofile(dir .. "base64.lua")

local bodies = {}
local value = b64(string.rep("v", 128))
for n = 0, 999 do
  bodies[n] = '{"key":"' .. b64("bench/k" .. n) .. '","value":"' .. value .. '"}'
end

local counter = 0
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  return wrk.format("POST", "/v3/kv/put", nil, bodies[counter % 1000])
end
