-- wrk script of bench/load.py: each request a path drawn at random from the file named by the environment
-- variable VEEDURIA_LOAD_URLS (one path a line); every answer that is not 2xx or 3xx is counted as an error.
local paths = {}
errors = 0
counts = {}

local function read_paths()
  local file = assert(io.open(os.getenv("VEEDURIA_LOAD_URLS"), "r"))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
end

read_paths()

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(1234 + id)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status < 200 or status >= 400 then
    errors = errors + 1
    counts[status] = (counts[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total = total + thread:get("errors")
    for status, n in pairs(thread:get("counts")) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do parts[#parts + 1] = status .. ":" .. n end
  io.write(string.format("LOAD errors=%d statuses=%s\n", total, table.concat(parts, ",")))
end
