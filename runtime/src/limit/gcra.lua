-- One portal's leaky bucket as a GCRA (generic cell rate algorithm), run atomically by Redis
-- on Redis's own clock, so the clocks of the machines sharing the bucket do not matter.
--
-- KEYS[1]  the portal's key; it holds the theoretical arrival time (TAT) of the portal's next
--          request, in microseconds of the server's clock.
-- ARGV[1]  "acquire": take the next place and answer how long to wait before using it;
--          "refused": the portal refused a request, so mark its bucket full.
-- ARGV[2]  the interval between two requests once the burst is spent, in microseconds (> 0).
-- ARGV[3]  the tolerance: how far ahead of now the TAT may be and a request still go at once
--          (the burst less one, in intervals), in microseconds (>= 0).
--
-- Answers the wait in microseconds (0: go now; always 0 for "refused"). The key expires when
-- its bucket would be empty again, so idle portals leave nothing behind.

-- Redis before 5 replicates scripts verbatim, which TIME forbids before a write.
if redis.replicate_commands then
  redis.replicate_commands()
end

local op = ARGV[1]
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
if not interval or not tolerance or interval < 1 or tolerance < 0 then
  return redis.error_reply('bitrix24 bucket: the interval and tolerance must be numbers')
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
-- An absent key (GET answers false) or one holding something else: an empty bucket.
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then
  tat = now
end

local wait = 0
if op == 'acquire' then
  wait = math.max(0, tat - now - tolerance)
  tat = tat + interval
elseif op == 'refused' then
  tat = math.max(tat, now + tolerance + interval)
else
  return redis.error_reply('bitrix24 bucket: unknown operation')
end

local ttl_ms = math.max(1, math.ceil((tat - now) / 1000))
redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', ttl_ms)
return wait
