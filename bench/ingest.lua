-- wrk script: POST /api/v1/leads with a new e-mail each time.
-- Usage: wrk ... -s ingest.lua URL -- <run id> <api key>
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  run, key, counter = args[1], args[2], 0
end

function request()
  counter = counter + 1
  local body = string.format('{"email":"w%s-%d-%d@bench.test","name":"Bench lead","source":"wrk","medium":"load"}', run, tid, counter)
  return wrk.format("POST", "/api/v1/leads", { ["Content-Type"] = "application/json", ["X-Api-Key"] = key }, body)
end
