// Where the scenario in force comes from: the file named by GREENCAP_NVML_SIM_SCENARIO (re-read when it
// changes) with the GREENCAP_NVML_SIM_GPUS / _WORKLOAD / _SEED overrides on top. Owned by the simulator's
// global state and only touched under its mutex.
#ifndef GREENCAP_NVML_SIM_SCENARIO_SOURCE_H
#define GREENCAP_NVML_SIM_SCENARIO_SOURCE_H

#include "scenario.h"

#include <sys/types.h>

enum {
    SIM_ENV_SIZE = 4096,            // longest environment value kept (PATH_MAX on Linux)
    SIM_FILE_MAX = 64 * 1024,       // largest scenario file read; bigger is an error, not a truncation
    SIM_POLL_INTERVAL_MS = 20,      // the file is stat()ed at most this often
};

// A copy of one environment variable's value, to notice when it changes.
typedef struct {
    char text[SIM_ENV_SIZE];
    bool too_long; // the value did not fit; such values are rejected as invalid
} sim_env_value;

// Identity of the scenario file as stat() last saw it. Any difference means "re-read".
typedef struct {
    bool exists;
    dev_t device;
    ino_t inode;
    off_t size;
    long long mtime_sec;
    long mtime_nsec;
} sim_file_identity;

typedef struct {
    bool polled;             // false until the first poll, which always loads
    long long last_poll_ns;  // CLOCK_MONOTONIC of the last stat()
    bool file_changed;       // set by sim_source_changed, consumed by sim_source_reload
    bool env_changed;
    sim_env_value env_path, env_gpus, env_workload, env_seed;
    sim_file_identity file;
    sim_scenario from_file;  // the last file that parsed, or the default scenario
    sim_scenario effective;  // from_file with the environment overrides: what the simulator runs
    char text[SIM_FILE_MAX + 1];
} sim_source;

// True when the file or environment changed since the last reload (checked at most every 20 ms unless
// `force`). Does not touch `effective`, so the caller can first finish the model under the old scenario.
SIM_HIDDEN bool sim_source_changed(sim_source *src, long long now_ns, bool force);

// Rebuilds `effective` after sim_source_changed returned true. Problems go to stderr, one line each.
SIM_HIDDEN void sim_source_reload(sim_source *src);

#endif
