// Loading the scenario file and the environment overrides, and noticing when either changes.
// A test rewrites the file to inject a fault mid-run; the next call (at most 20 ms later) sees it.
#define _POSIX_C_SOURCE 200809L
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE // st_mtimespec
#endif

#include "scenario_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const ENV_SCENARIO = "GREENCAP_NVML_SIM_SCENARIO";
static const char *const ENV_GPUS = "GREENCAP_NVML_SIM_GPUS";
static const char *const ENV_WORKLOAD = "GREENCAP_NVML_SIM_WORKLOAD";
static const char *const ENV_SEED = "GREENCAP_NVML_SIM_SEED";

// Refreshes the cached copy of one variable; true when its value differs from the copy.
static bool update_env(sim_env_value *cached, const char *name) {
    const char *value = getenv(name);
    if (!value) value = "";
    size_t length = strnlen(value, SIM_ENV_SIZE);
    bool too_long = length >= SIM_ENV_SIZE;
    size_t keep = too_long ? SIM_ENV_SIZE - 1 : length;
    bool changed =
        too_long != cached->too_long || strncmp(cached->text, value, keep) != 0 || cached->text[keep] != '\0';
    if (changed) {
        memcpy(cached->text, value, keep);
        cached->text[keep] = '\0';
        cached->too_long = too_long;
    }
    return changed;
}

static sim_file_identity identity_of(const struct stat *st) {
    sim_file_identity id;
    memset(&id, 0, sizeof id);
    id.exists = true;
    id.device = st->st_dev;
    id.inode = st->st_ino;
    id.size = st->st_size;
#if defined(__APPLE__)
    id.mtime_sec = (long long)st->st_mtimespec.tv_sec;
    id.mtime_nsec = st->st_mtimespec.tv_nsec;
#else
    id.mtime_sec = (long long)st->st_mtim.tv_sec;
    id.mtime_nsec = st->st_mtim.tv_nsec;
#endif
    return id;
}

static sim_file_identity no_file(void) {
    sim_file_identity id;
    memset(&id, 0, sizeof id);
    return id;
}

static bool same_identity(const sim_file_identity *a, const sim_file_identity *b) {
    if (a->exists != b->exists) return false;
    if (!a->exists) return true;
    return a->device == b->device && a->inode == b->inode && a->size == b->size && a->mtime_sec == b->mtime_sec &&
           a->mtime_nsec == b->mtime_nsec;
}

bool sim_source_changed(sim_source *src, long long now_ns, bool force) {
    long long interval_ns = (long long)SIM_POLL_INTERVAL_MS * 1000000LL;
    if (src->polled && !force && now_ns - src->last_poll_ns < interval_ns) return false;
    bool first = !src->polled;
    src->polled = true;
    src->last_poll_ns = now_ns;

    bool path_changed = update_env(&src->env_path, ENV_SCENARIO);
    // Three statements, not one ||: every cache must be refreshed, not just up to the first that changed.
    bool env_changed = update_env(&src->env_gpus, ENV_GPUS);
    env_changed = update_env(&src->env_workload, ENV_WORKLOAD) || env_changed;
    env_changed = update_env(&src->env_seed, ENV_SEED) || env_changed;

    sim_file_identity now_file = no_file();
    struct stat st;
    if (src->env_path.text[0] != '\0' && !src->env_path.too_long && stat(src->env_path.text, &st) == 0)
        now_file = identity_of(&st);

    src->file_changed |= first || path_changed || !same_identity(&now_file, &src->file);
    src->env_changed |= first || env_changed;
    return src->file_changed || src->env_changed;
}

// Reads the whole file into src->text. Returns the length, or -1 with errno set; -2 when it is too large.
static long read_all(int fd, sim_source *src) {
    size_t used = 0;
    while (used < sizeof src->text) {
        ssize_t n = read(fd, src->text + used, sizeof src->text - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        used += (size_t)n;
    }
    return used > SIM_FILE_MAX ? -2 : (long)used;
}

// The file cannot be used at all: run the default node, as if no file were named.
static void use_default(sim_source *src, const char *path, const char *why) {
    fprintf(stderr, "greencap-nvml-sim: %s: cannot read the scenario file: %s; using the default scenario\n", path,
            why);
    sim_scenario_default(&src->from_file);
}

static void load_file(sim_source *src) {
    const char *path = src->env_path.text;
    src->file = no_file();
    if (src->env_path.too_long) {
        fprintf(stderr, "greencap-nvml-sim: %s is longer than %d bytes; using the default scenario\n", ENV_SCENARIO,
                SIM_ENV_SIZE - 1);
        sim_scenario_default(&src->from_file);
        return;
    }
    if (path[0] == '\0') {
        sim_scenario_default(&src->from_file);
        return;
    }
    // O_NONBLOCK: a FIFO named by mistake must not hang the caller in open().
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        use_default(src, path, strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int fstat_errno = errno;
        close(fd);
        use_default(src, path, strerror(fstat_errno));
        return;
    }
    // Remember the identity from before the read: if the file changes while we read, the next poll differs;
    // if it stays broken (a directory, say), the next poll matches and the problem is reported only once.
    src->file = identity_of(&st);
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        use_default(src, path, "not a regular file");
        return;
    }
    long length = read_all(fd, src);
    int read_errno = errno;
    close(fd);
    if (length == -1) {
        use_default(src, path, strerror(read_errno));
        return;
    }
    if (length == -2) {
        fprintf(stderr, "greencap-nvml-sim: %s: larger than %d bytes; keeping the previous scenario\n", path,
                SIM_FILE_MAX);
        return;
    }
    sim_scenario parsed;
    sim_parse_error err;
    if (sim_scenario_parse(src->text, (size_t)length, &parsed, &err)) {
        src->from_file = parsed;
    } else {
        fprintf(stderr, "greencap-nvml-sim: %s:%u: %s; keeping the previous scenario\n", path, err.line, err.message);
    }
}

// Applies one override; an invalid value is reported (when it just changed) and ignored.
static void apply_override(sim_scenario *s, const char *env_name, const char *key, const sim_env_value *value,
                           bool report) {
    const char *text = value->text;
    size_t length = strlen(text);
    while (length > 0 && (text[0] == ' ' || text[0] == '\t')) {
        text++;
        length--;
    }
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t')) length--;
    if (length == 0 && !value->too_long) return; // unset or empty: no override
    char message[SIM_MESSAGE_SIZE];
    bool ok = !value->too_long && sim_scenario_set(s, key, strlen(key), text, length, message, sizeof message);
    if (ok || !report) return;
    if (value->too_long) snprintf(message, sizeof message, "longer than %d bytes", SIM_ENV_SIZE - 1);
    fprintf(stderr, "greencap-nvml-sim: %s: %s; ignored\n", env_name, message);
}

void sim_source_reload(sim_source *src) {
    if (src->file_changed) load_file(src);
    src->effective = src->from_file;
    apply_override(&src->effective, ENV_GPUS, "gpus", &src->env_gpus, src->env_changed);
    apply_override(&src->effective, ENV_WORKLOAD, "workload", &src->env_workload, src->env_changed);
    apply_override(&src->effective, ENV_SEED, "seed", &src->env_seed, src->env_changed);
    src->file_changed = false;
    src->env_changed = false;
}
