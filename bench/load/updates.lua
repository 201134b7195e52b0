-- wrk script: POSTs Telegram Updates (group orders) to /telegram/webhook.
--
--   wrk -t2 -c64 -d20s --latency -s bench/load/updates.lua http://127.0.0.1:PORT
--
-- Environment:
--   SUPPLYBOT_LOAD_SECRET    the X-Telegram-Bot-Api-Secret-Token value (default: load-secret)
--   SUPPLYBOT_LOAD_MESSAGES  the order templates (default: bench/load/messages.txt)
--   SUPPLYBOT_LOAD_ID_BASE   added to every update_id, so several runs on one database do not
--                            collide (default 0)
--   SUPPLYBOT_LOAD_CHATS     number of group chats the updates are spread over (default 50)
--   SUPPLYBOT_LOAD_MAX       stop each wrk thread after this many requests (default: no limit;
--                            profile.sh uses it to send a fixed number)
--
-- update_id = ID_BASE + thread number * 1e9 + counter: unique across wrk threads and their
-- connections (each thread's counter serves all its connections). message_id is the same number,
-- so every update is a new message and must become exactly one inbound row and one order.
-- done() prints one line per HTTP status, "status <code> <count>", which run.sh reads.

local secret = os.getenv("SUPPLYBOT_LOAD_SECRET") or "load-secret"
local messages_path = os.getenv("SUPPLYBOT_LOAD_MESSAGES") or "bench/load/messages.txt"
local id_base = tonumber(os.getenv("SUPPLYBOT_LOAD_ID_BASE") or "0")
local chats = tonumber(os.getenv("SUPPLYBOT_LOAD_CHATS") or "50")
local max_requests = tonumber(os.getenv("SUPPLYBOT_LOAD_MAX") or "0")
-- How many different residents write (profile.sh uses fewer, so that a short run sees senders
-- again, as a 20 s run does).
local residents = tonumber(os.getenv("SUPPLYBOT_LOAD_RESIDENTS") or "5000")

local function load_templates(path)
  local t = {}
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  for line in f:lines() do
    if line:match("%S") and not line:match("^#") then t[#t + 1] = line end
  end
  f:close()
  assert(#t >= 30, "expected at least 30 order templates in " .. path)
  return t
end

local templates = load_templates(messages_path)

-- Thread numbers are handed out in setup(), which runs in the main Lua state.
local next_thread = 0
local threads = {}
function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_no", next_thread)
  table.insert(threads, thread)
end

local counter = 0
local counts = {}
local names = {"王", "李", "张", "刘", "陈", "Anna", "Ben", "赵", "周", "Maria"}
local letters = {"A", "B", "C", "D", "E", "F", "G", "H"}

function init(args)
  math.randomseed(1000 + (thread_no or 0))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Telegram-Bot-Api-Secret-Token"] = secret
end

local function fill(t)
  local b = tostring(math.random(1, 30))
  local u = tostring(math.random(1, 4))
  local r = tostring(math.random(1, 28) * 100 + math.random(1, 4))
  local f = tostring(math.random(1, 30)) .. letters[math.random(1, 8)]
  return (t:gsub("{b}", b):gsub("{u}", u):gsub("{r}", r):gsub("{f}", f))
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

function request()
  counter = counter + 1
  if max_requests > 0 and counter > max_requests then wrk.thread:stop() end
  -- %.0f: update ids above 2^31 must not go through %d on 32-bit-int Lua builds.
  local id = string.format("%.0f", id_base + (thread_no or 0) * 1e9 + counter)
  local text = templates[(counter + (thread_no or 0)) % #templates + 1]
  local chat = string.format("%.0f", -1001000000000 - (counter % chats))
  local user = 100000 + math.random(0, residents - 1)
  local lang = text:match("^Flat") and "en" or "zh-hans"
  local body = '{"update_id":' .. id ..
      ',"message":{"message_id":' .. id ..
      ',"date":1764300000,"chat":{"id":' .. chat .. ',"type":"supergroup","title":"Building chat"}' ..
      ',"from":{"id":' .. user .. ',"is_bot":false,"first_name":' .. json_string(names[user % #names + 1]) ..
      ',"language_code":"' .. lang .. '"}' ..
      ',"text":' .. json_string(fill(text)) .. '}}'
  return wrk.format(nil, "/telegram/webhook", nil, body)
end

-- wrk has no per-thread "finished" hook, so the per-thread counts are kept current as a string
-- ("200=10,503=2") after every response: plain values copy reliably between wrk's Lua states.
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  local parts = {}
  for code, n in pairs(counts) do parts[#parts + 1] = code .. "=" .. n end
  counts_text = table.concat(parts, ",")
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("counts_text") or ""
    for code, n in s:gmatch("(%d+)=(%d+)") do
      total[code] = (total[code] or 0) + tonumber(n)
    end
  end
  local codes = {}
  for code in pairs(total) do codes[#codes + 1] = code end
  table.sort(codes)
  io.write("responses by status:\n")
  for _, code in ipairs(codes) do io.write(string.format("status %s %d\n", code, total[code])) end
  io.write(string.format("latency p50 %.3f ms\nlatency p99 %.3f ms\n",
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  local e = summary.errors
  io.write(string.format("timeouts %d\n", e.timeout))
  io.write(string.format("socket errors connect %d read %d write %d\n", e.connect, e.read, e.write))
end
