// The part of NVIDIA's NVML C interface that Greencap calls, declared from NVML's public API reference.
// Greencap never links against the driver: the agent dlopen()s libnvidia-ml.so.1 at run time and resolves
// each entry point by name. This header gives Swift (and the NVML simulator) the types and constants.
// Only what is called is declared; sizes and layouts follow NVML's ABI on LP64 Linux.
#ifndef GREENCAP_CNVML_H
#define GREENCAP_CNVML_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// NVML's return codes are a C enum: int-sized on every ABI Greencap runs on.
typedef int nvmlReturn_t;
enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_ALREADY_INITIALIZED = 5,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_INSUFFICIENT_POWER = 8,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_IRQ_ISSUE = 11,
    NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_CORRUPTED_INFOROM = 14,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_RESET_REQUIRED = 16,
    NVML_ERROR_OPERATING_SYSTEM = 17,
    NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
    NVML_ERROR_IN_USE = 19,
    NVML_ERROR_MEMORY = 20,
    NVML_ERROR_NO_DATA = 21,
    NVML_ERROR_VGPU_ECC_NOT_SUPPORTED = 22,
    NVML_ERROR_INSUFFICIENT_RESOURCES = 23,
    NVML_ERROR_FREQ_NOT_SUPPORTED = 24,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_DEPRECATED = 26,
    NVML_ERROR_NOT_READY = 27,
    NVML_ERROR_GPU_NOT_FOUND = 28,
    NVML_ERROR_INVALID_STATE = 29,
    NVML_ERROR_UNKNOWN = 999,
};

// Opaque per-GPU handle owned by the library.
typedef struct nvmlDevice_st *nvmlDevice_t;

// Buffer sizes NVML documents as large enough for each string.
enum {
    NVML_DEVICE_UUID_V2_BUFFER_SIZE = 96,
    NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96,
    NVML_DEVICE_SERIAL_BUFFER_SIZE = 30,
    NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE = 32,
    NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE = 16,
    NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80,
    NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE = 80,
};

// Filled by nvmlDeviceGetPciInfo_v3.
typedef struct nvmlPciInfo_st {
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

typedef struct nvmlUtilization_st {
    unsigned int gpu;    // percent of the last sample period a kernel ran
    unsigned int memory; // percent of the last sample period device memory was read or written
} nvmlUtilization_t;

enum { NVML_TEMPERATURE_GPU = 0 };
enum { NVML_CLOCK_GRAPHICS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2 };

// Clock-event ("throttle") reason bits, as returned by nvmlDeviceGetCurrentClocksEventReasons.
enum {
    GREENCAP_NVML_CLOCK_EVENT_GPU_IDLE = 0x1,
    GREENCAP_NVML_CLOCK_EVENT_APPLICATIONS_CLOCKS_SETTING = 0x2,
    GREENCAP_NVML_CLOCK_EVENT_SW_POWER_CAP = 0x4,
    GREENCAP_NVML_CLOCK_EVENT_HW_SLOWDOWN = 0x8,
    GREENCAP_NVML_CLOCK_EVENT_SYNC_BOOST = 0x10,
    GREENCAP_NVML_CLOCK_EVENT_SW_THERMAL_SLOWDOWN = 0x20,
    GREENCAP_NVML_CLOCK_EVENT_HW_THERMAL_SLOWDOWN = 0x40,
    GREENCAP_NVML_CLOCK_EVENT_HW_POWER_BRAKE_SLOWDOWN = 0x80,
    GREENCAP_NVML_CLOCK_EVENT_DISPLAY_CLOCK_SETTING = 0x100,
};

// Field identifiers for nvmlDeviceGetFieldValues. IDs never change once published.
enum {
    NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION = 83, // mJ since the driver was last loaded
    NVML_FI_DEV_POWER_AVERAGE = 185,           // mW, averaged over 1 s (Ampere except GA100, and newer)
    NVML_FI_DEV_POWER_INSTANT = 186,           // mW, current
    NVML_FI_DEV_POWER_MIN_LIMIT = 187,         // mW
    NVML_FI_DEV_POWER_MAX_LIMIT = 188,         // mW
    NVML_FI_DEV_POWER_DEFAULT_LIMIT = 189,     // mW, the limit the board boots with
    NVML_FI_DEV_POWER_CURRENT_LIMIT = 190,     // mW, enforced, including limits set out of band
    NVML_FI_DEV_POWER_REQUESTED_LIMIT = 192,   // mW, requested through NVML or another userspace client
};

typedef int nvmlValueType_t;
enum {
    NVML_VALUE_TYPE_DOUBLE = 0,
    NVML_VALUE_TYPE_UNSIGNED_INT = 1,
    NVML_VALUE_TYPE_UNSIGNED_LONG = 2,
    NVML_VALUE_TYPE_UNSIGNED_LONG_LONG = 3,
    NVML_VALUE_TYPE_SIGNED_LONG_LONG = 4,
    NVML_VALUE_TYPE_SIGNED_INT = 5,
    NVML_VALUE_TYPE_UNSIGNED_SHORT = 6,
};

typedef union nvmlValue_st {
    double dVal;
    int siVal;
    unsigned int uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    signed long long sllVal;
    unsigned short usVal;
} nvmlValue_t;

typedef struct nvmlFieldValue_st {
    unsigned int fieldId;       // set by the caller
    unsigned int scopeId;       // set by the caller; 0 = the GPU itself
    long long timestamp;        // µs since 1970 when the value was taken
    long long latencyUsec;      // how long the value took to update inside NVML
    nvmlValueType_t valueType;  // which member of value holds it
    nvmlReturn_t nvmlReturn;    // per-field result: check before reading value
    nvmlValue_t value;
} nvmlFieldValue_t;

// Prototypes of the entry points, for the simulator that implements them. The agent never calls these
// symbols directly (it resolves them with dlsym), so Swift does not see them.
#ifdef GREENCAP_NVML_PROTOTYPES
nvmlReturn_t nvmlInit_v2(void);
nvmlReturn_t nvmlShutdown(void);
const char *nvmlErrorString(nvmlReturn_t result);
nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length);
nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length);
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount);
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device);
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length);
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length);
nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned int length);
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci);
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *milliwatts);
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *millijoules);
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *celsius);
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization);
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int clockType, unsigned int *megahertz);
nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int *minLimit, unsigned int *maxLimit);
nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, unsigned int *defaultLimit);
nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit);
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit);
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *reasons);
nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *reasons);
nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount, nvmlFieldValue_t *values);
nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned int limit);
#endif

#ifdef __cplusplus
}
#endif

#endif
