--[[
Greencap green-hour scheduling for Slurm (job_submit/lua). Setup, the opt-in and what happens when the
collector cannot answer: docs/slurm.md.

A job opts in with the word "greencap" in its comment (sbatch --comment=greencap, or "#SBATCH
--comment=greencap"). For such a job this script asks the collector, through
`greencap slurm begin --duration <the job's time limit> --json`, for the start of the greenest window and
sets the job's begin time to it: the job stays pending with reason BeginTime until then.

It never blocks or rejects a job: a job without the word, a job with its own --begin, a job without a time
limit, a collector that is down or slow, or an answer it cannot read all leave the job exactly as submitted,
with a line in slurmctld's log (and a note to the user for an opted-in job).

Settings, from slurmctld's environment (e.g. a systemd drop-in for slurmctld.service):
  GREENCAP_BIN            the greencap executable              (default /usr/bin/greencap)
  GREENCAP_SLURM_TIMEOUT  seconds to wait for the answer       (default 5; slurmctld waits with it)
  GREENCAP_SLURM_ARGS     extra arguments, e.g. "--within 24h" (default none)
  GREENCAP_COLLECTOR, GREENCAP_TOKEN, or ~/.config/greencap/config.toml of SlurmUser: which collector
  greencap asks, read by greencap itself.
]]

local OPT_IN_WORD = "greencap"

local function setting(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  return value
end

-- Whole word, any case: "greencap", "greencap; nightly eval", "eval (greencap)" opt in; "greencapped" does not.
local function opted_in(comment)
  if comment == nil then return false end
  local text = " " .. string.lower(comment) .. " "
  return string.find(text, "[^%w_]" .. OPT_IN_WORD .. "[^%w_]") ~= nil
end

-- Single-quoted for /bin/sh: the only values quoted are our own settings and numbers, but a path with a
-- space must not split.
local function quote(text)
  return "'" .. string.gsub(text, "'", "'\\''") .. "'"
end

local function unset(value)
  return value == nil or value == 0 or value == slurm.NO_VAL or value == slurm.NO_VAL64 or value == slurm.INFINITE
end

-- The time limit Slurm will give a job submitted without --time: its partition's DefaultTime, else its
-- MaxTime (applied after job_submit runs, so job_desc does not carry it yet). nil when neither is set.
local function partition_time(job_desc, part_list)
  for _, part in pairs(part_list or {}) do
    local named = job_desc.partition ~= nil and part.name == job_desc.partition
    local default = job_desc.partition == nil and part.flag_default == 1
    if named or default then
      if not unset(part.default_time) then return part.default_time end
      if not unset(part.max_time) then return part.max_time end
    end
  end
  return nil
end

-- Runs greencap and returns (begin epoch or nil, message). Bounded by `timeout` so a hung collector cannot
-- hold slurmctld's job-submit lock for longer than the setting.
local function ask_collector(minutes)
  local timeout = tonumber(setting("GREENCAP_SLURM_TIMEOUT", "5")) or 5
  local command = "timeout -k 1 " .. tostring(timeout) .. " " .. quote(setting("GREENCAP_BIN", "/usr/bin/greencap"))
    .. " slurm begin --duration " .. tostring(minutes) .. "m --json " .. setting("GREENCAP_SLURM_ARGS", "")
    .. " 2>&1; echo \"greencap-exit=$?\""
  local pipe = io.popen(command, "r")
  if pipe == nil then return nil, "cannot start " .. command end
  local output = pipe:read("*a") or ""
  pipe:close()
  local status = tonumber(string.match(output, "greencap%-exit=(%d+)")) or -1
  local body = string.gsub(output, "greencap%-exit=%d+%s*$", "")
  body = string.gsub(body, "%s+$", "")
  if status ~= 0 then
    local why = ({ [64] = "usage", [65] = "no window / input refused", [69] = "collector unreachable",
      [77] = "not permitted", [124] = "timed out after " .. timeout .. " s", [137] = "killed after timeout" })[status] or "failed"
    return nil, "greencap exited " .. status .. " (" .. why .. "): " .. body
  end
  local epoch = tonumber(string.match(body, '"begin_epoch"%s*:%s*(%d+)'))
  if epoch == nil then return nil, "no begin_epoch in greencap's answer: " .. body end
  local begin = string.match(body, '"begin"%s*:%s*"([^"]*)"') or tostring(epoch)
  local score = string.match(body, '"mean_score"%s*:%s*([%d%.]+)') or "?"
  return epoch, "begin " .. begin .. " (mean green score " .. score .. ")"
end

function slurm_job_submit(job_desc, part_list, submit_uid)
  if not opted_in(job_desc.comment) then return slurm.SUCCESS end
  local who = "greencap: job from uid " .. tostring(submit_uid)
  if not unset(job_desc.begin_time) then
    slurm.log_info("%s has its own --begin; left as submitted", who)
    return slurm.SUCCESS
  end
  local minutes = job_desc.time_limit
  if unset(minutes) then minutes = partition_time(job_desc, part_list) end
  if minutes == nil then
    slurm.log_info("%s has no time limit; left as submitted", who)
    slurm.log_user("greencap: give the job a time limit (--time) to schedule it in green hours; submitted unchanged")
    return slurm.SUCCESS
  end
  local epoch, message = ask_collector(minutes)
  if epoch == nil then
    slurm.log_error("%s (%d min): %s; submitted unchanged", who, minutes, message)
    slurm.log_user("greencap: no green window now (" .. message .. "); submitted unchanged")
    return slurm.SUCCESS
  end
  if epoch <= os.time() then
    slurm.log_info("%s (%d min): %s: the greenest window is open now; left to start at once", who, minutes, message)
    return slurm.SUCCESS
  end
  job_desc.begin_time = epoch
  slurm.log_info("%s (%d min): %s", who, minutes, message)
  slurm.log_user("greencap: held for green hours, " .. message)
  return slurm.SUCCESS
end

function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)
  return slurm.SUCCESS
end

slurm.log_info("greencap job_submit.lua loaded")
return slurm.SUCCESS
