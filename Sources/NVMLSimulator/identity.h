// Who each simulated GPU is: UUID, serial number, PCI location, and the per-GPU phase of its workload.
// All derived from the scenario seed and the GPU index, so runs are repeatable and nodes with different
// seeds look like different machines.
#ifndef GREENCAP_NVML_SIM_IDENTITY_H
#define GREENCAP_NVML_SIM_IDENTITY_H

#include "scenario.h"

#include "CNVML.h"

#include <stdint.h>

enum {
    SIM_UUID_SIZE = 41,   // "GPU-" + 8-4-4-4-12 hex digits + NUL
    SIM_SERIAL_SIZE = 14, // 13 digits + NUL
};

// A well-mixed 64-bit value for (seed, index, purpose).
SIM_HIDDEN uint64_t sim_hash(uint64_t seed, unsigned index, unsigned purpose);

// A value in [0, 1) for (seed, index, purpose).
SIM_HIDDEN double sim_unit_hash(uint64_t seed, unsigned index, unsigned purpose);

SIM_HIDDEN void sim_format_uuid(char out[SIM_UUID_SIZE], uint64_t seed, unsigned index);
SIM_HIDDEN void sim_format_serial(char out[SIM_SERIAL_SIZE], uint64_t seed, unsigned index);
SIM_HIDDEN void sim_fill_pci(nvmlPciInfo_t *pci, unsigned index);

#endif
