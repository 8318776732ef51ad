package redisstore

import "github.com/redis/go-redis/v9"

// The scripts share these keys, all hash-tagged by subject so that they
// land in one Cluster slot:
//
//	KEYS[1] tx   hash: txid -> state .. time(µs) .. "|" .. member
//	             (state p pending, c committed, v voided, x expired)
//	KEYS[2] live sorted set of pending and committed entries, score the
//	             entry's time in µs, member class,units,nanos,len(id),id..counterparty
//	KEYS[3] meta hash: cur (currency), nw (newest time), hz (horizon),
//	             ph (horizon of the last complete pruning pass), tt (last
//	             expiry refresh, server ms),
//	             l<class>h/l/n (live units, nanos, count: all time),
//	             c<class>h/l (committed units, nanos: all time)
//	KEYS[4] pend sorted set of pending ids, score their expiry (server ms)
//	KEYS[5] void sorted set of voided ids, score their time in µs
//	KEYS[6] cnt  hash: "a:b" -> "class=units,nanos,count;..." the live
//	             totals of the calendar period [a, b) (µs), kept exact by
//	             every insert, void and expiry once the period is tracked
//	KEYS[7] per  sorted set of tracked periods "a:b", score a
//
// Amounts are two integers (whole units and nanos) so that every sum stays
// an exact Lua number (a double) below 2^53.
const luaCommon = `
local TX, LIVE, META, PEND, VOID, CNT, PER = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local SPAN = 33 * 86400 * 1000000 -- longer than any calendar month, in µs
local LIMIT = 4503599627370496 -- 2^52: a sum above it may no longer be exact
local NANO = 1000000000
local dirty = false -- a key may have been created: refresh every TTL

local function parse_member(m)
  local c, h, l, n, rest = string.match(m, '^(%d+),(%d+),(%d+),(%d+),()')
  n = tonumber(n)
  return tonumber(c), tonumber(h), tonumber(l), string.sub(m, rest, rest + n - 1)
end

local function parse_tx(v)
  local bar = string.find(v, '|', 2, true)
  return string.sub(v, 1, 1), string.sub(v, 2, bar - 1), string.sub(v, bar + 1)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local cnt_cache = {} -- period field -> parsed totals, or false if untracked

-- cnt_get returns the totals of a tracked period, nil if it is untracked.
local function cnt_get(field)
  local t = cnt_cache[field]
  if t ~= nil then return t or nil end
  local v = redis.call('HGET', CNT, field)
  if not v then
    cnt_cache[field] = false
    return nil
  end
  t = {}
  for c, h, l, n in string.gmatch(v, '(%d+)=(%-?%d+),(%-?%d+),(%-?%d+);') do
    t[tonumber(c)] = {tonumber(h), tonumber(l), tonumber(n)}
  end
  cnt_cache[field] = t
  return t
end

local function cnt_put(field, t)
  cnt_cache[field] = t
  local parts = {}
  for c, x in pairs(t) do
    if x[3] ~= 0 then parts[#parts + 1] = string.format('%d=%d,%d,%d;', c, x[1], x[2], x[3]) end
  end
  redis.call('HSET', CNT, field, table.concat(parts))
end

-- adjust adds (h, l, n) of class c to every tracked period containing t.
local function adjust(t, c, h, l, n)
  local ps = redis.call('ZRANGEBYSCORE', PER, string.format('%d', t - SPAN), string.format('%d', t))
  for _, p in ipairs(ps) do
    local b = tonumber(string.match(p, ':(%-?%d+)$'))
    if t < b then
      local cur = cnt_get(p) or {}
      local x = cur[c] or {0, 0, 0}
      cur[c] = {x[1] + h, x[2] + l, x[3] + n}
      cnt_put(p, cur)
    end
  end
end

-- expire turns the pending entry id (tx value v) into an expired one.
local function expire(id, v)
  local _, score, m = parse_tx(v)
  local c, h, l = parse_member(m)
  dirty = true
  adjust(tonumber(score), c, -h, -l, -1)
  redis.call('HSET', TX, id, 'x' .. score .. '|' .. m)
  redis.call('ZREM', LIVE, m)
  redis.call('ZREM', PEND, id)
  redis.call('ZADD', VOID, score, id)
  redis.call('HINCRBY', META, 'l' .. c .. 'h', string.format('%d', -h))
  redis.call('HINCRBY', META, 'l' .. c .. 'l', string.format('%d', -l))
  redis.call('HINCRBY', META, 'l' .. c .. 'n', -1)
end

-- sweep expires every pending entry whose time is up.
local function sweep(now)
  local ids = redis.call('ZRANGEBYSCORE', PEND, '-inf', now)
  for _, id in ipairs(ids) do
    local v = redis.call('HGET', TX, id)
    if v and string.sub(v, 1, 1) == 'p' then expire(id, v) else redis.call('ZREM', PEND, id) end
  end
end

-- touch sets every key to expire after idle ms, when a key may be new or
-- the last refresh is older than idle/16 (meta field tt, server ms).
local function touch(idle, now, tt)
  if idle <= 0 or (not dirty and tt and now - tt < idle / 16) then return end
  redis.call('HSET', META, 'tt', string.format('%d', now))
  for i = 1, 7 do redis.call('PEXPIRE', KEYS[i], idle) end
end

local function norm(h, l)
  local carry = math.floor(l / NANO)
  return h + carry, l - carry * NANO
end
`

