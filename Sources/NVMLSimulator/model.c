// Physics of one simulated H100 SXM. Figures are plausible for an HGX H100 board, not measured ones:
// the point is the shape (lag, caps, energy that adds up), which is what the agent's control loop sees.
#include "model.h"

#include "CNVML.h"

#include <math.h>

static const double TWO_PI = 6.283185307179586;

// Power electronics and the firmware's limiter settle in a fraction of a second.
static const double POWER_TAU_S = 0.25;
// Heatsink and coolant: tens of seconds.
static const double TEMPERATURE_TAU_S = 20.0;
static const double AMBIENT_C = 30.0;
static const double C_PER_W = 0.06;
static const double START_TEMPERATURE_C = 35.0;
static const double THERMAL_SLOWDOWN_C = 87.0;

static const double IDLE_W = 70.0;
static const double TRAINING_W = 690.0;
static const double TRAINING_DIP_W = 300.0;   // checkpoint / all-reduce: compute stalls, power drops
static const double TRAINING_CYCLE_S = 60.0;  // one dip per minute ...
static const double TRAINING_DIP_S = 4.0;     // ... of 4 s, at the end of the minute so a fresh run starts busy
static const double INFERENCE_MID_W = 350.0;
static const double INFERENCE_SWING_W = 150.0;
static const double INFERENCE_PERIOD_S = 30.0;

static const double MAX_SM_MHZ = 1980.0;
static const double MIN_SM_MHZ = 345.0;
static const double CAP_CLOCK_EXPONENT = 0.4; // dynamic power ~ f * V^2 with V falling with f: f ~ P^0.4

static const double WINDOW_NS = 1e9; // the power average's window, as H100 firmware reports it

// Deterministic ripple within +-10 W: two incommensurate sines look like noise on a plot.
static double training_ripple_w(const sim_gpu_params *p, double t) {
    return 6.0 * sin(TWO_PI * t / 1.7 + p->phase) + 4.0 * sin(TWO_PI * t / 0.43 + 2.3 * p->phase);
}

static bool in_training_dip(const sim_gpu_params *p, double t) {
    return fmod(t + p->skew_s, TRAINING_CYCLE_S) >= TRAINING_CYCLE_S - TRAINING_DIP_S;
}

static double sine_w(double low, double high, double period, double phase, double t) {
    return (low + high) / 2.0 + (high - low) / 2.0 * sin(TWO_PI * t / period + phase);
}

// Only the power: the sub-step loop calls this and does not need utilisation.
static double demand_w(const sim_gpu_params *p, double t) {
    const sim_workload *w = &p->workload;
    switch (w->kind) {
    case SIM_WORKLOAD_IDLE:
        return IDLE_W;
    case SIM_WORKLOAD_TRAINING: {
        double ripple = training_ripple_w(p, t);
        return in_training_dip(p, t) ? TRAINING_DIP_W + ripple / 2.0 : TRAINING_W + ripple;
    }
    case SIM_WORKLOAD_INFERENCE:
        return sine_w(INFERENCE_MID_W - INFERENCE_SWING_W, INFERENCE_MID_W + INFERENCE_SWING_W, INFERENCE_PERIOD_S,
                      p->phase, t);
    case SIM_WORKLOAD_CONSTANT:
        return w->low_w;
    case SIM_WORKLOAD_SINE:
        return sine_w(w->low_w, w->high_w, w->period_s, p->phase, t);
    }
    return IDLE_W;
}

static unsigned percent(double x) {
    if (!(x > 0)) return 0;
    if (x >= 100) return 100;
    return (unsigned)lround(x);
}

sim_demand sim_model_demand(const sim_gpu_params *p, double t) {
    const sim_workload *w = &p->workload;
    sim_demand d = {demand_w(p, t), 0, 0};
    double util = 0;
    switch (w->kind) {
    case SIM_WORKLOAD_IDLE:
        return d;
    case SIM_WORKLOAD_TRAINING: {
        // Synchronous data parallel: kernels (NCCL included) run all the time, memory traffic is steady.
        double ripple = training_ripple_w(p, t);
        d.util_gpu = percent(97.0 + 3.0 * (ripple + 10.0) / 20.0);
        d.util_memory = percent(60.0 + 2.0 * ripple / 10.0);
        return d;
    }
    case SIM_WORKLOAD_INFERENCE:
        util = 40.0 + 50.0 * (d.demand_w - (INFERENCE_MID_W - INFERENCE_SWING_W)) / (2.0 * INFERENCE_SWING_W);
        break;
    case SIM_WORKLOAD_CONSTANT:
        util = w->low_w > 100.0 ? 100.0 : w->low_w;
        break;
    case SIM_WORKLOAD_SINE:
        util = w->high_w > w->low_w ? 40.0 + 60.0 * (d.demand_w - w->low_w) / (w->high_w - w->low_w) : 100.0;
        break;
    }
    d.util_gpu = percent(util);
    d.util_memory = percent(0.6 * util);
    return d;
}

