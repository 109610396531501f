#ifndef GREENCAP_CUDEV_SHIM_H
#define GREENCAP_CUDEV_SHIM_H
#include <libudev.h>
#endif
