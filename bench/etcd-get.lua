-- wrk script: etcd v3 JSON gateway, POST /v3/kv/range of the one key bench/hot (bench/cluster
-- writes it first). Linearizable by default (etcd's ReadIndex); the script argument
-- "serializable" makes it a local read on the member that receives it.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")
local b64 = dofile(dir .. "base64.lua")

wrk.method = "POST"
wrk.path = "/v3/kv/range"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"key":"' .. b64("bench/hot") .. '"}'

init = function(args)
  if args[1] == "serializable" then
    wrk.body = '{"key":"' .. b64("bench/hot") .. '","serializable":true}'
  end
end
