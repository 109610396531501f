// The exported NVML entry points. Greencap's agent dlopen()s this library in place of libnvidia-ml.so.1 and
// resolves the same symbols, so the code path under test is the production one.
//
// All state lives in one struct guarded by one mutex: NVML may be called from any thread. Every call takes
// the lock, picks up scenario changes, serves any configured delay with the lock released, then advances the
// GPU it asks about to "now" before answering, so nothing runs in the background.
#define _POSIX_C_SOURCE 200809L
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE // clock_gettime
#endif

#include "CNVML.h"
#include "identity.h"
#include "model.h"
#include "scenario_source.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

static const double TWO_PI = 6.283185307179586;
static const unsigned MEMORY_CLOCK_MHZ = 2619; // HBM3 on H100 SXM5
static const double DIP_SKEW_PER_GPU_S = 0.05; // stragglers: GPU i reaches the checkpoint i * 50 ms late
enum { HASH_PHASE = 16 };

// The object behind an nvmlDevice_t. Handles are pointers into a fixed array, so they stay valid for the life
// of the process, whatever the scenario does to the GPU count.
struct nvmlDevice_st {
    sim_gpu_state model;
    unsigned requested_limit_mw;
    bool limit_set; // set through NVML this run; otherwise the limit follows the scenario's default
};

