-- bench/load/upload.lua: wrk script for uploads (POST /api/v1/observations, multipart) of real
-- JPEGs for an active job, each a new observation (a fresh UUID) captured two seconds ago inside
-- the job's fence. Arguments: tokens file, job id, latitude, longitude, a file listing JPEG
-- paths, and optionally the per-connection pace (requests per second). done() prints JSON.
local common = dofile(os.getenv("TILSYN_LOAD_DIR") .. "/common.lua")
local tokens, job, lat, lon, jpegs
local boundary = "----tilsynload7d1c"
common.install(201)  -- 201 created: a 200 would be a duplicate id

function init(args)
  tokens = common.read_lines(args[1])
  job, lat, lon = args[2], args[3], args[4]
  jpegs = {}
  for _, path in ipairs(common.read_lines(args[5])) do
    local f = assert(io.open(path, "rb"))
    jpegs[#jpegs + 1] = f:read("*a")
    f:close()
  end
  common.pace_ms = common.pace(args[6])
  common.seed()
end

function request()
  local meta = string.format(
    '{"id":"%s","job_id":"%s","captured_at":"%s","lat":%s,"lon":%s,"accuracy_m":4}',
    common.uuid4(), job, os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 2), lat, lon)
  local body = "--" .. boundary .. "\r\n" ..
    'Content-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n' ..
    meta .. "\r\n--" .. boundary .. "\r\n" ..
    'Content-Disposition: form-data; name="image"; filename="f.jpg"\r\nContent-Type: image/jpeg\r\n\r\n' ..
    jpegs[math.random(#jpegs)] .. "\r\n--" .. boundary .. "--\r\n"
  return wrk.format("POST", "/api/v1/observations", {
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  }, body)
end

