// The physics of one simulated GPU: workload demand, power with a first-order lag behind the enforced limit,
// exact energy, a 1 s trailing power average, temperature and SM clock. Pure functions of the state and
// parameters; the simulator advances each GPU lazily to "now" when it is asked about it.
#ifndef GREENCAP_NVML_SIM_MODEL_H
#define GREENCAP_NVML_SIM_MODEL_H

#include "scenario.h"

#include <stdint.h>

enum {
    SIM_RING_SIZE = 16, // energy at the last 16 grid points (1.6 s): enough for a 1 s window plus one step
};

#define SIM_STEP_NS 100000000LL // sub-steps end on a 100 ms grid so long gaps between calls stay accurate

// What a GPU is asked to do and allowed to draw. Rebuilt from the scenario and the limits on every call.
typedef struct {
    sim_workload workload;
    double limit_w; // the enforced limit: min(requested, external cap)
    double phase;   // radians, from seed and index: GPUs are not in lockstep
    double skew_s;  // shifts the training checkpoint dip a little per GPU, as stragglers do
} sim_gpu_params;

// The workload's wish at one instant, before the power limit.
typedef struct {
    double demand_w;
    unsigned util_gpu;    // percent
    unsigned util_memory; // percent
} sim_demand;

typedef struct {
    int64_t t_ns;         // model time of this state, ns since the run started
    double power_w;       // actual (instantaneous) board power
    double energy_j;      // integral of power_w since the run started; never decreases
    double temperature_c; // GPU core temperature
    double ring_j[SIM_RING_SIZE]; // energy_j at grid point k (k * 100 ms) in slot k % SIM_RING_SIZE
    int64_t ring_last;            // newest grid index stored in the ring
} sim_gpu_state;

// A fresh GPU at model time 0: already at its workload's power (it was running before we looked), 35 C.
SIM_HIDDEN void sim_model_start(sim_gpu_state *st, const sim_gpu_params *p);

// Moves the state forward to model time t_ns (no-op if it is not later).
SIM_HIDDEN void sim_model_advance(sim_gpu_state *st, const sim_gpu_params *p, int64_t t_ns);

SIM_HIDDEN sim_demand sim_model_demand(const sim_gpu_params *p, double t_s);

// Mean power over the trailing second (less right after the start: the mean since the start).
SIM_HIDDEN double sim_model_average_w(const sim_gpu_state *st);

SIM_HIDDEN unsigned sim_model_sm_clock_mhz(const sim_gpu_params *p, const sim_demand *d);

// GPU_IDLE, SW_POWER_CAP and SW_THERMAL_SLOWDOWN bits as NVML reports them.
SIM_HIDDEN unsigned long long sim_model_clock_events(const sim_gpu_params *p, const sim_gpu_state *st,
                                                     const sim_demand *d);

#endif