static struct {
    pthread_mutex_t lock;
    unsigned init_count; // nvmlInit_v2 minus nvmlShutdown
    bool running;        // a model run is in progress (from the first init to the last shutdown)
    int64_t start_ns;    // CLOCK_MONOTONIC at the start of the run: model time 0
    sim_source source;
    struct nvmlDevice_st gpus[SIM_MAX_GPUS];
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

// ---- time ----

static int64_t clock_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(unsigned ms) {
    struct timespec left = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}

// ---- GPUs and their parameters ----

static const sim_scenario *scenario(void) { return &g.source.effective; }

static unsigned gpu_index(const struct nvmlDevice_st *gpu) { return (unsigned)(gpu - g.gpus); }

// The handle as one of ours, or NULL. Compared as integers: the caller's pointer may point anywhere.
static struct nvmlDevice_st *gpu_from_handle(nvmlDevice_t handle) {
    uintptr_t base = (uintptr_t)g.gpus;
    uintptr_t p = (uintptr_t)handle;
    if (p < base) return NULL;
    uintptr_t offset = p - base;
    if (offset >= sizeof g.gpus || offset % sizeof g.gpus[0] != 0) return NULL;
    return &g.gpus[offset / sizeof g.gpus[0]];
}

// Fallen off the bus, or beyond the GPU count the scenario now has.
static bool is_lost(unsigned index) {
    const sim_scenario *s = scenario();
    return index >= s->gpus || (s->lost >> index & 1u);
}

static unsigned enforced_limit_mw(const struct nvmlDevice_st *gpu) {
    unsigned cap = scenario()->external_cap_mw;
    return cap > 0 && cap < gpu->requested_limit_mw ? cap : gpu->requested_limit_mw;
}

static sim_gpu_params gpu_params(const struct nvmlDevice_st *gpu) {
    const sim_scenario *s = scenario();
    unsigned i = gpu_index(gpu);
    sim_gpu_params p;
    p.workload = sim_scenario_workload(s, i);
    p.limit_w = enforced_limit_mw(gpu) / 1000.0;
    p.phase = TWO_PI * sim_unit_hash(s->seed, i, HASH_PHASE);
    p.skew_s = DIP_SKEW_PER_GPU_S * i;
    return p;
}

static int64_t model_ns(int64_t now_ns) { return now_ns - g.start_ns; }

static double model_s(int64_t now_ns) { return (double)model_ns(now_ns) * 1e-9; }

static void advance_gpu(struct nvmlDevice_st *gpu, int64_t now_ns) {
    sim_gpu_params p = gpu_params(gpu);
    sim_model_advance(&gpu->model, &p, model_ns(now_ns));
}

// A new run (first init, or first init after the last shutdown): like a node with persistence mode off,
// where the driver tears the GPUs down when its last client leaves: limits back to default, energy from 0.
static void start_run(int64_t now_ns) {
    g.running = true;
    g.start_ns = now_ns;
    for (unsigned i = 0; i < SIM_MAX_GPUS; i++) {
        struct nvmlDevice_st *gpu = &g.gpus[i];
        gpu->requested_limit_mw = scenario()->default_limit_mw;
        gpu->limit_set = false;
        sim_gpu_params p = gpu_params(gpu);
        sim_model_start(&gpu->model, &p);
    }
}

// After a scenario change: limits nobody set follow the new default; set ones stay, inside the new range.
static void reconcile_limits(void) {
    const sim_scenario *s = scenario();
    for (unsigned i = 0; i < SIM_MAX_GPUS; i++) {
        struct nvmlDevice_st *gpu = &g.gpus[i];
        unsigned mw = gpu->limit_set ? gpu->requested_limit_mw : s->default_limit_mw;
        if (mw < s->min_limit_mw) mw = s->min_limit_mw;
        if (mw > s->max_limit_mw) mw = s->max_limit_mw;
        gpu->requested_limit_mw = mw;
    }
}

// A scenario change applies from now on: first run every GPU up to now under the old one.
static void refresh_scenario(int64_t now_ns, bool force) {
    if (!sim_source_changed(&g.source, now_ns, force)) return;
    if (g.running) {
        for (unsigned i = 0; i < SIM_MAX_GPUS; i++) advance_gpu(&g.gpus[i], now_ns);
    }
    sim_source_reload(&g.source);
    if (g.running) reconcile_limits();
}

// ---- call framing ----

// Takes the lock and returns the time the call is answered at. The scenario's slow_ms (and init_ms on a first
// init) is slept with the lock released, so one slow caller does not serialise the others behind it.
static int64_t call_begin_as(bool is_init) {
    pthread_mutex_lock(&g.lock);
    bool first_init = is_init && g.init_count == 0;
    int64_t now = clock_ns(CLOCK_MONOTONIC);
    refresh_scenario(now, first_init); // a first init always rereads: the caller may just have set the env
    unsigned delay = scenario()->slow_ms + (first_init ? scenario()->init_ms : 0);
    if (delay > 0) {
        pthread_mutex_unlock(&g.lock);
        sleep_ms(delay);
        pthread_mutex_lock(&g.lock);
        now = clock_ns(CLOCK_MONOTONIC);
    }
    return now;
}

static int64_t call_begin(void) { return call_begin_as(false); }

static nvmlReturn_t call_end(nvmlReturn_t result) {
    pthread_mutex_unlock(&g.lock);
    return result;
}

// The checks every device call makes, in order. On success *out is the GPU, advanced to now.
static nvmlReturn_t open_device(nvmlDevice_t handle, bool arguments_ok, unsigned feature, int64_t now_ns,
                                struct nvmlDevice_st **out) {
    if (g.init_count == 0) return NVML_ERROR_UNINITIALIZED;
    struct nvmlDevice_st *gpu = gpu_from_handle(handle);
    if (gpu == NULL || !arguments_ok) return NVML_ERROR_INVALID_ARGUMENT;
    if (is_lost(gpu_index(gpu))) return NVML_ERROR_GPU_IS_LOST;
    if (scenario()->unsupported & feature) return NVML_ERROR_NOT_SUPPORTED;
    if (scenario()->failing & feature) return (nvmlReturn_t)scenario()->fail_code;
    advance_gpu(gpu, now_ns);
    *out = gpu;
    return NVML_SUCCESS;
}

// NVML's string contract: the whole string and its NUL, or INSUFFICIENT_SIZE and nothing written.
static nvmlReturn_t copy_string(char *dst, unsigned length, const char *src) {
    size_t n = strlen(src);
    if ((size_t)length < n + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(dst, src, n + 1);
    return NVML_SUCCESS;
}

static unsigned watts_to_mw(double watts) {
    double mw = round(watts * 1000.0);
    if (!(mw > 0)) return 0;
    return mw >= (double)UINT_MAX ? UINT_MAX : (unsigned)mw;
}

// ---- library ----

static nvmlReturn_t init_failure(sim_init_mode mode) {
    switch (mode) {
    case SIM_INIT_OK:
        return NVML_SUCCESS;
    case SIM_INIT_DRIVER_NOT_LOADED:
        return NVML_ERROR_DRIVER_NOT_LOADED;
    case SIM_INIT_LIB_RM_VERSION_MISMATCH:
        return NVML_ERROR_LIB_RM_VERSION_MISMATCH;
    case SIM_INIT_NO_PERMISSION:
        return NVML_ERROR_NO_PERMISSION;
    }
    return NVML_ERROR_UNKNOWN;
}

nvmlReturn_t nvmlInit_v2(void) {
    int64_t now = call_begin_as(true);
    if (g.init_count > 0) { // already up: NVML just counts, the driver is not asked again
        if (g.init_count < UINT_MAX) g.init_count++;
        return call_end(NVML_SUCCESS);
    }
    nvmlReturn_t result = init_failure(scenario()->init);
    if (result == NVML_SUCCESS) {
        start_run(now);
        g.init_count = 1;
    }
    return call_end(result);
}

nvmlReturn_t nvmlShutdown(void) {
    call_begin();
    if (g.init_count == 0) return call_end(NVML_ERROR_UNINITIALIZED);
    if (--g.init_count == 0) g.running = false;
    return call_end(NVML_SUCCESS);
}

// Texts as NVML prints them. Needs no lock and no delay: it never reaches the driver.
const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_ALREADY_INITIALIZED: return "Already Initialized";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_INSUFFICIENT_POWER: return "Insufficient External Power";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT: return "Timeout";
    case NVML_ERROR_IRQ_ISSUE: return "Interrupt request issue";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "NVML Shared Library Not Found";
    case NVML_ERROR_FUNCTION_NOT_FOUND: return "Function Not Found";
    case NVML_ERROR_CORRUPTED_INFOROM: return "Corrupted infoROM";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_RESET_REQUIRED: return "GPU requires restart";
    case NVML_ERROR_OPERATING_SYSTEM: return "The operating system has blocked the request.";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH: return "RM has detected an NVML/RM version mismatch.";
    case NVML_ERROR_IN_USE: return "In use by another client";
    case NVML_ERROR_MEMORY: return "Insufficient Memory";
    case NVML_ERROR_NO_DATA: return "No data";
    case NVML_ERROR_VGPU_ECC_NOT_SUPPORTED:
        return "The requested vgpu operation is not available on target device, because ECC is enabled";
    case NVML_ERROR_INSUFFICIENT_RESOURCES: return "Ran out of critical resources, other than memory";
    case NVML_ERROR_FREQ_NOT_SUPPORTED: return "Frequency not supported";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument version mismatch";
    case NVML_ERROR_DEPRECATED: return "Deprecated";
    case NVML_ERROR_NOT_READY: return "Not Ready";
    case NVML_ERROR_GPU_NOT_FOUND: return "GPU not found";
    case NVML_ERROR_INVALID_STATE: return "Invalid state";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    call_begin();
    if (g.init_count == 0) return call_end(NVML_ERROR_UNINITIALIZED);
    if (version == NULL) return call_end(NVML_ERROR_INVALID_ARGUMENT);
    return call_end(copy_string(version, length, scenario()->driver_version));
}

// The library's own version: like the real one, answered without nvmlInit.
nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length) {
    call_begin();
    if (version == NULL) return call_end(NVML_ERROR_INVALID_ARGUMENT);
    return call_end(copy_string(version, length, scenario()->nvml_version));
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount) {
    call_begin();
    if (g.init_count == 0) return call_end(NVML_ERROR_UNINITIALIZED);
    if (deviceCount == NULL) return call_end(NVML_ERROR_INVALID_ARGUMENT);
    *deviceCount = scenario()->gpus; // lost GPUs still count, as on a real driver
    return call_end(NVML_SUCCESS);
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    call_begin();
    if (g.init_count == 0) return call_end(NVML_ERROR_UNINITIALIZED);
    if (device == NULL || index >= scenario()->gpus) return call_end(NVML_ERROR_INVALID_ARGUMENT);
    if (is_lost(index)) return call_end(NVML_ERROR_GPU_IS_LOST);
    *device = &g.gpus[index];
    return call_end(NVML_SUCCESS);
}

