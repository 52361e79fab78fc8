-- bench/load/common.lua: what sync.lua and upload.lua share.
local M = {}

function M.read_lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  assert(#out > 0, path .. " is empty")
  return out
end

-- Milliseconds between two requests of one connection for `rate` requests per second (nil: 0).
function M.pace(rate)
  if rate == nil or tonumber(rate) == nil or tonumber(rate) <= 0 then return 0 end
  return math.floor(1000 / tonumber(rate))
end

-- The wrk hooks both scripts share: setup, delay (the pace set by init through M.pace_ms),
-- response (counting `expect`) and done.
function M.install(expect)
  M.expect = expect
  M.pace_ms = 0
  setup = M.setup
  done = M.done
  delay = function() return M.pace_ms end
  response = function(status)
    M.response(status)
    expected = M.expected  -- a global of this thread, read by done() through thread:get
  end
end

function M.seed()
  -- each wrk thread has its own Lua state: mix the clock with the address of a fresh table
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)"), 16) % 1e6)
end

function M.uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = c == "x" and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

-- Each thread counts the answers with the status the script expects (`M.expect`, set by the
-- script); done() sums them over the threads.
local threads = {}
M.expected = 0

function M.setup(thread)
  threads[#threads + 1] = thread
end

function M.response(status)
  if status == M.expect then M.expected = M.expected + 1 end
end

-- wrk counts only statuses >= 400 as errors; the JSON line gives them, the answers with the
-- expected status, and the latency percentiles in milliseconds.
function M.done(summary, latency, requests)
  local e = summary.errors
  local expected = 0
  for _, t in ipairs(threads) do expected = expected + (t:get("expected") or 0) end
  io.write(string.format(
    '{"requests":%d,"expected_status":%d,"duration_s":%.3f,"errors_status":%d,' ..
    '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_timeout":%d,' ..
    '"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
    summary.requests, expected, summary.duration / 1e6, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end

return M