// reserveScript: ARGV = txid, time µs, class, units, nanos, currency,
// counterparty, retention µs, pending ttl ms, idle ms, ncaps, then per cap:
// index, kind (1 rolling, 2 calendar, 3 balance), a, b, mask, debit mask,
// has amount, units, nanos, has count, max count, exclusive, observe.
// Masks are 64-character strings of 0 and 1, class c at position c+1.
var reserveScript = redis.NewScript(luaCommon + `
local id, t, class, ah, al = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local cur, cp, ret, ttl, idle, ncaps = ARGV[6], ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local now = now_ms()
-- finish returns x, first refreshing the TTLs if a key may have been created.
local function finish(x)
  if dirty then touch(idle, now, nil) end
  return x
end
sweep(now)
local old = redis.call('HGET', TX, id)
if old then
  local st = string.sub(old, 1, 1)
  if st == 'x' then st = 'v' end
  return finish({3, st})
end
local meta = redis.call('HMGET', META, 'cur', 'nw', 'hz', 'tt', 'ph')
if meta[1] and meta[1] ~= cur then return finish({-1, 'currency', meta[1]}) end
local nw = tonumber(meta[2]) or t
if t > nw then nw = t end
local hz = tonumber(meta[3])
if hz == nil or nw - ret > hz then hz = nw - ret end
if t < hz then return finish({-1, 'range', 'time'}) end
local caps, lo, hi = {}, nil, nil
for i = 0, ncaps - 1 do
  local b = 12 + i * 13
  local cap = {idx = tonumber(ARGV[b]), kind = tonumber(ARGV[b + 1]), a = tonumber(ARGV[b + 2]), b = tonumber(ARGV[b + 3]),
    mask = ARGV[b + 4], debits = ARGV[b + 5], hasamt = ARGV[b + 6] == '1', ch = tonumber(ARGV[b + 7]), cl = tonumber(ARGV[b + 8]),
    hascnt = ARGV[b + 9] == '1', maxcnt = tonumber(ARGV[b + 10]), excl = ARGV[b + 11] == '1', observe = ARGV[b + 12] == '1'}
  local from, to
  if cap.kind == 1 then
    from, to = t - cap.a + 1, t + cap.a - 1
  elseif cap.kind == 2 then
    cap.field = ARGV[b + 2] .. ':' .. ARGV[b + 3]
    if cnt_get(cap.field) == nil then
      -- Track the period from now on: its totals from one scan.
      if cap.a < hz then return finish({-1, 'range', 'period'}) end
      local raw, tot = redis.call('ZRANGEBYSCORE', LIVE, ARGV[b + 2], '(' .. ARGV[b + 3]), {}
      for _, m in ipairs(raw) do
        local c, h, l = parse_member(m)
        local x = tot[c] or {0, 0, 0}
        tot[c] = {x[1] + h, x[2] + l, x[3] + 1}
      end
      cnt_put(cap.field, tot)
      redis.call('ZADD', PER, ARGV[b + 2], cap.field)
      dirty = true
    end
  end
  if from then
    if from < hz then return finish({-1, 'range', 'window'}) end
    if lo == nil or from < lo then lo = from end
    if hi == nil or to > hi then hi = to end
  end
  caps[#caps + 1] = cap
end
local es = {}
if lo then
  local raw = redis.call('ZRANGEBYSCORE', LIVE, lo, hi, 'WITHSCORES')
  for i = 1, #raw, 2 do
    local c, h, l = parse_member(raw[i])
    es[#es + 1] = {s = tonumber(raw[i + 1]), c = c, h = h, l = l}
  end
end
local function counts(mask, c) return string.byte(mask, c + 1) == 49 end
local function over(h, l, n, cap)
  -- reports whether the total (h, l, n) breaks (or, observed, reaches) cap
  local th, tl = norm(h, l)
  if cap.hasamt then
    local cmp
    if th ~= cap.ch then cmp = th > cap.ch and 1 or -1 elseif tl ~= cap.cl then cmp = tl > cap.cl and 1 or -1 else cmp = 0 end
    if cap.observe then
      if (cap.excl and cmp > 0) or (not cap.excl and cmp >= 0) then return true end
    elseif (cap.excl and cmp >= 0) or (not cap.excl and cmp > 0) then return true end
  end
  if cap.hascnt then
    if cap.observe then
      if (cap.excl and n > cap.maxcnt) or (not cap.excl and n >= cap.maxcnt) then return true end
    elseif (cap.excl and n >= cap.maxcnt) or (not cap.excl and n > cap.maxcnt) then return true end
  end
  return false
end
local bad, reached = {}, {}
for _, cap in ipairs(caps) do
  local uh, ul, un = 0, 0, 0 -- usage without the new entry
  if cap.kind == 1 then
    local W, sel = cap.a, {}
    for _, e in ipairs(es) do
      if e.s > t - W and e.s < t + W and counts(cap.mask, e.c) then sel[#sel + 1] = e end
    end
    local ends = {t}
    for _, e in ipairs(sel) do if e.s > t then ends[#ends + 1] = e.s end end
    local r, lft, sh, sl, n = 1, 1, 0, 0, 0
    local bh, bl = 0, 0
    for _, s in ipairs(ends) do
      while r <= #sel and sel[r].s <= s do sh, sl, n = sh + sel[r].h, sl + sel[r].l, n + 1; r = r + 1 end
      while lft < r and sel[lft].s <= s - W do sh, sl, n = sh - sel[lft].h, sl - sel[lft].l, n - 1; lft = lft + 1 end
      local nh, nl = norm(sh, sl)
      if nh > bh or (nh == bh and nl > bl) then bh, bl = nh, nl end
      if n > un then un = n end
    end
    uh, ul = bh, bl
  elseif cap.kind == 2 then
    for c, x in pairs(cnt_get(cap.field)) do
      if counts(cap.mask, c) then uh, ul, un = uh + x[1], ul + x[2], un + x[3] end
    end
  else
    local fields = {}
    for c = 0, 63 do
      if counts(cap.mask, c) then
        fields[#fields + 1] = 'l' .. c .. 'h'; fields[#fields + 1] = 'l' .. c .. 'l'; fields[#fields + 1] = 'l' .. c .. 'n'
      end
      if counts(cap.debits, c) then
        fields[#fields + 1] = 'c' .. c .. 'h'; fields[#fields + 1] = 'c' .. c .. 'l'
      end
    end
    if #fields > 0 then
      local vals = redis.call('HMGET', META, unpack(fields))
      for i, f in ipairs(fields) do
        local v = tonumber(vals[i]) or 0
        local k = string.sub(f, -1)
        if string.sub(f, 1, 1) == 'l' then
          if k == 'h' then uh = uh + v elseif k == 'l' then ul = ul + v else un = un + v end
        else
          if k == 'h' then uh = uh - v else ul = ul - v end
        end
      end
    end
  end
  uh, ul = norm(uh, ul)
  if uh > LIMIT or uh < -LIMIT then return finish({-1, 'overflow', tostring(cap.idx)}) end
  if over(uh + ah, ul + al, un + 1, cap) then
    local u = {cap.idx, uh, ul, un}
    if cap.observe then reached[#reached + 1] = u else bad[#bad + 1] = u end
  end
end
local out
if #bad > 0 then
  out = {2}
  for _, u in ipairs(bad) do for _, x in ipairs(u) do out[#out + 1] = x end end
  return finish(out)
end
local m = class .. ',' .. ARGV[4] .. ',' .. ARGV[5] .. ',' .. string.len(id) .. ',' .. id .. cp
redis.call('HSET', TX, id, 'p' .. ARGV[2] .. '|' .. m)
redis.call('ZADD', LIVE, ARGV[2], m)
redis.call('ZADD', PEND, now + ttl, id)
adjust(t, class, ah, al, 1)
redis.call('HINCRBY', META, 'l' .. class .. 'h', ARGV[4])
redis.call('HINCRBY', META, 'l' .. class .. 'l', ARGV[5])
redis.call('HINCRBY', META, 'l' .. class .. 'n', 1)
redis.call('HSET', META, 'cur', cur, 'nw', string.format('%d', nw), 'hz', string.format('%d', hz))
-- Prune a bounded number of entries older than the horizon, once the
-- horizon has moved by a 64th of the retention since the last full pass.
local ph = tonumber(meta[5])
if ph == nil or hz - ph >= ret / 64 then
  local hzs, full = '(' .. string.format('%d', hz), false
  -- Pending entries stay until settled or expired: skip over them, and
  -- inspect at most 256 entries per call.
  local skip, removed = 0, 0
  for _ = 1, 4 do
    local batch = redis.call('ZRANGEBYSCORE', LIVE, '-inf', hzs, 'LIMIT', skip, 64)
    for _, g in ipairs(batch) do
      local _, _, _, gid = parse_member(g)
      local gv = redis.call('HGET', TX, gid)
      if gv and string.sub(gv, 1, 1) == 'p' then
        skip = skip + 1
      else
        redis.call('HDEL', TX, gid)
        redis.call('ZREM', LIVE, g)
        removed = removed + 1
      end
    end
    full = #batch == 64
    if not full or removed >= 64 then break end
  end
  full = full or skip > 0
  local gone
  gone = redis.call('ZRANGEBYSCORE', VOID, '-inf', hzs, 'LIMIT', 0, 64)
  full = full or #gone == 64
  for _, gid in ipairs(gone) do
    redis.call('HDEL', TX, gid)
    redis.call('ZREM', VOID, gid)
  end
  gone = redis.call('ZRANGEBYSCORE', PER, '-inf', '(' .. string.format('%d', hz - SPAN), 'LIMIT', 0, 64)
  full = full or #gone == 64
  for _, p in ipairs(gone) do
    redis.call('HDEL', CNT, p)
    redis.call('ZREM', PER, p)
  end
  if not full then redis.call('HSET', META, 'ph', string.format('%d', hz)) end
end
touch(idle, now, tonumber(meta[4]))
out = {1}
for _, u in ipairs(reached) do for _, x in ipairs(u) do out[#out + 1] = x end end
return out
`)