// ---- identity ----

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, uuid != NULL, 0, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    char text[SIM_UUID_SIZE];
    sim_format_uuid(text, scenario()->seed, gpu_index(gpu));
    return call_end(copy_string(uuid, length, text));
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, name != NULL, 0, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    return call_end(copy_string(name, length, scenario()->name));
}

nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned int length) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, serial != NULL, SIM_FEATURE_SERIAL, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    if (scenario()->serial_no_permission) return call_end(NVML_ERROR_NO_PERMISSION);
    char text[SIM_SERIAL_SIZE];
    sim_format_serial(text, scenario()->seed, gpu_index(gpu));
    return call_end(copy_string(serial, length, text));
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, pci != NULL, 0, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    sim_fill_pci(pci, gpu_index(gpu));
    return call_end(NVML_SUCCESS);
}

// ---- power, temperature, clocks ----

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *milliwatts) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, milliwatts != NULL, SIM_FEATURE_POWER_AVERAGE, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    *milliwatts = watts_to_mw(sim_model_average_w(&gpu->model));
    return call_end(NVML_SUCCESS);
}

static unsigned long long energy_mj(const struct nvmlDevice_st *gpu) {
    double mj = floor(gpu->model.energy_j * 1000.0);
    return mj > 0 ? (unsigned long long)mj : 0;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *millijoules) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, millijoules != NULL, SIM_FEATURE_ENERGY, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    *millijoules = energy_mj(gpu);
    return call_end(NVML_SUCCESS);
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *celsius) {
    struct nvmlDevice_st *gpu;
    bool ok = celsius != NULL && sensor == NVML_TEMPERATURE_GPU;
    nvmlReturn_t r = open_device(device, ok, SIM_FEATURE_TEMPERATURE, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    double c = round(gpu->model.temperature_c);
    *celsius = c > 0 ? (unsigned)c : 0;
    return call_end(NVML_SUCCESS);
}

static sim_demand demand_now(const sim_gpu_params *p, int64_t now_ns) { return sim_model_demand(p, model_s(now_ns)); }

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    struct nvmlDevice_st *gpu;
    int64_t now = call_begin();
    nvmlReturn_t r = open_device(device, utilization != NULL, SIM_FEATURE_UTILIZATION, now, &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    sim_gpu_params p = gpu_params(gpu);
    sim_demand d = demand_now(&p, now);
    utilization->gpu = d.util_gpu;
    utilization->memory = d.util_memory;
    return call_end(NVML_SUCCESS);
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int clockType, unsigned int *megahertz) {
    struct nvmlDevice_st *gpu;
    bool core = clockType == NVML_CLOCK_SM || clockType == NVML_CLOCK_GRAPHICS;
    bool ok = megahertz != NULL && (core || clockType == NVML_CLOCK_MEM);
    int64_t now = call_begin();
    nvmlReturn_t r = open_device(device, ok, core ? SIM_FEATURE_SM_CLOCK : 0, now, &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    if (!core) {
        *megahertz = MEMORY_CLOCK_MHZ;
        return call_end(NVML_SUCCESS);
    }
    sim_gpu_params p = gpu_params(gpu);
    sim_demand d = demand_now(&p, now);
    *megahertz = sim_model_sm_clock_mhz(&p, &d);
    return call_end(NVML_SUCCESS);
}

nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *reasons) {
    struct nvmlDevice_st *gpu;
    int64_t now = call_begin();
    nvmlReturn_t r = open_device(device, reasons != NULL, SIM_FEATURE_CLOCK_EVENTS, now, &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    sim_gpu_params p = gpu_params(gpu);
    sim_demand d = demand_now(&p, now);
    *reasons = sim_model_clock_events(&p, &gpu->model, &d);
    return call_end(NVML_SUCCESS);
}

// The name before CUDA 12.2 / driver 535; still exported by current drivers, with the same answer.
nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *reasons) {
    return nvmlDeviceGetCurrentClocksEventReasons(device, reasons);
}

// ---- limits ----

nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int *minLimit,
                                                          unsigned int *maxLimit) {
    struct nvmlDevice_st *gpu;
    bool ok = minLimit != NULL && maxLimit != NULL;
    nvmlReturn_t r = open_device(device, ok, SIM_FEATURE_LIMITS, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    *minLimit = scenario()->min_limit_mw;
    *maxLimit = scenario()->max_limit_mw;
    return call_end(NVML_SUCCESS);
}

nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, unsigned int *defaultLimit) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, defaultLimit != NULL, SIM_FEATURE_LIMITS, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    *defaultLimit = scenario()->default_limit_mw;
    return call_end(NVML_SUCCESS);
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, limit != NULL, SIM_FEATURE_LIMITS, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    *limit = gpu->requested_limit_mw;
    return call_end(NVML_SUCCESS);
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, limit != NULL, SIM_FEATURE_LIMITS, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    *limit = enforced_limit_mw(gpu);
    return call_end(NVML_SUCCESS);
}

