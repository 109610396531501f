#ifndef GREENCAP_CMODBUS_SHIM_H
#define GREENCAP_CMODBUS_SHIM_H
#include <modbus/modbus.h>
#include <errno.h>
#endif
