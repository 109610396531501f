// Scenario parser: `key = value` lines, `#` comments, optional double quotes. Works on (pointer, length)
// slices of the caller's buffer, never on NUL-terminated copies, so any byte sequence is safe input. Numbers
// are parsed by hand rather than with strtod/strtoul: those need a NUL-terminated string and strtod depends on
// the process locale, which the host application may have changed.
#include "scenario.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
    MAX_LIMIT_W = 10000, // well above any board; bounds every power-valued key
    MAX_SLOW_MS = 10000,
    MAX_INIT_MS = 60000,
    MAX_PERIOD_S = 86400,
    QUOTE_SIZE = 48, // how much of an offending key or value an error message repeats
};

typedef struct {
    const char *ptr;
    size_t len;
} slice;

static slice make_slice(const char *ptr, size_t len) {
    slice s = {ptr, len};
    return s;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static slice trim(slice s) {
    while (s.len > 0 && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && is_space(s.ptr[s.len - 1])) s.len--;
    return s;
}

static bool equals(slice s, const char *word) {
    size_t n = strlen(word);
    return s.len == n && memcmp(s.ptr, word, n) == 0;
}

static bool starts_with(slice s, const char *prefix) {
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

void sim_quote(char *dst, size_t dst_size, const char *text, size_t length) {
    if (dst_size == 0) return;
    size_t room = dst_size - 1;
    bool cut = length > room;
    size_t keep = cut ? (room > 3 ? room - 3 : 0) : length;
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)text[i];
        dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    size_t end = keep;
    if (cut) {
        for (size_t i = 0; i < 3 && end < room; i++) dst[end++] = '.';
    }
    dst[end] = '\0';
}

// Formats "key 'K': <what>" into message. The key is quoted safely whatever bytes it holds.
static bool fail(char *message, size_t size, slice key, const char *format, ...) __attribute__((format(printf, 4, 5)));

static bool fail(char *message, size_t size, slice key, const char *format, ...) {
    char quoted[QUOTE_SIZE];
    sim_quote(quoted, sizeof quoted, key.ptr, key.len);
    char what[SIM_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(what, sizeof what, format, args);
    va_end(args);
    if (size > 0) snprintf(message, size, "key '%s': %s", quoted, what);
    return false;
}

// ---- value parsers: each accepts the whole slice or nothing ----

static bool parse_u64(slice s, uint64_t *out) {
    if (s.len == 0 || s.len > 20) return false;
    uint64_t value = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c < '0' || c > '9') return false;
        uint64_t digit = (uint64_t)(c - '0');
        if (value > (UINT64_MAX - digit) / 10) return false;
        value = value * 10 + digit;
    }
    *out = value;
    return true;
}

static bool parse_uint_in(slice s, unsigned min, unsigned max, unsigned *out) {
    uint64_t value = 0;
    if (!parse_u64(s, &value) || value < min || value > max) return false;
    *out = (unsigned)value;
    return true;
}

