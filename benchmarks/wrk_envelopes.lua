-- wrk script for benchmarks/http_load.py: POST recorded Alexa envelopes to /alexa, one JSON body per line of
-- the file named by the first script argument, each thread starting at its own place in the file. At the end
-- it prints one line, "WRK {json}": the request count, duration, errors and the latency histogram as
-- [microseconds, count] pairs, so that runs can be merged before taking percentiles.

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  index = (id * 997) % #bodies
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  index = index % #bodies + 1
  return wrk.format("POST", "/alexa", nil, bodies[index])
end

function done(summary, latency, requests)
  local errors = summary.errors
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)
    histogram[#histogram + 1] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, "latency_us": [%s]}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, table.concat(histogram, ",")))
end
