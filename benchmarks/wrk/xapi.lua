-- wrk script: realistic xAPI traffic against any LRS (and against the ceilings).
--
--   wrk -s xapi.lua URL -- mode=post batch=1 path=/xapi/statements auth="Basic …"
--   wrk -s xapi.lua URL -- mode=post batch=100 stop_after=500      (load a fixed amount)
--   wrk -s xapi.lua URL -- mode=get kind=agent|activity|verb|window|more from=T0 to=T1
--
-- Statements look like those a Storyline/cmi5 course sends during the deadline rush:
-- 20,000 learners spread over municipalities, course/module activities, cmi5 and ADL
-- verbs, a registration per learner, results with score, success and duration. Every
-- statement has a fresh random id, so every POST is a real insert.
--
-- At the end one line "BENCH_JSON {...}" gives requests, statuses and latency (µs).

local args_kv = {}
local threads = {}
local counter = 0

-- The course's IRI is the one lrs-bridge's default course "valmyndigheten-introduktion"
-- knows, so completions reach the readiness reports.
local COURSE = "https://www.val.se/xapi/activities/introduktionsutbildning-i-valsakerhet"
local WORKSHOP = "https://valmyndigheten.se/xapi/workshop/2026/"
-- id, English, Swedish, result kind, whether the object is the course (else a module)
local VERBS = {
  {"http://adlnet.gov/expapi/verbs/initialized", "initialized", "påbörjade", false, true},
  {"http://adlnet.gov/expapi/verbs/experienced", "experienced", "tog del av", false, false},
  {"http://adlnet.gov/expapi/verbs/progressed", "progressed", "gick vidare", "progress", false},
  {"http://adlnet.gov/expapi/verbs/answered", "answered", "besvarade", "score", false},
  {"http://adlnet.gov/expapi/verbs/completed", "completed", "slutförde", "completion", true},
  {"http://adlnet.gov/expapi/verbs/passed", "passed", "klarade", "score", true},
  {"http://adlnet.gov/expapi/verbs/failed", "failed", "klarade inte", "score", true},
  {"http://adlnet.gov/expapi/verbs/terminated", "terminated", "avslutade", false, true},
}
local MODULES = {
  "Välkommen", "Hot och påverkan", "Informationssäkerhet", "Röstmottagning",
  "Säkerhetsskydd", "Krisberedskap", "Sammanfattning och test",
}
local COUNTIES = {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14",
                  "17", "18", "19", "20", "21", "22", "23", "24", "25"}

local random = math.random
local format = string.format
local concat = table.concat

local function parse_args(args)
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then args_kv[key] = value end
  end
end

local function uuid4()
  return format("%08x-%04x-4%03x-%04x-%04x%08x", random(0, 0x7fffffff) * 2 + random(0, 1),
    random(0, 0xffff), random(0, 0xfff), random(0x8000, 0xbfff), random(0, 0xffff),
    random(0, 0x7fffffff) * 2 + random(0, 1))
end

