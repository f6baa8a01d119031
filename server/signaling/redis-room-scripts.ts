/**
 * The Lua scripts behind the Redis room registry (redis-rooms.ts). Redis runs a script from start
 * to end with nothing else in between, so "count the members, then add one" cannot interleave
 * with another process doing the same: two processes can never both admit a third member.
 *
 * Keys, under a prefix (ARGV[1], "webrtc-nat:" by default):
 *   room:<roomId>              hash: socket ID -> {"peerId","role","process"} as JSON. Redis deletes
 *                              an empty hash by itself, so a room exists only while someone is in it.
 *   socket:<socketId>          string: the socket's room ID (a socket is in at most one room)
 *   process:<processId>        the process's heartbeat: any value, expiring after the lease
 *   process:<processId>:sockets  set: the sockets whose membership that process holds
 *   processes                  set: every process ID that has held members
 *
 * Answers are JSON strings (or nil), validated with zod on the Node side. An empty Lua table would
 * encode as {} rather than [], so empty lists are left out of the answer instead.
 *
 * The scripts compute key names from the prefix instead of receiving them all in KEYS, so they
 * need one Redis server (with replicas if you like), not Redis Cluster.
 */

const prelude = `
local prefix = ARGV[1]
local function roomKey(roomId) return prefix .. 'room:' .. roomId end
local function socketKey(socketId) return prefix .. 'socket:' .. socketId end
local function processKey(processId) return prefix .. 'process:' .. processId end
local function ownedKey(processId) return prefix .. 'process:' .. processId .. ':sockets' end
local processesKey = prefix .. 'processes'

local function alive(processId)
  return redis.call('EXISTS', processKey(processId)) == 1
end

local function beat(processId, leaseMs)
  redis.call('SET', processKey(processId), '1', 'PX', leaseMs)
  redis.call('SADD', processesKey, processId)
end

local function listOrNil(list)
  if #list == 0 then return nil end
  return list
end

local function decodeMember(socketId, json)
  local member = cjson.decode(json)
  member.socketId = socketId
  return member
end

local function membersOf(roomId)
  local flat = redis.call('HGETALL', roomKey(roomId))
  local members = {}
  for i = 1, #flat, 2 do
    members[#members + 1] = decodeMember(flat[i], flat[i + 1])
  end
  return members
end

-- Takes a member out of its room and out of every index; returns the member left behind.
local function removeMember(roomId, member)
  redis.call('HDEL', roomKey(roomId), member.socketId)
  redis.call('DEL', socketKey(member.socketId))
  redis.call('SREM', ownedKey(member.process), member.socketId)
  return membersOf(roomId)[1]
end

-- Removes every member a process holds, appending a departure for each to the list. Used for a
-- process whose heartbeat ran out, and by a process that shuts down cleanly.
local function releaseProcess(processId, departures)
  for _, socketId in ipairs(redis.call('SMEMBERS', ownedKey(processId))) do
    local roomId = redis.call('GET', socketKey(socketId))
    local json = roomId and redis.call('HGET', roomKey(roomId), socketId)
    if json then
      local member = decodeMember(socketId, json)
      local other = removeMember(roomId, member)
      -- A member released in this same pass has nobody to tell.
      if other and other.process == processId then other = nil end
      departures[#departures + 1] = { roomId = roomId, member = member, other = other }
    elseif roomId then
      redis.call('DEL', socketKey(socketId))
    end
  end
  redis.call('DEL', ownedKey(processId), processKey(processId))
  redis.call('SREM', processesKey, processId)
end
`;

export interface Script {
  readonly name: string;
  readonly source: string;
}

const script = (name: string, body: string): Script => ({ name, source: `${prelude}\n${body}` });

/** ARGV: prefix, roomId, socketId, peerId, processId, leaseMs, capacity. */
export const JOIN = script(
  "join",
  `
local roomId, socketId, peerId, processId = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local leaseMs, capacity = tonumber(ARGV[6]), tonumber(ARGV[7])
if redis.call('EXISTS', socketKey(socketId)) == 1 then
  return cjson.encode({ ok = false, reason = 'already-in-room' })
end
-- Never write a member in the name of a process that looks dead.
beat(processId, leaseMs)
-- Members whose process stopped beating are gone: drop them before counting.
local present, lost = {}, {}
for _, member in ipairs(membersOf(roomId)) do
  if alive(member.process) then
    present[#present + 1] = member
  else
    removeMember(roomId, member)
    lost[#lost + 1] = member
  end
end
if #present >= capacity then
  return cjson.encode({ ok = false, reason = 'room-full', lost = listOrNil(lost) })
end
local other = present[1]
local role = 'impolite'
if other and other.role == 'impolite' then role = 'polite' end
redis.call('HSET', roomKey(roomId), socketId, cjson.encode({ peerId = peerId, role = role, process = processId }))
redis.call('SET', socketKey(socketId), roomId)
redis.call('SADD', ownedKey(processId), socketId)
return cjson.encode({
  ok = true,
  member = { socketId = socketId, peerId = peerId, role = role },
  other = other,
  lost = listOrNil(lost),
})
`,
);

/** ARGV: prefix, socketId. */
export const LEAVE = script(
  "leave",
  `
local socketId = ARGV[2]
local roomId = redis.call('GET', socketKey(socketId))
if not roomId then return nil end
local json = redis.call('HGET', roomKey(roomId), socketId)
if not json then
  redis.call('DEL', socketKey(socketId))
  return nil
end
local member = decodeMember(socketId, json)
local other = removeMember(roomId, member)
return cjson.encode({ roomId = roomId, member = member, other = other })
`,
);

/** ARGV: prefix, socketId. The socket's room and everyone in it, in one round trip. */
export const LOOKUP = script(
  "lookup",
  `
local roomId = redis.call('GET', socketKey(ARGV[2]))
if not roomId then return nil end
return cjson.encode({ roomId = roomId, members = listOrNil(membersOf(roomId)) })
`,
);

/**
 * ARGV: prefix, processId, leaseMs. One heartbeat: renews this process's lease, then releases the
 * members of every other process whose lease ran out. Two processes may sweep at once; each
 * release happens inside one script, so only one of them reports (and announces) a departure.
 */
export const HEARTBEAT = script(
  "heartbeat",
  `
local processId, leaseMs = ARGV[2], tonumber(ARGV[3])
local lapsed = not alive(processId)
beat(processId, leaseMs)
local departures = {}
for _, otherProcess in ipairs(redis.call('SMEMBERS', processesKey)) do
  if otherProcess ~= processId and not alive(otherProcess) then
    releaseProcess(otherProcess, departures)
  end
end
return cjson.encode({ lapsed = lapsed, departures = listOrNil(departures) })
`,
);

/** ARGV: prefix, processId. A clean shutdown: release this process's own members. */
export const RELEASE = script(
  "release",
  `
local departures = {}
releaseProcess(ARGV[2], departures)
return cjson.encode({ departures = listOrNil(departures) })
`,
);
