// Intentionally empty: CNVML only carries the NVML types in include/CNVML.h. SwiftPM needs a source file.
#include "CNVML.h"
