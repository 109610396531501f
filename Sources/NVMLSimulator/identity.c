// Identity strings for the simulated GPUs. The PCI bus numbers are those of a real HGX H100 8-GPU board, so
// output pasted from the simulator looks like output from a real node.
#include "identity.h"

#include <stdio.h>
#include <string.h>

enum { HASH_UUID_HIGH = 1, HASH_UUID_LOW = 2, HASH_SERIAL = 3 };

// Bus numbers of the eight SXM5 modules on an HGX H100 baseboard, in nvidia-smi's index order.
static const unsigned HGX_BUSES[8] = {0x18, 0x2A, 0x3A, 0x5D, 0x9A, 0xAB, 0xBA, 0xDB};
static const unsigned EXTRA_BUS_BASE = 0xE0; // GPUs 8 and up: 0xE0, 0xE1, ... (32 per PCI domain)
static const unsigned EXTRA_BUSES_PER_DOMAIN = 32;

static const unsigned H100_SXM5_PCI_DEVICE_ID = 0x233010DE;   // device 0x2330, vendor 0x10DE (NVIDIA)
static const unsigned H100_SXM5_PCI_SUBSYSTEM_ID = 0x16C110DE;

// splitmix64's finaliser: cheap, and every input bit affects every output bit.
static uint64_t mix64(uint64_t x) {
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

uint64_t sim_hash(uint64_t seed, unsigned index, unsigned purpose) {
    return mix64(mix64(mix64(seed) ^ index) ^ purpose);
}

double sim_unit_hash(uint64_t seed, unsigned index, unsigned purpose) {
    return (double)(sim_hash(seed, index, purpose) >> 11) * 0x1p-53;
}

void sim_format_uuid(char out[SIM_UUID_SIZE], uint64_t seed, unsigned index) {
    uint64_t high = sim_hash(seed, index, HASH_UUID_HIGH);
    uint64_t low = sim_hash(seed, index, HASH_UUID_LOW);
    snprintf(out, SIM_UUID_SIZE, "GPU-%08x-%04x-%04x-%04x-%012llx", (unsigned)(high >> 32),
             (unsigned)(high >> 16) & 0xFFFFu, (unsigned)high & 0xFFFFu, (unsigned)(low >> 48) & 0xFFFFu,
             (unsigned long long)(low & UINT64_C(0xFFFFFFFFFFFF)));
}

// 13 digits like NVIDIA's board serials, which start with "165" on H100 SXM5 boards.
void sim_format_serial(char out[SIM_SERIAL_SIZE], uint64_t seed, unsigned index) {
    unsigned long long tail = (unsigned long long)(sim_hash(seed, index, HASH_SERIAL) % UINT64_C(10000000000));
    snprintf(out, SIM_SERIAL_SIZE, "165%010llu", tail);
}

void sim_fill_pci(nvmlPciInfo_t *pci, unsigned index) {
    unsigned domain = 0, bus;
    if (index < 8) {
        bus = HGX_BUSES[index];
    } else {
        // A bus number is one byte: past 0xFF, continue in the next PCI domain (segment).
        unsigned extra = index - 8;
        domain = extra / EXTRA_BUSES_PER_DOMAIN;
        bus = EXTRA_BUS_BASE + extra % EXTRA_BUSES_PER_DOMAIN;
    }
    memset(pci, 0, sizeof *pci);
    pci->domain = domain;
    pci->bus = bus;
    pci->device = 0;
    pci->pciDeviceId = H100_SXM5_PCI_DEVICE_ID;
    pci->pciSubSystemId = H100_SXM5_PCI_SUBSYSTEM_ID;
    snprintf(pci->busId, sizeof pci->busId, "%08X:%02X:00.0", domain, bus);
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%04X:%02X:00.0", domain & 0xFFFFu, bus);
}
