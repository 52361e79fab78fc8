-- bench/load/sync.lua: wrk script for job sync (GET /api/v1/jobs) from many vehicles.
-- Each request carries the token of a vehicle drawn at random from the file named by the first
-- script argument (one token per line). The second argument, when given, paces each connection
-- to that many requests per second (an offered rate); without it wrk runs at saturation.
-- done() prints one JSON line that bench_load.py reads.
local common = dofile(os.getenv("TILSYN_LOAD_DIR") .. "/common.lua")
local tokens
common.install(200)

function init(args)
  tokens = common.read_lines(args[1])
  common.pace_ms = common.pace(args[2])
  common.seed()
end

function request()
  local t = tokens[math.random(#tokens)]
  return wrk.format("GET", "/api/v1/jobs?since=0", {["Authorization"] = "Bearer " .. t})
end