// settleScript: ARGV = txid, op ("c" commit, "v" void), idle ms.
var settleScript = redis.NewScript(luaCommon + `
local id, op, idle = ARGV[1], ARGV[2], tonumber(ARGV[3])
local now = now_ms()
sweep(now)
local tt = tonumber(redis.call('HGET', META, 'tt'))
local v = redis.call('HGET', TX, id)
if not v then
  if dirty then touch(idle, now, nil) end
  return {-1, 'notfound'}
end
local st, score, m = parse_tx(v)
if op == 'c' then
  if st ~= 'p' then
    if dirty then touch(idle, now, nil) end
    if st == 'c' then return {0} end
    if st == 'v' then return {-1, 'voided'} end
    return {-1, 'expired'}
  end
  local c, h, l = parse_member(m)
  redis.call('HSET', TX, id, 'c' .. score .. '|' .. m)
  redis.call('ZREM', PEND, id)
  redis.call('HINCRBY', META, 'c' .. c .. 'h', string.format('%d', h))
  redis.call('HINCRBY', META, 'c' .. c .. 'l', string.format('%d', l))
  touch(idle, now, tt)
  return {0}
end
if st ~= 'p' then
  if dirty then touch(idle, now, nil) end
  if st == 'c' then return {-1, 'committed'} end
  return {0}
end
expire(id, v)
redis.call('HSET', TX, id, 'v' .. score .. '|' .. m)
touch(idle, now, tt)
return {0}
`)

// aggregateScript: ARGV = from µs, to µs (inclusive; from > to for none),
// except id, idle ms. It returns the horizon, the live entries in [from, to] with
// their scores, the meta hash and the except entry.
var aggregateScript = redis.NewScript(luaCommon + `
local now = now_ms()
sweep(now)
if dirty then touch(tonumber(ARGV[4]), now, nil) end
local hz = redis.call('HGET', META, 'hz') or ''
local es = {}
if tonumber(ARGV[1]) <= tonumber(ARGV[2]) then
  es = redis.call('ZRANGEBYSCORE', LIVE, ARGV[1], ARGV[2], 'WITHSCORES')
end
local ex = false
if ARGV[3] ~= '' then ex = redis.call('HGET', TX, ARGV[3]) end
return {hz, es, redis.call('HGETALL', META), ex or ''}
`)
