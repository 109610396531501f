// libgreencap-nvml-sim.so exports NVML's own entry points (declared in CNVML.h) and nothing else.
// Nothing links against it: the agent, the CLI and the tests dlopen() it exactly as they would
// libnvidia-ml.so.1. See docs/nvml-simulator.md.
#ifndef GREENCAP_NVML_SIMULATOR_H
#define GREENCAP_NVML_SIMULATOR_H
#endif