// A plain decimal: digits, optionally '.' and more digits. No sign, exponent or locale.
static bool parse_decimal(slice s, double *out) {
    size_t i = 0;
    double value = 0;
    size_t int_digits = 0;
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
        if (++int_digits > 12) return false; // keeps the value far inside double precision
        value = value * 10 + (s.ptr[i] - '0');
        i++;
    }
    if (int_digits == 0) return false;
    if (i < s.len && s.ptr[i] == '.') {
        i++;
        double scale = 0.1;
        size_t frac_digits = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
            if (++frac_digits <= 9) value += (s.ptr[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (frac_digits == 0) return false;
    }
    if (i != s.len) return false;
    *out = value;
    return true;
}

static bool parse_decimal_in(slice s, double min, double max, double *out) {
    double value = 0;
    if (!parse_decimal(s, &value) || value < min || value > max) return false;
    *out = value;
    return true;
}

// Splits s at the first `separator`: *head gets the part before it (trimmed), s advances past it.
static slice next_item(slice *s, char separator) {
    const char *hit = memchr(s->ptr, separator, s->len);
    size_t n = hit ? (size_t)(hit - s->ptr) : s->len;
    slice head = trim(make_slice(s->ptr, n));
    if (hit) {
        s->ptr = hit + 1;
        s->len -= n + 1;
    } else {
        s->ptr += n;
        s->len = 0;
    }
    return head;
}

// workload: idle | training | inference | constant:<W> | sine:<lowW>:<highW>:<periodS>
static bool parse_workload(slice value, sim_workload *out) {
    sim_workload w = {SIM_WORKLOAD_IDLE, 0, 0, 0};
    if (equals(value, "idle")) {
        w.kind = SIM_WORKLOAD_IDLE;
    } else if (equals(value, "training")) {
        w.kind = SIM_WORKLOAD_TRAINING;
    } else if (equals(value, "inference")) {
        w.kind = SIM_WORKLOAD_INFERENCE;
    } else if (starts_with(value, "constant:")) {
        w.kind = SIM_WORKLOAD_CONSTANT;
        slice rest = make_slice(value.ptr + 9, value.len - 9);
        if (!parse_decimal_in(trim(rest), 0, MAX_LIMIT_W, &w.low_w)) return false;
    } else if (starts_with(value, "sine:")) {
        w.kind = SIM_WORKLOAD_SINE;
        slice rest = make_slice(value.ptr + 5, value.len - 5);
        slice low = next_item(&rest, ':');
        slice high = next_item(&rest, ':');
        slice period = trim(rest);
        if (!parse_decimal_in(low, 0, MAX_LIMIT_W, &w.low_w)) return false;
        if (!parse_decimal_in(high, w.low_w, MAX_LIMIT_W, &w.high_w)) return false;
        if (!parse_decimal_in(period, 1, MAX_PERIOD_S, &w.period_s)) return false;
    } else {
        return false;
    }
    *out = w;
    return true;
}

// A comma list of GPU indexes 0..63 into a bit mask; an empty value is the empty set.
static bool parse_index_list(slice value, uint64_t *out) {
    uint64_t mask = 0;
    while (value.len > 0) {
        unsigned index = 0;
        if (!parse_uint_in(next_item(&value, ','), 0, SIM_MAX_GPUS - 1, &index)) return false;
        mask |= UINT64_C(1) << index;
        if (value.len == 0 && value.ptr[-1] == ',') return false; // trailing comma: a missing item
    }
    *out = mask;
    return true;
}

typedef struct {
    const char *word;
    unsigned value;
} choice;

static const choice feature_names[] = {
    {"power_average", SIM_FEATURE_POWER_AVERAGE}, {"power_instant", SIM_FEATURE_POWER_INSTANT},
    {"energy", SIM_FEATURE_ENERGY},               {"temperature", SIM_FEATURE_TEMPERATURE},
    {"utilization", SIM_FEATURE_UTILIZATION},     {"sm_clock", SIM_FEATURE_SM_CLOCK},
    {"limits", SIM_FEATURE_LIMITS},               {"clock_events", SIM_FEATURE_CLOCK_EVENTS},
    {"serial", SIM_FEATURE_SERIAL},
};

static const choice field_values_choices[] = {{"present", 1}, {"absent", 0}};
static const choice set_limit_choices[] = {
    {"ok", SIM_SET_LIMIT_OK},
    {"no_permission", SIM_SET_LIMIT_NO_PERMISSION},
    {"not_supported", SIM_SET_LIMIT_NOT_SUPPORTED},
};
static const choice serial_choices[] = {{"ok", 0}, {"no_permission", 1}};
static const choice init_choices[] = {
    {"ok", SIM_INIT_OK},
    {"driver_not_loaded", SIM_INIT_DRIVER_NOT_LOADED},
    {"lib_rm_version_mismatch", SIM_INIT_LIB_RM_VERSION_MISMATCH},
    {"no_permission", SIM_INIT_NO_PERMISSION},
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static bool parse_choice(slice value, const choice *choices, size_t count, unsigned *out) {
    for (size_t i = 0; i < count; i++) {
        if (equals(value, choices[i].word)) {
            *out = choices[i].value;
            return true;
        }
    }
    return false;
}

// Writes "a|b|c" into dst for error messages.
static void list_choices(char *dst, size_t size, const choice *choices, size_t count) {
    size_t used = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < count && used < size; i++) {
        int n = snprintf(dst + used, size - used, "%s%s", i ? "|" : "", choices[i].word);
        if (n < 0) break;
        used += (size_t)n;
    }
}

static bool parse_feature_list(slice value, unsigned *out) {
    unsigned bits = 0;
    while (value.len > 0) {
        unsigned bit = 0;
        if (!parse_choice(next_item(&value, ','), feature_names, COUNT(feature_names), &bit)) return false;
        bits |= bit;
        if (value.len == 0 && value.ptr[-1] == ',') return false;
    }
    *out = bits;
    return true;
}

// A display string: 1..size-1 printable bytes (UTF-8 allowed), no control characters.
static bool parse_text(slice value, char *dst, size_t size) {
    if (value.len == 0 || value.len >= size) return false;
    for (size_t i = 0; i < value.len; i++) {
        unsigned char c = (unsigned char)value.ptr[i];
        if (c < 0x20 || c == 0x7f) return false;
    }
    memcpy(dst, value.ptr, value.len);
    dst[value.len] = '\0';
    return true;
}

// ---- keys ----

// gpu.N.workload: returns N, or -1 when key is not of that shape, or -2 when N is out of range.
static int per_gpu_workload_index(slice key) {
    if (!starts_with(key, "gpu.")) return -1;
    slice rest = make_slice(key.ptr + 4, key.len - 4);
    const char *dot = memchr(rest.ptr, '.', rest.len);
    if (!dot) return -1;
    slice number = make_slice(rest.ptr, (size_t)(dot - rest.ptr));
    slice suffix = make_slice(dot + 1, rest.len - number.len - 1);
    uint64_t n = 0;
    if (!equals(suffix, "workload") || !parse_u64(number, &n)) return -1;
    return n < SIM_MAX_GPUS ? (int)n : -2;
}

static bool set_choice_key(slice key, slice value, const choice *choices, size_t count, unsigned *out, char *message,
                           size_t size) {
    if (parse_choice(value, choices, count, out)) return true;
    char options[128];
    list_choices(options, sizeof options, choices, count);
    char quoted[QUOTE_SIZE];
    sim_quote(quoted, sizeof quoted, value.ptr, value.len);
    return fail(message, size, key, "expected one of %s, got '%s'", options, quoted);
}

static bool set_watts_key(slice key, slice value, unsigned min_w, unsigned *out_mw, char *message, size_t size) {
    unsigned watts = 0;
    if (!parse_uint_in(value, min_w, MAX_LIMIT_W, &watts)) {
        char quoted[QUOTE_SIZE];
        sim_quote(quoted, sizeof quoted, value.ptr, value.len);
        return fail(message, size, key, "expected whole watts from %u to %d, got '%s'", min_w, MAX_LIMIT_W, quoted);
    }
    *out_mw = watts * 1000u;
    return true;
}

static bool set_uint_key(slice key, slice value, unsigned min, unsigned max, unsigned *out, char *message,
                         size_t size) {
    if (parse_uint_in(value, min, max, out)) return true;
    char quoted[QUOTE_SIZE];
    sim_quote(quoted, sizeof quoted, value.ptr, value.len);
    return fail(message, size, key, "expected an integer from %u to %u, got '%s'", min, max, quoted);
}

static bool set_text_key(slice key, slice value, char *dst, size_t dst_size, char *message, size_t size) {
    if (parse_text(value, dst, dst_size)) return true;
    return fail(message, size, key, "expected 1 to %zu printable characters", dst_size - 1);
}

static bool set_workload_key(slice key, slice value, sim_workload *out, char *message, size_t size) {
    if (parse_workload(value, out)) return true;
    char quoted[QUOTE_SIZE];
    sim_quote(quoted, sizeof quoted, value.ptr, value.len);
    return fail(message, size, key,
                "expected idle, training, inference, constant:<W> or sine:<lowW>:<highW>:<periodS> "
                "(W 0-%d, low <= high, period 1-%d s), got '%s'",
                MAX_LIMIT_W, MAX_PERIOD_S, quoted);
}

// Keys whose value is one word from a fixed list.
static bool set_mode_key(sim_scenario *s, slice key, slice value, char *message, size_t size, bool *handled) {
    unsigned v = 0;
    *handled = true;
    if (equals(key, "field_values")) {
        if (!set_choice_key(key, value, field_values_choices, COUNT(field_values_choices), &v, message, size))
            return false;
        s->field_values_present = v != 0;
    } else if (equals(key, "set_limit")) {
        if (!set_choice_key(key, value, set_limit_choices, COUNT(set_limit_choices), &v, message, size)) return false;
        s->set_limit = (sim_set_limit_mode)v;
    } else if (equals(key, "serial")) {
        if (!set_choice_key(key, value, serial_choices, COUNT(serial_choices), &v, message, size)) return false;
        s->serial_no_permission = v != 0;
    } else if (equals(key, "init")) {
        if (!set_choice_key(key, value, init_choices, COUNT(init_choices), &v, message, size)) return false;
        s->init = (sim_init_mode)v;
    } else {
        *handled = false;
    }
    return true;
}

// Keys that describe the hardware and its limits.
static bool set_node_key(sim_scenario *s, slice key, slice value, char *message, size_t size, bool *handled) {
    *handled = true;
    if (equals(key, "gpus")) return set_uint_key(key, value, 1, SIM_MAX_GPUS, &s->gpus, message, size);
    if (equals(key, "name")) return set_text_key(key, value, s->name, sizeof s->name, message, size);
    if (equals(key, "driver_version"))
        return set_text_key(key, value, s->driver_version, sizeof s->driver_version, message, size);
    if (equals(key, "nvml_version"))
        return set_text_key(key, value, s->nvml_version, sizeof s->nvml_version, message, size);
    if (equals(key, "min_limit_w")) return set_watts_key(key, value, 1, &s->min_limit_mw, message, size);
    if (equals(key, "max_limit_w")) return set_watts_key(key, value, 1, &s->max_limit_mw, message, size);
    if (equals(key, "default_limit_w")) return set_watts_key(key, value, 1, &s->default_limit_mw, message, size);
    if (equals(key, "external_cap_w")) return set_watts_key(key, value, 0, &s->external_cap_mw, message, size);
    if (equals(key, "slow_ms")) return set_uint_key(key, value, 0, MAX_SLOW_MS, &s->slow_ms, message, size);
    if (equals(key, "init_ms")) return set_uint_key(key, value, 0, MAX_INIT_MS, &s->init_ms, message, size);
    if (equals(key, "seed")) {
        if (parse_u64(value, &s->seed)) return true;
        return fail(message, size, key, "expected an unsigned decimal integer below 2^64");
    }
    *handled = false;
    return true;
}

// Keys that describe what runs and what is broken.
static bool set_state_key(sim_scenario *s, slice key, slice value, char *message, size_t size, bool *handled) {
    *handled = true;
    if (equals(key, "workload")) return set_workload_key(key, value, &s->workload, message, size);
    if (equals(key, "lost")) {
        if (parse_index_list(value, &s->lost)) return true;
        return fail(message, size, key, "expected a comma list of GPU indexes 0 to %d, or nothing", SIM_MAX_GPUS - 1);
    }
    if (equals(key, "unsupported")) {
        if (parse_feature_list(value, &s->unsupported)) return true;
        char options[160];
        list_choices(options, sizeof options, feature_names, COUNT(feature_names));
        return fail(message, size, key, "expected a comma list from %s, or nothing", options);
    }
    if (equals(key, "failing")) {
        if (parse_feature_list(value, &s->failing)) return true;
        char options[160];
        list_choices(options, sizeof options, feature_names, COUNT(feature_names));
        return fail(message, size, key, "expected a comma list from %s, or nothing", options);
    }
    if (equals(key, "fail_code")) {
        unsigned code = 0;
        if (!set_uint_key(key, value, 1, 999, &code, message, size)) return false;
        s->fail_code = (int)code;
        return true;
    }
    int index = per_gpu_workload_index(key);
    if (index == -2) return fail(message, size, key, "GPU index must be 0 to %d", SIM_MAX_GPUS - 1);
    if (index >= 0) {
        if (!set_workload_key(key, value, &s->gpu_workload[index], message, size)) return false;
        s->gpu_workload_set |= UINT64_C(1) << index;
        return true;
    }
    *handled = false;
    return true;
}

bool sim_scenario_set(sim_scenario *s, const char *key_ptr, size_t key_length, const char *value_ptr,
                      size_t value_length, char *message, size_t message_size) {
    slice key = make_slice(key_ptr, key_length);
    slice value = make_slice(value_ptr, value_length);
    sim_scenario next = *s; // setters may write part of a field before failing; commit only on success
    bool handled = false;
    bool ok = set_node_key(&next, key, value, message, message_size, &handled);
    if (!handled) ok = set_state_key(&next, key, value, message, message_size, &handled);
    if (!handled) ok = set_mode_key(&next, key, value, message, message_size, &handled);
    if (!handled) {
        char quoted[QUOTE_SIZE];
        sim_quote(quoted, sizeof quoted, key.ptr, key.len);
        if (message_size > 0) snprintf(message, message_size, "unknown key '%s'", quoted);
        return false;
    }
    if (ok) *s = next;
    return ok;
}

// ---- file ----

// Lines of the limit keys, so a cross-key problem can point at the line that made it.
typedef struct {
    unsigned min_line, max_line, default_line;
} limit_lines;

static void remember_limit_line(slice key, unsigned line, limit_lines *lines) {
    if (equals(key, "min_limit_w")) lines->min_line = line;
    if (equals(key, "max_limit_w")) lines->max_line = line;
    if (equals(key, "default_limit_w")) lines->default_line = line;
}

// Splits one line into key and value. Unquoted values end at '#'; quoted values end at the next '"' and
// may contain '#'. There are no escapes.
static bool split_line(slice line, slice *key, slice *value, char *message, size_t size) {
    const char *eq = memchr(line.ptr, '=', line.len);
    if (!eq) {
        char quoted[QUOTE_SIZE];
        sim_quote(quoted, sizeof quoted, line.ptr, line.len);
        snprintf(message, size, "expected 'key = value', got '%s'", quoted);
        return false;
    }
    *key = trim(make_slice(line.ptr, (size_t)(eq - line.ptr)));
    if (key->len == 0) {
        snprintf(message, size, "missing key before '='");
        return false;
    }
    slice raw = trim(make_slice(eq + 1, line.len - (size_t)(eq - line.ptr) - 1));
    if (raw.len > 0 && raw.ptr[0] == '"') {
        const char *close = memchr(raw.ptr + 1, '"', raw.len - 1);
        if (!close) return fail(message, size, *key, "unterminated quoted value");
        *value = make_slice(raw.ptr + 1, (size_t)(close - raw.ptr - 1));
        slice after = trim(make_slice(close + 1, raw.len - (size_t)(close - raw.ptr) - 1));
        if (after.len > 0 && after.ptr[0] != '#') return fail(message, size, *key, "text after the closing quote");
        return true;
    }
    const char *hash = memchr(raw.ptr, '#', raw.len);
    *value = trim(make_slice(raw.ptr, hash ? (size_t)(hash - raw.ptr) : raw.len));
    return true;
}

static bool parse_line(sim_scenario *s, slice line, unsigned number, limit_lines *lines, sim_parse_error *err) {
    line = trim(line);
    if (line.len == 0 || line.ptr[0] == '#') return true;
    err->line = number;
    slice key = {NULL, 0}, value = {NULL, 0};
    if (!split_line(line, &key, &value, err->message, sizeof err->message)) return false;
    if (!sim_scenario_set(s, key.ptr, key.len, value.ptr, value.len, err->message, sizeof err->message)) return false;
    remember_limit_line(key, number, lines);
    return true;
}

static unsigned later(unsigned a, unsigned b) { return a > b ? a : b; }

// min <= default <= max must hold once every key is read, whatever order they came in.
static bool check_limits(const sim_scenario *s, const limit_lines *lines, sim_parse_error *err) {
    unsigned w_min = s->min_limit_mw / 1000, w_max = s->max_limit_mw / 1000, w_default = s->default_limit_mw / 1000;
    if (s->min_limit_mw > s->max_limit_mw) {
        err->line = later(lines->min_line, lines->max_line);
        snprintf(err->message, sizeof err->message, "key '%s': min_limit_w (%u) is above max_limit_w (%u)",
                 err->line == lines->min_line ? "min_limit_w" : "max_limit_w", w_min, w_max);
        return false;
    }
    if (s->default_limit_mw < s->min_limit_mw || s->default_limit_mw > s->max_limit_mw) {
        err->line = later(lines->default_line, later(lines->min_line, lines->max_line));
        const char *key = err->line == lines->default_line ? "default_limit_w"
                          : err->line == lines->min_line  ? "min_limit_w"
                                                          : "max_limit_w";
        snprintf(err->message, sizeof err->message, "key '%s': default_limit_w (%u) is outside [%u, %u]", key,
                 w_default, w_min, w_max);
        return false;
    }
    return true;
}

bool sim_scenario_parse(const char *text, size_t length, sim_scenario *out, sim_parse_error *err) {
    sim_scenario s;
    sim_scenario_default(&s);
    limit_lines lines = {0, 0, 0};
    err->line = 0;
    err->message[0] = '\0';
    unsigned number = 0;
    size_t pos = 0;
    while (pos < length) {
        number++;
        const char *newline = memchr(text + pos, '\n', length - pos);
        size_t end = newline ? (size_t)(newline - text) : length;
        if (!parse_line(&s, make_slice(text + pos, end - pos), number, &lines, err)) return false;
        pos = end + 1;
    }
    if (!check_limits(&s, &lines, err)) return false;
    *out = s;
    return true;
}

void sim_scenario_default(sim_scenario *s) {
    memset(s, 0, sizeof *s);
    s->gpus = 8;
    snprintf(s->name, sizeof s->name, "%s", "NVIDIA H100 80GB HBM3");
    snprintf(s->driver_version, sizeof s->driver_version, "%s", "550.127.05");
    snprintf(s->nvml_version, sizeof s->nvml_version, "%s", "12.550.127.05");
    s->seed = 0;
    s->min_limit_mw = 200000;
    s->max_limit_mw = 700000;
    s->default_limit_mw = 700000;
    s->external_cap_mw = 0;
    s->workload.kind = SIM_WORKLOAD_TRAINING;
    s->field_values_present = true;
    s->set_limit = SIM_SET_LIMIT_OK;
    s->serial_no_permission = false;
    s->init = SIM_INIT_OK;
    s->fail_code = 999; // NVML_ERROR_UNKNOWN: this file stays independent of the NVML header
}

sim_workload sim_scenario_workload(const sim_scenario *s, unsigned index) {
    if (index < SIM_MAX_GPUS && (s->gpu_workload_set >> index & 1u)) return s->gpu_workload[index];
    return s->workload;
}