local function learner_mbox(n)
  local county = COUNTIES[(n % #COUNTIES) + 1]
  return format("mailto:deltagare%d@kommun%s%02d.se", n, county, n % 13 + 80)
end

-- A registration per learner and course, stable across runs.
local function registration(n)
  return format("%08x-0000-4000-8000-%012x", n, n)
end

local function statement(learners, now)
  local n = random(1, learners)
  local verb = VERBS[random(1, #VERBS)]
  local module = random(1, #MODULES)
  local parts = {
    '{"id":"', uuid4(), '","actor":{"objectType":"Agent","name":"Deltagare ', n,
    '","mbox":"', learner_mbox(n), '"},"verb":{"id":"', verb[1],
    '","display":{"en-US":"', verb[2], '","sv-SE":"', verb[3], '"}},',
  }
  if verb[5] then
    parts[#parts + 1] = '"object":{"objectType":"Activity","id":"' .. COURSE
      .. '","definition":{"name":{"sv-SE":"Introduktionsutbildning i valsäkerhet"},'
      .. '"type":"http://adlnet.gov/expapi/activities/course"}},'
  else
    parts[#parts + 1] = concat({
      '"object":{"objectType":"Activity","id":"', COURSE, "/modul/", module,
      '","definition":{"name":{"sv-SE":"Modul ', module, ": ", MODULES[module],
      '"},"type":"http://adlnet.gov/expapi/activities/module"}},',
    })
  end
  local kind = verb[4]
  if kind == "score" then
    local raw = random(0, 20)
    parts[#parts + 1] = format(
      '"result":{"score":{"scaled":%.2f,"raw":%d,"min":0,"max":20},"success":%s,'
        .. '"duration":"PT%dM%dS"},', raw / 20, raw, raw >= 14 and "true" or "false",
      random(0, 30), random(0, 59))
  elseif kind == "completion" then
    parts[#parts + 1] = format('"result":{"completion":true,"duration":"PT%dM%dS"},',
      random(20, 110), random(0, 59))
  elseif kind == "progress" then
    parts[#parts + 1] = format(
      '"result":{"extensions":{"https://w3id.org/xapi/cmi5/result/extensions/progress":%d}},',
      random(1, 99))
  end
  parts[#parts + 1] = concat({
    '"context":{"registration":"', registration(n), '","platform":"Articulate Storyline",',
    '"language":"sv-SE","contextActivities":{"parent":[{"id":"', COURSE, '"}],',
    '"grouping":[{"id":"', WORKSHOP, COUNTIES[(n % #COUNTIES) + 1], '"}],',
    '"category":[{"id":"https://w3id.org/xapi/cmi5/context/categories/moveon"}]},',
    '"extensions":{"https://valmyndigheten.se/xapi/kommun":"', COUNTIES[(n % #COUNTIES) + 1],
    format("%02d", n % 13 + 80), '"}},',
    '"timestamp":"', now, '"}',
  })
  return concat(parts)
end

local function iso(t)
  return os.date("!%Y-%m-%dT%H:%M:%S", math.floor(t)) .. format(".%03dZ", (t % 1) * 1000)
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return format("%%%02X", c:byte()) end))
end

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function init(args)
  parse_args(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919 + os.clock() * 1e6)
  mode = args_kv.mode or "post"
  batch = tonumber(args_kv.batch or "1")
  learners = tonumber(args_kv.learners or "20000")
  stop_after = tonumber(args_kv.stop_after or "0")
  path = args_kv.path or "/xapi/statements"
  kind = args_kv.kind or "agent"
  from = tonumber(args_kv.from or "0")
  to = tonumber(args_kv.to or "0")
  limit = args_kv.limit or "100"
  headers = {
    ["X-Experience-API-Version"] = "1.0.3",
    ["Content-Type"] = "application/json",
  }
  if args_kv.auth then headers["Authorization"] = args_kv.auth end
  statuses = {}
  responses = 0
  next_more = nil
  pages = 0
  stopped = false
end

local function post_body()
  local now = iso(os.time())
  if batch <= 1 then return statement(learners, now) end
  local items = {}
  for i = 1, batch do items[i] = statement(learners, now) end
  return "[" .. concat(items, ",") .. "]"
end

local function query_path()
  if kind == "agent" then
    local agent = format('{"mbox":"%s"}', learner_mbox(random(1, learners)))
    return path .. "?agent=" .. urlencode(agent) .. "&limit=" .. limit
  elseif kind == "activity" then
    return path .. "?activity=" .. urlencode(COURSE .. "/modul/" .. random(1, #MODULES))
      .. "&limit=" .. limit
  elseif kind == "verb" then
    return path .. "?verb=" .. urlencode(VERBS[random(1, #VERBS)][1]) .. "&limit=" .. limit
  elseif kind == "window" then
    -- a one-minute window somewhere in the loaded range
    local start = from + random() * math.max(to - from - 60, 1)
    return path .. "?since=" .. urlencode(iso(start)) .. "&until=" .. urlencode(iso(start + 60))
      .. "&limit=" .. limit
  elseif kind == "more" then
    if next_more and pages < 50 then return next_more end
    pages = 0
    return path .. "?verb=" .. urlencode(VERBS[random(1, #VERBS)][1]) .. "&limit=" .. limit
  end
  error("unknown kind " .. kind)
end

function request()
  if mode == "post" then
    return wrk.format("POST", path, headers, post_body())
  end
  return wrk.format("GET", query_path(), headers, nil)
end

function response(status, hdrs, body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  if mode == "get" and kind == "more" then
    local more = body and body:match('"more":"([^"]+)"')
    if more then
      next_more = more
      pages = pages + 1
    else
      next_more = nil
    end
  end
  if stop_after > 0 and responses >= stop_after and not stopped then
    -- wrk's main thread sleeps the whole -d duration even when every thread stopped;
    -- this line tells benchmarks/run.py to end it early with SIGINT.
    stopped = true
    io.write("BENCH_THREAD_DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts or {}) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + count
    end
  end
  local status_parts = {}
  for status, count in pairs(merged) do
    status_parts[#status_parts + 1] = format('"%s":%d', status, count)
  end
  local errors = summary.errors
  io.write(format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"statuses":{%s},'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, concat(status_parts, ","),
    errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