// The new limit is enforced at once; the power follows with the model's lag. open_device has already run
// the GPU up to now under the old limit.
nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned int limit) {
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, true, 0, call_begin(), &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    const sim_scenario *s = scenario();
    if (s->set_limit == SIM_SET_LIMIT_NOT_SUPPORTED) return call_end(NVML_ERROR_NOT_SUPPORTED);
    if (s->set_limit == SIM_SET_LIMIT_NO_PERMISSION) return call_end(NVML_ERROR_NO_PERMISSION);
    if (limit < s->min_limit_mw || limit > s->max_limit_mw) return call_end(NVML_ERROR_INVALID_ARGUMENT);
    gpu->requested_limit_mw = limit;
    gpu->limit_set = true;
    return call_end(NVML_SUCCESS);
}

// ---- field values ----

// One field's value and its per-field result: NOT_SUPPORTED for an unknown id or one the scenario disables,
// the scenario's fail_code for one it makes fail.
static nvmlReturn_t read_field(const struct nvmlDevice_st *gpu, unsigned id, nvmlFieldValue_t *v) {
    const sim_scenario *s = scenario();
    unsigned feature;
    v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
    switch (id) {
    case NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION:
        feature = SIM_FEATURE_ENERGY;
        v->valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
        v->value.ullVal = energy_mj(gpu);
        break;
    case NVML_FI_DEV_POWER_AVERAGE:
        feature = SIM_FEATURE_POWER_AVERAGE;
        v->value.uiVal = watts_to_mw(sim_model_average_w(&gpu->model));
        break;
    case NVML_FI_DEV_POWER_INSTANT:
        feature = SIM_FEATURE_POWER_INSTANT;
        v->value.uiVal = watts_to_mw(gpu->model.power_w);
        break;
    case NVML_FI_DEV_POWER_MIN_LIMIT:
        feature = SIM_FEATURE_LIMITS;
        v->value.uiVal = s->min_limit_mw;
        break;
    case NVML_FI_DEV_POWER_MAX_LIMIT:
        feature = SIM_FEATURE_LIMITS;
        v->value.uiVal = s->max_limit_mw;
        break;
    case NVML_FI_DEV_POWER_DEFAULT_LIMIT:
        feature = SIM_FEATURE_LIMITS;
        v->value.uiVal = s->default_limit_mw;
        break;
    case NVML_FI_DEV_POWER_CURRENT_LIMIT:
        feature = SIM_FEATURE_LIMITS;
        v->value.uiVal = enforced_limit_mw(gpu);
        break;
    case NVML_FI_DEV_POWER_REQUESTED_LIMIT:
        feature = SIM_FEATURE_LIMITS;
        v->value.uiVal = gpu->requested_limit_mw;
        break;
    default:
        return NVML_ERROR_NOT_SUPPORTED;
    }
    if (s->unsupported & feature) return NVML_ERROR_NOT_SUPPORTED;
    if (s->failing & feature) return (nvmlReturn_t)s->fail_code;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount, nvmlFieldValue_t *values) {
    int64_t now = call_begin();
    if (g.init_count == 0) return call_end(NVML_ERROR_UNINITIALIZED);
    // An older driver without the field API: the agent must fall back to the per-value calls.
    if (!scenario()->field_values_present) return call_end(NVML_ERROR_FUNCTION_NOT_FOUND);
    struct nvmlDevice_st *gpu;
    nvmlReturn_t r = open_device(device, valuesCount >= 0 && values != NULL, 0, now, &gpu);
    if (r != NVML_SUCCESS) return call_end(r);
    long long timestamp_us = clock_ns(CLOCK_REALTIME) / 1000;
    for (int i = 0; i < valuesCount; i++) {
        nvmlFieldValue_t *v = &values[i];
        v->timestamp = timestamp_us;
        v->latencyUsec = 0;
        memset(&v->value, 0, sizeof v->value);
        v->nvmlReturn = read_field(gpu, v->fieldId, v);
    }
    return call_end(NVML_SUCCESS);
}
