// The simulated node as a scenario file describes it: how many GPUs, what they run, which faults to inject.
// Parsing is pure (text in, struct out) so it can be tested and fuzzed without the library's global state.
#ifndef GREENCAP_NVML_SIM_SCENARIO_H
#define GREENCAP_NVML_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Internal functions stay out of the shared library's export table: only the nvml* entry points are public.
#define SIM_HIDDEN __attribute__((visibility("hidden")))

enum {
    SIM_MAX_GPUS = 64,     // one bit per GPU in a uint64_t mask; handles live in a fixed array of this size
    SIM_NAME_SIZE = 96,    // NVML_DEVICE_NAME_V2_BUFFER_SIZE, NUL included
    SIM_VERSION_SIZE = 80, // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE, NUL included
    SIM_MESSAGE_SIZE = 256,
};

typedef enum {
    SIM_WORKLOAD_IDLE,
    SIM_WORKLOAD_TRAINING,
    SIM_WORKLOAD_INFERENCE,
    SIM_WORKLOAD_CONSTANT,
    SIM_WORKLOAD_SINE,
} sim_workload_kind;

typedef struct {
    sim_workload_kind kind;
    double low_w;    // constant: the demand; sine: the trough
    double high_w;   // sine: the crest
    double period_s; // sine: the period
} sim_workload;

// What `unsupported = ...` can switch off. Each covers the per-call function(s) and the matching field ids.
enum {
    SIM_FEATURE_POWER_AVERAGE = 1u << 0, // nvmlDeviceGetPowerUsage, field 185
    SIM_FEATURE_POWER_INSTANT = 1u << 1, // field 186
    SIM_FEATURE_ENERGY = 1u << 2,        // nvmlDeviceGetTotalEnergyConsumption, field 83
    SIM_FEATURE_TEMPERATURE = 1u << 3,   // nvmlDeviceGetTemperature
    SIM_FEATURE_UTILIZATION = 1u << 4,   // nvmlDeviceGetUtilizationRates
    SIM_FEATURE_SM_CLOCK = 1u << 5,      // nvmlDeviceGetClockInfo(SM or GRAPHICS)
    SIM_FEATURE_LIMITS = 1u << 6,        // constraints, default, requested, enforced; fields 187-190, 192
    SIM_FEATURE_CLOCK_EVENTS = 1u << 7,  // nvmlDeviceGetCurrentClocksEventReasons / ...ThrottleReasons
    SIM_FEATURE_SERIAL = 1u << 8,        // nvmlDeviceGetSerial
};

typedef enum { SIM_SET_LIMIT_OK, SIM_SET_LIMIT_NO_PERMISSION, SIM_SET_LIMIT_NOT_SUPPORTED } sim_set_limit_mode;

typedef enum {
    SIM_INIT_OK,
    SIM_INIT_DRIVER_NOT_LOADED,
    SIM_INIT_LIB_RM_VERSION_MISMATCH,
    SIM_INIT_NO_PERMISSION,
} sim_init_mode;

typedef struct {
    unsigned gpus;
    char name[SIM_NAME_SIZE];
    char driver_version[SIM_VERSION_SIZE];
    char nvml_version[SIM_VERSION_SIZE];
    uint64_t seed;
    unsigned min_limit_mw;
    unsigned max_limit_mw;
    unsigned default_limit_mw;
    unsigned external_cap_mw;                // 0: no out-of-band cap
    sim_workload workload;                   // every GPU without its own gpu.N.workload
    sim_workload gpu_workload[SIM_MAX_GPUS]; // gpu.N.workload, valid where gpu_workload_set has bit N
    uint64_t gpu_workload_set;
    uint64_t lost;        // bit N: GPU N has fallen off the bus
    unsigned unsupported; // SIM_FEATURE_* bits
    unsigned failing;     // SIM_FEATURE_* bits answering fail_code instead of a value
    int fail_code;        // any nvmlReturn_t value; default NVML_ERROR_UNKNOWN
    bool field_values_present;
    sim_set_limit_mode set_limit;
    bool serial_no_permission;
    sim_init_mode init;
    unsigned slow_ms;
    unsigned init_ms;
} sim_scenario;

typedef struct {
    unsigned line; // 1-based line of the offending key
    char message[SIM_MESSAGE_SIZE];
} sim_parse_error;

// The default node: 8 x H100 80GB HBM3 SXM, training, limits 200-700 W, no faults.
SIM_HIDDEN void sim_scenario_default(sim_scenario *s);

// Parses a whole scenario file (need not be NUL-terminated) over the defaults. On success stores the result in
// *out and returns true; on the first error leaves *out alone, fills *err and returns false.
SIM_HIDDEN bool sim_scenario_parse(const char *text, size_t length, sim_scenario *out, sim_parse_error *err);

// Sets one key from its text value (the environment overrides use this too). On error writes a message naming
// the key into message and returns false, leaving *s unchanged.
SIM_HIDDEN bool sim_scenario_set(sim_scenario *s, const char *key, size_t key_length, const char *value,
                                 size_t value_length, char *message, size_t message_size);

// The workload GPU `index` runs under this scenario.
SIM_HIDDEN sim_workload sim_scenario_workload(const sim_scenario *s, unsigned index);

// Copies up to `length` bytes of untrusted text into dst for an error message: non-printable bytes become '?'
// and a cut is marked with "...". dst is always NUL-terminated.
SIM_HIDDEN void sim_quote(char *dst, size_t dst_size, const char *text, size_t length);

#endif