static void record_grid_point(sim_gpu_state *st, int64_t k) {
    st->ring_last = k;
    st->ring_j[k % SIM_RING_SIZE] = st->energy_j;
}

void sim_model_start(sim_gpu_state *st, const sim_gpu_params *p) {
    double target = fmin(demand_w(p, 0.0), p->limit_w);
    st->t_ns = 0;
    st->power_w = target > 0 ? target : 0;
    st->energy_j = 0;
    st->temperature_c = START_TEMPERATURE_C;
    for (int i = 0; i < SIM_RING_SIZE; i++) st->ring_j[i] = 0;
    record_grid_point(st, 0);
}

// One sub-step to model time `end`, at most 100 ms long. The demand is held at its midpoint value, so the
// power follows P' = (target - P) / tau, whose exact solution and exact integral we use: no integration
// error whatever the step length, and energy differences equal mean power times time.
static void step(sim_gpu_state *st, const sim_gpu_params *p, int64_t end) {
    int64_t dt = end - st->t_ns;
    double h = (double)dt * 1e-9;
    double mid = (double)(st->t_ns + dt / 2) * 1e-9;
    double target = fmin(demand_w(p, mid), p->limit_w);
    if (target < 0) target = 0;
    double gap = st->power_w - target;
    double em1 = expm1(-h / POWER_TAU_S); // e^(-h/tau) - 1, accurate for the tiny steps of back-to-back calls
    double energy = target * h - gap * POWER_TAU_S * em1;
    if (energy < 0) energy = 0; // rounding only: both ends of the path are >= 0
    st->power_w = target + gap * (1.0 + em1);
    st->energy_j += energy;
    // The die heats toward ambient + k * (mean power over the step).
    double hot = AMBIENT_C + C_PER_W * (energy / h);
    st->temperature_c += (st->temperature_c - hot) * expm1(-h / TEMPERATURE_TAU_S);
    st->t_ns = end;
}

void sim_model_advance(sim_gpu_state *st, const sim_gpu_params *p, int64_t t_ns) {
    while (st->t_ns < t_ns) {
        int64_t next_grid = (st->t_ns / SIM_STEP_NS + 1) * SIM_STEP_NS;
        int64_t end = next_grid < t_ns ? next_grid : t_ns;
        step(st, p, end);
        if (end == next_grid) record_grid_point(st, end / SIM_STEP_NS);
    }
}

// Energy at model time t (within the ring), interpolated linearly between grid points: within 100 ms the
// energy curve is all but straight.
static double energy_at(const sim_gpu_state *st, int64_t t_ns) {
    int64_t k = t_ns / SIM_STEP_NS;
    double frac = (double)(t_ns - k * SIM_STEP_NS) / (double)SIM_STEP_NS;
    double e0 = st->ring_j[k % SIM_RING_SIZE];
    double e1 = k + 1 <= st->ring_last ? st->ring_j[(k + 1) % SIM_RING_SIZE] : st->energy_j;
    return e0 + frac * (e1 - e0);
}

double sim_model_average_w(const sim_gpu_state *st) {
    if (st->t_ns <= 0) return st->power_w;
    if ((double)st->t_ns < WINDOW_NS) return st->energy_j / ((double)st->t_ns * 1e-9);
    // The window start is 10 grid points behind the newest, well inside the 16-slot ring.
    double from = energy_at(st, st->t_ns - (int64_t)WINDOW_NS);
    double mean = (st->energy_j - from) / (WINDOW_NS * 1e-9);
    return mean > 0 ? mean : 0;
}

unsigned sim_model_sm_clock_mhz(const sim_gpu_params *p, const sim_demand *d) {
    if (d->util_gpu == 0) return (unsigned)MIN_SM_MHZ;
    if (d->demand_w <= p->limit_w || d->demand_w <= 0) return (unsigned)MAX_SM_MHZ;
    double mhz = MAX_SM_MHZ * pow(p->limit_w / d->demand_w, CAP_CLOCK_EXPONENT);
    return (unsigned)lround(mhz < MIN_SM_MHZ ? MIN_SM_MHZ : mhz);
}

unsigned long long sim_model_clock_events(const sim_gpu_params *p, const sim_gpu_state *st, const sim_demand *d) {
    unsigned long long reasons = 0;
    if (d->util_gpu == 0) reasons |= GREENCAP_NVML_CLOCK_EVENT_GPU_IDLE;
    if (d->demand_w > p->limit_w) reasons |= GREENCAP_NVML_CLOCK_EVENT_SW_POWER_CAP;
    if (st->temperature_c > THERMAL_SLOWDOWN_C) reasons |= GREENCAP_NVML_CLOCK_EVENT_SW_THERMAL_SLOWDOWN;
    return reasons;
}
